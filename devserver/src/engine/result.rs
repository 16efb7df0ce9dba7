//! Materialised results and their raw-block encoding.

use taos_wire::types::*;
use taos_wire::{BlockBuilder, ColumnSchema};

use super::column::Column;
use super::{Field, ResultSet, Value};

impl ResultSet {
    /// A result from fields and equally long columns.
    pub(crate) fn from_columns(fields: Vec<Field>, columns: Vec<Column>, precision: u8) -> Self {
        let rows = columns.first().map_or(0, |c| c.len());
        ResultSet {
            fields,
            precision,
            rows,
            columns,
        }
    }

    /// Encodes rows `[start, start + max_rows)` (clipped) as one raw block; empty when no row
    /// falls in the range (zero-row results never produce a block).
    pub(crate) fn encode(&self, start: usize, max_rows: usize) -> Vec<u8> {
        if start >= self.rows || max_rows == 0 {
            return Vec::new();
        }
        let n = max_rows.min(self.rows - start);
        let schema: Vec<ColumnSchema> = self
            .fields
            .iter()
            .map(|f| {
                if is_decimal(f.ty) {
                    ColumnSchema::new(f.ty, decimal_schema_width(f.ty, f.precision, f.scale))
                } else {
                    ColumnSchema::from_user_width(f.ty, f.bytes)
                }
            })
            .collect();
        let mut b = BlockBuilder::with_capacity(schema, n);
        for (c, col) in self.columns.iter().enumerate() {
            for r in start..start + n {
                col.encode_cell(&mut b, c, r);
            }
        }
        b.finish(n, 0)
    }

    /// Cell value (`Null` out of range).
    pub(crate) fn cell(&self, row: usize, col: usize) -> Value {
        match self.columns.get(col) {
            Some(c) if row < self.rows => c.get(row),
            _ => Value::Null,
        }
    }
}

/// TDengine's SQL spelling of a type (REST `column_meta`, DESCRIBE).
pub fn sql_type_name(ty: u8, precision: u8, scale: u8) -> String {
    match ty {
        TSDB_DATA_TYPE_BOOL => "BOOL".into(),
        TSDB_DATA_TYPE_TINYINT => "TINYINT".into(),
        TSDB_DATA_TYPE_SMALLINT => "SMALLINT".into(),
        TSDB_DATA_TYPE_INT => "INT".into(),
        TSDB_DATA_TYPE_BIGINT => "BIGINT".into(),
        TSDB_DATA_TYPE_FLOAT => "FLOAT".into(),
        TSDB_DATA_TYPE_DOUBLE => "DOUBLE".into(),
        TSDB_DATA_TYPE_VARCHAR => "VARCHAR".into(),
        TSDB_DATA_TYPE_TIMESTAMP => "TIMESTAMP".into(),
        TSDB_DATA_TYPE_NCHAR => "NCHAR".into(),
        TSDB_DATA_TYPE_UTINYINT => "TINYINT UNSIGNED".into(),
        TSDB_DATA_TYPE_USMALLINT => "SMALLINT UNSIGNED".into(),
        TSDB_DATA_TYPE_UINT => "INT UNSIGNED".into(),
        TSDB_DATA_TYPE_UBIGINT => "BIGINT UNSIGNED".into(),
        TSDB_DATA_TYPE_JSON => "JSON".into(),
        TSDB_DATA_TYPE_VARBINARY => "VARBINARY".into(),
        TSDB_DATA_TYPE_GEOMETRY => "GEOMETRY".into(),
        TSDB_DATA_TYPE_DECIMAL | TSDB_DATA_TYPE_DECIMAL64 => {
            format!("DECIMAL({precision},{scale})")
        }
        TSDB_DATA_TYPE_BLOB => "BLOB".into(),
        _ => "NULL".into(),
    }
}

/// Builds a result column by column from rows of values (small system results).
pub(crate) fn from_rows(fields: Vec<Field>, rows: &[Vec<Value>], precision: u8) -> ResultSet {
    let mut cols: Vec<Column> = fields
        .iter()
        .map(|f| Column::with_capacity(f.ty, rows.len()).with_scale(f.scale))
        .collect();
    for r in rows {
        for (c, col) in cols.iter_mut().enumerate() {
            col.push(r.get(c).unwrap_or(&Value::Null));
        }
    }
    ResultSet::from_columns(fields, cols, precision)
}

/// The field of a column or tag definition (DECIMAL precision and scale included).
pub(crate) fn def_field(name: &str, d: &crate::sql::ast::ColumnDef) -> Field {
    Field {
        name: name.to_string(),
        ty: d.ty,
        bytes: d.bytes,
        precision: d.precision,
        scale: d.scale,
    }
}

/// A field.
pub(crate) fn field(name: &str, ty: u8, bytes: i64) -> Field {
    Field {
        name: name.to_string(),
        ty,
        bytes,
        precision: 0,
        scale: 0,
    }
}
