//! Recursive-descent parser from tokens to [`Statement`].
//!
//! Errors follow TDengine: a bad token gives `0x2600 syntax error near "<rest of sql>"`, a
//! statement that ends too early gives `0x2601 Incomplete SQL statement`, and a recognised but
//! unimplemented construct gives `0x0100` naming the construct (never a silent wrong answer).

use taos_wire::error::{codes, TaosError};

mod ddl;
mod dml;
mod expr;
mod select;

use super::ast::*;
use super::lexer::{tokenize, Tok, Token};

/// Parses one statement (a trailing `;` is allowed).
pub fn parse(sql: &str) -> Result<Statement, TaosError> {
    let toks = tokenize(sql).map_err(|e| {
        if e.incomplete {
            incomplete()
        } else {
            near(sql, e.pos)
        }
    })?;
    let mut p = Parser {
        sql,
        toks,
        i: 0,
        depth: 0,
        ops: 0,
        star_quals: Vec::new(),
    };
    let st = p.statement()?;
    if p.is_sym(";") {
        p.i += 1;
    }
    if !matches!(p.peek(), Tok::Eof) {
        return Err(p.err());
    }
    Ok(st)
}

/// `syntax error near "<sql from pos>"`.
pub fn near(sql: &str, pos: usize) -> TaosError {
    let rest = sql.get(pos..).unwrap_or("");
    TaosError::new(
        codes::TSDB_CODE_PAR_SYNTAX_ERROR,
        format!("syntax error near \"{rest}\""),
    )
}

fn incomplete() -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_PAR_INCOMPLETE_SQL,
        "Incomplete SQL statement",
    )
}

/// The error for a recognised construct the dev server does not implement.
pub fn unsupported(what: &str) -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_OPS_NOT_SUPPORT,
        format!("Operation not supported: {what} is not supported by the dev server"),
    )
}

/// Words that end an expression or a table reference (so they are never taken as aliases).
const CLAUSE_WORDS: &[&str] = &[
    "from",
    "where",
    "partition",
    "group",
    "order",
    "limit",
    "slimit",
    "soffset",
    "offset",
    "interval",
    "sliding",
    "fill",
    "having",
    "join",
    "inner",
    "left",
    "right",
    "full",
    "union",
    "session",
    "state_window",
    "event_window",
    "count_window",
    "range",
    "every",
    "asc",
    "desc",
    "and",
    "or",
    "not",
    "using",
    "tags",
    "values",
    "as",
    "on",
    "nulls",
];

struct Parser<'a> {
    sql: &'a str,
    toks: Vec<Token>,
    i: usize,
    /// Current expression nesting; bounded so hostile input cannot overflow the stack.
    depth: usize,
    /// Binary operators so far: chains build left-deep trees, bounded for the same reason.
    ops: usize,
    /// Qualifiers of `q.*` select items, checked against FROM.
    star_quals: Vec<String>,
}

/// Most binary operators accepted in one statement.
const MAX_OPS: usize = 1000;

/// Deepest expression nesting accepted (parentheses, NOT and unary minus chains).
const MAX_DEPTH: usize = 64;

impl<'a> Parser<'a> {
    fn peek(&self) -> &Tok {
        self.peek_at(0)
    }

    fn peek_at(&self, k: usize) -> &Tok {
        let last = self.toks.len() - 1;
        &self.toks[(self.i + k).min(last)].tok
    }

    fn pos(&self) -> usize {
        let last = self.toks.len() - 1;
        self.toks[self.i.min(last)].pos
    }

    fn end_of_prev(&self) -> usize {
        if self.i == 0 {
            0
        } else {
            self.toks[(self.i - 1).min(self.toks.len() - 1)].end
        }
    }

