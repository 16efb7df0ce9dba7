//! SELECT statements: select list, FROM, WHERE, PARTITION/GROUP BY, INTERVAL, ORDER BY, LIMIT.

use taos_wire::error::{codes, TaosError};

use super::{near, unsupported, Parser, CLAUSE_WORDS};
use crate::sql::ast::*;
use crate::sql::lexer::Tok;

impl Parser<'_> {
    pub(super) fn select(&mut self) -> Result<Select, TaosError> {
        if self.is_kw("distinct") {
            return Err(unsupported("SELECT DISTINCT"));
        }
        let mut items = vec![self.select_item()?];
        while self.eat_sym(",") {
            items.push(self.select_item()?);
        }
        let mut sel = Select {
            items,
            from: None,
            from_alias: None,
            filter: None,
            partition_by: Vec::new(),
            interval: None,
            group_by: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            offset: 0,
        };
        if self.eat_kw("from") {
            if self.is_sym("(") {
                return Err(unsupported("subquery"));
            }
            sel.from = Some(self.table_name()?);
            if self.eat_kw("as") {
                sel.from_alias = Some(self.ident()?);
            } else if let Tok::Ident(w) = self.peek() {
                if !CLAUSE_WORDS.contains(&w.to_ascii_lowercase().as_str()) {
                    sel.from_alias = Some(self.ident()?);
                }
            }
            if self.is_sym(",")
                || self.is_kw("join")
                || self.is_kw("inner")
                || self.is_kw("left")
                || self.is_kw("right")
                || self.is_kw("full")
            {
                return Err(unsupported("JOIN"));
            }
        }
        self.check_star_qualifiers(&sel)?;
        if self.eat_kw("where") {
            sel.filter = Some(self.expr()?);
        }
        if self.eat_kw("partition") {
            self.expect_kw("by")?;
            sel.partition_by = self.expr_list()?;
        }
        if self.eat_kw("interval") {
            self.expect_sym("(")?;
            let (n, u) = match self.bump() {
                Tok::Duration(n, u) => (n, u.to_ascii_lowercase()),
                _ => {
                    self.i -= 1;
                    return Err(self.err());
                }
            };
            let n: i64 = n
                .parse()
                .map_err(|_| near(self.sql, self.toks[self.i - 1].pos))?;
            if self.is_sym(",") {
                return Err(unsupported("INTERVAL offset"));
            }
            self.expect_sym(")")?;
            sel.interval = Some((n, u));
            if self.is_kw("sliding") {
                return Err(unsupported("SLIDING"));
            }
            if self.is_kw("fill") {
                return Err(unsupported("FILL"));
            }
        }
        for w in ["session", "state_window", "event_window", "count_window"] {
            if self.is_kw(w) {
                return Err(unsupported(&w.to_ascii_uppercase()));
            }
        }
        if self.eat_kw("group") {
            self.expect_kw("by")?;
            sel.group_by = self.expr_list()?;
        }
        if self.is_kw("having") {
            return Err(unsupported("HAVING"));
        }
        if self.is_kw("union") {
            return Err(unsupported("UNION"));
        }
        if self.eat_kw("order") {
            self.expect_kw("by")?;
            loop {
                let e = self.expr()?;
                let desc = if self.eat_kw("desc") {
                    true
                } else {
                    self.eat_kw("asc");
                    false
                };
                if self.is_kw("nulls") {
                    return Err(unsupported("NULLS FIRST/LAST"));
                }
                sel.order_by.push((e, desc));
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        if self.is_kw("slimit") {
            return Err(unsupported("SLIMIT"));
        }
        if self.eat_kw("limit") {
            let a = self.uint()?;
            if self.eat_sym(",") {
                let b = self.uint()?;
                sel.offset = a;
                sel.limit = Some(b);
            } else {
                sel.limit = Some(a);
                if self.eat_kw("offset") {
                    sel.offset = self.uint()?;
                }
            }
        }
        if self.is_kw("union") {
            return Err(unsupported("UNION"));
        }
        Ok(sel)
    }

    /// Every `q.*` must name the FROM table: its alias when it has one, else its name
    /// (TDengine: `Table does not exist`).
    fn check_star_qualifiers(&mut self, sel: &Select) -> Result<(), TaosError> {
        for q in std::mem::take(&mut self.star_quals) {
            let known = match (&sel.from_alias, &sel.from) {
                (Some(alias), _) => *alias == q,
                (None, Some(t)) => t.name == q,
                (None, None) => false,
            };
            if !known {
                return Err(TaosError::new(
                    codes::TSDB_CODE_PAR_TABLE_NOT_EXIST,
                    format!("Table does not exist: {q}"),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn uint(&mut self) -> Result<u64, TaosError> {
        match self.peek().clone() {
            Tok::Number(n) => match n.parse::<u64>() {
                Ok(v) => {
                    self.i += 1;
                    Ok(v)
                }
                Err(_) => Err(self.err()),
            },
            _ => Err(self.err()),
        }
    }

    pub(super) fn expr_list(&mut self) -> Result<Vec<Expr>, TaosError> {
        let mut v = vec![self.expr()?];
        while self.eat_sym(",") {
            v.push(self.expr()?);
        }
        Ok(v)
    }

    pub(super) fn select_item(&mut self) -> Result<SelectItem, TaosError> {
        if self.eat_sym("*") {
            return Ok(SelectItem::Star);
        }
        // `q.*`: the columns of the table named (or aliased) `q`; with a single FROM table it
        // is the same as `*` once `q` is checked against FROM.
        if matches!(self.peek(), Tok::Ident(_) | Tok::Quoted(_))
            && matches!(self.peek_at(1), Tok::Sym("."))
            && matches!(self.peek_at(2), Tok::Sym("*"))
        {
            let q = self.ident()?;
            self.i += 2;
            self.star_quals.push(q);
            return Ok(SelectItem::Star);
        }
        let start = self.pos();
        let expr = self.expr()?;
        let end = self.end_of_prev();
        if self.eat_kw("as") {
            let name = self.ident()?;
            return Ok(SelectItem::Expr {
                expr,
                name,
                aliased: true,
            });
        }
        if let Tok::Ident(w) | Tok::Quoted(w) = self.peek() {
            let quoted = matches!(self.peek(), Tok::Quoted(_));
            if quoted || !CLAUSE_WORDS.contains(&w.to_ascii_lowercase().as_str()) {
                let name = self.ident()?;
                return Ok(SelectItem::Expr {
                    expr,
                    name,
                    aliased: true,
                });
            }
        }
        // TDengine names an unaliased column by its (resolved) column name and any other
        // expression by its text as written, truncated to 64 bytes; the shell and clients show
        // it lower-cased (`COUNT(*)` → `count(*)`).
        let name = match &expr {
            Expr::Column(c) => c.clone(),
            _ => {
                let text = self.sql.get(start..end).unwrap_or("");
                let mut cut = text.len().min(64);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text[..cut].to_ascii_lowercase()
            }
        };
        Ok(SelectItem::Expr {
            expr,
            name,
            aliased: false,
        })
    }
}
