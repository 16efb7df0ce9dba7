//! Schemaless value types, column definitions and the schema-widening rules.
//!
//! A batch builds one [`SchemaBuilder`] for the columns and one for the tags of every super
//! table: a new key appends a column/tag (first-seen order), a longer string widens
//! VARCHAR/NCHAR/VARBINARY/GEOMETRY, and a different type for an existing key is
//! `TSDB_CODE_SML_NOT_SAME_TYPE`. [`plan_against_existing`] compares the batch schema with a
//! table that already exists in the database (`TSDB_CODE_SML_INVALID_DATA` on a mismatch).

use std::collections::HashMap;

use taos_wire::error::codes;
use taos_wire::types::*;

/// Longest super-table / child-table name (TSDB_TABLE_NAME_LEN - 1).
pub const MAX_TABLE_NAME_LEN: usize = 192;
/// Longest column / tag name (TSDB_COL_NAME_LEN - 1).
pub const MAX_COL_NAME_LEN: usize = 64;
/// Longest VARCHAR/VARBINARY/GEOMETRY value in bytes (TSDB_MAX_FIELD_LEN - VARSTR_HEADER_SIZE).
pub const MAX_BINARY_LEN: usize = 65517;
/// Longest NCHAR value (TDengine counts the UTF-8 bytes of the text here).
pub const MAX_NCHAR_LEN: usize = (65519 - 2) / 4;
/// Longest row: sum of the column widths in bytes (TSDB_MAX_BYTES_PER_ROW).
pub const MAX_ROW_BYTES: u32 = 65531;
/// Longest tag set: sum of the tag widths in bytes (TSDB_MAX_TAGS_LEN).
pub const MAX_TAGS_BYTES: u32 = 16384;
/// Most columns in a table, timestamp included (TSDB_MAX_COLUMNS).
pub const MAX_COLUMNS: usize = 4096;
/// Most tags in a super table (TSDB_MAX_TAGS).
pub const MAX_TAGS: usize = 128;

/// A parse failure before the line number is attached: TDengine code plus detail text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// TDengine error code (a `taos_wire::error::codes` constant).
    pub code: i32,
    /// What went wrong, in TDengine's wording where it has one.
    pub detail: String,
}

impl ParseError {
    /// Builds an error from a code and detail text.
    pub fn new(code: i32, detail: impl Into<String>) -> Self {
        ParseError {
            code,
            detail: detail.into(),
        }
    }
}

/// One typed schemaless value (a field, a tag or the OpenTSDB `_value`).
#[derive(Debug, Clone, PartialEq)]
pub enum SmlValue {
    /// BOOL
    Bool(bool),
    /// TINYINT
    TinyInt(i8),
    /// SMALLINT
    SmallInt(i16),
    /// INT
    Int(i32),
    /// BIGINT
    BigInt(i64),
    /// TINYINT UNSIGNED
    UTinyInt(u8),
    /// SMALLINT UNSIGNED
    USmallInt(u16),
    /// INT UNSIGNED
    UInt(u32),
    /// BIGINT UNSIGNED
    UBigInt(u64),
    /// FLOAT
    Float(f32),
    /// DOUBLE
    Double(f64),
    /// VARCHAR / BINARY
    VarChar(String),
    /// NCHAR
    NChar(String),
    /// VARBINARY
    VarBinary(Vec<u8>),
    /// GEOMETRY, kept as the WKT text the client sent.
    Geometry(String),
}

impl SmlValue {
    /// TDengine type code (`TSDB_DATA_TYPE_*`).
    pub fn type_code(&self) -> u8 {
        match self {
            SmlValue::Bool(_) => TSDB_DATA_TYPE_BOOL,
            SmlValue::TinyInt(_) => TSDB_DATA_TYPE_TINYINT,
            SmlValue::SmallInt(_) => TSDB_DATA_TYPE_SMALLINT,
            SmlValue::Int(_) => TSDB_DATA_TYPE_INT,
            SmlValue::BigInt(_) => TSDB_DATA_TYPE_BIGINT,
            SmlValue::UTinyInt(_) => TSDB_DATA_TYPE_UTINYINT,
            SmlValue::USmallInt(_) => TSDB_DATA_TYPE_USMALLINT,
            SmlValue::UInt(_) => TSDB_DATA_TYPE_UINT,
            SmlValue::UBigInt(_) => TSDB_DATA_TYPE_UBIGINT,
            SmlValue::Float(_) => TSDB_DATA_TYPE_FLOAT,
            SmlValue::Double(_) => TSDB_DATA_TYPE_DOUBLE,
            SmlValue::VarChar(_) => TSDB_DATA_TYPE_VARCHAR,
            SmlValue::NChar(_) => TSDB_DATA_TYPE_NCHAR,
            SmlValue::VarBinary(_) => TSDB_DATA_TYPE_VARBINARY,
            SmlValue::Geometry(_) => TSDB_DATA_TYPE_GEOMETRY,
        }
    }

