//! Aggregate SELECT: COUNT/SUM/AVG/MIN/MAX/FIRST/LAST/LAST_ROW/SPREAD over groups
//! (PARTITION BY / GROUP BY) and INTERVAL windows.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use taos_wire::error::TaosError;
use taos_wire::types::*;

use super::convert::Ctx;
use super::errors::*;
use super::expr::*;
use super::query::{const_item, item_field, order_target, Source};
use super::result::{def_field, field, from_rows};
use super::store::Table;
use super::time::duration_ticks;
use super::{Field, ResultSet, Session, Value};
use crate::sql::ast::{Expr, Select, SelectItem};
use crate::sql::parser::unsupported;

/// Aggregate functions and their state.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum AggKind {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    First,
    Last,
    LastRow,
    Spread,
}

#[derive(Clone, Debug)]
enum Acc {
    Count(i64),
    SumI(i128, bool),
    SumU(u128, bool),
    SumF(f64, bool),
    Avg(f64, i64),
    Best(Option<Value>),
    ByTs(Option<(i64, Value)>),
    Spread(Option<(f64, f64)>),
}

struct AggSpec {
    kind: AggKind,
    arg: Option<Ref>,
    in_ty: u8,
}

impl AggSpec {
    fn new_acc(&self) -> Acc {
        match self.kind {
            AggKind::Count => Acc::Count(0),
            AggKind::Sum => match self.in_ty {
                TSDB_DATA_TYPE_FLOAT | TSDB_DATA_TYPE_DOUBLE => Acc::SumF(0.0, false),
                TSDB_DATA_TYPE_UTINYINT
                | TSDB_DATA_TYPE_USMALLINT
                | TSDB_DATA_TYPE_UINT
                | TSDB_DATA_TYPE_UBIGINT => Acc::SumU(0, false),
                _ => Acc::SumI(0, false),
            },
            AggKind::Avg => Acc::Avg(0.0, 0),
            AggKind::Min | AggKind::Max => Acc::Best(None),
            AggKind::First | AggKind::Last | AggKind::LastRow => Acc::ByTs(None),
            AggKind::Spread => Acc::Spread(None),
        }
    }

    fn update(&self, acc: &mut Acc, t: &Table, r: usize) {
        let v = match self.arg {
            None => Value::Int(1),
            Some(a) => eval(&CExpr::Ref(a), t, r),
        };
        let null = matches!(v, Value::Null);
        match acc {
            Acc::Count(n) => {
                if !null {
                    *n += 1
                }
            }
            Acc::SumI(s, any) => {
                if let Value::Int(i) | Value::Timestamp(i) = v {
                    *s += i as i128;
                    *any = true;
                } else if let Value::Bool(b) = v {
                    *s += b as i128;
                    *any = true;
                }
            }
            Acc::SumU(s, any) => {
                if let Value::UInt(u) = v {
                    *s = s.wrapping_add(u as u128);
                    *any = true;
                }
            }
            Acc::SumF(s, any) => {
                if let Some(f) = as_f64(&v) {
                    *s += f;
                    *any = true;
                }
            }
            Acc::Avg(s, n) => {
                if let Some(f) = as_f64(&v) {
                    *s += f;
                    *n += 1;
                }
            }
            Acc::Best(best) => {
                if null {
                    return;
                }
                let better = match best {
                    None => true,
                    Some(b) => {
                        let o = compare(&v, b).unwrap_or(Ordering::Equal);
                        if self.kind == AggKind::Min {
                            o == Ordering::Less
                        } else {
                            o == Ordering::Greater
                        }
                    }
                };
                if better {
                    *best = Some(v);
                }
            }
            Acc::ByTs(cur) => {
                if null && self.kind != AggKind::LastRow {
                    return;
                }
                let ts = t.ts(r);
                let take = match cur {
                    None => true,
                    Some((cts, _)) => {
                        if self.kind == AggKind::First {
                            ts < *cts
                        } else {
                            ts >= *cts
                        }
                    }
                };
                if take {
                    *cur = Some((ts, v));
                }
            }
            Acc::Spread(mm) => {
                if let Some(f) = as_f64(&v) {
                    *mm = Some(match mm {
                        None => (f, f),
                        Some((lo, hi)) => (lo.min(f), hi.max(f)),
                    });
                }
            }
        }
    }

