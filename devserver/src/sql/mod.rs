//! SQL lexer and parser (TDengine 3 dialect).
//!
//! [`parse`] turns one statement into an [`ast::Statement`]; the engine resolves names and
//! types. Keywords are case-insensitive, unquoted identifiers are lower-cased.

pub mod ast;
pub mod lexer;
pub mod parser;

pub use parser::parse;