    /// Length that decides the column width for variable types (UTF-8 bytes for NCHAR, as
    /// TDengine's client measures it); `None` for fixed-size types.
    pub fn var_len(&self) -> Option<usize> {
        match self {
            SmlValue::VarChar(s) | SmlValue::NChar(s) | SmlValue::Geometry(s) => Some(s.len()),
            SmlValue::VarBinary(b) => Some(b.len()),
            _ => None,
        }
    }

    /// The bytes TDengine feeds to MD5 for this tag value: the raw text/bytes for variable
    /// types, otherwise the little-endian in-memory value of the type's width.
    pub fn md5_bytes(&self) -> Vec<u8> {
        match self {
            SmlValue::Bool(b) => vec![u8::from(*b)],
            SmlValue::TinyInt(v) => v.to_le_bytes().to_vec(),
            SmlValue::SmallInt(v) => v.to_le_bytes().to_vec(),
            SmlValue::Int(v) => v.to_le_bytes().to_vec(),
            SmlValue::BigInt(v) => v.to_le_bytes().to_vec(),
            SmlValue::UTinyInt(v) => v.to_le_bytes().to_vec(),
            SmlValue::USmallInt(v) => v.to_le_bytes().to_vec(),
            SmlValue::UInt(v) => v.to_le_bytes().to_vec(),
            SmlValue::UBigInt(v) => v.to_le_bytes().to_vec(),
            SmlValue::Float(v) => v.to_le_bytes().to_vec(),
            SmlValue::Double(v) => v.to_le_bytes().to_vec(),
            SmlValue::VarChar(s) | SmlValue::NChar(s) | SmlValue::Geometry(s) => {
                s.as_bytes().to_vec()
            }
            SmlValue::VarBinary(b) => b.clone(),
        }
    }

    /// Rejects a variable-length value longer than its type allows
    /// (`TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN`).
    pub fn check_len(&self) -> Result<(), ParseError> {
        let (len, max) = match self {
            SmlValue::NChar(s) => (s.len(), MAX_NCHAR_LEN),
            other => match other.var_len() {
                Some(len) => (len, MAX_BINARY_LEN),
                None => return Ok(()),
            },
        };
        if len > max {
            return Err(ParseError::new(
                codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN,
                format!("value length {len} exceeds the maximum {max}"),
            ));
        }
        Ok(())
    }
}

/// TDengine's type name, for messages.
pub fn type_name(ty: u8) -> &'static str {
    match ty {
        TSDB_DATA_TYPE_BOOL => "BOOL",
        TSDB_DATA_TYPE_TINYINT => "TINYINT",
        TSDB_DATA_TYPE_SMALLINT => "SMALLINT",
        TSDB_DATA_TYPE_INT => "INT",
        TSDB_DATA_TYPE_BIGINT => "BIGINT",
        TSDB_DATA_TYPE_FLOAT => "FLOAT",
        TSDB_DATA_TYPE_DOUBLE => "DOUBLE",
        TSDB_DATA_TYPE_VARCHAR => "VARCHAR",
        TSDB_DATA_TYPE_TIMESTAMP => "TIMESTAMP",
        TSDB_DATA_TYPE_NCHAR => "NCHAR",
        TSDB_DATA_TYPE_UTINYINT => "TINYINT UNSIGNED",
        TSDB_DATA_TYPE_USMALLINT => "SMALLINT UNSIGNED",
        TSDB_DATA_TYPE_UINT => "INT UNSIGNED",
        TSDB_DATA_TYPE_UBIGINT => "BIGINT UNSIGNED",
        TSDB_DATA_TYPE_VARBINARY => "VARBINARY",
        TSDB_DATA_TYPE_GEOMETRY => "GEOMETRY",
        _ => "UNKNOWN",
    }
}

