//! Pure wire encode/decode for taosAdapter (see ../shared/protocol).
