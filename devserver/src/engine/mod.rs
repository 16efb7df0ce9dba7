//! Store and execution.
