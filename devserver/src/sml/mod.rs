//! Schemaless input parsing (InfluxDB line, OpenTSDB telnet, OpenTSDB JSON) for the dev
//! server, deciding super tables, columns, tags and child-table names as TDengine does
//! (ws-stmt-sml-tmq.md §3).
//!
//! [`parse`] is pure: it turns one `insert` payload into an [`SmlBatch`] (per super table the
//! column and tag schema plus the rows) and leaves creating/altering tables to the engine,
//! which can use [`types::plan_against_existing`] to compare with tables that already exist.

pub mod json;
pub mod line;
pub mod md5;
pub mod naming;
pub mod telnet;
pub mod time;
pub mod types;

use std::collections::HashMap;
use std::fmt;

use taos_wire::error::codes;
use taos_wire::types::TSDB_DATA_TYPE_NCHAR;

use naming::{child_table_name, dots, NamingRule};
use time::TimeCtx;
use types::{check_limits, ColumnDef, ParseError, SchemaBuilder, SmlValue};

/// `TSDB_SML_UNKNOWN_PROTOCOL`.
pub const TSDB_SML_UNKNOWN_PROTOCOL: i32 = 0;
/// `TSDB_SML_LINE_PROTOCOL` (InfluxDB line protocol).
pub const TSDB_SML_LINE_PROTOCOL: i32 = 1;
/// `TSDB_SML_TELNET_PROTOCOL` (OpenTSDB telnet).
pub const TSDB_SML_TELNET_PROTOCOL: i32 = 2;
/// `TSDB_SML_JSON_PROTOCOL` (OpenTSDB JSON).
pub const TSDB_SML_JSON_PROTOCOL: i32 = 3;

/// Default timestamp column name (client option `smlTsDefaultName`).
pub const DEFAULT_TS_COLUMN: &str = "_ts";
/// Tag TDengine adds to a super table created without tags (client option `smlTagName`).
pub const NULL_TAG_NAME: &str = "_tag_null";

/// Request arguments and client options that shape the result.
#[derive(Debug, Clone)]
pub struct SmlOptions {
    /// `table_name_key` of the request: tag whose value names the child table.
    pub table_name_key: Option<String>,
    /// TTL in days for auto-created child tables (0 = none); carried into the batch.
    pub ttl: i32,
    /// Precision of the target database (0 ms, 1 µs, 2 ns); timestamps are converted to it.
    pub db_precision: u8,
    /// Client option `smlChildTableName` (key tag used when `table_name_key` is not set).
    pub child_table_name: Option<String>,
    /// Client option `smlAutoChildTableNameDelimiter`.
    pub auto_child_table_name_delimiter: Option<String>,
    /// Client option `smlDot2Underline` (TDengine default: true).
    pub dot_to_underline: bool,
    /// Client option `smlTsDefaultName` (default `_ts`).
    pub ts_column_name: String,
    /// Fixed "now" in nanoseconds for missing/zero timestamps; `None` = the system clock.
    pub now_ns: Option<i64>,
}

impl Default for SmlOptions {
    fn default() -> Self {
        SmlOptions {
            table_name_key: None,
            ttl: 0,
            db_precision: taos_wire::types::TSDB_TIME_PRECISION_MILLI,
            child_table_name: None,
            auto_child_table_name_delimiter: None,
            dot_to_underline: true,
            ts_column_name: DEFAULT_TS_COLUMN.to_string(),
            now_ns: None,
        }
    }
}

/// The payload: one raw buffer split at `\n` (the `/ws` `insert` action, `_raw` C variants),
/// or an array of lines (`taos_schemaless_insert`; for JSON only the first element is used).
#[derive(Debug, Clone, Copy)]
pub enum SmlInput<'a> {
    /// Raw text; lines end at `\n`; for line protocol a line starting with `#` is a comment.
    Raw(&'a str),
    /// One line per element (no comment handling, like TDengine's array path).
    Lines(&'a [&'a str]),
}