    /// Moves the current token out (leaving a placeholder) and advances; for literals, whose
    /// text is not needed again.
    fn take(&mut self) -> Tok {
        let last = self.toks.len() - 1;
        if self.i >= last {
            return Tok::Eof;
        }
        let t = std::mem::replace(&mut self.toks[self.i].tok, Tok::Sym(""));
        self.i += 1;
        t
    }

    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }

    /// Syntax error at the current token.
    fn err(&self) -> TaosError {
        if matches!(self.peek(), Tok::Eof) {
            incomplete()
        } else {
            near(self.sql, self.pos())
        }
    }

    fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    fn is_kw_at(&self, k: usize, kw: &str) -> bool {
        matches!(self.peek_at(k), Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), TaosError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Tok::Sym(x) if *x == s)
    }

    fn eat_sym(&mut self, s: &str) -> bool {
        if self.is_sym(s) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), TaosError> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn at_end(&self) -> bool {
        matches!(self.peek(), Tok::Eof) || self.is_sym(";")
    }

    /// An identifier: unquoted → lower-cased, back-quoted → as written.
    fn ident(&mut self) -> Result<String, TaosError> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                self.i += 1;
                Ok(s.to_ascii_lowercase())
            }
            Tok::Quoted(s) if !s.is_empty() => {
                self.i += 1;
                Ok(s)
            }
            _ => Err(self.err()),
        }
    }

    fn table_name(&mut self) -> Result<TableName, TaosError> {
        let first = self.ident()?;
        if self.eat_sym(".") {
            let name = self.ident()?;
            Ok(TableName {
                db: Some(first),
                name,
            })
        } else {
            Ok(TableName {
                db: None,
                name: first,
            })
        }
    }

    fn if_not_exists(&mut self) -> Result<bool, TaosError> {
        if self.eat_kw("if") {
            self.expect_kw("not")?;
            self.expect_kw("exists")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn if_exists(&mut self) -> Result<bool, TaosError> {
        if self.eat_kw("if") {
            self.expect_kw("exists")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn statement(&mut self) -> Result<Statement, TaosError> {
        let word = match self.peek() {
            Tok::Ident(s) => s.to_ascii_lowercase(),
            _ => return Err(self.err()),
        };
        match word.as_str() {
            "create" => {
                self.i += 1;
                self.create()
            }
            "drop" => {
                self.i += 1;
                self.drop()
            }
            "use" => {
                self.i += 1;
                Ok(Statement::Use(self.ident()?))
            }
            "show" => {
                self.i += 1;
                self.show()
            }
            "describe" | "desc" => {
                self.i += 1;
                Ok(Statement::Describe(self.table_name()?))
            }
            "insert" => {
                self.i += 1;
                self.insert()
            }
            "select" => {
                self.i += 1;
                Ok(Statement::Select(Box::new(self.select()?)))
            }
            "delete" => {
                self.i += 1;
                self.expect_kw("from")?;
                let table = self.table_name()?;
                let filter = if self.eat_kw("where") {
                    Some(self.expr()?)
                } else {
                    None
                };
                Ok(Statement::Delete { table, filter })
            }
            "alter" => {
                self.i += 1;
                self.alter()
            }
            "explain" | "grant" | "revoke" | "kill" | "compact" | "flush" | "trim" | "balance"
            | "redistribute" | "split" | "merge" | "reset" | "restore" | "analyze" | "pause"
            | "resume" | "recalculate" | "with" => Err(unsupported(&word.to_ascii_uppercase())),
            _ => Err(self.err()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_database_with_options() {
        let st =
            parse("create database if not exists d1 keep 3650 vgroups 2 precision 'us';").unwrap();
        assert_eq!(
            st,
            Statement::CreateDatabase {
                name: "d1".into(),
                if_not_exists: true,
                precision: Some("us".into()),
                keep_days: Some(3650),
                vgroups: Some(2),
            }
        );
    }

    #[test]
    fn syntax_error_quotes_rest() {
        let e = parse("select * form t").unwrap_err();
        assert_eq!(e.code, codes::TSDB_CODE_PAR_SYNTAX_ERROR);
        assert_eq!(e.message, "syntax error near \"form t\"");
        let e = parse("selec 1").unwrap_err();
        assert_eq!(e.message, "syntax error near \"selec 1\"");
        let e = parse("select * from").unwrap_err();
        assert_eq!(e.code, codes::TSDB_CODE_PAR_INCOMPLETE_SQL);
    }

    #[test]
    fn insert_several_tables() {
        let st = parse(
            "INSERT INTO d.t1 USING d.st TAGS(1, 'a') VALUES (now, 1)(now+1s, -2) t2 (ts, v) values ('2024-01-01 00:00:00', NULL)",
        )
        .unwrap();
        let Statement::Insert(cl) = st else {
            panic!("not insert")
        };
        assert_eq!(cl.len(), 2);
        assert_eq!(cl[0].rows.len(), 2);
        assert_eq!(
            cl[0].rows[1],
            vec![
                Literal::Now {
                    today: false,
                    offsets: vec![(1, "s".into())]
                },
                Literal::Number("-2".into())
            ]
        );
        assert_eq!(cl[0].using.as_ref().unwrap().stable.name, "st");
        assert_eq!(cl[1].columns, Some(vec!["ts".into(), "v".into()]));
        assert_eq!(cl[1].rows[0][1], Literal::Null);
    }

    #[test]
    fn select_clauses() {
        let st = parse("select COUNT(*), avg(v) as a, tbname from st where ts >= now - 1h and v in (1,2) partition by tbname interval(10s) order by a desc limit 5, 10").unwrap();
        let Statement::Select(s) = st else {
            panic!("not select")
        };
        assert_eq!(s.items.len(), 3);
        match &s.items[0] {
            SelectItem::Expr { name, .. } => assert_eq!(name, "count(*)"),
            _ => panic!(),
        }
        assert_eq!(s.interval, Some((10, "s".into())));
        assert_eq!(s.limit, Some(10));
        assert_eq!(s.offset, 5);
        assert!(s.order_by[0].1);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "select {}1{} from t",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        assert_eq!(
            parse(&deep).unwrap_err().code,
            codes::TSDB_CODE_PAR_SYNTAX_ERROR
        );
        let nots = format!("select * from t where {} v = 1", "not ".repeat(100_000));
        assert!(parse(&nots).is_err());
        let negs = format!("select * from t where v = {}1", "- ".repeat(100_000));
        assert!(parse(&negs).is_err());
        let chain = format!(
            "select * from t where {} v = 1",
            "v = 1 and ".repeat(100_000)
        );
        assert!(parse(&chain).is_err());
        let sum = format!("select * from t where v = {}1", "1 + ".repeat(100_000));
        assert!(parse(&sum).is_err());
        let ok = format!(
            "select * from t where {}v = 1{}",
            "(".repeat(50),
            ")".repeat(50)
        );
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn unsupported_constructs() {
        for sql in [
            "select * from a join b on a.ts=b.ts",
            "select * from (select * from t)",
            "alter table t drop column c",
            "select distinct v from t",
            "explain select * from t",
        ] {
            let e = parse(sql).unwrap_err();
            assert_eq!(e.code, codes::TSDB_CODE_OPS_NOT_SUPPORT, "{sql}");
        }
    }
}