    fn finish(acc: &Acc) -> Value {
        match acc {
            Acc::Count(n) => Value::Int(*n),
            Acc::SumI(s, true) => Value::Int(*s as i64),
            Acc::SumU(s, true) => Value::UInt(*s as u64),
            Acc::SumF(s, true) => Value::Double(*s),
            Acc::Avg(s, n) if *n > 0 => Value::Double(*s / *n as f64),
            Acc::Best(Some(v)) => v.clone(),
            Acc::ByTs(Some((_, v))) => v.clone(),
            Acc::Spread(Some((lo, hi))) => Value::Double(hi - lo),
            _ => Value::Null,
        }
    }
}

/// One output column of an aggregate query.
enum AggOut {
    Agg(usize),
    Key(usize),
    WStart,
    WEnd,
    WDuration,
    Const(Value),
}

fn agg_kind(name: &str) -> Option<AggKind> {
    Some(match name {
        "count" => AggKind::Count,
        "sum" => AggKind::Sum,
        "avg" => AggKind::Avg,
        "min" => AggKind::Min,
        "max" => AggKind::Max,
        "first" => AggKind::First,
        "last" => AggKind::Last,
        "last_row" => AggKind::LastRow,
        "spread" => AggKind::Spread,
        _ => return None,
    })
}

fn is_numeric(ty: u8) -> bool {
    matches!(
        ty,
        TSDB_DATA_TYPE_TINYINT
            | TSDB_DATA_TYPE_SMALLINT
            | TSDB_DATA_TYPE_INT
            | TSDB_DATA_TYPE_BIGINT
            | TSDB_DATA_TYPE_UTINYINT
            | TSDB_DATA_TYPE_USMALLINT
            | TSDB_DATA_TYPE_UINT
            | TSDB_DATA_TYPE_UBIGINT
            | TSDB_DATA_TYPE_FLOAT
            | TSDB_DATA_TYPE_DOUBLE
    )
}

