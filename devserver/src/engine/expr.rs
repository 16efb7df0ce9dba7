//! Expressions over a source row: name resolution, compilation of WHERE/projection
//! expressions, comparison and LIKE semantics.

use std::cmp::Ordering;

use taos_wire::error::TaosError;
use taos_wire::types::*;

use super::convert::{literal_timestamp, Ctx};
use super::errors::*;
use super::store::Table;
use super::Value;
use crate::sql::ast::{BinOp, ColumnDef, Expr, Literal, JSON_CONTAINS, JSON_GET};
use crate::sql::lexer::unescape;
use crate::sql::parser::unsupported;

/// What a name in a query refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ref {
    /// Data column by index.
    Col(usize),
    /// Tag by index.
    Tag(usize),
    /// `tbname`.
    Tbname,
    /// `_wstart`.
    WStart,
    /// `_wend`.
    WEnd,
    /// `_wduration`.
    WDuration,
}

/// The schema a query reads.
pub struct Schema<'a> {
    /// Data columns.
    pub cols: &'a [ColumnDef],
    /// Tags (empty for a normal table).
    pub tags: &'a [ColumnDef],
}

impl Schema<'_> {
    /// Resolves a column/tag/pseudo-column name.
    pub fn resolve(&self, name: &str) -> Result<Ref, TaosError> {
        if let Some(i) = self.cols.iter().position(|c| c.name == name) {
            return Ok(Ref::Col(i));
        }
        if let Some(i) = self.tags.iter().position(|c| c.name == name) {
            return Ok(Ref::Tag(i));
        }
        match name {
            "tbname" => Ok(Ref::Tbname),
            "_c0" | "_rowts" => Ok(Ref::Col(0)),
            "_wstart" => Ok(Ref::WStart),
            "_wend" => Ok(Ref::WEnd),
            "_wduration" => Ok(Ref::WDuration),
            _ => Err(invalid_column(name)),
        }
    }

    /// The definition behind a column or tag reference.
    pub fn def_of(&self, r: Ref) -> Option<&ColumnDef> {
        match r {
            Ref::Col(i) => self.cols.get(i),
            Ref::Tag(i) => self.tags.get(i),
            _ => None,
        }
    }

    /// Type code and user width of a reference.
    pub fn type_of(&self, r: Ref) -> (u8, i64) {
        match r {
            Ref::Col(i) => self.cols.get(i).map_or((0, 0), |d| (d.ty, d.bytes)),
            Ref::Tag(i) => self.tags.get(i).map_or((0, 0), |d| (d.ty, d.bytes)),
            Ref::Tbname => (TSDB_DATA_TYPE_VARCHAR, 192),
            Ref::WStart | Ref::WEnd => (TSDB_DATA_TYPE_TIMESTAMP, 8),
            Ref::WDuration => (TSDB_DATA_TYPE_BIGINT, 8),
        }
    }
}

/// A compiled row expression.
#[derive(Clone, Debug)]
pub enum CExpr {
    /// A column, tag or tbname.
    Ref(Ref),
    /// A constant.
    Const(Value),
    /// Comparison.
    Cmp(BinOp, Box<CExpr>, Box<CExpr>),
    /// AND.
    And(Box<CExpr>, Box<CExpr>),
    /// OR.
    Or(Box<CExpr>, Box<CExpr>),
    /// NOT.
    Not(Box<CExpr>),
    /// IS [NOT] NULL.
    IsNull(Box<CExpr>, bool),
    /// [NOT] BETWEEN.
    Between(Box<CExpr>, Box<CExpr>, Box<CExpr>, bool),
    /// [NOT] IN.
    In(Box<CExpr>, Vec<CExpr>, bool),
    /// [NOT] LIKE.
    Like(Box<CExpr>, Vec<char>, bool),
    /// Arithmetic in DOUBLE.
    Arith(BinOp, Box<CExpr>, Box<CExpr>),
    /// Unary minus in DOUBLE.
    Neg(Box<CExpr>),
    /// `json_tag->'key'`: the key's value as JSON text (NULL when absent).
    JsonGet(Box<CExpr>, String),
    /// `json_tag CONTAINS 'key'`.
    JsonContains(Box<CExpr>, String),
}

