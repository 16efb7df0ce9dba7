//! Safe Rust client: connection, result, stmt, stmt2, sml, tmq.
