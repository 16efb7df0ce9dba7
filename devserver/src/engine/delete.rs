//! DELETE FROM: removal of rows by a time condition.

use taos_wire::error::TaosError;

use super::column::Column;
use super::convert::Ctx;
use super::ddl::session_tz;
use super::errors::*;
use super::expr::*;
use super::{Engine, Outcome, Session};
use crate::sql::ast::{Expr, TableName};

/// Whether an expression references only the timestamp column (and constants).
fn only_ts(e: &CExpr) -> bool {
    match e {
        CExpr::Ref(Ref::Col(0)) | CExpr::Const(_) => true,
        CExpr::Ref(_) => false,
        CExpr::Cmp(_, a, b) | CExpr::And(a, b) | CExpr::Or(a, b) | CExpr::Arith(_, a, b) => {
            only_ts(a) && only_ts(b)
        }
        CExpr::Not(a)
        | CExpr::Neg(a)
        | CExpr::IsNull(a, _)
        | CExpr::Like(a, _, _)
        | CExpr::JsonGet(a, _)
        | CExpr::JsonContains(a, _) => only_ts(a),
        CExpr::Between(a, b, c, _) => only_ts(a) && only_ts(b) && only_ts(c),
        CExpr::In(a, l, _) => only_ts(a) && l.iter().all(only_ts),
    }
}

/// DELETE FROM a table or a supertable's children; affected rows = rows removed.
pub fn delete(
    e: &Engine,
    s: &Session,
    table: &TableName,
    filter: Option<&Expr>,
) -> Result<Outcome, TaosError> {
    let tz = session_tz(s)?;
    let db = e.db_for(s, table.db.as_deref())?;
    let mut data = db.data.write();
    let ctx = Ctx {
        precision: db.precision,
        tz: &tz,
    };
    let (names, cols): (Vec<String>, Vec<crate::sql::ast::ColumnDef>) =
        if let Some(st) = data.stables.get(&table.name) {
            let names = data
                .tables
                .values()
                .filter(|t| t.stable.as_deref() == Some(table.name.as_str()))
                .map(|t| t.name.clone())
                .collect();
            (names, st.columns.to_vec())
        } else if let Some(t) = data.tables.get(&table.name) {
            (vec![t.name.clone()], t.schema.to_vec())
        } else {
            return Err(table_not_exist(&table.name));
        };
    let schema = Schema {
        cols: &cols,
        tags: &[],
    };
    let cond = match filter {
        Some(f) => {
            let c = compile(f, &schema, &ctx, s.current_db.as_deref())?;
            if !only_ts(&c) {
                return Err(err(
                    PAR_INVALID_DELETE_WHERE,
                    "The DELETE statement must only have a definite time window range",
                ));
            }
            Some(c)
        }
        None => None,
    };
    let mut removed = 0i64;
    for n in names {
        let Some(t) = data.tables.get_mut(&n) else {
            continue;
        };
        let keep: Vec<usize> = match &cond {
            None => Vec::new(),
            Some(c) => (0..t.rows()).filter(|&r| !test(c, t, r)).collect(),
        };
        removed += (t.rows() - keep.len()) as i64;
        if keep.len() != t.rows() {
            t.cols = t
                .cols
                .iter()
                .map(|col| {
                    let mut out = Column::with_capacity(col.ty, keep.len()).with_scale(col.scale);
                    for &r in &keep {
                        out.push_from(col, r);
                    }
                    out
                })
                .collect();
        }
    }
    Ok(Outcome::Affected(removed))
}
