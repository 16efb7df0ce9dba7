//! Analysis of a prepared SQL text: insert vs query, the target table or `?`, the
//! `USING stb [(tags)] TAGS (...)` clause, the column list, and where each `?` sits; and the
//! placeholder descriptions (§2.1.1) from the engine's schema (`DESCRIBE`).

use taos_wire::error::{codes, TaosError};
use taos_wire::json::stmt2::{Stmt2FieldInfo, BIND_TYPE_COL, BIND_TYPE_TAG, BIND_TYPE_TBNAME};
use taos_wire::types::*;

use crate::engine::{sql_type_name, Engine, Outcome, Session, Value};
use crate::sql::lexer::{tokenize, Tok, Token};

/// Declared width TDengine reports for the `tbname` placeholder.
const TBNAME_BYTES: i32 = 271;

/// One placeholder's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Column or tag name (`tbname` for the table name).
    pub name: String,
    /// Type code.
    pub ty: u8,
    /// Declared width including the var header (`TAOS_FIELD_ALL.bytes`).
    pub bytes: i32,
    /// Timestamp precision, or DECIMAL precision.
    pub precision: u8,
    /// DECIMAL scale.
    pub scale: u8,
    /// 1 column, 2 tag, 4 table name.
    pub bind_type: i8,
}

impl Param {
    /// The wire form of a `stmt2_prepare` field.
    pub fn info(&self) -> Stmt2FieldInfo {
        Stmt2FieldInfo {
            name: self.name.clone(),
            field_type: self.ty as i8,
            precision: self.precision,
            scale: self.scale,
            bytes: self.bytes,
            bind_type: self.bind_type,
        }
    }
}

/// One value position in a TAGS or VALUES list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// The n-th `?` of its list.
    Param(usize),
    /// A literal written in the SQL (its text).
    Lit(String),
}

/// `USING stb [(tag names)] TAGS (...)`.
#[derive(Debug, Clone)]
pub struct Using {
    /// Super table name as written.
    pub stable: String,
    /// Explicit tag names as written.
    pub tag_names: Option<Vec<String>>,
    /// Tag values.
    pub tags: Vec<Slot>,
}

/// The parts of an `INSERT INTO ... VALUES (...)` statement.
#[derive(Debug, Clone)]
pub struct InsertShape {
    /// Target table as written; `None` for `?`.
    pub table: Option<String>,
    /// Database written before a `?` table name (`db.?`).
    pub table_db: Option<String>,
    /// `INSERT INTO stb (tbname, ...)`: the column list names `tbname` (and maybe tags).
    pub stb_mode: bool,
    /// Auto-create clause.
    pub using: Option<Using>,
    /// Explicit column list as written.
    pub columns: Option<Vec<String>>,
    /// Row values.
    pub values: Vec<Slot>,
}

/// What one position of the VALUES list of an `INSERT INTO stb (tbname, ...)` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The bound table name.
    Tbname,
    /// The n-th tag placeholder.
    Tag(usize),
    /// The n-th column placeholder.
    Col(usize),
    /// A literal.
    Lit(String),
}

/// Placeholder types once the schema is known.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Tag placeholders in order.
    pub tags: Vec<Param>,
    /// Column placeholders in order.
    pub cols: Vec<Param>,
    /// `stb_mode`: the role of each VALUES position, and the fields in placeholder order.
    pub stb: Option<(Vec<Role>, Vec<Param>)>,
}

/// A prepared statement.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The SQL text.
    pub sql: String,
    /// Insert parts (`None` for a query).
    pub insert: Option<InsertShape>,
    /// Byte ranges of the `?` of a query.
    pub marks: Vec<(usize, usize)>,
    /// Types of the placeholders; `None` for an insert into `?` without `USING`, whose types
    /// come from the bound table.
    pub resolved: Option<Resolved>,
}

fn syntax(msg: &str) -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_PAR_SYNTAX_ERROR,
        format!("syntax error near \"{msg}\""),
    )
}

fn is_kw(t: &Token, kw: &str) -> bool {
    matches!(&t.tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
}

fn is_sym(t: &Token, s: &str) -> bool {
    matches!(&t.tok, Tok::Sym(x) if *x == s)
}

struct P<'a> {
    sql: &'a str,
    toks: Vec<Token>,
    i: usize,
    db: Option<String>,
}

