//! Decoding a text frame's envelope `{"action": ..., "args": {...}}` and its `args` with the
//! adapter's (Go `encoding/json`) rules: `args` absent is an error, `args: null` decodes to
//! all-zero fields, unknown keys are ignored, wrong types are errors.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A decoded envelope.
#[derive(Debug)]
pub struct Envelope {
    /// The action name (`""` when absent or null).
    pub action: String,
    /// The raw `args` (`None` when the key is absent).
    pub args: Option<Value>,
}

/// Why an envelope could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum EnvelopeError {
    /// Not JSON, or not an object of the envelope shape: `unmarshal request error`.
    Unmarshal,
}

/// Parses a text frame's bytes.
pub fn parse(data: &[u8]) -> Result<Envelope, EnvelopeError> {
    let v: Value = serde_json::from_slice(data).map_err(|_| EnvelopeError::Unmarshal)?;
    match v {
        // Go decodes `null` into the zero struct: no action.
        Value::Null => Ok(Envelope {
            action: String::new(),
            args: None,
        }),
        Value::Object(mut m) => {
            let action = match m.remove("action") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s,
                Some(_) => return Err(EnvelopeError::Unmarshal),
            };
            Ok(Envelope {
                action,
                args: m.remove("args"),
            })
        }
        _ => Err(EnvelopeError::Unmarshal),
    }
}

/// `args.req_id` read leniently (0 when absent or unusable), for errors before decoding.
pub fn lenient_req_id(args: Option<&Value>) -> u64 {
    match args.and_then(|a| a.get("req_id")) {
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// Decodes `args` into `T`; `None` maps to the action's `unmarshal ... request error`.
pub fn decode<T: DeserializeOwned + Default>(args: Option<&Value>) -> Option<T> {
    match args {
        None => None,
        Some(Value::Null) => Some(T::default()),
        Some(v @ Value::Object(_)) => T::deserialize(v).ok(),
        Some(_) => None,
    }
}

/// Deserializes a field that may be JSON `null` as its default (Go leaves the zero value).
pub mod nullable {
    use serde::{Deserialize, Deserializer};

    /// `null` → `T::default()`.
    pub fn de<'de, D, T>(d: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + Default,
    {
        Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Default, Debug)]
    #[serde(default)]
    struct A {
        #[serde(deserialize_with = "nullable::de")]
        req_id: u64,
        #[serde(deserialize_with = "nullable::de")]
        sql: String,
    }

    #[test]
    fn envelope_rules() {
        assert_eq!(parse(b"nope").unwrap_err(), EnvelopeError::Unmarshal);
        assert_eq!(parse(b"[1]").unwrap_err(), EnvelopeError::Unmarshal);
        assert_eq!(
            parse(b"{\"action\":1}").unwrap_err(),
            EnvelopeError::Unmarshal
        );
        assert_eq!(parse(b"null").unwrap().action, "");
        let e = parse(br#"{"action":"query","args":{"req_id":5,"sql":"x","zz":[]}}"#).unwrap();
        assert_eq!(e.action, "query");
        let a: A = decode(e.args.as_ref()).unwrap();
        assert_eq!((a.req_id, a.sql.as_str()), (5, "x"));
        assert!(decode::<A>(None).is_none());
        assert!(decode::<A>(Some(&Value::Bool(true))).is_none());
        assert_eq!(decode::<A>(Some(&Value::Null)).unwrap().req_id, 0);
        let bad: Value = serde_json::from_str(r#"{"req_id":-1}"#).unwrap();
        assert!(decode::<A>(Some(&bad)).is_none());
        assert_eq!(lenient_req_id(Some(&bad)), 0);
        let big: Value =
            serde_json::from_str(r#"{"req_id":18446744073709551615,"sql":null}"#).unwrap();
        assert_eq!(lenient_req_id(Some(&big)), u64::MAX);
        assert_eq!(decode::<A>(Some(&big)).unwrap().req_id, u64::MAX);
    }
}
