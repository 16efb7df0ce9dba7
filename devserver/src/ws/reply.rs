//! Building replies: JSON text replies with the five common fields first (in taosAdapter's
//! order), and the binary `fetch_raw_block` / legacy `fetch_block` frames.

use serde::Serialize;
use std::time::Instant;

/// One frame to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// A text frame (JSON).
    Text(Vec<u8>),
    /// A binary frame.
    Binary(Vec<u8>),
}

impl Out {
    /// The payload bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Out::Text(b) | Out::Binary(b) => b,
        }
    }
}

/// Nanoseconds since `start`, as reported in `timing` (never negative).
pub fn elapsed_ns(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// `timing` for JSON replies (i64 in the wire structs; never negative).
pub fn timing_ns(start: Instant) -> i64 {
    i64::try_from(start.elapsed().as_nanos()).unwrap_or(i64::MAX)
}

/// A JSON object written field by field, so keys keep the adapter's order.
pub struct Json {
    buf: Vec<u8>,
}

impl Json {
    /// Starts a reply with `code`, `message`, `action`, `req_id`, `timing`.
    pub fn common(code: u32, message: &str, action: &str, req_id: u64, timing: u64) -> Json {
        let mut j = Json {
            buf: Vec::with_capacity(256),
        };
        j.buf.push(b'{');
        j = j
            .field("code", code)
            .field("message", message)
            .field("action", action)
            .field("req_id", req_id)
            .field("timing", timing);
        j
    }

    /// An empty object to fill (for shapes without the common fields).
    pub fn object() -> Json {
        Json { buf: vec![b'{'] }
    }

    /// Appends `"key":value`.
    pub fn field<T: Serialize>(mut self, key: &str, value: T) -> Json {
        if self.buf.len() > 1 {
            self.buf.push(b',');
        }
        // Serializing strings, numbers, bools, options and vectors into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, key);
        self.buf.push(b':');
        let _ = serde_json::to_writer(&mut self.buf, &value);
        self
    }

    /// Closes the object.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(b'}');
        self.buf
    }

    /// Closes the object as a text frame.
    pub fn out(self) -> Out {
        Out::Text(self.finish())
    }
}

/// A JSON error reply (the five common fields only).
pub fn error(code: u32, message: &str, action: &str, req_id: u64, start: Instant) -> Out {
    Json::common(code & 0xFFFF, message, action, req_id, elapsed_ns(start)).out()
}

/// A text frame with a taos-wire reply struct serialized as compact JSON.
pub fn json<T: Serialize>(reply: &T) -> Out {
    Out::Text(taos_wire::json::to_json(reply).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_common_fields_in_order() {
        let j = Json::common(0, "", "version", 7, 12)
            .field("version", "3.3.6.0")
            .finish();
        assert_eq!(
            String::from_utf8(j).unwrap(),
            r#"{"code":0,"message":"","action":"version","req_id":7,"timing":12,"version":"3.3.6.0"}"#
        );
        let j = Json::common(0, "<&>", "x", u64::MAX, 0)
            .field("n", Option::<Vec<u8>>::None)
            .finish();
        assert_eq!(
            String::from_utf8(j).unwrap(),
            r#"{"code":0,"message":"<&>","action":"x","req_id":18446744073709551615,"timing":0,"n":null}"#
        );
    }
}
