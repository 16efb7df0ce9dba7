//! Expressions with operator precedence and nesting limits.

use taos_wire::error::{codes, TaosError};

use super::{unsupported, Parser, CLAUSE_WORDS, MAX_DEPTH, MAX_OPS};
use crate::sql::ast::*;
use crate::sql::lexer::{unescape, Tok};

impl Parser<'_> {
    pub(super) fn expr(&mut self) -> Result<Expr, TaosError> {
        self.depth += 1;
        let r = self.or_expr();
        self.depth -= 1;
        r
    }

    /// Fails once nesting passes [`MAX_DEPTH`].
    pub(super) fn guard(&self) -> Result<(), TaosError> {
        if self.depth > MAX_DEPTH {
            return Err(TaosError::new(
                codes::TSDB_CODE_PAR_SYNTAX_ERROR,
                format!(
                    "syntax error near \"{}\" (expression nested too deeply)",
                    self.sql.get(self.pos()..).unwrap_or("")
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn count_op(&mut self) -> Result<(), TaosError> {
        self.ops += 1;
        if self.ops > MAX_OPS {
            return Err(TaosError::new(
                codes::TSDB_CODE_PAR_SYNTAX_ERROR,
                format!(
                    "syntax error near \"{}\" (too many operators in one statement)",
                    self.sql.get(self.pos()..).unwrap_or("")
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn or_expr(&mut self) -> Result<Expr, TaosError> {
        self.guard()?;
        let mut l = self.and_expr()?;
        while self.eat_kw("or") {
            let r = self.and_expr()?;
            self.count_op()?;
            l = Expr::Binary(BinOp::Or, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    pub(super) fn and_expr(&mut self) -> Result<Expr, TaosError> {
        let mut l = self.not_expr()?;
        while self.eat_kw("and") {
            let r = self.not_expr()?;
            self.count_op()?;
            l = Expr::Binary(BinOp::And, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    pub(super) fn not_expr(&mut self) -> Result<Expr, TaosError> {
        if self.eat_kw("not") {
            self.depth += 1;
            let r = self.guard().and_then(|_| self.not_expr());
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(r?)));
        }
        self.cmp_expr()
    }

    pub(super) fn cmp_expr(&mut self) -> Result<Expr, TaosError> {
        let l = self.add_expr()?;
        let op = match self.peek() {
            Tok::Sym("=") => Some(BinOp::Eq),
            Tok::Sym("!=") | Tok::Sym("<>") => Some(BinOp::Ne),
            Tok::Sym("<") => Some(BinOp::Lt),
            Tok::Sym("<=") => Some(BinOp::Le),
            Tok::Sym(">") => Some(BinOp::Gt),
            Tok::Sym(">=") => Some(BinOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.i += 1;
            let r = self.add_expr()?;
            return Ok(Expr::Binary(op, Box::new(l), Box::new(r)));
        }
        if self.eat_kw("is") {
            let neg = self.eat_kw("not");
            self.expect_kw("null")?;
            return Ok(Expr::IsNull(Box::new(l), neg));
        }
        let negated = if self.is_kw("not")
            && (self.is_kw_at(1, "between") || self.is_kw_at(1, "in") || self.is_kw_at(1, "like"))
        {
            self.i += 1;
            true
        } else {
            false
        };
        if self.eat_kw("between") {
            let lo = self.add_expr()?;
            self.expect_kw("and")?;
            let hi = self.add_expr()?;
            return Ok(Expr::Between(
                Box::new(l),
                Box::new(lo),
                Box::new(hi),
                negated,
            ));
        }
        if self.eat_kw("in") {
            self.expect_sym("(")?;
            if self.is_kw("select") {
                return Err(unsupported("subquery"));
            }
            let list = self.expr_list()?;
            self.expect_sym(")")?;
            return Ok(Expr::In(Box::new(l), list, negated));
        }
        if self.eat_kw("like") {
            return match self.bump() {
                Tok::Str(s) => Ok(Expr::Like(Box::new(l), unescape(&s), negated)),
                _ => {
                    self.i -= 1;
                    Err(self.err())
                }
            };
        }
        if self.eat_kw("contains") {
            // `json_tag CONTAINS 'key'`: whether the key is present.
            let key = self.json_key()?;
            return Ok(Expr::Func {
                name: JSON_CONTAINS.into(),
                args: vec![l, key],
                star: false,
            });
        }
        for w in ["match", "nmatch"] {
            if self.is_kw(w) {
                return Err(unsupported(&w.to_ascii_uppercase()));
            }
        }
        if negated {
            return Err(self.err());
        }
        Ok(l)
    }

    pub(super) fn add_expr(&mut self) -> Result<Expr, TaosError> {
        let mut l = self.mul_expr()?;
        loop {
            let op = if self.is_sym("+") {
                BinOp::Add
            } else if self.is_sym("-") {
                BinOp::Sub
            } else {
                break;
            };
            // `x ± duration` folds into a timestamp literal when x is a literal.
            if matches!(self.peek_at(1), Tok::Duration(..)) {
                if let Expr::Literal(lit) = &l {
                    if matches!(
                        lit,
                        Literal::Now { .. } | Literal::Str(_) | Literal::Number(_)
                    ) || matches!(lit, Literal::Offset(..))
                    {
                        let tail = self.duration_tail()?;
                        l = Expr::Literal(match lit.clone() {
                            Literal::Now { today, mut offsets } => {
                                offsets.extend(tail);
                                Literal::Now { today, offsets }
                            }
                            Literal::Offset(b, mut offsets) => {
                                offsets.extend(tail);
                                Literal::Offset(b, offsets)
                            }
                            other => Literal::Offset(Box::new(other), tail),
                        });
                        continue;
                    }
                }
                return Err(unsupported("duration arithmetic on a column"));
            }
            self.i += 1;
            let r = self.mul_expr()?;
            self.count_op()?;
            l = Expr::Binary(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    pub(super) fn mul_expr(&mut self) -> Result<Expr, TaosError> {
        let mut l = self.unary()?;
        loop {
            let op = if self.is_sym("*") {
                BinOp::Mul
            } else if self.is_sym("/") {
                BinOp::Div
            } else if self.is_sym("%") {
                return Err(unsupported("operator %"));
            } else {
                break;
            };
            self.i += 1;
            let r = self.unary()?;
            self.count_op()?;
            l = Expr::Binary(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    pub(super) fn unary(&mut self) -> Result<Expr, TaosError> {
        if self.is_sym("-") {
            self.i += 1;
            if let Tok::Number(n) = self.peek().clone() {
                self.i += 1;
                return Ok(Expr::Literal(Literal::Number(format!("-{n}"))));
            }
            self.depth += 1;
            let r = self.guard().and_then(|_| self.unary());
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(r?)));
        }
        if self.eat_sym("+") {
            self.depth += 1;
            let r = self.guard().and_then(|_| self.unary());
            self.depth -= 1;
            return r;
        }
        self.primary()
    }

    pub(super) fn primary(&mut self) -> Result<Expr, TaosError> {
        match self.peek().clone() {
            Tok::Number(n) => {
                self.i += 1;
                Ok(Expr::Literal(Literal::Number(n)))
            }
            Tok::Str(s) => {
                self.i += 1;
                Ok(Expr::Literal(Literal::Str(s)))
            }
            Tok::Sym("(") => {
                self.i += 1;
                if self.is_kw("select") {
                    return Err(unsupported("subquery"));
                }
                let e = self.expr()?;
                self.expect_sym(")")?;
                Ok(e)
            }
            Tok::Quoted(_) => {
                let name = self.ident()?;
                self.qualified(name)
            }
            Tok::Ident(w) => {
                let lw = w.to_ascii_lowercase();
                match lw.as_str() {
                    "null" => {
                        self.i += 1;
                        return Ok(Expr::Literal(Literal::Null));
                    }
                    "true" | "false" => {
                        self.i += 1;
                        return Ok(Expr::Literal(Literal::Bool(lw == "true")));
                    }
                    "now" | "today" if !matches!(self.peek_at(1), Tok::Sym("(")) => {
                        if lw == "today" {
                            return Err(self.err());
                        }
                        self.i += 1;
                        return Ok(Expr::Literal(Literal::Now {
                            today: false,
                            offsets: Vec::new(),
                        }));
                    }
                    "case" => return Err(unsupported("CASE")),
                    "cast" if matches!(self.peek_at(1), Tok::Sym("(")) => {
                        return Err(unsupported("CAST"))
                    }
                    _ => {}
                }
                if CLAUSE_WORDS.contains(&lw.as_str()) && lw != "offset" && lw != "range" {
                    return Err(self.err());
                }
                if matches!(self.peek_at(1), Tok::Sym("(")) {
                    self.i += 2;
                    if lw == "now" || lw == "today" {
                        self.expect_sym(")")?;
                        return Ok(Expr::Literal(Literal::Now {
                            today: lw == "today",
                            offsets: Vec::new(),
                        }));
                    }
                    let mut args = Vec::new();
                    let mut star = false;
                    if self.eat_sym("*") {
                        star = true;
                    } else if !self.is_sym(")") {
                        args = self.expr_list()?;
                    }
                    self.expect_sym(")")?;
                    return Ok(Expr::Func {
                        name: lw,
                        args,
                        star,
                    });
                }
                let name = self.ident()?;
                self.qualified(name)
            }
            Tok::Question => Err(unsupported("parameter placeholder '?' outside stmt")),
            _ => Err(self.err()),
        }
    }

    /// `name` or `qualifier.name` (the qualifier is a table alias; it is dropped), either
    /// optionally followed by the JSON operator `->'key'`.
    pub(super) fn qualified(&mut self, first: String) -> Result<Expr, TaosError> {
        let col = if self.eat_sym(".") {
            if self.is_sym("*") {
                // `q.*` is only valid as a whole select-list item.
                return Err(self.err());
            }
            self.ident()?
        } else {
            first
        };
        if self.eat_sym("->") {
            // TDengine's grammar: column_reference NK_ARROW NK_STRING.
            let key = self.json_key()?;
            return Ok(Expr::Func {
                name: JSON_GET.into(),
                args: vec![Expr::Column(col), key],
                star: false,
            });
        }
        Ok(Expr::Column(col))
    }

    /// The string literal naming a JSON key (after `->` or CONTAINS).
    fn json_key(&mut self) -> Result<Expr, TaosError> {
        match self.peek().clone() {
            Tok::Str(s) => {
                self.i += 1;
                Ok(Expr::Literal(Literal::Str(s)))
            }
            _ => Err(self.err()),
        }
    }
}
