//! JSON text frames of schemaless writes (`insert` on `/ws`, ws-stmt-sml-tmq.md §3.1).

use serde::{Deserialize, Serialize};

/// Schemaless protocol: InfluxDB line protocol.
pub const SML_LINE_PROTOCOL: i32 = 1;
/// Schemaless protocol: OpenTSDB telnet.
pub const SML_TELNET_PROTOCOL: i32 = 2;
/// Schemaless protocol: OpenTSDB JSON.
pub const SML_JSON_PROTOCOL: i32 = 3;

/// `insert` request args.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsertArgs {
    /// Request id (also TDengine's reqid).
    #[serde(default)]
    pub req_id: u64,
    /// 1 line, 2 telnet, 3 JSON; 0 is rejected with `schemaless write protocol is null`.
    #[serde(default)]
    pub protocol: i32,
    /// `""`, `"h"`, `"m"`, `"s"`, `"ms"`, `"u"`/`"μ"`, `"ns"`; anything else = not configured.
    #[serde(default)]
    pub precision: String,
    /// TTL in days for auto-created tables (`null` = 0).
    #[serde(default, deserialize_with = "null_as_zero")]
    pub ttl: i32,
    /// The whole payload, lines separated by `\n`.
    #[serde(default)]
    pub data: String,
    /// Tag key whose value names the child table; `null`/empty = not set.
    #[serde(default)]
    pub table_name_key: Option<String>,
}

fn null_as_zero<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    Ok(Option::<i32>::deserialize(d)?.unwrap_or(0))
}

/// The wire precision string for a C `TSDB_SML_TIMESTAMP_*` value, as the official client maps
/// it (0 `""`, 1 `"h"`, 2 `"m"`, 3 `"s"`, 4 `"ms"`, 5 `"u"`, 6 `"ns"`, anything else `"ms"`).
pub fn precision_to_wire(precision: i32) -> &'static str {
    match precision {
        0 => "",
        1 => "h",
        2 => "m",
        3 => "s",
        5 => "u",
        6 => "ns",
        _ => "ms",
    }
}

reply!(
    /// `insert` success reply.
    InsertReply {
        /// Rows written.
        affected_rows: i64,
        /// Lines counted by TDengine's raw splitter.
        total_rows: i32,
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse_reply, to_json};

    #[test]
    fn shapes() {
        let a: InsertArgs = serde_json::from_str(
            r#"{"protocol":1,"precision":"u","data":"x","ttl":null,"req_id":999,"table_name_key":null}"#,
        )
        .unwrap();
        assert_eq!(
            (a.req_id, a.protocol, a.ttl, a.table_name_key),
            (999, 1, 0, None)
        );
        let r = InsertReply {
            action: "insert".into(),
            req_id: 7,
            timing: 123_456,
            affected_rows: 1,
            total_rows: 1,
            ..Default::default()
        };
        let want = r#"{"code":0,"message":"","action":"insert","req_id":7,"timing":123456,"affected_rows":1,"total_rows":1}"#;
        assert_eq!(to_json(&r), want);
        assert_eq!(parse_reply::<InsertReply>(want).unwrap(), r);
        assert_eq!(precision_to_wire(4), "ms");
        assert_eq!(precision_to_wire(99), "ms");
        assert_eq!(precision_to_wire(0), "");
    }
}
