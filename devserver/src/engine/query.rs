//! SELECT: scan, filter, projection, ORDER BY, LIMIT; aggregates live in `aggregate`.

use std::cmp::Ordering;

use taos_wire::error::TaosError;
use taos_wire::types::*;

use super::column::Column;
use super::convert::Ctx;
use super::ddl::session_tz;
use super::errors::*;
use super::expr::*;
use super::result::{def_field, field, from_rows};
use super::store::{DbData, Table};
use super::{Engine, Field, ResultSet, Session, Value};
use crate::sql::ast::{Expr, Literal, Select, SelectItem, JSON_GET};
use crate::sql::parser::unsupported;

/// Executes a SELECT.
pub fn select(e: &Engine, s: &Session, sel: &Select) -> Result<ResultSet, TaosError> {
    let tz = session_tz(s)?;
    let Some(from) = &sel.from else {
        let ctx = Ctx {
            precision: 0,
            tz: &tz,
        };
        return select_constants(s, sel, &ctx);
    };
    if super::system::is_system(from, s) {
        if sel.items.iter().any(|i| matches!(i, SelectItem::Star)) {
            return Err(unsupported(
                "SELECT * from information_schema tables (name the columns)",
            ));
        }
        let t = super::system::system_table(e, &from.name)?;
        let ctx = Ctx {
            precision: 0,
            tz: &tz,
        };
        let src = Source {
            tables: vec![&t],
            cols: t.schema.to_vec(),
            tags: Vec::new(),
            is_stable: false,
        };
        return run(sel, &src, &ctx, s, 0);
    }
    let db = e.db_for(s, from.db.as_deref())?;
    let data = db.data.read();
    let ctx = Ctx {
        precision: db.precision,
        tz: &tz,
    };
    let src = Source::new(&data, &from.name)?;
    run(sel, &src, &ctx, s, db.precision)
}

/// Filters the source's rows and projects or aggregates them.
pub(super) fn run(
    sel: &Select,
    src: &Source,
    ctx: &Ctx,
    s: &Session,
    precision: u8,
) -> Result<ResultSet, TaosError> {
    let schema = Schema {
        cols: &src.cols,
        tags: &src.tags,
    };
    let filter = sel
        .filter
        .as_ref()
        .map(|f| compile(f, &schema, ctx, s.current_db.as_deref()))
        .transpose()?;
    // Selected rows as (table index, row index), table by table in timestamp order.
    let mut rows: Vec<(usize, usize)> = Vec::new();
    for (ti, t) in src.tables.iter().enumerate() {
        let n = t.rows();
        match &filter {
            None => rows.extend((0..n).map(|r| (ti, r))),
            Some(f) => rows.extend((0..n).filter(|&r| test(f, t, r)).map(|r| (ti, r))),
        }
    }
    let agg = sel.interval.is_some()
        || !sel.group_by.is_empty()
        || sel.items.iter().any(|i| match i {
            SelectItem::Expr { expr, .. } => has_agg(expr),
            SelectItem::Star => false,
        });
    if agg {
        super::aggregate::aggregate(sel, src, &schema, ctx, s, &rows, precision)
    } else {
        project(sel, src, &schema, ctx, s, rows, precision)
    }
}

/// The tables a query reads and their schema.
pub(super) struct Source<'a> {
    pub(super) tables: Vec<&'a Table>,
    pub(super) cols: Vec<crate::sql::ast::ColumnDef>,
    tags: Vec<crate::sql::ast::ColumnDef>,
    is_stable: bool,
}

impl<'a> Source<'a> {
    /// A source over one table with an explicit schema; `is_stable` makes `*` include tags
    /// (used by TMQ topics, which evaluate their select over the rows of one write).
    pub(super) fn single(
        t: &'a Table,
        cols: Vec<crate::sql::ast::ColumnDef>,
        tags: Vec<crate::sql::ast::ColumnDef>,
        is_stable: bool,
    ) -> Self {
        Source {
            tables: vec![t],
            cols,
            tags,
            is_stable,
        }
    }

    fn new(data: &'a DbData, name: &str) -> Result<Self, TaosError> {
        if let Some(st) = data.stables.get(name) {
            let tables = data
                .tables
                .values()
                .filter(|t| t.stable.as_deref() == Some(name))
                .collect();
            return Ok(Source {
                tables,
                cols: st.columns.to_vec(),
                tags: st.tags.to_vec(),
                is_stable: true,
            });
        }
        let t = data.tables.get(name).ok_or_else(|| table_not_exist(name))?;
        let tags = t
            .stable
            .as_ref()
            .and_then(|s| data.stables.get(s))
            .map(|st| st.tags.to_vec())
            .unwrap_or_default();
        Ok(Source {
            tables: vec![t],
            cols: t.schema.to_vec(),
            tags,
            is_stable: false,
        })
    }
}

/// One output column of a projection.
enum Out {
    Ref(crate::engine::expr::Ref),
    Const(Value),
    /// A per-row expression (`tag->'key'`).
    Eval(CExpr),
}

/// User width of a JSON tag (TDengine's DESCRIBE shows 4095), also used for `->` results.
const JSON_TAG_BYTES: i64 = 4095;