impl P<'_> {
    fn peek(&self) -> &Token {
        // tokenize always ends with Eof; stay on it.
        &self.toks[self.i.min(self.toks.len() - 1)]
    }
    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }
    fn rest(&self) -> String {
        self.sql[self.peek().pos.min(self.sql.len())..].to_string()
    }
    fn expect_kw(&mut self, kw: &str) -> Result<(), TaosError> {
        if is_kw(self.peek(), kw) {
            self.bump();
            Ok(())
        } else {
            Err(syntax(&self.rest()))
        }
    }
    fn expect_sym(&mut self, s: &str) -> Result<(), TaosError> {
        if is_sym(self.peek(), s) {
            self.bump();
            Ok(())
        } else {
            Err(syntax(&self.rest()))
        }
    }
    /// `name` or `db.name` as written; `None` for `?` (`db.?` sets `self.db`).
    fn table(&mut self) -> Result<Option<String>, TaosError> {
        if self.peek().tok == Tok::Question {
            self.bump();
            return Ok(None);
        }
        let (a, b, c) = (
            self.peek().clone(),
            self.toks.get(self.i + 1).cloned(),
            self.toks.get(self.i + 2).cloned(),
        );
        if matches!(a.tok, Tok::Ident(_) | Tok::Quoted(_))
            && b.as_ref().is_some_and(|t| is_sym(t, "."))
            && c.as_ref().is_some_and(|t| t.tok == Tok::Question)
        {
            self.db = Some(self.sql[a.pos..a.end].to_string());
            self.bump();
            self.bump();
            self.bump();
            return Ok(None);
        }
        let start = self.peek().pos;
        let mut end;
        loop {
            let t = self.bump();
            if !matches!(t.tok, Tok::Ident(_) | Tok::Quoted(_)) {
                return Err(syntax(&self.sql[t.pos.min(self.sql.len())..]));
            }
            end = t.end;
            if is_sym(self.peek(), ".") {
                self.bump();
            } else {
                break;
            }
        }
        Ok(Some(self.sql[start..end].to_string()))
    }
    /// `(a, b, ...)` of names as written.
    fn names(&mut self) -> Result<Vec<String>, TaosError> {
        self.expect_sym("(")?;
        let mut out = Vec::new();
        loop {
            let t = self.bump();
            match &t.tok {
                Tok::Ident(_) | Tok::Quoted(_) => out.push(self.sql[t.pos..t.end].to_string()),
                _ => return Err(syntax(&self.sql[t.pos.min(self.sql.len())..])),
            }
            if is_sym(self.peek(), ",") {
                self.bump();
            } else {
                break;
            }
        }
        self.expect_sym(")")?;
        Ok(out)
    }
    /// `(v, ?, ...)`: each slot is one `?` or the literal text up to the next `,` / `)`.
    fn slots(&mut self) -> Result<Vec<Slot>, TaosError> {
        self.expect_sym("(")?;
        let mut out = Vec::new();
        let mut n = 0;
        loop {
            let first = self.peek().clone();
            if first.tok == Tok::Question {
                self.bump();
                out.push(Slot::Param(n));
                n += 1;
            } else {
                let mut depth = 0;
                let mut end = first.pos;
                loop {
                    let t = self.peek();
                    if t.tok == Tok::Eof || (depth == 0 && (is_sym(t, ",") || is_sym(t, ")"))) {
                        break;
                    }
                    if t.tok == Tok::Question {
                        return Err(syntax(&self.rest()));
                    }
                    if is_sym(t, "(") {
                        depth += 1;
                    } else if is_sym(t, ")") {
                        depth -= 1;
                    }
                    end = t.end;
                    self.bump();
                }
                if end == first.pos {
                    return Err(syntax(&self.rest()));
                }
                out.push(Slot::Lit(self.sql[first.pos..end].to_string()));
            }
            if is_sym(self.peek(), ",") {
                self.bump();
            } else {
                break;
            }
        }
        self.expect_sym(")")?;
        Ok(out)
    }
}

/// The insert parts (`None` for a query) and the byte ranges of every `?`.
pub type Parsed = (Option<InsertShape>, Vec<(usize, usize)>);

