//! Syntax tree of the supported statements.

/// `[db.]name`; unquoted parts are lower-cased by the parser, back-quoted parts kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableName {
    /// Database qualifier, if written.
    pub db: Option<String>,
    /// Table name.
    pub name: String,
}

/// A column or tag definition in CREATE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnDef {
    /// Name (lower-cased unless back-quoted).
    pub name: String,
    /// TDengine type code.
    pub ty: u8,
    /// User width (declared length for var types, fixed size otherwise).
    pub bytes: i64,
    /// DECIMAL precision.
    pub precision: u8,
    /// DECIMAL scale.
    pub scale: u8,
}

/// A literal value as written in SQL; conversion to a column type happens in the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `NULL`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// Number text, sign included (`-12`, `1.5e3`, `0x1f`).
    Number(String),
    /// String content as written between the quotes, escapes NOT processed (`'\x..'`
    /// varbinary needs the raw form); see [`crate::sql::lexer::unescape`].
    Str(String),
    /// `NOW` / `NOW()` / `TODAY()` plus a sum of durations (value, unit letter).
    Now {
        /// Whether this is `TODAY()` (midnight) rather than `NOW`.
        today: bool,
        /// Signed offsets.
        offsets: Vec<(i64, String)>,
    },
    /// A timestamp-like literal (number or string) plus durations: `'2024-01-01' + 1d`.
    Offset(Box<Literal>, Vec<(i64, String)>),
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// CREATE DATABASE.
    CreateDatabase {
        /// Name.
        name: String,
        /// IF NOT EXISTS given.
        if_not_exists: bool,
        /// PRECISION option (`ms`, `us`, `ns`).
        precision: Option<String>,
        /// KEEP option in days (the largest of its values).
        keep_days: Option<i64>,
        /// VGROUPS option (unchecked; the engine enforces the range).
        vgroups: Option<i64>,
    },
    /// DROP DATABASE.
    DropDatabase {
        /// Name.
        name: String,
        /// IF EXISTS given.
        if_exists: bool,
    },
    /// USE db.
    Use(String),
    /// SHOW DATABASES.
    ShowDatabases,
    /// SHOW [db.]TABLES / STABLES [LIKE 'pattern'].
    ShowTables {
        /// `SHOW db.TABLES`.
        db: Option<String>,
        /// STABLES rather than TABLES.
        stables: bool,
        /// LIKE pattern.
        like: Option<String>,
    },
    /// CREATE STABLE.
    CreateStable {
        /// Name.
        name: TableName,
        /// IF NOT EXISTS given.
        if_not_exists: bool,
        /// Columns (first must be TIMESTAMP).
        columns: Vec<ColumnDef>,
        /// Tags.
        tags: Vec<ColumnDef>,
    },
    /// CREATE TABLE of a normal table.
    CreateTable {
        /// Name.
        name: TableName,
        /// IF NOT EXISTS given.
        if_not_exists: bool,
        /// Columns.
        columns: Vec<ColumnDef>,
    },
    /// CREATE TABLE ... USING ... (one or more child tables).
    CreateChildTables(Vec<ChildTableDef>),
    /// DROP TABLE of one or more tables, each with its own IF EXISTS.
    DropTables(Vec<(TableName, bool)>),
    /// DROP STABLE.
    DropStable {
        /// IF EXISTS given.
        if_exists: bool,
        /// Supertable.
        name: TableName,
    },
    /// DESCRIBE t.
    Describe(TableName),
    /// INSERT INTO (one or more table clauses).
    Insert(Vec<InsertClause>),
    /// SELECT.
    Select(Box<Select>),
    /// ALTER TABLE / ALTER STABLE.
    Alter {
        /// Table or supertable.
        table: TableName,
        /// Whether ALTER STABLE was written.
        stable: bool,
        /// The change.
        action: AlterAction,
    },
    /// DELETE FROM table [WHERE condition].
    Delete {
        /// Table or supertable.
        table: TableName,
        /// Condition (TDengine allows only the timestamp column in it).
        filter: Option<Expr>,
    },
}