/// True for the types whose width grows with the data.
pub fn is_var_type(ty: u8) -> bool {
    matches!(
        ty,
        TSDB_DATA_TYPE_VARCHAR
            | TSDB_DATA_TYPE_NCHAR
            | TSDB_DATA_TYPE_VARBINARY
            | TSDB_DATA_TYPE_GEOMETRY
    )
}

/// Fixed size in bytes of a non-variable type.
fn fixed_bytes(ty: u8) -> u32 {
    match ty {
        TSDB_DATA_TYPE_BOOL | TSDB_DATA_TYPE_TINYINT | TSDB_DATA_TYPE_UTINYINT => 1,
        TSDB_DATA_TYPE_SMALLINT | TSDB_DATA_TYPE_USMALLINT => 2,
        TSDB_DATA_TYPE_INT | TSDB_DATA_TYPE_UINT | TSDB_DATA_TYPE_FLOAT => 4,
        _ => 8,
    }
}

/// Declared width (the `N` of `VARCHAR(N)` / `NCHAR(N)`) TDengine picks for a value of `len`:
/// the smallest power of two strictly greater than `len` below 1024, the exact length from
/// 1024 on, capped at the type maximum.
pub fn declared_width(ty: u8, len: usize) -> u32 {
    let max = if ty == TSDB_DATA_TYPE_NCHAR {
        MAX_NCHAR_LEN
    } else {
        MAX_BINARY_LEN
    };
    let width = if len < 1024 {
        let mut w = 1usize;
        while w <= len {
            w *= 2;
        }
        w
    } else {
        len
    };
    width.min(max) as u32
}

/// Schema bytes for a type of declared width (2-byte length header; NCHAR stores 4 bytes per
/// character).
pub fn bytes_for_width(ty: u8, width: u32) -> u32 {
    match ty {
        TSDB_DATA_TYPE_NCHAR => width * 4 + 2,
        t if is_var_type(t) => width + 2,
        t => fixed_bytes(t),
    }
}

/// One column or tag of a super table as TDengine would create it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// Column/tag name (case-sensitive).
    pub name: String,
    /// `TSDB_DATA_TYPE_*` code.
    pub ty: u8,
    /// Schema bytes (`VARCHAR(N)` → N + 2, `NCHAR(N)` → 4N + 2, fixed types → their size).
    pub bytes: u32,
}

impl ColumnDef {
    /// A column sized for one value.
    pub fn for_value(name: &str, value: &SmlValue) -> Self {
        let ty = value.type_code();
        let bytes = match value.var_len() {
            Some(len) => bytes_for_width(ty, declared_width(ty, len)),
            None => fixed_bytes(ty),
        };
        ColumnDef {
            name: name.to_string(),
            ty,
            bytes,
        }
    }

    /// The timestamp column (`_ts`).
    pub fn timestamp(name: &str) -> Self {
        ColumnDef {
            name: name.to_string(),
            ty: TSDB_DATA_TYPE_TIMESTAMP,
            bytes: 8,
        }
    }

    /// Declared width for variable types (`N` in `VARCHAR(N)`), the byte size otherwise.
    pub fn width(&self) -> u32 {
        match self.ty {
            TSDB_DATA_TYPE_NCHAR => self.bytes.saturating_sub(2) / 4,
            t if is_var_type(t) => self.bytes.saturating_sub(2),
            _ => self.bytes,
        }
    }

    /// SQL type text, e.g. `NCHAR(8)` or `DOUBLE`.
    pub fn sql_type(&self) -> String {
        if is_var_type(self.ty) {
            format!("{}({})", type_name(self.ty), self.width())
        } else {
            type_name(self.ty).to_string()
        }
    }
}

/// Ordered set of columns (or tags) growing as lines are parsed.
#[derive(Debug, Default, Clone)]
pub struct SchemaBuilder {
    defs: Vec<ColumnDef>,
    index: HashMap<String, usize>,
}