/// Names of the aggregate functions the engine implements.
pub const AGG_FUNCS: &[&str] = &[
    "count", "sum", "avg", "min", "max", "first", "last", "last_row", "spread",
];

/// Whether an expression contains an aggregate call.
pub fn has_agg(e: &Expr) -> bool {
    match e {
        Expr::Func { name, args, .. } => {
            AGG_FUNCS.contains(&name.as_str()) || args.iter().any(has_agg)
        }
        Expr::Binary(_, a, b) => has_agg(a) || has_agg(b),
        Expr::Not(a) | Expr::Neg(a) | Expr::IsNull(a, _) | Expr::Like(a, _, _) => has_agg(a),
        Expr::Between(a, b, c, _) => has_agg(a) || has_agg(b) || has_agg(c),
        Expr::In(a, l, _) => has_agg(a) || l.iter().any(has_agg),
        Expr::Column(_) | Expr::Literal(_) => false,
    }
}

/// Value of a literal in an expression (timestamps for NOW, strings as bytes).
pub fn literal_value(l: &Literal, ctx: &Ctx) -> Result<Value, TaosError> {
    Ok(match l {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Number(n) => {
            if let Ok(i) = n.parse::<i64>() {
                Value::Int(i)
            } else if let Ok(u) = n.parse::<u64>() {
                Value::UInt(u)
            } else if let Some(h) = n.strip_prefix("0x").or_else(|| n.strip_prefix("0X")) {
                Value::Int(
                    i64::from_str_radix(h, 16).map_err(|_| value_error(n, "invalid number"))?,
                )
            } else {
                Value::Double(n.parse().map_err(|_| value_error(n, "invalid number"))?)
            }
        }
        Literal::Str(s) => Value::Bytes(unescape(s).into_bytes()),
        Literal::Now { .. } | Literal::Offset(..) => Value::Timestamp(literal_timestamp(l, ctx)?),
    })
}

/// Constant value of a function without FROM context (`server_version()`, `now()`...).
/// `None` when `name` is not such a function.
pub fn const_func(name: &str, current_db: Option<&str>, ctx: &Ctx) -> Option<(Value, u8, i64)> {
    Some(match name {
        "server_version" => (
            Value::Bytes(super::SERVER_VERSION.as_bytes().to_vec()),
            TSDB_DATA_TYPE_VARCHAR,
            // TSDB_VERSION_LEN (32) minus the 2-byte length header, as clients see it.
            30,
        ),
        "database" => (
            current_db.map_or(Value::Null, |d| Value::Bytes(d.as_bytes().to_vec())),
            TSDB_DATA_TYPE_VARCHAR,
            // TSDB_DB_NAME_LEN (65) minus the length header.
            63,
        ),
        "now" => (
            Value::Timestamp(super::time::now(ctx.precision)),
            TSDB_DATA_TYPE_TIMESTAMP,
            8,
        ),
        "today" => (
            Value::Timestamp(super::time::today(ctx.precision, ctx.tz)?),
            TSDB_DATA_TYPE_TIMESTAMP,
            8,
        ),
        "server_status" => (Value::Int(1), TSDB_DATA_TYPE_INT, 4),
        _ => return None,
    })
}

