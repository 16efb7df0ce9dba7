//! tmq