/// Parses the SQL of a `prepare` (no engine access).
pub fn parse(sql: &str) -> Result<Parsed, TaosError> {
    let toks = tokenize(sql).map_err(|e| syntax(sql.get(e.pos..).unwrap_or("")))?;
    let marks: Vec<(usize, usize)> = toks
        .iter()
        .filter(|t| t.tok == Tok::Question)
        .map(|t| (t.pos, t.end))
        .collect();
    let mut p = P {
        sql,
        toks,
        i: 0,
        db: None,
    };
    if !is_kw(p.peek(), "insert") {
        return Ok((None, marks));
    }
    p.bump();
    p.expect_kw("into")?;
    let table = p.table()?;
    let table_db = p.db.take();
    let mut using = None;
    if is_kw(p.peek(), "using") {
        p.bump();
        let stable = p.table()?.ok_or_else(|| syntax(&p.rest()))?;
        let tag_names = if is_sym(p.peek(), "(") {
            Some(p.names()?)
        } else {
            None
        };
        p.expect_kw("tags")?;
        let tags = p.slots()?;
        using = Some(Using {
            stable,
            tag_names,
            tags,
        });
    }
    let columns = if is_sym(p.peek(), "(") {
        Some(p.names()?)
    } else {
        None
    };
    p.expect_kw("values")?;
    let values = p.slots()?;
    if is_sym(p.peek(), ";") {
        p.bump();
    }
    if p.peek().tok != Tok::Eof {
        // Several tables or several rows in one stmt: not what stmt binds.
        return Err(TaosError::new(
            codes::TSDB_CODE_TSC_STMT_CLAUSE_ERROR,
            "only one VALUES clause with placeholders is supported in a prepared insert",
        ));
    }
    let stb_mode = columns
        .as_ref()
        .is_some_and(|c| c.iter().any(|n| n.eq_ignore_ascii_case("tbname")));
    if stb_mode && (table.is_none() || using.is_some()) {
        return Err(syntax("tbname"));
    }
    Ok((
        Some(InsertShape {
            table,
            table_db,
            stb_mode,
            using,
            columns,
            values,
        }),
        marks,
    ))
}

/// A column or tag of a table as DESCRIBE reports it.
#[derive(Debug, Clone)]
struct Col {
    name: String,
    ty: u8,
    declared: i64,
    precision: u8,
    scale: u8,
}

fn text(v: Value) -> String {
    match v {
        Value::Bytes(b) | Value::Json(b) => String::from_utf8_lossy(&b).into_owned(),
        Value::NChar(s) | Value::Decimal(s) => s,
        _ => String::new(),
    }
}

fn type_code(name: &str, declared: i64) -> Option<(u8, u8, u8)> {
    let upper = name.trim().to_ascii_uppercase();
    if let Some(args) = upper.strip_prefix("DECIMAL(") {
        let args = args.trim_end_matches(')');
        let (p, s) = args.split_once(',')?;
        let (p, s): (u8, u8) = (p.trim().parse().ok()?, s.trim().parse().ok()?);
        let ty = if declared == 8 || p <= 18 {
            TSDB_DATA_TYPE_DECIMAL64
        } else {
            TSDB_DATA_TYPE_DECIMAL
        };
        return Some((ty, p, s));
    }
    let base = upper.split('(').next().unwrap_or("").trim();
    let base = match base {
        "BINARY" => "VARCHAR",
        b => b,
    };
    (1..TSDB_DATA_TYPE_MAX)
        .find(|&t| sql_type_name(t, 0, 0) == base)
        .map(|t| (t, 0, 0))
}

/// Columns and tags of `table`, and the database precision.
fn describe(e: &Engine, s: &Session, table: &str) -> Result<(Vec<Col>, Vec<Col>, u8), TaosError> {
    let mut s = s.clone();
    let Outcome::Rows(rs) = e.execute(&mut s, &format!("DESCRIBE {table}"))? else {
        return Err(TaosError::new(
            codes::TSDB_CODE_TSC_INTERNAL_ERROR,
            "DESCRIBE returned no rows",
        ));
    };
    let (mut cols, mut tags) = (Vec::new(), Vec::new());
    for r in 0..rs.num_rows() {
        let name = text(rs.value(r, 0));
        let ty_name = text(rs.value(r, 1));
        let declared = match rs.value(r, 2) {
            Value::Int(i) => i,
            Value::UInt(u) => u as i64,
            _ => 0,
        };
        let (ty, precision, scale) = type_code(&ty_name, declared).ok_or_else(|| {
            TaosError::new(
                codes::TSDB_CODE_TSC_INTERNAL_ERROR,
                format!("unknown column type {ty_name}"),
            )
        })?;
        let c = Col {
            name,
            ty,
            declared,
            precision,
            scale,
        };
        if text(rs.value(r, 3)) == "TAG" {
            tags.push(c);
        } else {
            cols.push(c);
        }
    }
    let precision = match e.execute(&mut s, &format!("SELECT * FROM {table} LIMIT 1"))? {
        Outcome::Rows(rs) => rs.precision(),
        Outcome::Affected(_) => 0,
    };
    Ok((cols, tags, precision))
}

fn strip_quotes(n: &str) -> String {
    let n = n.trim();
    match n.strip_prefix('`').and_then(|x| x.strip_suffix('`')) {
        Some(q) => q.to_string(),
        None => n.to_ascii_lowercase(),
    }
}