/// Compiles a WHERE or projection expression over `schema`.
pub fn compile(e: &Expr, schema: &Schema, ctx: &Ctx, db: Option<&str>) -> Result<CExpr, TaosError> {
    let c = |x: &Expr| compile(x, schema, ctx, db).map(Box::new);
    // An operand compiled knowing what it is compared with.
    let c_vs = |x: &Expr, other: &Expr| match bytes_literal(x, other, schema) {
        Some(v) => Ok(CExpr::Const(v)),
        None => compile(x, schema, ctx, db),
    };
    Ok(match e {
        Expr::Column(n) => CExpr::Ref(schema.resolve(n)?),
        Expr::Literal(l) => CExpr::Const(literal_value(l, ctx)?),
        Expr::Func { name, args, .. } if name == JSON_GET || name == JSON_CONTAINS => {
            let (tag, key) = json_operands(args, schema)?;
            if name == JSON_GET {
                CExpr::JsonGet(Box::new(tag), key)
            } else {
                CExpr::JsonContains(Box::new(tag), key)
            }
        }
        Expr::Func { name, args, .. } => {
            if AGG_FUNCS.contains(&name.as_str()) {
                return Err(err(
                    PAR_ILLEGAL_USE_AGG_FUNCTION,
                    "There mustn't be aggregation",
                ));
            }
            if !args.is_empty() {
                return Err(unsupported(&format!("function {name}")));
            }
            match const_func(name, db, ctx) {
                Some((v, _, _)) => CExpr::Const(v),
                None => return Err(unsupported(&format!("function {name}"))),
            }
        }
        Expr::Binary(op, a, b) => match op {
            BinOp::And => CExpr::And(c(a)?, c(b)?),
            BinOp::Or => CExpr::Or(c(a)?, c(b)?),
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => CExpr::Arith(*op, c(a)?, c(b)?),
            _ => {
                let (l, r) = (c_vs(a, b)?, c_vs(b, a)?);
                let (l, r) = coerce_pair(l, r, schema, ctx)?;
                CExpr::Cmp(*op, Box::new(l), Box::new(r))
            }
        },
        Expr::Not(a) => CExpr::Not(c(a)?),
        Expr::Neg(a) => CExpr::Neg(c(a)?),
        Expr::IsNull(a, neg) => CExpr::IsNull(c(a)?, *neg),
        Expr::Between(a, lo, hi, neg) => {
            let (l, h) = (c_vs(lo, a)?, c_vs(hi, a)?);
            let a = *c(a)?;
            let (a, lo) = coerce_pair(a, l, schema, ctx)?;
            let (a, hi) = coerce_pair(a, h, schema, ctx)?;
            CExpr::Between(Box::new(a), Box::new(lo), Box::new(hi), *neg)
        }
        Expr::In(a, list, neg) => {
            let col = a;
            let mut a = *c(a)?;
            let mut out = Vec::with_capacity(list.len());
            for x in list {
                let (na, nx) = coerce_pair(a, c_vs(x, col)?, schema, ctx)?;
                a = na;
                out.push(nx);
            }
            CExpr::In(Box::new(a), out, *neg)
        }
        Expr::Like(a, pat, neg) => {
            let a = c(a)?;
            if let CExpr::Ref(r) = &*a {
                let ty = schema.type_of(*r).0;
                if !matches!(
                    ty,
                    TSDB_DATA_TYPE_VARCHAR | TSDB_DATA_TYPE_NCHAR | TSDB_DATA_TYPE_VARBINARY
                ) {
                    return Err(err(
                        taos_wire::error::codes::TSDB_CODE_PAR_WRONG_VALUE_TYPE,
                        format!(
                            "Invalid value type: LIKE needs a string operand, not {}",
                            type_name(ty)
                        ),
                    ));
                }
            }
            CExpr::Like(a, pat.chars().collect(), *neg)
        }
    })
}

/// The operands of `->` / CONTAINS: a JSON tag and the key (TDengine answers
/// `Invalid value type` for anything else).
fn json_operands(args: &[Expr], schema: &Schema) -> Result<(CExpr, String), TaosError> {
    let wrong = |what: &str| {
        err(
            taos_wire::error::codes::TSDB_CODE_PAR_WRONG_VALUE_TYPE,
            format!("Invalid value type: {what}"),
        )
    };
    let [Expr::Column(c), Expr::Literal(Literal::Str(k))] = args else {
        return Err(wrong("the JSON operators need a JSON tag and a string key"));
    };
    let r = schema.resolve(c)?;
    if schema.type_of(r).0 != TSDB_DATA_TYPE_JSON {
        return Err(wrong(&format!("{c} is not a JSON tag")));
    }
    Ok((CExpr::Ref(r), unescape(k)))
}