impl<'a> From<&'a str> for SmlInput<'a> {
    fn from(s: &'a str) -> Self {
        SmlInput::Raw(s)
    }
}

impl<'a> From<&'a [&'a str]> for SmlInput<'a> {
    fn from(lines: &'a [&'a str]) -> Self {
        SmlInput::Lines(lines)
    }
}

/// A schemaless failure: TDengine code and a message naming the failing line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmlError {
    /// TDengine error code (`taos_wire::error::codes`, e.g. `TSDB_CODE_SML_INVALID_DATA`).
    pub code: i32,
    /// Human-readable message: detail, then `line <n>: <text>` when a line is at fault.
    pub message: String,
    /// 1-based line (or JSON array element) at fault, if any.
    pub line: Option<usize>,
}

impl fmt::Display for SmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[0x{:04X}] {}", self.code & 0xffff, self.message)
    }
}

impl std::error::Error for SmlError {}

impl SmlError {
    fn whole(code: i32, message: impl Into<String>) -> Self {
        SmlError {
            code,
            message: message.into(),
            line: None,
        }
    }

    fn at(err: ParseError, line_no: usize, text: &str) -> Self {
        const MAX_TEXT: usize = 512;
        let mut end = text.len().min(MAX_TEXT);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let more = if end < text.len() { "..." } else { "" };
        SmlError {
            code: err.code,
            message: format!("{}; line {line_no}: {}{more}", err.detail, &text[..end]),
            line: Some(line_no),
        }
    }
}

/// One data row.
#[derive(Debug, Clone, PartialEq)]
pub struct SmlRow {
    /// Child table the row goes to.
    pub child_table: String,
    /// Tag values aligned with [`SmlTable::tags`] (`None` = NULL). All rows of one child
    /// table carry the tags of its first row, as TDengine creates the table from that row.
    pub tags: Vec<Option<SmlValue>>,
    /// Timestamp in the database precision.
    pub ts: i64,
    /// Values aligned with `SmlTable::columns[1..]` (`None` = NULL).
    pub values: Vec<Option<SmlValue>>,
    /// 1-based input line (JSON: array element) the row came from.
    pub line: usize,
}

/// Everything destined for one super table.
#[derive(Debug, Clone, PartialEq)]
pub struct SmlTable {
    /// Super-table name (measurement/metric, dots converted when enabled).
    pub name: String,
    /// Columns: the timestamp first, then fields in first-seen order, widths grown to fit.
    pub columns: Vec<ColumnDef>,
    /// Tags in first-seen order (a `_tag_null` NCHAR tag when no row had tags).
    pub tags: Vec<ColumnDef>,
    /// Rows in input order.
    pub rows: Vec<SmlRow>,
}

impl SmlTable {
    /// Distinct child tables in first-seen order.
    pub fn child_tables(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.rows
            .iter()
            .filter(|r| seen.insert(r.child_table.as_str()))
            .map(|r| r.child_table.as_str())
            .collect()
    }
}

/// The parsed payload.
#[derive(Debug, Clone, PartialEq)]
pub struct SmlBatch {
    /// Super tables in first-seen order.
    pub tables: Vec<SmlTable>,
    /// TDengine's `total_rows`: lines counted by the raw splitter (comments excluded for
    /// line protocol).
    pub total_rows: i32,
    /// TTL from the options.
    pub ttl: i32,
}

impl SmlBatch {
    /// Number of rows (TDengine's `affected_rows` once inserted).
    pub fn row_count(&self) -> usize {
        self.tables.iter().map(|t| t.rows.len()).sum()
    }

    /// The super table called `name`.
    pub fn table(&self, name: &str) -> Option<&SmlTable> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// One parsed data point before it is placed in a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    pub measure: String,
    pub tags: Vec<(String, SmlValue)>,
    pub fields: Vec<(String, SmlValue)>,
    pub ts: i64,
}

