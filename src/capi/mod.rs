//! The extern "C" surface of taos.h, one file per area.