/// The value of `key` in a JSON tag's text, as TDengine's client prints it: strings quoted,
/// numbers with 9 decimals (JSON tag numbers are doubles), `true`/`false`, `null`; `None` when
/// the tag is NULL or has no such key.
pub fn json_get(tag: &Value, key: &str) -> Option<Vec<u8>> {
    let Value::Json(text) = tag else {
        return None;
    };
    let v: serde_json::Value = serde_json::from_slice(text).ok()?;
    Some(match v.get(key)? {
        serde_json::Value::String(s) => serde_json::to_vec(s).ok()?,
        serde_json::Value::Number(n) => format!("{:.9}", n.as_f64()?).into_bytes(),
        serde_json::Value::Bool(b) => b.to_string().into_bytes(),
        serde_json::Value::Null => b"null".to_vec(),
        other => serde_json::to_vec(other).ok()?,
    })
}

/// A JSON value's text as a comparable scalar: a JSON string is its content, a number a
/// DOUBLE, `true`/`false` a BOOL, `null` NULL; anything else (a whole object) stays text.
fn json_scalar(text: &[u8]) -> Value {
    match serde_json::from_slice::<serde_json::Value>(text) {
        Ok(serde_json::Value::String(s)) => Value::Bytes(s.into_bytes()),
        Ok(serde_json::Value::Number(n)) => n.as_f64().map_or(Value::Null, Value::Double),
        Ok(serde_json::Value::Bool(b)) => Value::Bool(b),
        Ok(serde_json::Value::Null) => Value::Null,
        _ => Value::Bytes(text.to_vec()),
    }
}

/// A string compared with a VARBINARY or GEOMETRY column or tag is converted to that type,
/// as TDengine does: `'\x…'` is hex data; for GEOMETRY other text is WKT. This is also how
/// a bound VARBINARY / GEOMETRY query parameter (raw bytes, WKB for GEOMETRY; rendered as
/// `'\x…'`) or a VARCHAR WKT parameter reaches the engine, so `g = ?` matches.
fn bytes_literal(x: &Expr, other: &Expr, schema: &Schema) -> Option<Value> {
    let (Expr::Literal(Literal::Str(s)), Expr::Column(n)) = (x, other) else {
        return None;
    };
    let ty = schema.type_of(schema.resolve(n).ok()?).0;
    if !matches!(ty, TSDB_DATA_TYPE_VARBINARY | TSDB_DATA_TYPE_GEOMETRY) {
        return None;
    }
    if let Some(h) = s.strip_prefix("\\x").or_else(|| s.strip_prefix("\\X")) {
        return super::convert::decode_hex(h).map(Value::Bytes);
    }
    // GEOMETRY compared with text: the text is WKT, compared as the WKB it stores as.
    (ty == TSDB_DATA_TYPE_GEOMETRY)
        .then(|| super::geometry::wkt_to_wkb(&unescape(s)))
        .flatten()
        .map(Value::Bytes)
}

/// When one side is a TIMESTAMP reference, a string or integer constant on the other side is
/// read as a timestamp (`ts > '2024-01-01 00:00:00'`).
fn coerce_pair(
    a: CExpr,
    b: CExpr,
    schema: &Schema,
    ctx: &Ctx,
) -> Result<(CExpr, CExpr), TaosError> {
    let is_ts =
        |x: &CExpr| matches!(x, CExpr::Ref(r) if schema.type_of(*r).0 == TSDB_DATA_TYPE_TIMESTAMP);
    let to_ts = |x: CExpr| -> Result<CExpr, TaosError> {
        match x {
            CExpr::Const(Value::Bytes(b)) => {
                let s = String::from_utf8_lossy(&b).into_owned();
                let t = literal_timestamp(&Literal::Str(s.replace('\\', "\\\\")), ctx)?;
                Ok(CExpr::Const(Value::Timestamp(t)))
            }
            CExpr::Const(Value::Int(i)) => Ok(CExpr::Const(Value::Timestamp(i))),
            other => Ok(other),
        }
    };
    if is_ts(&a) {
        Ok((a, to_ts(b)?))
    } else if is_ts(&b) {
        Ok((to_ts(a)?, b))
    } else {
        Ok((a, b))
    }
}