/// What an ALTER TABLE/STABLE changes.
#[derive(Clone, Debug, PartialEq)]
pub enum AlterAction {
    /// ADD COLUMN.
    AddColumn(ColumnDef),
    /// ADD TAG.
    AddTag(ColumnDef),
    /// MODIFY COLUMN name type (only a longer length of the same variable-width type).
    ModifyColumn(ColumnDef),
    /// MODIFY TAG name type (same rule).
    ModifyTag(ColumnDef),
    /// SET TAG name = value (child tables).
    SetTag(String, Literal),
}

/// One `t USING st [(tags)] TAGS (...)` clause.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildTableDef {
    /// IF NOT EXISTS given.
    pub if_not_exists: bool,
    /// Child table.
    pub name: TableName,
    /// Supertable.
    pub stable: TableName,
    /// Explicit tag name list.
    pub tag_names: Option<Vec<String>>,
    /// Tag values.
    pub tags: Vec<Literal>,
}

/// One table's part of an INSERT.
#[derive(Clone, Debug, PartialEq)]
pub struct InsertClause {
    /// Target table.
    pub table: TableName,
    /// Auto-create clause.
    pub using: Option<ChildTableDef>,
    /// Explicit column list.
    pub columns: Option<Vec<String>>,
    /// Rows of literals.
    pub rows: Vec<Vec<Literal>>,
}

/// A SELECT statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    /// Projection.
    pub items: Vec<SelectItem>,
    /// FROM table (absent for `SELECT SERVER_VERSION()` and the like).
    pub from: Option<TableName>,
    /// Alias of the FROM table.
    pub from_alias: Option<String>,
    /// WHERE condition.
    pub filter: Option<Expr>,
    /// PARTITION BY keys.
    pub partition_by: Vec<Expr>,
    /// INTERVAL(value, unit) window.
    pub interval: Option<(i64, String)>,
    /// GROUP BY keys.
    pub group_by: Vec<Expr>,
    /// ORDER BY keys (expression, descending).
    pub order_by: Vec<(Expr, bool)>,
    /// LIMIT count.
    pub limit: Option<u64>,
    /// OFFSET.
    pub offset: u64,
}

/// One projection entry.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectItem {
    /// `*`.
    Star,
    /// An expression with its display name (alias or text as written).
    Expr {
        /// The expression.
        expr: Expr,
        /// Result column name.
        name: String,
        /// Whether `name` came from AS.
        aliased: bool,
    },
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `=`.
    Eq,
    /// `!=`, `<>`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// AND.
    And,
    /// OR.
    Or,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
}

/// Function name under which the parser records the JSON operator `tag->'key'`
/// (`Expr::Func` with the tag and the key string); no identifier can spell it.
pub const JSON_GET: &str = "->";

/// Function name under which the parser records `tag CONTAINS 'key'` (tag, key string).
pub const JSON_CONTAINS: &str = "@contains";

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// Column, tag or pseudo-column name (`tbname`, `_wstart`...), lower-cased unless quoted.
    Column(String),
    /// A literal.
    Literal(Literal),
    /// Function call: lower-cased name, arguments, `*` argument.
    Func {
        /// Name, lower-cased.
        name: String,
        /// Arguments.
        args: Vec<Expr>,
        /// `f(*)`.
        star: bool,
    },
    /// Binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// NOT e.
    Not(Box<Expr>),
    /// Unary minus.
    Neg(Box<Expr>),
    /// e IS [NOT] NULL.
    IsNull(Box<Expr>, bool),
    /// e [NOT] BETWEEN a AND b.
    Between(Box<Expr>, Box<Expr>, Box<Expr>, bool),
    /// e [NOT] IN (list).
    In(Box<Expr>, Vec<Expr>, bool),
    /// e [NOT] LIKE 'pattern'.
    Like(Box<Expr>, String, bool),
}