impl SchemaBuilder {
    /// Empty schema.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `value` under `name`: appends a new column, widens a variable one, or fails
    /// with `TSDB_CODE_SML_NOT_SAME_TYPE` when the type differs from the first one seen.
    /// Returns the position of the column.
    pub fn observe(&mut self, name: &str, value: &SmlValue) -> Result<usize, ParseError> {
        let ty = value.type_code();
        if let Some(&pos) = self.index.get(name) {
            let def = &mut self.defs[pos];
            if def.ty != ty {
                return Err(ParseError::new(
                    codes::TSDB_CODE_SML_NOT_SAME_TYPE,
                    format!(
                        "the type is not the same like before: {name} is {} but was {}",
                        type_name(ty),
                        type_name(def.ty)
                    ),
                ));
            }
            if let Some(len) = value.var_len() {
                let bytes = bytes_for_width(ty, declared_width(ty, len));
                if bytes > def.bytes {
                    def.bytes = bytes;
                }
            }
            return Ok(pos);
        }
        let pos = self.defs.len();
        self.defs.push(ColumnDef::for_value(name, value));
        self.index.insert(name.to_string(), pos);
        Ok(pos)
    }

    /// Position of `name`, if present.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// True when no column was recorded.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// The definitions in first-seen order.
    pub fn into_defs(self) -> Vec<ColumnDef> {
        self.defs
    }

    /// The definitions in first-seen order.
    pub fn defs(&self) -> &[ColumnDef] {
        &self.defs
    }
}

/// Checks TDengine's table limits on a finished super-table schema (`columns` includes the
/// timestamp).
pub fn check_limits(columns: &[ColumnDef], tags: &[ColumnDef]) -> Result<(), ParseError> {
    if columns.len() > MAX_COLUMNS {
        return Err(ParseError::new(
            codes::TSDB_CODE_PAR_TOO_MANY_COLUMNS,
            format!("{} columns exceed the maximum {MAX_COLUMNS}", columns.len()),
        ));
    }
    if tags.len() > MAX_TAGS {
        return Err(ParseError::new(
            codes::TSDB_CODE_PAR_INVALID_TAGS_NUM,
            format!("{} tags exceed the maximum {MAX_TAGS}", tags.len()),
        ));
    }
    let row: u64 = columns.iter().map(|c| u64::from(c.bytes)).sum();
    if row > u64::from(MAX_ROW_BYTES) {
        return Err(ParseError::new(
            codes::TSDB_CODE_PAR_INVALID_ROW_LENGTH,
            format!("row length {row} exceeds the maximum {MAX_ROW_BYTES}"),
        ));
    }
    let tag_len: u64 = tags.iter().map(|c| u64::from(c.bytes)).sum();
    if tag_len > u64::from(MAX_TAGS_BYTES) {
        return Err(ParseError::new(
            codes::TSDB_CODE_PAR_INVALID_TAGS_LENGTH,
            format!("tags length {tag_len} exceeds the maximum {MAX_TAGS_BYTES}"),
        ));
    }
    Ok(())
}

/// A change the engine must apply to an existing super table before inserting a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChange {
    /// `ALTER STABLE … ADD COLUMN`.
    AddColumn(ColumnDef),
    /// `ALTER STABLE … ADD TAG`.
    AddTag(ColumnDef),
    /// `ALTER STABLE … MODIFY COLUMN` to a wider variable type.
    WidenColumn(ColumnDef),
    /// `ALTER STABLE … MODIFY TAG` to a wider variable type.
    WidenTag(ColumnDef),
}

