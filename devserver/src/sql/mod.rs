//! SQL lexer and parser (TDengine 3 dialect).
