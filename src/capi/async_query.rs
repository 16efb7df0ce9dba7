//! async_query