fn const_field(name: &str, v: &Value) -> Result<Field, TaosError> {
    let (ty, bytes) = match v {
        Value::Bool(_) => (TSDB_DATA_TYPE_BOOL, 1),
        Value::Int(_) => (TSDB_DATA_TYPE_BIGINT, 8),
        Value::UInt(_) => (TSDB_DATA_TYPE_UBIGINT, 8),
        Value::Float(_) => (TSDB_DATA_TYPE_FLOAT, 4),
        Value::Double(_) => (TSDB_DATA_TYPE_DOUBLE, 8),
        Value::Timestamp(_) => (TSDB_DATA_TYPE_TIMESTAMP, 8),
        Value::Bytes(b) => (TSDB_DATA_TYPE_VARCHAR, b.len() as i64),
        Value::NChar(s) => (TSDB_DATA_TYPE_NCHAR, s.chars().count() as i64),
        Value::Null | Value::Json(_) | Value::Decimal(_) => {
            return Err(unsupported("a NULL/JSON constant in the select list"))
        }
    };
    Ok(field(name, ty, bytes))
}

/// A constant select-list item (literal or a constant function).
pub(super) fn const_item(
    expr: &Expr,
    s: &Session,
    ctx: &Ctx,
) -> Result<Option<(Value, u8, i64)>, TaosError> {
    Ok(match expr {
        Expr::Literal(l) => {
            let v = literal_value(l, ctx)?;
            Some((v, 0, 0))
        }
        Expr::Func { name, args, .. } if args.is_empty() && !AGG_FUNCS.contains(&name.as_str()) => {
            match const_func(name, s.current_db.as_deref(), ctx) {
                Some(x) => Some(x),
                None if name == "client_version" => {
                    return Err(unsupported(
                        "CLIENT_VERSION() (answered by the client library, not the server)",
                    ))
                }
                None => return Err(unsupported(&format!("function {name}"))),
            }
        }
        _ => None,
    })
}

pub(super) fn item_field(name: &str, v: &Value, ty: u8, bytes: i64) -> Result<Field, TaosError> {
    if ty != 0 {
        return Ok(field(name, ty, bytes));
    }
    const_field(name, v)
}

/// `SELECT <constants>` without FROM.
fn select_constants(s: &Session, sel: &Select, ctx: &Ctx) -> Result<ResultSet, TaosError> {
    if sel.filter.is_some() || !sel.group_by.is_empty() || sel.interval.is_some() {
        return Err(unsupported("WHERE/GROUP BY/INTERVAL without FROM"));
    }
    let mut fields = Vec::new();
    let mut row = Vec::new();
    for it in &sel.items {
        let SelectItem::Expr { expr, name, .. } = it else {
            return Err(unsupported("SELECT * without FROM"));
        };
        match const_item(expr, s, ctx)? {
            Some((v, ty, bytes)) => {
                fields.push(item_field(name, &v, ty, bytes)?);
                row.push(v);
            }
            None => {
                if let Expr::Column(c) = expr {
                    return Err(invalid_column(c));
                }
                return Err(unsupported("this expression without FROM"));
            }
        }
    }
    let keep = sel.offset == 0 && sel.limit != Some(0);
    let rows = if keep { vec![row] } else { Vec::new() };
    Ok(from_rows(fields, &rows, ctx.precision))
}