/// Evaluates a value expression on row `r` of table `t`.
pub fn eval(e: &CExpr, t: &Table, r: usize) -> Value {
    match e {
        CExpr::Ref(Ref::Col(i)) => t.cols.get(*i).map_or(Value::Null, |c| c.get(r)),
        CExpr::Ref(Ref::Tag(i)) => t.tags.get(*i).cloned().unwrap_or(Value::Null),
        CExpr::Ref(Ref::Tbname) => Value::Bytes(t.name.as_bytes().to_vec()),
        CExpr::Ref(_) => Value::Null,
        CExpr::Const(v) => v.clone(),
        CExpr::Arith(op, a, b) => match (as_f64(&eval(a, t, r)), as_f64(&eval(b, t, r))) {
            (Some(x), Some(y)) => Value::Double(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                _ => x / y,
            }),
            _ => Value::Null,
        },
        CExpr::Neg(a) => as_f64(&eval(a, t, r)).map_or(Value::Null, |x| Value::Double(-x)),
        CExpr::JsonGet(a, k) => json_get(&eval(a, t, r), k).map_or(Value::Null, Value::Json),
        _ => Value::Bool(test(e, t, r)),
    }
}

/// Evaluates a predicate (NULL counts as false).
pub fn test(e: &CExpr, t: &Table, r: usize) -> bool {
    truth(e, t, r) == Some(true)
}

/// Three-valued truth of a predicate: `None` is SQL's UNKNOWN (a NULL operand), so
/// `NOT (v > 1)` does not select rows where `v` is NULL.
fn truth(e: &CExpr, t: &Table, r: usize) -> Option<bool> {
    match e {
        CExpr::And(a, b) => match (truth(a, t, r), truth(b, t, r)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        CExpr::Or(a, b) => match (truth(a, t, r), truth(b, t, r)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        CExpr::Not(a) => truth(a, t, r).map(|x| !x),
        CExpr::Cmp(op, a, b) => {
            let o = compare(&eval(a, t, r), &eval(b, t, r))?;
            Some(match op {
                BinOp::Eq => o == Ordering::Equal,
                BinOp::Ne => o != Ordering::Equal,
                BinOp::Lt => o == Ordering::Less,
                BinOp::Le => o != Ordering::Greater,
                BinOp::Gt => o == Ordering::Greater,
                BinOp::Ge => o != Ordering::Less,
                _ => false,
            })
        }
        CExpr::IsNull(a, neg) => Some(matches!(eval(a, t, r), Value::Null) != *neg),
        CExpr::Between(a, lo, hi, neg) => {
            let v = eval(a, t, r);
            let x = compare(&v, &eval(lo, t, r))?;
            let y = compare(&v, &eval(hi, t, r))?;
            Some((x != Ordering::Less && y != Ordering::Greater) != *neg)
        }
        CExpr::In(a, list, neg) => {
            let v = eval(a, t, r);
            if matches!(v, Value::Null) {
                return None;
            }
            let hit = list
                .iter()
                .any(|x| compare(&v, &eval(x, t, r)) == Some(Ordering::Equal));
            Some(hit != *neg)
        }
        CExpr::JsonContains(a, k) => match eval(a, t, r) {
            Value::Json(text) => Some(
                serde_json::from_slice::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v.as_object().map(|o| o.contains_key(k.as_str())))
                    .unwrap_or(false),
            ),
            _ => Some(false),
        },
        CExpr::Like(a, pat, neg) => match scalar(eval(a, t, r)) {
            Value::Bytes(b) | Value::Json(b) => Some(
                like_chars(
                    pat,
                    &String::from_utf8_lossy(&b).chars().collect::<Vec<_>>(),
                ) != *neg,
            ),
            Value::NChar(s) => Some(like_chars(pat, &s.chars().collect::<Vec<_>>()) != *neg),
            _ => None,
        },
        other => match eval(other, t, r) {
            Value::Bool(b) => Some(b),
            Value::Int(i) => Some(i != 0),
            Value::UInt(u) => Some(u != 0),
            Value::Double(d) => Some(d != 0.0),
            _ => None,
        },
    }
}

/// A numeric view of a value.
pub fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(b) => Some(*b as i32 as f64),
        Value::Int(i) | Value::Timestamp(i) => Some(*i as f64),
        Value::UInt(u) => Some(*u as f64),
        Value::Float(f) => Some(*f as f64),
        Value::Double(d) => Some(*d),
        Value::Bytes(b) => std::str::from_utf8(b).ok()?.trim().parse().ok(),
        Value::NChar(s) | Value::Decimal(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_i128(v: &Value) -> Option<i128> {
    match v {
        Value::Bool(b) => Some(*b as i128),
        Value::Int(i) | Value::Timestamp(i) => Some(*i as i128),
        Value::UInt(u) => Some(*u as i128),
        _ => None,
    }
}

fn str_bytes(v: &Value) -> Option<&[u8]> {
    match v {
        Value::Bytes(b) | Value::Json(b) => Some(b),
        Value::NChar(s) => Some(s.as_bytes()),
        _ => None,
    }
}

/// A `->` result compares as the scalar it holds; other values as they are.
fn scalar(v: Value) -> Value {
    match v {
        Value::Json(text) => json_scalar(&text),
        other => other,
    }
}

/// SQL comparison; `None` when either side is NULL or the values are not comparable.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    if matches!(a, Value::Json(_)) || matches!(b, Value::Json(_)) {
        return compare(&scalar(a.clone()), &scalar(b.clone()));
    }
    if matches!(a, Value::Null) || matches!(b, Value::Null) {
        return None;
    }
    if let (Some(x), Some(y)) = (as_i128(a), as_i128(b)) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (str_bytes(a), str_bytes(b)) {
        return Some(x.cmp(y));
    }
    as_f64(a)?.partial_cmp(&as_f64(b)?)
}

