//! OpenTSDB JSON protocol (`TSDB_SML_JSON_PROTOCOL`): one object or an array of objects, each
//! with exactly the keys `metric`, `timestamp`, `value` and `tags` (matched
//! case-insensitively, like cJSON's lookup).
//!
//! The document is read into [`Json`], which keeps object keys in their original order (the
//! tag order decides the column order) and keeps duplicate keys, as cJSON does.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use taos_wire::error::codes;

use super::telnet::VALUE_COLUMN;
use super::time::{json_number_ts, json_typed_ts, TimeCtx};
use super::types::{ParseError, SmlValue, MAX_COL_NAME_LEN, MAX_TABLE_NAME_LEN};
use super::Point;

/// A JSON value with ordered object members.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// Any number, as a double (cJSON's `valuedouble`).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in document order.
    Object(Vec<(String, Json)>),
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            members.push((k, v));
        }
        Ok(Json::Object(members))
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

impl Json {
    /// First member whose key matches case-insensitively (cJSON_GetObjectItem).
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(m) => m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    fn len(&self) -> usize {
        match self {
            Json::Object(m) => m.len(),
            Json::Array(a) => a.len(),
            _ => 0,
        }
    }
}

fn invalid_json(detail: impl Into<String>) -> ParseError {
    ParseError::new(codes::TSDB_CODE_TSC_INVALID_JSON, detail)
}

/// Parses the document into its data points (`TSDB_CODE_TSC_INVALID_JSON` when it is not
/// JSON, or neither an object nor an array).
pub(crate) fn parse_document(text: &str) -> Result<Vec<Json>, ParseError> {
    let doc: Json = serde_json::from_str(text.trim_end_matches('\0'))
        .map_err(|e| invalid_json(format!("invalid JSON: {e}")))?;
    match doc {
        Json::Array(items) => Ok(items),
        obj @ Json::Object(_) => Ok(vec![obj]),
        _ => Err(invalid_json("the payload must be a JSON object or array")),
    }
}

/// Converts one data point object.
pub(crate) fn parse_point(point: &Json, ctx: &TimeCtx) -> Result<Point, ParseError> {
    if !matches!(point, Json::Object(_)) || point.len() != 4 {
        return Err(invalid_json(format!(
            "Invalid number of JSON fields in data point {}",
            point.len()
        )));
    }
    let measure = match point.get("metric") {
        Some(Json::String(s)) => s.clone(),
        _ => return Err(invalid_json("metric is missing or not a string")),
    };
    if measure.is_empty() || measure.len() > MAX_TABLE_NAME_LEN {
        return Err(ParseError::new(
            codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH,
            format!("Metric length is 0 or large than {MAX_TABLE_NAME_LEN}"),
        ));
    }
    let ts = match point.get("timestamp") {
        Some(Json::Number(v)) => json_number_ts(*v, ctx)?,
        Some(obj @ Json::Object(_)) => {
            let (Some(Json::Number(v)), Some(Json::String(unit)), 2) =
                (obj.get("value"), obj.get("type"), obj.len())
            else {
                return Err(ParseError::new(
                    codes::TSDB_CODE_INVALID_TIMESTAMP,
                    "invalid timestamp object",
                ));
            };
            json_typed_ts(*v, unit, ctx)?
        }
        _ => {
            return Err(ParseError::new(
                codes::TSDB_CODE_INVALID_TIMESTAMP,
                "timestamp is missing or not a number/object",
            ))
        }
    };
    let value = match point.get("value") {
        Some(v) => json_value(v)?,
        None => return Err(invalid_json("value is missing")),
    };
    let tags = match point.get("tags") {
        Some(Json::Object(members)) if !members.is_empty() => members,
        _ => return Err(invalid_json("tags is missing, empty or not an object")),
    };
    let mut tag_values = Vec::with_capacity(tags.len());
    for (key, v) in tags {
        if key.is_empty() || key.len() > MAX_COL_NAME_LEN {
            return Err(ParseError::new(
                codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH,
                format!("Tag key length is 0 or too large than {MAX_COL_NAME_LEN}:{key}"),
            ));
        }
        tag_values.push((key.clone(), json_value(v)?));
    }
    Ok(Point { measure, tags: tag_values, fields: vec![(VALUE_COLUMN.to_string(), value)], ts })
}

/// Plain value: bool → BOOL, number → DOUBLE, string → VARCHAR, `{value, type}` → typed.
fn json_value(v: &Json) -> Result<SmlValue, ParseError> {
    let value = match v {
        Json::Bool(b) => SmlValue::Bool(*b),
        Json::Number(d) => SmlValue::Double(*d),
        Json::String(s) => SmlValue::VarChar(s.clone()),
        obj @ Json::Object(_) => typed_value(obj)?,
        _ => return Err(invalid_json("value must be a bool, number, string or typed object")),
    };
    value.check_len()?;
    Ok(value)
}

fn out_of_range(d: f64, ty: &str) -> ParseError {
    ParseError::new(
        codes::TSDB_CODE_TSC_VALUE_OUT_OF_RANGE,
        format!("JSON value({d}) cannot fit in type({ty})"),
    )
}

fn invalid_type(ty: &str, kind: &str) -> ParseError {
    ParseError::new(
        codes::TSDB_CODE_TSC_INVALID_JSON_TYPE,
        format!("invalid type({ty}) for JSON {kind}"),
    )
}

/// `{"value": v, "type": "<t>"}` with exactly two members.
fn typed_value(obj: &Json) -> Result<SmlValue, ParseError> {
    if obj.len() != 2 {
        return Err(invalid_json("typed value must have exactly value and type"));
    }
    let value = obj.get("value").ok_or_else(|| invalid_json("typed value has no value"))?;
    let ty = match obj.get("type") {
        Some(Json::String(t)) => t.to_ascii_lowercase(),
        _ => return Err(invalid_json("typed value has no string type")),
    };
    let in_range = |d: f64, lo: f64, hi: f64| d >= lo && d <= hi;
    Ok(match value {
        Json::Bool(b) if ty == "bool" => SmlValue::Bool(*b),
        Json::Bool(_) => return Err(invalid_type(&ty, "Bool")),
        Json::Number(d) => {
            let d = *d;
            match ty.as_str() {
                "i8" | "tinyint" if in_range(d, -128.0, 127.0) => SmlValue::TinyInt(d as i8),
                "i16" | "smallint" if in_range(d, -32768.0, 32767.0) => {
                    SmlValue::SmallInt(d as i16)
                }
                "i32" | "int" if in_range(d, f64::from(i32::MIN), f64::from(i32::MAX)) => {
                    SmlValue::Int(d as i32)
                }
                // BIGINT saturates like TDengine instead of failing.
                "i64" | "bigint" => SmlValue::BigInt(d as i64),
                "f32" | "float"
                    if in_range(d, -f64::from(f32::MAX), f64::from(f32::MAX)) =>
                {
                    SmlValue::Float(d as f32)
                }
                "f64" | "double" => SmlValue::Double(d),
                "i8" | "tinyint" | "i16" | "smallint" | "i32" | "int" | "f32" | "float" => {
                    return Err(out_of_range(d, &ty))
                }
                _ => return Err(invalid_type(&ty, "Number")),
            }
        }
        Json::String(s) => match ty.as_str() {
            "binary" | "varchar" => SmlValue::VarChar(s.clone()),
            "nchar" => SmlValue::NChar(s.clone()),
            "varbinary" => SmlValue::VarBinary(s.as_bytes().to_vec()),
            _ => return Err(invalid_type(&ty, "String")),
        },
        _ => return Err(invalid_type(&ty, "value")),
    })
}
