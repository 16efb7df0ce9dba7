//! INSERT statements and VALUES/TAGS literals.

use taos_wire::error::TaosError;

use super::{near, unsupported, Parser};
use crate::sql::ast::*;
use crate::sql::lexer::Tok;

impl Parser<'_> {
    pub(super) fn insert(&mut self) -> Result<Statement, TaosError> {
        self.expect_kw("into")?;
        let mut clauses = Vec::new();
        loop {
            let table = self.table_name()?;
            let using = if self.is_kw("using") {
                Some(self.using_clause(true, table.clone())?)
            } else {
                None
            };
            let columns = if self.is_sym("(") {
                Some(self.name_list()?)
            } else {
                None
            };
            if self.is_kw("select") {
                return Err(unsupported("INSERT ... SELECT"));
            }
            if self.is_kw("file") {
                return Err(unsupported("INSERT ... FILE"));
            }
            self.expect_kw("values")?;
            let mut rows = Vec::new();
            while self.is_sym("(") {
                self.i += 1;
                let mut row = vec![self.literal()?];
                while self.eat_sym(",") {
                    row.push(self.literal()?);
                }
                self.expect_sym(")")?;
                self.eat_sym(",");
                rows.push(row);
            }
            if rows.is_empty() {
                return Err(self.err());
            }
            clauses.push(InsertClause {
                table,
                using,
                columns,
                rows,
            });
            if self.at_end() {
                break;
            }
        }
        Ok(Statement::Insert(clauses))
    }

    /// A literal in VALUES / TAGS: constants, NOW, TODAY(), and `± duration` tails.
    pub(super) fn literal(&mut self) -> Result<Literal, TaosError> {
        let base = match self.peek() {
            Tok::Ident(w) => {
                let w = w.to_ascii_lowercase();
                match w.as_str() {
                    "null" => {
                        self.i += 1;
                        return Ok(Literal::Null);
                    }
                    "true" | "false" => {
                        self.i += 1;
                        return Ok(Literal::Bool(w == "true"));
                    }
                    "now" | "today" => {
                        self.i += 1;
                        if self.eat_sym("(") {
                            self.expect_sym(")")?;
                        } else if w == "today" {
                            return Err(self.err());
                        }
                        Literal::Now {
                            today: w == "today",
                            offsets: Vec::new(),
                        }
                    }
                    _ => return Err(self.err()),
                }
            }
            Tok::Str(_) | Tok::Number(_) => match self.take() {
                Tok::Str(s) => Literal::Str(s),
                Tok::Number(n) => Literal::Number(n),
                _ => return Err(self.err()),
            },
            Tok::Sym("-") | Tok::Sym("+") => {
                let neg = self.is_sym("-");
                self.i += 1;
                match self.peek() {
                    Tok::Number(_) => match self.take() {
                        Tok::Number(n) => Literal::Number(if neg { format!("-{n}") } else { n }),
                        _ => return Err(self.err()),
                    },
                    _ => return Err(self.err()),
                }
            }
            _ => return Err(self.err()),
        };
        let offsets = self.duration_tail()?;
        Ok(match (base, offsets.is_empty()) {
            (b, true) => b,
            (Literal::Now { today, .. }, false) => Literal::Now { today, offsets },
            (b, false) => Literal::Offset(Box::new(b), offsets),
        })
    }

    /// `(+|-) duration` repeated.
    pub(super) fn duration_tail(&mut self) -> Result<Vec<(i64, String)>, TaosError> {
        let mut v = Vec::new();
        while (self.is_sym("+") || self.is_sym("-")) && matches!(self.peek_at(1), Tok::Duration(..))
        {
            let neg = self.is_sym("-");
            self.i += 1;
            if let Tok::Duration(n, u) = self.bump() {
                let val: i64 = n
                    .parse()
                    .map_err(|_| near(self.sql, self.toks[self.i - 1].pos))?;
                v.push((if neg { -val } else { val }, u.to_ascii_lowercase()));
            }
        }
        Ok(v)
    }
}