/// Aggregate SELECT.
pub(super) fn aggregate(
    sel: &Select,
    src: &Source,
    schema: &Schema,
    ctx: &Ctx,
    s: &Session,
    rows: &[(usize, usize)],
    precision: u8,
) -> Result<ResultSet, TaosError> {
    let key_exprs: Vec<&Expr> = sel.partition_by.iter().chain(&sel.group_by).collect();
    let mut keys: Vec<CExpr> = Vec::new();
    for k in &key_exprs {
        if has_agg(k) {
            return Err(err(
                PAR_ILLEGAL_USE_AGG_FUNCTION,
                "There mustn't be aggregation",
            ));
        }
        keys.push(compile(k, schema, ctx, s.current_db.as_deref())?);
    }
    let interval = match &sel.interval {
        Some((n, u)) => {
            if u == "n" || u == "y" {
                return Err(unsupported("INTERVAL in months or years"));
            }
            let iv = duration_ticks(*n, u, precision)
                .filter(|v| *v > 0)
                .ok_or_else(|| err(PAR_INTER_VALUE_TOO_SMALL, "Interval too small"))?;
            Some((iv, u == "d" || u == "w"))
        }
        None => None,
    };
    let mut specs: Vec<AggSpec> = Vec::new();
    let mut outs: Vec<(Field, AggOut, Option<&Expr>)> = Vec::new();
    let mut has_count = false;
    let mut plain_column = None;
    for it in &sel.items {
        let SelectItem::Expr { expr, name, .. } = it else {
            return Err(err(
                PAR_NOT_SINGLE_GROUP,
                "Not a single-group group function",
            ));
        };
        // A grouping key repeated in the select list.
        if let Some(ki) = key_exprs.iter().position(|k| *k == expr) {
            let f = match &keys[ki] {
                CExpr::Ref(r) => match schema.def_of(*r) {
                    Some(d) => def_field(name, d),
                    None => {
                        let (ty, bytes) = schema.type_of(*r);
                        field(name, ty, bytes)
                    }
                },
                _ => return Err(unsupported("grouping by an expression")),
            };
            outs.push((f, AggOut::Key(ki), Some(expr)));
            continue;
        }
        match expr {
            Expr::Func {
                name: fname,
                args,
                star,
            } if agg_kind(fname).is_some() => {
                let kind = agg_kind(fname).unwrap_or(AggKind::Count);
                if *star && matches!(kind, AggKind::First | AggKind::Last | AggKind::LastRow) {
                    // `last(*)` selects every data column: `last(ts)`, `last(c1)`, ...
                    for (i, d) in src.cols.iter().enumerate() {
                        specs.push(AggSpec {
                            kind,
                            arg: Some(Ref::Col(i)),
                            in_ty: d.ty,
                        });
                        outs.push((
                            def_field(&format!("{fname}({})", d.name), d),
                            AggOut::Agg(specs.len() - 1),
                            None,
                        ));
                    }
                    continue;
                }
                let arg = if *star {
                    if kind != AggKind::Count {
                        return Err(unsupported(&format!("{fname}(*)")));
                    }
                    None
                } else {
                    if args.len() != 1 {
                        return Err(err(
                            FUNC_FUNTION_PARA_NUM,
                            format!("Invalid number of parameters : {fname}"),
                        ));
                    }
                    match &args[0] {
                        Expr::Column(c) => Some(schema.resolve(c)?),
                        Expr::Literal(_) if kind == AggKind::Count => None,
                        a if has_agg(a) => {
                            return Err(err(
                                PAR_AGG_FUNC_NESTING,
                                "Aggregate functions do not support nesting",
                            ))
                        }
                        _ => return Err(unsupported(&format!("{fname} of an expression"))),
                    }
                };
                let (in_ty, in_bytes) =
                    arg.map_or((TSDB_DATA_TYPE_BIGINT, 8), |a| schema.type_of(a));
                if is_decimal(in_ty) && kind != AggKind::Count {
                    return Err(unsupported(&format!("{fname} of a DECIMAL column")));
                }
                if matches!(arg, Some(Ref::WStart | Ref::WEnd | Ref::WDuration)) {
                    return Err(unsupported(&format!("{fname} of a window pseudo column")));
                }
                let type_err = || {
                    err(
                        FUNC_FUNTION_PARA_TYPE,
                        format!("Invalid parameter data type : {fname}"),
                    )
                };
                let (ty, bytes) = match kind {
                    AggKind::Count => {
                        has_count = true;
                        (TSDB_DATA_TYPE_BIGINT, 8)
                    }
                    AggKind::Sum => {
                        if !is_numeric(in_ty) {
                            return Err(type_err());
                        }
                        match in_ty {
                            TSDB_DATA_TYPE_FLOAT | TSDB_DATA_TYPE_DOUBLE => {
                                (TSDB_DATA_TYPE_DOUBLE, 8)
                            }
                            TSDB_DATA_TYPE_UTINYINT
                            | TSDB_DATA_TYPE_USMALLINT
                            | TSDB_DATA_TYPE_UINT
                            | TSDB_DATA_TYPE_UBIGINT => (TSDB_DATA_TYPE_UBIGINT, 8),
                            _ => (TSDB_DATA_TYPE_BIGINT, 8),
                        }
                    }
                    AggKind::Avg => {
                        if !is_numeric(in_ty) {
                            return Err(type_err());
                        }
                        (TSDB_DATA_TYPE_DOUBLE, 8)
                    }
                    AggKind::Spread => {
                        if !is_numeric(in_ty) && in_ty != TSDB_DATA_TYPE_TIMESTAMP {
                            return Err(type_err());
                        }
                        (TSDB_DATA_TYPE_DOUBLE, 8)
                    }
                    AggKind::Min | AggKind::Max => {
                        if !is_numeric(in_ty) && in_ty != TSDB_DATA_TYPE_TIMESTAMP {
                            return Err(type_err());
                        }
                        (in_ty, in_bytes)
                    }
                    AggKind::First | AggKind::Last | AggKind::LastRow => (in_ty, in_bytes),
                };
                specs.push(AggSpec { kind, arg, in_ty });
                outs.push((
                    field(name, ty, bytes),
                    AggOut::Agg(specs.len() - 1),
                    Some(expr),
                ));
            }
            Expr::Column(c) => {
                let r = schema.resolve(c)?;
                let (ty, bytes) = schema.type_of(r);
                if is_decimal(ty) {
                    return Err(unsupported("DECIMAL grouping columns"));
                }
                let out = match r {
                    Ref::WStart | Ref::WEnd | Ref::WDuration if interval.is_none() => {
                        return Err(err(
                            PAR_INVALID_INTERNAL_PK,
                            format!("{c} can only be used with a window clause"),
                        ))
                    }
                    Ref::WStart => AggOut::WStart,
                    Ref::WEnd => AggOut::WEnd,
                    Ref::WDuration => AggOut::WDuration,
                    other => {
                        // The same column as a grouping key, written differently (alias).
                        match keys
                            .iter()
                            .position(|k| matches!(k, CExpr::Ref(x) if *x == other))
                        {
                            Some(ki) => AggOut::Key(ki),
                            None => {
                                plain_column.get_or_insert(c.clone());
                                continue;
                            }
                        }
                    }
                };
                outs.push((field(name, ty, bytes), out, Some(expr)));
            }
            other => match const_item(other, s, ctx)? {
                Some((v, ty, bytes)) => {
                    outs.push((
                        item_field(name, &v, ty, bytes)?,
                        AggOut::Const(v),
                        Some(expr),
                    ));
                }
                None => return Err(unsupported("expressions over aggregates")),
            },
        }
    }
    if plain_column.is_some() {
        if specs.iter().any(|sp| {
            matches!(
                sp.kind,
                AggKind::Min | AggKind::Max | AggKind::First | AggKind::Last | AggKind::LastRow
            )
        }) {
            return Err(unsupported("plain columns next to selection functions"));
        }
        return Err(err(
            PAR_NOT_SINGLE_GROUP,
            "Not a single-group group function",
        ));
    }
    // Groups in first-seen order; windows ascending within a group.
    struct Group {
        keys: Vec<Value>,
        windows: BTreeMap<i64, Vec<Acc>>,
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for &(ti, r) in rows {
        let t = src.tables[ti];
        let kv: Vec<Value> = keys.iter().map(|k| eval(k, t, r)).collect();
        let gi = if kv.is_empty() {
            if groups.is_empty() {
                groups.push(Group {
                    keys: kv,
                    windows: BTreeMap::new(),
                });
            }
            0
        } else {
            let ks = format!("{kv:?}");
            match index.get(&ks) {
                Some(&g) => g,
                None => {
                    groups.push(Group {
                        keys: kv,
                        windows: BTreeMap::new(),
                    });
                    index.insert(ks, groups.len() - 1);
                    groups.len() - 1
                }
            }
        };
        // Windows are aligned to the epoch; day and week windows to midnight of the session's
        // zone, as TDengine does (saturating at the i64 edges).
        let ws = match interval {
            Some((iv, local)) => {
                let ts = t.ts(r);
                let off = if local {
                    let tps = super::time::ticks_per_sec(precision);
                    ctx.tz.offset_at(ts.div_euclid(tps)).ok_or_else(|| {
                        unsupported("day windows past the last known transition of this time zone")
                    })? as i64
                        * tps
                } else {
                    0
                };
                ts.saturating_add(off)
                    .div_euclid(iv)
                    .saturating_mul(iv)
                    .saturating_sub(off)
            }
            None => 0,
        };
        let accs = groups[gi]
            .windows
            .entry(ws)
            .or_insert_with(|| specs.iter().map(|sp| sp.new_acc()).collect());
        for (sp, acc) in specs.iter().zip(accs.iter_mut()) {
            sp.update(acc, t, r);
        }
    }
    let mut out_rows: Vec<Vec<Value>> = Vec::new();
    let iv = interval.map_or(0, |x| x.0);
    for g in &groups {
        for (ws, accs) in &g.windows {
            out_rows.push(
                outs.iter()
                    .map(|(_, o, _)| match o {
                        AggOut::Agg(i) => AggSpec::finish(&accs[*i]),
                        AggOut::Key(k) => g.keys[*k].clone(),
                        AggOut::WStart => Value::Timestamp(*ws),
                        AggOut::WEnd => Value::Timestamp(ws.saturating_add(iv)),
                        AggOut::WDuration => Value::Int(iv),
                        AggOut::Const(v) => v.clone(),
                    })
                    .collect(),
            );
        }
    }
    // TDengine answers a plain aggregate over no rows with one row when it counts.
    if groups.is_empty() && keys.is_empty() && interval.is_none() && has_count {
        out_rows.push(
            outs.iter()
                .map(|(_, o, _)| match o {
                    AggOut::Agg(i) => match specs[*i].kind {
                        AggKind::Count => Value::Int(0),
                        _ => Value::Null,
                    },
                    AggOut::Const(v) => v.clone(),
                    _ => Value::Null,
                })
                .collect(),
        );
    }
    if !sel.order_by.is_empty() {
        let mut kidx = Vec::new();
        for (k, desc) in &sel.order_by {
            let i = order_target(k, sel, &outs)?.ok_or_else(|| {
                err(
                    PAR_ORDERBY_UNKNOWN_EXPR,
                    "Invalid ORDER BY: the key must be in the select list of an aggregate query",
                )
            })?;
            kidx.push((i, *desc));
        }
        out_rows.sort_by(|a, b| {
            for (i, desc) in &kidx {
                let o = order_cmp(&a[*i], &b[*i]);
                let o = if *desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
    }
    let start = (sel.offset as usize).min(out_rows.len());
    let end = match sel.limit {
        Some(l) => start.saturating_add(l as usize).min(out_rows.len()),
        None => out_rows.len(),
    };
    let fields: Vec<Field> = outs.into_iter().map(|o| o.0).collect();
    Ok(from_rows(fields, &out_rows[start..end], precision))
}