fn param(c: &Col, precision: u8, bind_type: i8) -> Param {
    let bytes = if is_decimal(c.ty) {
        if c.ty == TSDB_DATA_TYPE_DECIMAL {
            16
        } else {
            8
        }
    } else {
        internal_width(c.ty, c.declared)
    };
    Param {
        name: c.name.clone(),
        ty: c.ty,
        bytes,
        precision: if c.ty == TSDB_DATA_TYPE_TIMESTAMP {
            precision
        } else {
            c.precision
        },
        scale: c.scale,
        bind_type,
    }
}

/// Picks the described columns named in `names` (all of them when `None`) for the `?` slots.
fn pick(
    all: &[Col],
    names: Option<&Vec<String>>,
    slots: &[Slot],
    precision: u8,
    bind_type: i8,
) -> Result<Vec<Param>, TaosError> {
    let targets: Vec<&Col> = match names {
        Some(ns) => ns
            .iter()
            .map(|n| {
                let want = strip_quotes(n);
                all.iter().find(|c| c.name == want).ok_or_else(|| {
                    TaosError::new(
                        codes::TSDB_CODE_PAR_INVALID_COLUMN,
                        format!("Invalid column name: {want}"),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        None => all.iter().collect(),
    };
    if targets.len() != slots.len() {
        return Err(TaosError::new(
            codes::TSDB_CODE_PAR_INVALID_COLUMNS_NUM,
            "Illegal number of columns",
        ));
    }
    Ok(slots
        .iter()
        .zip(targets)
        .filter(|(s, _)| matches!(s, Slot::Param(_)))
        .map(|(_, c)| param(c, precision, bind_type))
        .collect())
}

/// Placeholder types of `shape`, taking the schema from `table` (the bound table when the
/// statement names `?` without `USING`).
pub fn resolve(
    e: &Engine,
    s: &Session,
    shape: &InsertShape,
    table: Option<&str>,
) -> Result<Resolved, TaosError> {
    let source = match (&shape.using, &shape.table, table) {
        (Some(u), _, _) => u.stable.as_str(),
        (None, Some(t), _) => t.as_str(),
        (None, None, Some(t)) => t,
        (None, None, None) => {
            return Err(TaosError::new(
                codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                "Stmt table name not set",
            ))
        }
    };
    let (cols, tags, precision) = describe(e, s, source)?;
    if shape.stb_mode {
        return resolve_stb(&cols, &tags, precision, shape);
    }
    let tags = match &shape.using {
        Some(u) => pick(
            &tags,
            u.tag_names.as_ref(),
            &u.tags,
            precision,
            BIND_TYPE_TAG,
        )?,
        None => Vec::new(),
    };
    let cols = pick(
        &cols,
        shape.columns.as_ref(),
        &shape.values,
        precision,
        BIND_TYPE_COL,
    )?;
    Ok(Resolved {
        tags,
        cols,
        stb: None,
    })
}

/// `INSERT INTO stb (tbname, c1, t1, ...) VALUES (?, ...)`: roles in column-list order.
fn resolve_stb(
    cols: &[Col],
    tags: &[Col],
    precision: u8,
    shape: &InsertShape,
) -> Result<Resolved, TaosError> {
    let names = shape.columns.as_deref().unwrap_or(&[]);
    if names.len() != shape.values.len() {
        return Err(TaosError::new(
            codes::TSDB_CODE_PAR_INVALID_COLUMNS_NUM,
            "Illegal number of columns",
        ));
    }
    let mut r = Resolved::default();
    let (mut roles, mut fields) = (Vec::new(), Vec::new());
    for (n, slot) in names.iter().zip(&shape.values) {
        let want = strip_quotes(n);
        let lit = match slot {
            Slot::Lit(t) => Some(Role::Lit(t.clone())),
            Slot::Param(_) => None,
        };
        if want == "tbname" {
            let Some(role) = lit else {
                roles.push(Role::Tbname);
                fields.push(tbname_param());
                continue;
            };
            roles.push(role);
        } else if let Some(c) = cols.iter().find(|c| c.name == want) {
            roles.push(lit.unwrap_or(Role::Col(r.cols.len())));
            if matches!(slot, Slot::Param(_)) {
                r.cols.push(param(c, precision, BIND_TYPE_COL));
                fields.push(param(c, precision, BIND_TYPE_COL));
            }
        } else if let Some(c) = tags.iter().find(|c| c.name == want) {
            roles.push(lit.unwrap_or(Role::Tag(r.tags.len())));
            if matches!(slot, Slot::Param(_)) {
                r.tags.push(param(c, precision, BIND_TYPE_TAG));
                fields.push(param(c, precision, BIND_TYPE_TAG));
            }
        } else {
            return Err(TaosError::new(
                codes::TSDB_CODE_PAR_INVALID_COLUMN,
                format!("Invalid column name: {want}"),
            ));
        }
    }
    r.stb = Some((roles, fields));
    Ok(r)
}

fn tbname_param() -> Param {
    Param {
        name: "tbname".into(),
        ty: TSDB_DATA_TYPE_VARCHAR,
        bytes: TBNAME_BYTES,
        precision: 0,
        scale: 0,
        bind_type: BIND_TYPE_TBNAME,
    }
}

impl Prepared {
    /// Parses `sql` and, when the schema is already known, resolves the placeholder types.
    pub fn new(e: &Engine, s: &Session, sql: &str) -> Result<Prepared, TaosError> {
        let (insert, marks) = parse(sql)?;
        if insert.is_none() {
            // TDengine parses a query at prepare: check it with every `?` replaced by 0.
            let mut probe = String::with_capacity(sql.len());
            let mut at = 0;
            for (from, to) in &marks {
                probe.push_str(&sql[at..*from]);
                probe.push('0');
                at = *to;
            }
            probe.push_str(&sql[at..]);
            e.validate(s, probe.trim())?;
        }
        let resolved = match &insert {
            Some(shape) if shape.table.is_some() || shape.using.is_some() => {
                Some(resolve(e, s, shape, None)?)
            }
            _ => None,
        };
        Ok(Prepared {
            sql: sql.to_string(),
            insert,
            marks,
            resolved,
        })
    }

    /// True for INSERT.
    pub fn is_insert(&self) -> bool {
        self.insert.is_some()
    }

    /// True when the table name is a placeholder.
    pub fn has_tbname(&self) -> bool {
        self.insert
            .as_ref()
            .is_some_and(|i| i.table.is_none() || i.stb_mode)
    }

    /// Number of `?` in the SQL.
    pub fn num_marks(&self) -> usize {
        self.marks.len()
    }

    /// The `stmt2_prepare` field list (tbname, tags, columns); `None` for queries.
    pub fn fields(&self, r: &Resolved) -> Vec<Param> {
        if let Some((_, fields)) = &r.stb {
            return fields.clone();
        }
        let mut out = Vec::with_capacity(1 + r.tags.len() + r.cols.len());
        if self.has_tbname() {
            out.push(tbname_param());
        }
        out.extend(r.tags.iter().cloned());
        out.extend(r.cols.iter().cloned());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_insert_shapes() {
        let (i, m) = parse("INSERT INTO ? USING db.stb TAGS (?, 'x') VALUES (?, ?, -1)").unwrap();
        let i = i.unwrap();
        assert_eq!(m.len(), 4);
        assert!(i.table.is_none());
        let u = i.using.unwrap();
        assert_eq!(u.stable, "db.stb");
        assert_eq!(u.tags, vec![Slot::Param(0), Slot::Lit("'x'".into())]);
        assert_eq!(
            i.values,
            vec![Slot::Param(0), Slot::Param(1), Slot::Lit("-1".into())]
        );
        let (i, _) = parse("insert into d1 (ts, v) values(?,?);").unwrap();
        let i = i.unwrap();
        assert_eq!(i.table.as_deref(), Some("d1"));
        assert_eq!(i.columns.unwrap(), vec!["ts", "v"]);
        let (q, m) = parse("select * from t where a > ? and b = ?").unwrap();
        assert!(q.is_none());
        assert_eq!(m.len(), 2);
        assert!(parse("insert into ? values").is_err());
        let (i, _) = parse("insert into db.? using stb tags(1) values (?)").unwrap();
        assert_eq!(i.unwrap().table_db.as_deref(), Some("db"));
        let (i, _) = parse("insert into stb (ts, tbname, t1) values (?, ?, ?)").unwrap();
        assert!(i.unwrap().stb_mode);
        assert!(parse("insert into t values (?) (?)").is_err());
    }

    #[test]
    fn type_names() {
        assert_eq!(type_code("NCHAR", 10), Some((TSDB_DATA_TYPE_NCHAR, 0, 0)));
        assert_eq!(
            type_code("INT UNSIGNED", 4),
            Some((TSDB_DATA_TYPE_UINT, 0, 0))
        );
        assert_eq!(
            type_code("DECIMAL(10,2)", 8),
            Some((TSDB_DATA_TYPE_DECIMAL64, 10, 2))
        );
        assert_eq!(type_code("bogus", 0), None);
    }
}
