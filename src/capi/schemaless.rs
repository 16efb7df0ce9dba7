//! schemaless