/// Ordering for ORDER BY: NULLs first ascending (TDengine's default).
pub fn order_cmp(a: &Value, b: &Value) -> Ordering {
    match (matches!(a, Value::Null), matches!(b, Value::Null)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => compare(a, b).unwrap_or(Ordering::Equal),
    }
}

/// LIKE with `%`, `_` and backslash escapes, over characters.
fn like_chars(p: &[char], s: &[char]) -> bool {
    // Iterative matcher with backtracking to the last `%`.
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() {
            match p[pi] {
                '%' => {
                    star = Some((pi, si));
                    pi += 1;
                    continue;
                }
                '_' => {
                    pi += 1;
                    si += 1;
                    continue;
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == s[si] => {
                    pi += 2;
                    si += 1;
                    continue;
                }
                c if c != '\\' && c == s[si] => {
                    pi += 1;
                    si += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, ss)) => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == '%' {
        pi += 1;
    }
    pi == p.len()
}

/// LIKE over UTF-8 bytes (used by SHOW ... LIKE).
pub fn like_match(pattern: &[u8], text: &[u8]) -> bool {
    let p: Vec<char> = String::from_utf8_lossy(pattern).chars().collect();
    let s: Vec<char> = String::from_utf8_lossy(text).chars().collect();
    like_chars(&p, &s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like_match(b"a%", b"abc"));
        assert!(like_match(b"%c", b"abc"));
        assert!(like_match(b"a_c", b"abc"));
        assert!(!like_match(b"a_c", b"abbc"));
        assert!(like_match(b"%b%", b"abc"));
        assert!(like_match(b"a\\%", b"a%"));
        assert!(!like_match(b"a\\%", b"ab"));
        assert!(like_match("中_".as_bytes(), "中文".as_bytes()));
    }

    #[test]
    fn comparisons() {
        assert_eq!(
            compare(&Value::Int(-1), &Value::UInt(1)),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(&Value::Double(1.5), &Value::Int(1)),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&Value::Null, &Value::Int(1)), None);
        assert_eq!(
            compare(&Value::Bytes(b"b".to_vec()), &Value::NChar("a".into())),
            Some(Ordering::Greater)
        );
        assert_eq!(order_cmp(&Value::Null, &Value::Int(0)), Ordering::Less);
    }
}
