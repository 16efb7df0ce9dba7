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

impl fmt::Display for Json {
    /// Compact JSON text (used to name a failing data point in error messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"));
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Number(d) => write!(f, "{d}"),
            Json::String(s) => f.write_str(&quote(s)),
            Json::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Json::Object(members) => {
                f.write_str("{")?;
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{v}", quote(k))?;
                }
                f.write_str("}")
            }
        }
    }
}

impl Json {
    /// First member whose key matches case-insensitively (cJSON_GetObjectItem).
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(m) => m
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
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
    Ok(Point {
        measure,
        tags: tag_values,
        fields: vec![(VALUE_COLUMN.to_string(), value)],
        ts,
    })
}

/// Plain value: bool → BOOL, number → DOUBLE, string → VARCHAR, `{value, type}` → typed.
fn json_value(v: &Json) -> Result<SmlValue, ParseError> {
    let value = match v {
        Json::Bool(b) => SmlValue::Bool(*b),
        Json::Number(d) => SmlValue::Double(*d),
        Json::String(s) => SmlValue::VarChar(s.clone()),
        obj @ Json::Object(_) => typed_value(obj)?,
        _ => {
            return Err(invalid_json(
                "value must be a bool, number, string or typed object",
            ))
        }
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
    let value = obj
        .get("value")
        .ok_or_else(|| invalid_json("typed value has no value"))?;
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
                "f32" | "float" if in_range(d, -f64::from(f32::MAX), f64::from(f32::MAX)) => {
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

#[cfg(test)]
mod tests {
    use super::super::md5::md5_hex;
    use super::super::test_support::{err_of, opts, NOW_NS};
    use super::super::types::SmlValue as V;
    use super::super::{parse, SmlInput, TSDB_SML_JSON_PROTOCOL as JSON};
    use super::*;

    #[test]
    fn array_of_points_with_plain_values() {
        let data = r#"[
          {"metric":"meters.current","timestamp":1648432611249,"value":10.3,
           "tags":{"location":"California.SanFrancisco","groupid":2}},
          {"metric":"meters.current","timestamp":1648432611,"value":12.6,
           "tags":{"location":"California.LosAngeles","groupid":3}},
          {"METRIC":"meters.on","Timestamp":{"value":1648432611250001,"type":"us"},"value":true,
           "TAGS":{"flag":false}}
        ]"#;
        let batch = parse(JSON, 0, data, &opts()).unwrap();
        assert_eq!(batch.row_count(), 3);
        let t = batch.table("meters_current").unwrap();
        let tags: Vec<String> = t
            .tags
            .iter()
            .map(|c| format!("{} {}", c.name, c.sql_type()))
            .collect();
        // Tag order is the document order; strings are VARCHAR, numbers DOUBLE.
        assert_eq!(tags, ["location VARCHAR(32)", "groupid DOUBLE"]);
        assert_eq!(t.rows[0].ts, 1648432611249);
        assert_eq!(t.rows[1].ts, 1648432611000);
        assert_eq!(t.rows[0].values, vec![Some(V::Double(10.3))]);
        assert_eq!(
            t.rows[0].tags,
            vec![
                Some(V::VarChar("California.SanFrancisco".into())),
                Some(V::Double(2.0))
            ]
        );
        let mut md5_input = b"meters_current,groupid=".to_vec();
        md5_input.extend_from_slice(&2.0f64.to_le_bytes());
        md5_input.extend_from_slice(b",location=California.SanFrancisco");
        assert_eq!(t.rows[0].child_table, format!("t_{}", md5_hex(&md5_input)));
        let on = batch.table("meters_on").unwrap();
        assert_eq!(on.rows[0].ts, 1648432611250);
        assert_eq!(on.rows[0].values, vec![Some(V::Bool(true))]);
        assert_eq!(on.tags[0].sql_type(), "BOOL");
    }

    #[test]
    fn typed_values_and_single_object() {
        let data = r#"{"metric":"m","timestamp":0,"value":{"value":-3,"type":"I8"},
            "tags":{"a":{"value":1,"type":"smallint"},"b":{"value":2,"type":"int"},
                    "c":{"value":3,"type":"bigint"},"d":{"value":1.5,"type":"f32"},
                    "e":{"value":2.5,"type":"double"},"f":{"value":"x","type":"binary"},
                    "g":{"value":"y","type":"nchar"},"h":{"value":"z","type":"varbinary"},
                    "i":{"value":true,"type":"bool"}}}"#;
        let batch = parse(JSON, 0, data, &opts()).unwrap();
        let t = &batch.tables[0];
        assert_eq!(t.rows[0].ts, NOW_NS / 1_000_000);
        assert_eq!(t.rows[0].values, vec![Some(V::TinyInt(-3))]);
        let want = vec![
            V::SmallInt(1),
            V::Int(2),
            V::BigInt(3),
            V::Float(1.5),
            V::Double(2.5),
            V::VarChar("x".into()),
            V::NChar("y".into()),
            V::VarBinary(b"z".to_vec()),
            V::Bool(true),
        ];
        assert_eq!(
            t.rows[0].tags,
            want.into_iter().map(Some).collect::<Vec<_>>()
        );
        // Array input: only the first element is the document.
        let lines = [data, "garbage"];
        assert_eq!(
            parse(JSON, 0, SmlInput::Lines(&lines), &opts())
                .unwrap()
                .row_count(),
            1
        );
    }

    #[test]
    fn table_name_key_and_type_conflicts() {
        let mut o = opts();
        o.table_name_key = Some("id".into());
        let data = r#"[{"metric":"m","timestamp":1648432611,"value":1,"tags":{"id":"dev.7","t":1}},
                       {"metric":"m","timestamp":1648432612,"value":2,"tags":{"id":"dev.7","t":5}}]"#;
        let batch = parse(JSON, 0, data, &o).unwrap();
        let t = &batch.tables[0];
        assert_eq!(t.rows[0].child_table, "dev_7");
        assert_eq!(t.tags.len(), 1);
        assert_eq!(
            t.rows[1].tags,
            vec![Some(V::Double(1.0))],
            "first row's tags win"
        );
        let data = r#"[{"metric":"m","timestamp":1648432611,"value":1,"tags":{"t":1}},
                       {"metric":"m","timestamp":1648432612,"value":"s","tags":{"t":1}}]"#;
        let err = err_of(JSON, 0, data);
        assert_eq!(
            (err.code, err.line),
            (codes::TSDB_CODE_SML_NOT_SAME_TYPE, Some(2))
        );
        let data = r#"[{"metric":"m","timestamp":1648432611,"value":1,"tags":{"t":1}},
                       {"metric":"m","timestamp":1648432612,"value":2,"tags":{"t":"x"}}]"#;
        assert_eq!(
            err_of(JSON, 0, data).code,
            codes::TSDB_CODE_SML_NOT_SAME_TYPE
        );
    }

    #[test]
    fn error_cases() {
        let ok_tags = r#""tags":{"t":1}"#;
        let long_metric = format!(
            r#"{{"metric":"{}","timestamp":1648432611,"value":1,{ok_tags}}}"#,
            "m".repeat(193)
        );
        let long_key = format!(
            r#"{{"metric":"m","timestamp":1648432611,"value":1,"tags":{{"{}":1}}}}"#,
            "k".repeat(65)
        );
        let p = |body: &str| format!(r#"{{"metric":"m",{body}}}"#);
        let cases: Vec<(String, i32)> = vec![
            ("".into(), codes::TSDB_CODE_TSC_INVALID_JSON),
            ("{".into(), codes::TSDB_CODE_TSC_INVALID_JSON),
            ("42".into(), codes::TSDB_CODE_TSC_INVALID_JSON),
            ("[1]".into(), codes::TSDB_CODE_TSC_INVALID_JSON),
            (
                p(r#""timestamp":1648432611,"value":1"#),
                codes::TSDB_CODE_TSC_INVALID_JSON,
            ),
            (
                p(&format!(
                    r#""timestamp":1648432611,"value":1,{ok_tags},"x":1"#
                )),
                codes::TSDB_CODE_TSC_INVALID_JSON,
            ),
            (
                format!(r#"{{"metric":1,"timestamp":1648432611,"value":1,{ok_tags}}}"#),
                codes::TSDB_CODE_TSC_INVALID_JSON,
            ),
            (
                format!(r#"{{"metric":"","timestamp":1648432611,"value":1,{ok_tags}}}"#),
                codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH,
            ),
            (long_metric, codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH),
            (long_key, codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH),
            (
                p(&format!(r#""timestamp":123,"value":1,{ok_tags}"#)),
                codes::TSDB_CODE_INVALID_TIMESTAMP,
            ),
            (
                p(&format!(r#""timestamp":-1648432611,"value":1,{ok_tags}"#)),
                codes::TSDB_CODE_INVALID_TIMESTAMP,
            ),
            (
                p(&format!(r#""timestamp":"1648432611","value":1,{ok_tags}"#)),
                codes::TSDB_CODE_INVALID_TIMESTAMP,
            ),
            (
                p(&format!(
                    r#""timestamp":{{"value":1,"type":"h"}},"value":1,{ok_tags}"#
                )),
                codes::TSDB_CODE_INVALID_TIMESTAMP,
            ),
            (
                p(&format!(r#""timestamp":{{"value":1}},"value":1,{ok_tags}"#)),
                codes::TSDB_CODE_INVALID_TIMESTAMP,
            ),
            (
                p(&format!(r#""timestamp":1648432611,"value":null,{ok_tags}"#)),
                codes::TSDB_CODE_TSC_INVALID_JSON,
            ),
            (
                p(&format!(r#""timestamp":1648432611,"value":[1],{ok_tags}"#)),
                codes::TSDB_CODE_TSC_INVALID_JSON,
            ),
            (
                p(r#""timestamp":1648432611,"value":1,"tags":{}"#),
                codes::TSDB_CODE_TSC_INVALID_JSON,
            ),
            (
                p(r#""timestamp":1648432611,"value":1,"tags":[1]"#),
                codes::TSDB_CODE_TSC_INVALID_JSON,
            ),
            (
                p(&format!(
                    r#""timestamp":1648432611,"value":{{"value":1}},{ok_tags}"#
                )),
                codes::TSDB_CODE_TSC_INVALID_JSON,
            ),
            (
                p(&format!(
                    r#""timestamp":1648432611,"value":{{"value":1,"type":"i128"}},{ok_tags}"#
                )),
                codes::TSDB_CODE_TSC_INVALID_JSON_TYPE,
            ),
            (
                p(&format!(
                    r#""timestamp":1648432611,"value":{{"value":true,"type":"int"}},{ok_tags}"#
                )),
                codes::TSDB_CODE_TSC_INVALID_JSON_TYPE,
            ),
            (
                p(&format!(
                    r#""timestamp":1648432611,"value":{{"value":"x","type":"int"}},{ok_tags}"#
                )),
                codes::TSDB_CODE_TSC_INVALID_JSON_TYPE,
            ),
            (
                p(&format!(
                    r#""timestamp":1648432611,"value":{{"value":128,"type":"i8"}},{ok_tags}"#
                )),
                codes::TSDB_CODE_TSC_VALUE_OUT_OF_RANGE,
            ),
            (
                p(&format!(
                    r#""timestamp":1648432611,"value":{{"value":40000,"type":"smallint"}},{ok_tags}"#
                )),
                codes::TSDB_CODE_TSC_VALUE_OUT_OF_RANGE,
            ),
            (
                p(&format!(
                    r#""timestamp":1648432611,"value":{{"value":3e9,"type":"int"}},{ok_tags}"#
                )),
                codes::TSDB_CODE_TSC_VALUE_OUT_OF_RANGE,
            ),
            (
                p(&format!(
                    r#""timestamp":1648432611,"value":{{"value":1e39,"type":"float"}},{ok_tags}"#
                )),
                codes::TSDB_CODE_TSC_VALUE_OUT_OF_RANGE,
            ),
            (
                p(r#""timestamp":1648432611,"value":1,"tags":{"t":1,"t":2}"#),
                codes::TSDB_CODE_TSC_DUP_NAMES,
            ),
        ];
        for (data, code) in cases {
            let err = err_of(JSON, 0, &data);
            assert_eq!(err.code, code, "{data}: {}", err.message);
        }
        // The failing array element is named, rendered as compact JSON.
        let data = r#"[{"metric":"m","timestamp":1648432611,"value":1,"tags":{"t":1}},
                       {"metric" : "m\"x", "n": [true, null]}]"#;
        let err = err_of(JSON, 0, data);
        assert_eq!(err.line, Some(2));
        assert!(
            err.message
                .ends_with(r#"line 2: {"metric":"m\"x","n":[true,null]}"#),
            "{}",
            err.message
        );
        // An empty array is an empty batch.
        assert_eq!(parse(JSON, 0, "[]", &opts()).unwrap().row_count(), 0);
    }

    #[test]
    fn document_keeps_order_and_duplicates() {
        let docs = parse_document(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        assert_eq!(
            docs[0],
            Json::Object(vec![
                ("b".into(), Json::Number(1.0)),
                ("a".into(), Json::Number(2.0)),
                ("b".into(), Json::Number(3.0))
            ])
        );
        // Deep nesting is rejected, not a stack overflow.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            parse_document(&deep).unwrap_err().code,
            codes::TSDB_CODE_TSC_INVALID_JSON
        );
    }
}