/// Non-aggregate SELECT.
fn project(
    sel: &Select,
    src: &Source,
    schema: &Schema,
    ctx: &Ctx,
    s: &Session,
    mut rows: Vec<(usize, usize)>,
    precision: u8,
) -> Result<ResultSet, TaosError> {
    let mut outs: Vec<(Field, Out, Option<&Expr>)> = Vec::new();
    for it in &sel.items {
        match it {
            SelectItem::Star => {
                for (i, d) in src.cols.iter().enumerate() {
                    outs.push((def_field(&d.name, d), Out::Ref(Ref::Col(i)), None));
                }
                if src.is_stable {
                    for (i, d) in src.tags.iter().enumerate() {
                        outs.push((def_field(&d.name, d), Out::Ref(Ref::Tag(i)), None));
                    }
                }
            }
            SelectItem::Expr { expr, name, .. } => {
                if let Expr::Column(c) = expr {
                    let r = schema.resolve(c)?;
                    if matches!(r, Ref::WStart | Ref::WEnd | Ref::WDuration) {
                        return Err(err(
                            PAR_INVALID_INTERNAL_PK,
                            format!("{c} can only be used with a window clause"),
                        ));
                    }
                    let f = match schema.def_of(r) {
                        Some(d) => def_field(name, d),
                        None => {
                            let (ty, bytes) = schema.type_of(r);
                            field(name, ty, bytes)
                        }
                    };
                    outs.push((f, Out::Ref(r), Some(expr)));
                } else if let Some((v, ty, bytes)) = const_item(expr, s, ctx)? {
                    outs.push((item_field(name, &v, ty, bytes)?, Out::Const(v), Some(expr)));
                } else if matches!(expr, Expr::Func { name, .. } if name == JSON_GET) {
                    // `tag->'key'` is a JSON column (TDengine's translateJsonOperator); the
                    // width is the JSON tag's.
                    let ce = compile(expr, schema, ctx, s.current_db.as_deref())?;
                    let f = field(name, TSDB_DATA_TYPE_JSON, JSON_TAG_BYTES);
                    outs.push((f, Out::Eval(ce), Some(expr)));
                } else {
                    return Err(unsupported("expressions other than columns, tags, tbname, constants and aggregates in the select list"));
                }
            }
        }
    }
    // ORDER BY.
    if !sel.order_by.is_empty() {
        let mut keys: Vec<(CExpr, bool)> = Vec::new();
        for (k, desc) in &sel.order_by {
            let ce = match order_target(k, sel, &outs)? {
                Some(i) => match &outs[i].1 {
                    Out::Ref(r) => CExpr::Ref(*r),
                    Out::Const(v) => CExpr::Const(v.clone()),
                    Out::Eval(e) => e.clone(),
                },
                None => compile(k, schema, ctx, s.current_db.as_deref())?,
            };
            keys.push((ce, *desc));
        }
        let single_ts = src.tables.len() <= 1
            && keys.len() == 1
            && matches!(keys[0].0, CExpr::Ref(Ref::Col(0)));
        if single_ts {
            if keys[0].1 {
                rows.reverse();
            }
        } else {
            let vals: Vec<Vec<Value>> = rows
                .iter()
                .map(|&(t, r)| {
                    keys.iter()
                        .map(|(k, _)| eval(k, src.tables[t], r))
                        .collect()
                })
                .collect();
            let mut idx: Vec<usize> = (0..rows.len()).collect();
            idx.sort_by(|&a, &b| {
                for (k, (_, desc)) in keys.iter().enumerate() {
                    let o = order_cmp(&vals[a][k], &vals[b][k]);
                    let o = if *desc { o.reverse() } else { o };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
            rows = idx.into_iter().map(|i| rows[i]).collect();
        }
    }
    let start = (sel.offset as usize).min(rows.len());
    let end = match sel.limit {
        Some(l) => start.saturating_add(l as usize).min(rows.len()),
        None => rows.len(),
    };
    let rows = &rows[start..end];
    // A run of consecutive rows of one table (plain scans) is copied column-wise.
    let run = rows.first().and_then(|&(t0, r0)| {
        rows.iter()
            .enumerate()
            .all(|(k, &(t, r))| t == t0 && r == r0 + k)
            .then_some((t0, r0, r0 + rows.len()))
    });
    let mut fields = Vec::with_capacity(outs.len());
    let mut cols = Vec::with_capacity(outs.len());
    for (f, out, _) in outs {
        let mut col = Column::with_capacity(f.ty, rows.len()).with_scale(f.scale);
        match out {
            Out::Ref(Ref::Col(i)) if run.is_some() => {
                if let Some((t, from, to)) = run {
                    col = src.tables[t].cols[i].slice(from, to);
                }
            }
            Out::Ref(Ref::Col(i)) => {
                for &(t, r) in rows {
                    col.push_from(&src.tables[t].cols[i], r);
                }
            }
            Out::Ref(Ref::Tag(i)) => {
                for &(t, _) in rows {
                    col.push(src.tables[t].tags.get(i).unwrap_or(&Value::Null));
                }
            }
            Out::Ref(Ref::Tbname) => {
                for &(t, _) in rows {
                    col.push(&Value::Bytes(src.tables[t].name.as_bytes().to_vec()));
                }
            }
            Out::Ref(_) => {}
            Out::Const(v) => {
                for _ in rows {
                    col.push(&v);
                }
            }
            Out::Eval(e) => {
                for &(t, r) in rows {
                    col.push(&eval(&e, src.tables[t], r));
                }
            }
        }
        fields.push(f);
        cols.push(col);
    }
    Ok(ResultSet::from_columns(fields, cols, precision))
}

/// The output column an ORDER BY key names: an alias, or an item with the same expression.
pub(super) fn order_target<T>(
    k: &Expr,
    sel: &Select,
    outs: &[(Field, T, Option<&Expr>)],
) -> Result<Option<usize>, TaosError> {
    // `ORDER BY 2` names the second select-list column.
    if let Expr::Literal(Literal::Number(n)) = k {
        return match n.parse::<usize>() {
            Ok(p) if p >= 1 && p <= outs.len() => Ok(Some(p - 1)),
            _ => Err(err(
                PAR_WRONG_NUMBER_OF_SELECT,
                "ORDER BY item must be the number of a SELECT-list expression",
            )),
        };
    }
    Ok(order_named(k, sel, outs))
}

fn order_named<T>(k: &Expr, sel: &Select, outs: &[(Field, T, Option<&Expr>)]) -> Option<usize> {
    if let Expr::Column(c) = k {
        for it in &sel.items {
            if let SelectItem::Expr {
                name,
                aliased: true,
                ..
            } = it
            {
                if name == c {
                    return outs.iter().position(|o| &o.0.name == name);
                }
            }
        }
    }
    outs.iter().position(|o| o.2 == Some(k))
}