/// Maps the `/ws` `insert` precision string to `TSDB_SML_TIMESTAMP_*`; anything unknown
/// (including `"us"`) is "not configured", as in taosAdapter.
pub fn precision_from_str(s: &str) -> i32 {
    match s {
        "h" => time::TSDB_SML_TIMESTAMP_HOURS,
        "m" => time::TSDB_SML_TIMESTAMP_MINUTES,
        "s" => time::TSDB_SML_TIMESTAMP_SECONDS,
        "ms" => time::TSDB_SML_TIMESTAMP_MILLI_SECONDS,
        "u" | "\u{3bc}" => time::TSDB_SML_TIMESTAMP_MICRO_SECONDS,
        "ns" => time::TSDB_SML_TIMESTAMP_NANO_SECONDS,
        _ => time::TSDB_SML_TIMESTAMP_NOT_CONFIGURED,
    }
}

/// Splits a raw payload like TDengine: a line ends at `\n`, and a final `\n` does not start
/// another line.
fn raw_lines(data: &str) -> impl Iterator<Item = &str> {
    let body = data.strip_suffix('\n').unwrap_or(data);
    let empty = data.is_empty();
    body.split('\n').filter(move |_| !empty)
}

/// TDengine's `total_rows` for a raw payload.
pub fn total_rows(protocol: i32, data: &str) -> i32 {
    let n = raw_lines(data)
        .filter(|l| protocol != TSDB_SML_LINE_PROTOCOL || !l.starts_with('#'))
        .count();
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Parses one schemaless payload.
///
/// `protocol` is `TSDB_SML_*_PROTOCOL`; `precision` is `TSDB_SML_TIMESTAMP_*` (line protocol
/// only; telnet/JSON detect seconds/milliseconds from the digit count).
pub fn parse<'a>(
    protocol: i32,
    precision: i32,
    input: impl Into<SmlInput<'a>>,
    options: &SmlOptions,
) -> Result<SmlBatch, SmlError> {
    let input = input.into();
    if !(TSDB_SML_LINE_PROTOCOL..=TSDB_SML_JSON_PROTOCOL).contains(&protocol) {
        return Err(SmlError::whole(
            codes::TSDB_CODE_SML_INVALID_PROTOCOL_TYPE,
            format!("protocol invalidate: {protocol}"),
        ));
    }
    if protocol == TSDB_SML_LINE_PROTOCOL && time::sml_unit_nanos(precision).is_none() {
        return Err(SmlError::whole(
            codes::TSDB_CODE_SML_INVALID_PRECISION_TYPE,
            format!("precision invalidate for line protocol: {precision}"),
        ));
    }
    let ctx = TimeCtx {
        db_precision: options.db_precision,
        now_ns: options.now_ns.unwrap_or_else(time::system_now_ns),
    };
    let mut acc = Accumulator::new(options);

    if protocol == TSDB_SML_JSON_PROTOCOL {
        let text = match input {
            SmlInput::Raw(s) => s,
            SmlInput::Lines(lines) => lines.first().copied().unwrap_or(""),
        };
        let points = json::parse_document(text).map_err(|e| SmlError {
            code: e.code,
            message: e.detail,
            line: None,
        })?;
        for (i, p) in points.iter().enumerate() {
            let line_no = i + 1;
            let point = json::parse_point(p, &ctx)
                .map_err(|e| SmlError::at(e, line_no, &compact_json(p)))?;
            acc.add(point, line_no)
                .map_err(|e| SmlError::at(e, line_no, &compact_json(p)))?;
        }
        return acc.finish(total_rows(protocol, text), options.ttl);
    }

    let lines: Vec<(usize, &str)> = match input {
        SmlInput::Raw(s) => raw_lines(s)
            .enumerate()
            .filter(|(_, l)| protocol != TSDB_SML_LINE_PROTOCOL || !l.starts_with('#'))
            .map(|(i, l)| (i + 1, l))
            .collect(),
        SmlInput::Lines(ls) => ls.iter().enumerate().map(|(i, l)| (i + 1, *l)).collect(),
    };
    if lines.is_empty() {
        return Err(SmlError::whole(
            codes::TSDB_CODE_SML_INVALID_DATA,
            "line num is invalid",
        ));
    }
    let total = match input {
        SmlInput::Raw(s) => total_rows(protocol, s),
        SmlInput::Lines(_) => i32::try_from(lines.len()).unwrap_or(i32::MAX),
    };
    for (line_no, text) in lines {
        let point = if protocol == TSDB_SML_LINE_PROTOCOL {
            line::parse_line(text, precision, &ctx)
        } else {
            telnet::parse_line(text, &ctx)
        };
        let point = point.map_err(|e| SmlError::at(e, line_no, text))?;
        acc.add(point, line_no)
            .map_err(|e| SmlError::at(e, line_no, text))?;
    }
    acc.finish(total, options.ttl)
}