/// Compares the batch schema of one super table with the table already in the database and
/// lists the changes TDengine would make. A name whose type differs from the existing
/// column/tag is `TSDB_CODE_SML_INVALID_DATA` ("point type and db type mismatch"); so is a
/// name used as a column in one and as a tag in the other. The batch timestamp column
/// (`wanted_columns[0]`) is matched by position, not name.
pub fn plan_against_existing(
    existing_columns: &[ColumnDef],
    existing_tags: &[ColumnDef],
    wanted_columns: &[ColumnDef],
    wanted_tags: &[ColumnDef],
) -> Result<Vec<SchemaChange>, ParseError> {
    let mut changes = Vec::new();
    let find = |defs: &[ColumnDef], name: &str| defs.iter().position(|d| d.name == name);
    for (is_tag, wanted, mine, other) in [
        (
            false,
            wanted_columns.get(1..).unwrap_or(&[]),
            existing_columns,
            existing_tags,
        ),
        (true, wanted_tags, existing_tags, existing_columns),
    ] {
        for want in wanted {
            if let Some(pos) = find(mine, &want.name) {
                let have = &mine[pos];
                if have.ty != want.ty {
                    return Err(ParseError::new(
                        codes::TSDB_CODE_SML_INVALID_DATA,
                        format!(
                            "point type and db type mismatch. key: {}. point type: {}, db type: {}",
                            want.name,
                            type_name(want.ty),
                            type_name(have.ty)
                        ),
                    ));
                }
                if is_var_type(want.ty) && want.bytes > have.bytes {
                    changes.push(if is_tag {
                        SchemaChange::WidenTag(want.clone())
                    } else {
                        SchemaChange::WidenColumn(want.clone())
                    });
                }
            } else if find(other, &want.name).is_some()
                || (!is_tag
                    && existing_columns
                        .first()
                        .is_some_and(|c| c.name == want.name))
            {
                return Err(ParseError::new(
                    codes::TSDB_CODE_SML_INVALID_DATA,
                    format!("point type and db type mismatch. key: {} is used as both a tag and a column", want.name),
                ));
            } else {
                changes.push(if is_tag {
                    SchemaChange::AddTag(want.clone())
                } else {
                    SchemaChange::AddColumn(want.clone())
                });
            }
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_power_of_two_then_exact() {
        assert_eq!(declared_width(TSDB_DATA_TYPE_VARCHAR, 0), 1);
        assert_eq!(declared_width(TSDB_DATA_TYPE_VARCHAR, 1), 2);
        assert_eq!(declared_width(TSDB_DATA_TYPE_VARCHAR, 6), 8);
        assert_eq!(declared_width(TSDB_DATA_TYPE_VARCHAR, 8), 16);
        assert_eq!(declared_width(TSDB_DATA_TYPE_VARCHAR, 1023), 1024);
        assert_eq!(declared_width(TSDB_DATA_TYPE_VARCHAR, 1024), 1024);
        assert_eq!(declared_width(TSDB_DATA_TYPE_VARCHAR, 5000), 5000);
        assert_eq!(
            declared_width(TSDB_DATA_TYPE_VARCHAR, 70000),
            MAX_BINARY_LEN as u32
        );
        assert_eq!(
            declared_width(TSDB_DATA_TYPE_NCHAR, 20000),
            MAX_NCHAR_LEN as u32
        );
        let c = ColumnDef::for_value("c", &SmlValue::NChar("abc".into()));
        assert_eq!(
            (c.bytes, c.width(), c.sql_type()),
            (4 * 4 + 2, 4, "NCHAR(4)".to_string())
        );
        let c = ColumnDef::for_value("c", &SmlValue::VarChar("passit".into()));
        assert_eq!((c.bytes, c.sql_type()), (8 + 2, "VARCHAR(8)".to_string()));
        let c = ColumnDef::for_value("c", &SmlValue::UInt(1));
        assert_eq!(
            (c.ty, c.bytes, c.sql_type()),
            (13, 4, "INT UNSIGNED".to_string())
        );
    }

    #[test]
    fn builder_adds_widens_and_rejects_type_change() {
        let mut b = SchemaBuilder::new();
        assert_eq!(b.observe("a", &SmlValue::VarChar("x".into())).unwrap(), 0);
        assert_eq!(b.observe("b", &SmlValue::Double(1.0)).unwrap(), 1);
        assert_eq!(
            b.observe("a", &SmlValue::VarChar("longer text".into()))
                .unwrap(),
            0
        );
        assert_eq!(b.defs()[0].bytes, 16 + 2);
        // A shorter value never narrows.
        b.observe("a", &SmlValue::VarChar("y".into())).unwrap();
        assert_eq!(b.defs()[0].bytes, 18);
        let err = b.observe("b", &SmlValue::BigInt(1)).unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_SML_NOT_SAME_TYPE);
        assert!(
            err.detail.contains("BIGINT") && err.detail.contains("DOUBLE"),
            "{}",
            err.detail
        );
        // Names are case-sensitive: "A" is another column.
        assert_eq!(b.observe("A", &SmlValue::BigInt(1)).unwrap(), 2);
        assert_eq!(b.len(), 3);
    }

    #[test]
    fn value_length_limits() {
        assert!(SmlValue::VarChar("a".repeat(MAX_BINARY_LEN))
            .check_len()
            .is_ok());
        let err = SmlValue::VarChar("a".repeat(MAX_BINARY_LEN + 1))
            .check_len()
            .unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN);
        let err = SmlValue::NChar("a".repeat(MAX_NCHAR_LEN + 1))
            .check_len()
            .unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN);
        assert!(SmlValue::Double(1.0).check_len().is_ok());
    }

    #[test]
    fn md5_bytes_are_little_endian_of_type_width() {
        assert_eq!(SmlValue::SmallInt(0x0102).md5_bytes(), vec![2, 1]);
        assert_eq!(
            SmlValue::Double(1.0).md5_bytes(),
            1.0f64.to_le_bytes().to_vec()
        );
        assert_eq!(SmlValue::Bool(true).md5_bytes(), vec![1]);
        assert_eq!(
            SmlValue::NChar("é".into()).md5_bytes(),
            "é".as_bytes().to_vec()
        );
    }

    #[test]
    fn limits_are_enforced() {
        let ts = ColumnDef::timestamp("_ts");
        let wide = ColumnDef {
            name: "s".into(),
            ty: TSDB_DATA_TYPE_VARCHAR,
            bytes: 65519,
        };
        assert!(
            check_limits(&[ts.clone(), wide.clone()], &[]).is_ok(),
            "65527 bytes fit"
        );
        let big = ColumnDef {
            name: "i".into(),
            ty: TSDB_DATA_TYPE_BIGINT,
            bytes: 8,
        };
        let err = check_limits(&[ts.clone(), wide, big], &[]).unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_PAR_INVALID_ROW_LENGTH);
        let many: Vec<ColumnDef> = (0..MAX_COLUMNS)
            .map(|i| ColumnDef {
                name: format!("c{i}"),
                ty: TSDB_DATA_TYPE_BOOL,
                bytes: 1,
            })
            .collect();
        let mut cols = vec![ts.clone()];
        cols.extend(many);
        assert_eq!(
            check_limits(&cols, &[]).unwrap_err().code,
            codes::TSDB_CODE_PAR_TOO_MANY_COLUMNS
        );
        let tags: Vec<ColumnDef> = (0..=MAX_TAGS)
            .map(|i| ColumnDef {
                name: format!("t{i}"),
                ty: TSDB_DATA_TYPE_NCHAR,
                bytes: 6,
            })
            .collect();
        assert_eq!(
            check_limits(std::slice::from_ref(&ts), &tags)
                .unwrap_err()
                .code,
            codes::TSDB_CODE_PAR_INVALID_TAGS_NUM
        );
        let big_tag = ColumnDef {
            name: "t".into(),
            ty: TSDB_DATA_TYPE_NCHAR,
            bytes: 16387 * 4,
        };
        assert_eq!(
            check_limits(&[ts], &[big_tag]).unwrap_err().code,
            codes::TSDB_CODE_PAR_INVALID_TAGS_LENGTH
        );
    }

    #[test]
    fn plan_against_existing_table() {
        let ts = ColumnDef::timestamp("_ts");
        let c1 = ColumnDef::for_value("c1", &SmlValue::BigInt(1));
        let s8 = ColumnDef::for_value("s", &SmlValue::VarChar("abc".into()));
        let t1 = ColumnDef::for_value("t1", &SmlValue::NChar("a".into()));
        let existing_cols = vec![ColumnDef::timestamp("ts"), c1.clone(), s8.clone()];
        let existing_tags = vec![t1.clone()];
        let s_wide = ColumnDef::for_value("s", &SmlValue::VarChar("a".repeat(40)));
        let c2 = ColumnDef::for_value("c2", &SmlValue::Bool(true));
        let t2 = ColumnDef::for_value("t2", &SmlValue::NChar("b".into()));
        let plan = plan_against_existing(
            &existing_cols,
            &existing_tags,
            &[ts.clone(), c1.clone(), s_wide.clone(), c2.clone()],
            &[t1.clone(), t2.clone()],
        )
        .unwrap();
        assert_eq!(
            plan,
            vec![
                SchemaChange::WidenColumn(s_wide),
                SchemaChange::AddColumn(c2),
                SchemaChange::AddTag(t2)
            ]
        );
        let c1_double = ColumnDef::for_value("c1", &SmlValue::Double(1.0));
        let err = plan_against_existing(
            &existing_cols,
            &existing_tags,
            &[ts.clone(), c1_double],
            &[],
        )
        .unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_SML_INVALID_DATA);
        assert!(err.detail.contains("point type and db type mismatch"));
        // A field named like an existing tag.
        let t1_as_col = ColumnDef::for_value("t1", &SmlValue::NChar("x".into()));
        let err = plan_against_existing(&existing_cols, &existing_tags, &[ts, t1_as_col], &[])
            .unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_SML_INVALID_DATA);
    }
}
