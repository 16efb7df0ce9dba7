//! stmt2
