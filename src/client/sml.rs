//! Schemaless insert: one `insert` action on the connection's `/ws` socket per call
//! (ws-stmt-sml-tmq.md §3.1, §3.2).
//!
//! Arguments TDengine checks before doing any work (protocol, line-protocol precision) are
//! checked here too, with TDengine's codes, so a bad call never reaches the server.
use super::{err, Connection, Result};
use taos_wire::error::codes;
use taos_wire::json::schemaless::{precision_to_wire, InsertReply};

/// `TSDB_SML_LINE_PROTOCOL`.
pub const LINE_PROTOCOL: i32 = 1;
/// `TSDB_SML_JSON_PROTOCOL`.
pub const JSON_PROTOCOL: i32 = 3;
/// `TSDB_SML_TIMESTAMP_NANO_SECONDS`, the largest precision value.
const MAX_PRECISION: i32 = 6;

/// One schemaless write.
#[derive(Debug, Clone, Copy)]
pub struct SmlInsert<'a> {
    /// `TSDB_SML_*_PROTOCOL` (1 line, 2 telnet, 3 JSON).
    pub protocol: i32,
    /// `TSDB_SML_TIMESTAMP_*` (0 not configured … 6 ns); used by the line protocol only.
    pub precision: i32,
    /// The payload: lines separated by `\n`, or one JSON document.
    pub data: &'a str,
    /// TTL in days for auto-created child tables (0 = none).
    pub ttl: i32,
    /// Request id; 0 = generate one.
    pub req_id: u64,
    /// Tag whose value names the child table (`None` = TDengine's default rule).
    pub table_name_key: Option<&'a str>,
}

/// What the server reports for a successful write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmlOutcome {
    /// Rows written (`taos_affected_rows`).
    pub affected_rows: i64,
    /// Lines counted by TDengine's splitter (`*totalRows` of the raw C variants).
    pub total_rows: i32,
}

/// Checks what native libtaos checks before parsing: protocol 1–3 and, for the line
/// protocol, precision 0–6.
pub fn check_args(protocol: i32, precision: i32) -> Result<()> {
    if !(LINE_PROTOCOL..=JSON_PROTOCOL).contains(&protocol) {
        return Err(err(
            codes::TSDB_CODE_SML_INVALID_PROTOCOL_TYPE,
            format!("protocol invalidate: {protocol}"),
        ));
    }
    if protocol == LINE_PROTOCOL && !(0..=MAX_PRECISION).contains(&precision) {
        return Err(err(
            codes::TSDB_CODE_SML_INVALID_PRECISION_TYPE,
            format!("precision invalidate for line protocol: {precision}"),
        ));
    }
    Ok(())
}

/// TDengine's count of the lines in a raw buffer (`*totalRows` of the raw C variants): a
/// line ends at `\n` or at the end of the buffer; for the line protocol a line starting
/// with `#` is a comment and not counted. Empty lines count.
pub fn count_raw_lines(data: &[u8], protocol: i32) -> i32 {
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    let n = body
        .split(|&b| b == b'\n')
        .filter(|l| protocol != LINE_PROTOCOL || l.first() != Some(&b'#'))
        .count();
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Sends the whole batch as one `insert` and waits for the reply.
pub fn insert(conn: &Connection, req: &SmlInsert) -> Result<SmlOutcome> {
    check_args(req.protocol, req.precision)?;
    if req.data.is_empty() {
        return Err(err(
            codes::TSDB_CODE_INVALID_PARA,
            "Invalid parameters: schemaless data is empty",
        ));
    }
    let reply: InsertReply = conn.call_json("insert", req.req_id, |rid| {
        serde_json::json!({
            "req_id": rid,
            "protocol": req.protocol,
            "precision": precision_to_wire(req.precision),
            "ttl": req.ttl,
            "data": req.data,
            "table_name_key": req.table_name_key,
        })
    })?;
    Ok(SmlOutcome {
        affected_rows: reply.affected_rows,
        total_rows: reply.total_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_checks_use_tdengine_codes() {
        assert!(check_args(1, 0).is_ok());
        assert!(check_args(2, 99).is_ok(), "precision is ignored for telnet");
        assert_eq!(
            check_args(0, 0).unwrap_err().code,
            codes::TSDB_CODE_SML_INVALID_PROTOCOL_TYPE
        );
        assert_eq!(
            check_args(4, 0).unwrap_err().code,
            codes::TSDB_CODE_SML_INVALID_PROTOCOL_TYPE
        );
        assert_eq!(
            check_args(1, 7).unwrap_err().code,
            codes::TSDB_CODE_SML_INVALID_PRECISION_TYPE
        );
        assert_eq!(
            check_args(1, -1).unwrap_err().code,
            codes::TSDB_CODE_SML_INVALID_PRECISION_TYPE
        );
    }

    #[test]
    fn raw_lines_are_counted_like_tdengine() {
        assert_eq!(count_raw_lines(b"a", 1), 1);
        assert_eq!(count_raw_lines(b"a\n", 1), 1);
        assert_eq!(count_raw_lines(b"a\n\nb\n", 1), 3);
        assert_eq!(count_raw_lines(b"a\n\n", 1), 2);
        assert_eq!(count_raw_lines(b"#c\na\n#d", 1), 1);
        assert_eq!(count_raw_lines(b"#c\na", 2), 2);
        assert_eq!(count_raw_lines(b"#c\na", JSON_PROTOCOL), 2);
    }
}