fn compact_json(p: &json::Json) -> String {
    p.to_string()
}

/// Per-super-table state while rows are collected.
struct TableAcc {
    name: String,
    columns: SchemaBuilder,
    tags: SchemaBuilder,
    /// child table name → its first row's tags (positions in `tags`)
    children: HashMap<String, Vec<(usize, SmlValue)>>,
    rows: Vec<PendingRow>,
}

struct PendingRow {
    child: String,
    ts: i64,
    values: Vec<(usize, SmlValue)>,
    line: usize,
}

struct Accumulator<'o> {
    options: &'o SmlOptions,
    tables: Vec<TableAcc>,
    index: HashMap<String, usize>,
}

impl<'o> Accumulator<'o> {
    fn new(options: &'o SmlOptions) -> Self {
        Accumulator {
            options,
            tables: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn add(&mut self, point: Point, line: usize) -> Result<(), ParseError> {
        let opts = self.options;
        let Point {
            measure,
            mut tags,
            fields,
            ts,
        } = point;
        check_duplicates(&tags, &fields, &opts.ts_column_name)?;

        let stable = dots(&measure, opts.dot_to_underline);
        let rule = NamingRule {
            table_name_key: opts.table_name_key.as_deref(),
            child_table_name_option: opts.child_table_name.as_deref(),
            auto_delimiter: opts.auto_child_table_name_delimiter.as_deref(),
            dot_to_underline: opts.dot_to_underline,
        };
        let child = child_table_name(&stable, &mut tags, &rule);

        let pos = match self.index.get(&stable) {
            Some(&p) => p,
            None => {
                self.tables.push(TableAcc {
                    name: stable.clone(),
                    columns: SchemaBuilder::new(),
                    tags: SchemaBuilder::new(),
                    children: HashMap::new(),
                    rows: Vec::new(),
                });
                self.index.insert(stable, self.tables.len() - 1);
                self.tables.len() - 1
            }
        };
        let table = &mut self.tables[pos];

        let mut tag_positions = Vec::with_capacity(tags.len());
        for (key, value) in tags {
            if table.columns.position(&key).is_some() {
                return Err(same_name(&key));
            }
            tag_positions.push((table.tags.observe(&key, &value)?, value));
        }
        let mut values = Vec::with_capacity(fields.len());
        for (key, value) in fields {
            if table.tags.position(&key).is_some() {
                return Err(same_name(&key));
            }
            values.push((table.columns.observe(&key, &value)?, value));
        }
        table.children.entry(child.clone()).or_insert(tag_positions);
        table.rows.push(PendingRow {
            child,
            ts,
            values,
            line,
        });
        Ok(())
    }

    fn finish(self, total_rows: i32, ttl: i32) -> Result<SmlBatch, SmlError> {
        let ts_name = &self.options.ts_column_name;
        let mut tables = Vec::with_capacity(self.tables.len());
        for t in self.tables {
            let mut columns = vec![ColumnDef::timestamp(ts_name)];
            columns.extend(t.columns.into_defs());
            let mut tag_defs = t.tags.into_defs();
            if tag_defs.is_empty() {
                tag_defs.push(ColumnDef {
                    name: NULL_TAG_NAME.to_string(),
                    ty: TSDB_DATA_TYPE_NCHAR,
                    bytes: 4 + 2,
                });
            }
            check_limits(&columns, &tag_defs).map_err(|e| SmlError {
                code: e.code,
                message: format!("{}; super table {}", e.detail, t.name),
                line: None,
            })?;
            let n_values = columns.len() - 1;
            let n_tags = tag_defs.len();
            let mut child_tags: HashMap<&str, Vec<Option<SmlValue>>> = HashMap::new();
            for (name, tags) in &t.children {
                let mut aligned = vec![None; n_tags];
                for (p, v) in tags {
                    if let Some(slot) = aligned.get_mut(*p) {
                        *slot = Some(v.clone());
                    }
                }
                child_tags.insert(name.as_str(), aligned);
            }
            let rows = t
                .rows
                .into_iter()
                .map(|r| {
                    let mut values = vec![None; n_values];
                    for (p, v) in r.values {
                        if let Some(slot) = values.get_mut(p) {
                            *slot = Some(v);
                        }
                    }
                    let tags = child_tags
                        .get(r.child.as_str())
                        .cloned()
                        .unwrap_or_else(|| vec![None; n_tags]);
                    SmlRow {
                        child_table: r.child,
                        tags,
                        ts: r.ts,
                        values,
                        line: r.line,
                    }
                })
                .collect();
            tables.push(SmlTable {
                name: t.name,
                columns,
                tags: tag_defs,
                rows,
            });
        }
        Ok(SmlBatch {
            tables,
            total_rows,
            ttl,
        })
    }
}

fn same_name(key: &str) -> ParseError {
    ParseError::new(
        codes::TSDB_CODE_TSC_DUP_NAMES,
        format!("tag and column have the same name:{key}"),
    )
}

/// Keys must be unique across the tags and fields of one line and differ from the timestamp
/// column (`TSDB_CODE_TSC_DUP_NAMES`).
fn check_duplicates(
    tags: &[(String, SmlValue)],
    fields: &[(String, SmlValue)],
    ts_name: &str,
) -> Result<(), ParseError> {
    let dup = |key: &str| {
        ParseError::new(
            codes::TSDB_CODE_TSC_DUP_NAMES,
            format!("dumplicate key:{key}"),
        )
    };
    let keys =
        || std::iter::once(ts_name).chain(tags.iter().chain(fields).map(|(k, _)| k.as_str()));
    if tags.len() + fields.len() < 32 {
        // Lines usually have a handful of keys: a linear scan beats hashing.
        let mut seen: Vec<&str> = Vec::with_capacity(32);
        for key in keys() {
            if seen.contains(&key) {
                return Err(dup(key));
            }
            seen.push(key);
        }
    } else {
        let mut seen = std::collections::HashSet::with_capacity(tags.len() + fields.len() + 1);
        for key in keys() {
            if !seen.insert(key) {
                return Err(dup(key));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Fixed "now" used by the tests (ns).
    pub const NOW_NS: i64 = 1_700_000_000_123_456_789;

    /// Options with a millisecond database and a fixed clock.
    pub fn opts() -> SmlOptions {
        SmlOptions {
            now_ns: Some(NOW_NS),
            ..SmlOptions::default()
        }
    }

    /// The error for a payload that must fail.
    pub fn err_of(protocol: i32, precision: i32, data: &str) -> SmlError {
        match parse(protocol, precision, data, &opts()) {
            Err(e) => e,
            Ok(b) => panic!("expected an error for {data:?}, got {b:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{opts, NOW_NS};
    use super::*;
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn protocol_and_precision_checks() {
        for p in [0, 4, -1] {
            let err = parse(p, 0, "m c=1 1", &opts()).unwrap_err();
            assert_eq!(err.code, codes::TSDB_CODE_SML_INVALID_PROTOCOL_TYPE);
            assert_eq!(err.line, None);
        }
        for p in [-1, 7] {
            let err = parse(TSDB_SML_LINE_PROTOCOL, p, "m c=1 1", &opts()).unwrap_err();
            assert_eq!(err.code, codes::TSDB_CODE_SML_INVALID_PRECISION_TYPE);
        }
        let e = parse(TSDB_SML_LINE_PROTOCOL, 4, "m c=x 1", &opts()).unwrap_err();
        assert_eq!(e.to_string(), format!("[0x0203] {}", e.message));
    }

    #[test]
    fn precision_strings_like_taosadapter() {
        let cases = [
            ("", 0),
            ("h", 1),
            ("m", 2),
            ("s", 3),
            ("ms", 4),
            ("u", 5),
            ("\u{3bc}", 5),
            ("ns", 6),
            ("us", 0),
            ("MS", 0),
        ];
        for (s, want) in cases {
            assert_eq!(precision_from_str(s), want, "{s:?}");
        }
    }

    #[test]
    fn total_rows_counts_like_the_raw_splitter() {
        assert_eq!(total_rows(1, ""), 0);
        assert_eq!(total_rows(1, "a"), 1);
        assert_eq!(total_rows(1, "a\n"), 1);
        assert_eq!(total_rows(1, "a\nb"), 2);
        assert_eq!(total_rows(1, "a\n\nb\n"), 3);
        assert_eq!(total_rows(1, "#c\na\n#d"), 1);
        assert_eq!(total_rows(2, "#c\na"), 2);
        assert_eq!(total_rows(3, "{\n}"), 2);
    }

    #[test]
    fn duplicate_keys_in_long_lines() {
        let mut fields: Vec<String> = (0..40).map(|i| format!("c{i}=1")).collect();
        assert!(parse(1, 4, format!("m {} 1", fields.join(",")).as_str(), &opts()).is_ok());
        fields.push("c7=2".into());
        let err = parse(1, 4, format!("m {} 1", fields.join(",")).as_str(), &opts()).unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_TSC_DUP_NAMES);
        assert!(
            err.message.starts_with("dumplicate key:c7"),
            "{}",
            err.message
        );
    }

    #[test]
    fn ttl_is_carried() {
        let mut o = opts();
        o.ttl = 7;
        assert_eq!(parse(1, 4, "m c=1 1", &o).unwrap().ttl, 7);
    }

    #[test]
    fn long_lines_are_reported_truncated() {
        let line = format!("m s=\"{}\" abc", "x".repeat(2000));
        let err = parse(1, 4, line.as_str(), &opts()).unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_INVALID_TIMESTAMP);
        assert!(err.message.ends_with("..."), "{}", err.message);
        assert!(err.message.len() < 700);
    }

    /// 100,000 lines over 100 child tables; prints the time (run with `--release` to get the
    /// figure in the report).
    #[test]
    fn parse_100k_lines_quickly() {
        let mut data = String::with_capacity(100_000 * 80);
        for i in 0..100_000u64 {
            data.push_str(&format!(
                "meters,location=California.SanFrancisco,groupid={} current={}.5,voltage={}i32,phase=0.3f32,note=\"n{}\" {}\n",
                i % 100,
                i % 37,
                200 + i % 20,
                i % 10,
                1_626_006_833_639_000_000u64 + i * 1_000_000
            ));
        }
        let start = std::time::Instant::now();
        let batch = parse(TSDB_SML_LINE_PROTOCOL, 0, data.as_str(), &opts()).unwrap();
        let elapsed = start.elapsed();
        eprintln!(
            "sml: parsed 100000 lines ({} bytes) in {elapsed:?}",
            data.len()
        );
        assert_eq!(batch.row_count(), 100_000);
        assert_eq!(batch.tables[0].child_tables().len(), 100);
        assert_eq!(batch.tables[0].rows[99_999].ts, 1_626_006_833_639 + 99_999);
        // Release measured ~0.2 s; the bounds leave room for a loaded shared machine, and a
        // debug build is an order of magnitude slower.
        let bound = if cfg!(debug_assertions) { 90 } else { 2 };
        assert!(elapsed.as_secs() < bound, "{elapsed:?}");
    }

    static FUZZ_INPUTS: AtomicUsize = AtomicUsize::new(0);

    const SEEDS: [&str; 6] = [
        "st,t1=3,t2=4 c1=3i64,c3=\"pa ss,it\",c2=false,c4=4f64 1626006833639000000",
        "m\\,x\\ y,k\\=1=v\\ a c=L\"中\",d=B\"\\x98f4\",e=G\"POINT(1 2)\" 1",
        "sys.cpu 1626006833 1.5 host=a dc=b",
        "#comment",
        r#"{"metric":"m","timestamp":1648432611,"value":{"value":3,"type":"i8"},"tags":{"t":"x"}}"#,
        r#"[{"metric":"m","timestamp":{"value":1,"type":"ms"},"value":true,"tags":{"a":1}}]"#,
    ];

    fn check_never_panics(data: &str) {
        FUZZ_INPUTS.fetch_add(1, Ordering::Relaxed);
        for protocol in 0..=4 {
            for precision in [0, 1, 4, 6, 9] {
                let mut o = opts();
                o.table_name_key = Some("t1".into());
                if let Ok(batch) = parse(protocol, precision, data, &o) {
                    // Every row is aligned with its table's schema.
                    for t in &batch.tables {
                        for r in &t.rows {
                            assert_eq!(r.values.len() + 1, t.columns.len());
                            assert_eq!(r.tags.len(), t.tags.len());
                            assert!(!r.child_table.is_empty());
                        }
                    }
                }
            }
        }
    }

    /// Random edits (insert / delete / replace with any char) applied to a valid seed.
    fn mutated() -> impl Strategy<Value = String> {
        (
            0usize..SEEDS.len(),
            proptest::collection::vec((any::<usize>(), 0u8..3, any::<char>()), 1..6),
        )
            .prop_map(|(seed, edits)| {
                let mut chars: Vec<char> = SEEDS[seed].chars().collect();
                for (pos, op, c) in edits {
                    let at = pos % (chars.len() + 1);
                    match op {
                        0 => chars.insert(at, c),
                        1 if at < chars.len() => {
                            chars.remove(at);
                        }
                        _ if at < chars.len() => chars[at] = c,
                        _ => chars.push(c),
                    }
                }
                chars.into_iter().collect()
            })
    }

    /// Fuzz: random protocol-alphabet text, arbitrary Unicode and mutated valid inputs, each
    /// tried with every protocol and several precisions; none may panic. Prints the count.
    #[test]
    fn fuzz_never_panics() {
        use proptest::test_runner::{Config, TestRunner};
        const CASES: u32 = 3000;
        let config = Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        };
        let alphabet = "[a-zA-Z0-9 ,=\"\\\\.#\n{}:\\[\\]LBGiuf_-]{0,80}";
        let before = FUZZ_INPUTS.load(Ordering::Relaxed);
        TestRunner::new(config.clone())
            .run(&alphabet, |data| {
                check_never_panics(&data);
                Ok(())
            })
            .unwrap();
        TestRunner::new(config.clone())
            .run(&any::<String>(), |data| {
                check_never_panics(&data);
                Ok(())
            })
            .unwrap();
        TestRunner::new(config)
            .run(&mutated(), |data| {
                check_never_panics(&data);
                Ok(())
            })
            .unwrap();
        let ran = FUZZ_INPUTS.load(Ordering::Relaxed) - before;
        eprintln!(
            "sml fuzz: {ran} inputs x 5 protocols x 5 precisions = {} parses",
            ran * 25
        );
        assert!(ran >= 3 * CASES as usize, "{ran}");
        let _ = NOW_NS;
    }
}
