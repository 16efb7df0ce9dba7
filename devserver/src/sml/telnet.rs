//! OpenTSDB telnet protocol (`TSDB_SML_TELNET_PROTOCOL`):
//! `<metric> <timestamp> <value> <tagk_1>=<tagv_1>[ <tagk_n>=<tagv_n>…]`.
//!
//! Elements are separated by one or more spaces; there is no escaping. The timestamp's digit
//! count picks seconds (10) or milliseconds (13); the value follows the line-protocol field
//! rules (plain numbers are DOUBLE); tags are NCHAR and at least one is required.

use taos_wire::error::codes;

use super::line::parse_value;
use super::time::{telnet_ts, TimeCtx};
use super::types::{ParseError, SmlValue, MAX_COL_NAME_LEN, MAX_NCHAR_LEN, MAX_TABLE_NAME_LEN};
use super::Point;

/// Name of the single value column.
pub const VALUE_COLUMN: &str = "_value";

/// Next space-separated element from `*pos`, or `None` at the end.
fn element<'a>(line: &'a str, pos: &mut usize) -> Option<&'a str> {
    let b = line.as_bytes();
    while *pos < b.len() && b[*pos] == b' ' {
        *pos += 1;
    }
    let start = *pos;
    while *pos < b.len() && b[*pos] != b' ' {
        *pos += 1;
    }
    (start < *pos).then(|| &line[start..*pos])
}

/// Parses one telnet line.
pub(crate) fn parse_line(line: &str, ctx: &TimeCtx) -> Result<Point, ParseError> {
    let mut pos = 0;
    let measure = match element(line, &mut pos) {
        Some(m) if m.len() <= MAX_TABLE_NAME_LEN => m.to_string(),
        _ => {
            return Err(ParseError::new(
                codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH,
                format!("metric is empty or too large than {MAX_TABLE_NAME_LEN}"),
            ))
        }
    };
    let ts_text = element(line, &mut pos).ok_or_else(|| {
        ParseError::new(
            codes::TSDB_CODE_SML_INVALID_DATA,
            "invalid timestamp: missing",
        )
    })?;
    let ts = telnet_ts(ts_text, ctx)?;
    let value_text = element(line, &mut pos).ok_or_else(|| {
        ParseError::new(codes::TSDB_CODE_TSC_INVALID_VALUE, "invalid value: missing")
    })?;
    let value = parse_value(value_text)?;

    let mut tags = Vec::new();
    let b = line.as_bytes();
    while let Some(tag) = element(line, &mut pos) {
        let Some(eq) = tag.find('=') else {
            // TDengine's key scan runs into the following space (invalid data) or the end of
            // the line (empty key).
            return Err(if pos < b.len() {
                ParseError::new(
                    codes::TSDB_CODE_SML_INVALID_DATA,
                    format!("invalid data:{tag}"),
                )
            } else {
                ParseError::new(
                    codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH,
                    format!("invalid key or key is too long than {MAX_COL_NAME_LEN}:{tag}"),
                )
            });
        };
        let (key, val) = (&tag[..eq], &tag[eq + 1..]);
        if key.is_empty() || key.len() > MAX_COL_NAME_LEN {
            return Err(ParseError::new(
                codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH,
                format!("invalid key or key is too long than {MAX_COL_NAME_LEN}:{key}"),
            ));
        }
        if val.contains('=') {
            return Err(ParseError::new(
                codes::TSDB_CODE_SML_INVALID_DATA,
                format!("invalid data:{val}"),
            ));
        }
        if val.is_empty() {
            return Err(ParseError::new(
                codes::TSDB_CODE_TSC_INVALID_VALUE,
                format!("invalid value:{key}="),
            ));
        }
        if val.len() > MAX_NCHAR_LEN {
            return Err(ParseError::new(
                codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN,
                format!("tag value of {key} is longer than {MAX_NCHAR_LEN}"),
            ));
        }
        tags.push((key.to_string(), SmlValue::NChar(val.to_string())));
    }
    if tags.is_empty() {
        return Err(ParseError::new(
            codes::TSDB_CODE_TSC_INVALID_VALUE,
            "invalid data: at least one tag is required",
        ));
    }
    Ok(Point {
        measure,
        tags,
        fields: vec![(VALUE_COLUMN.to_string(), value)],
        ts,
    })
}

#[cfg(test)]
mod tests {
    use super::super::md5::md5_hex;
    use super::super::test_support::{err_of, opts, NOW_NS};
    use super::super::types::SmlValue as V;
    use super::super::{parse, TSDB_SML_TELNET_PROTOCOL as TELNET};
    use taos_wire::error::codes;
    use taos_wire::types::TSDB_TIME_PRECISION_MICRO;

    #[test]
    fn basic_lines_schema_and_names() {
        let data = "sys.if.bytes.out 1479496100 1.3E3 host=web01 interface=eth0\n\
                    sys.if.bytes.out   1479496100000  42i32   interface=eth1  host=web02\n";
        let err = parse(TELNET, 0, data, &opts()).unwrap_err();
        // 1.3E3 makes `_value` DOUBLE, 42i32 INT: not the same type inside one batch.
        assert_eq!(
            (err.code, err.line),
            (codes::TSDB_CODE_SML_NOT_SAME_TYPE, Some(2))
        );

        let data = "sys.if.bytes.out 1479496100 1.3E3 host=web01 interface=eth0\n\
                    sys.if.bytes.out   1479496100500  42   interface=eth1  host=web02\n\
                    sys.cpu 0 t dc=x";
        let batch = parse(TELNET, 0, data, &opts()).unwrap();
        assert_eq!(batch.total_rows, 3);
        let t = batch.table("sys_if_bytes_out").unwrap();
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("{} {}", c.name, c.sql_type()))
            .collect();
        assert_eq!(cols, ["_ts TIMESTAMP", "_value DOUBLE"]);
        let tags: Vec<String> = t
            .tags
            .iter()
            .map(|c| format!("{} {}", c.name, c.sql_type()))
            .collect();
        assert_eq!(tags, ["host NCHAR(8)", "interface NCHAR(8)"]);
        assert_eq!(t.rows[0].ts, 1479496100000);
        assert_eq!(t.rows[1].ts, 1479496100500);
        assert_eq!(t.rows[0].values, vec![Some(V::Double(1300.0))]);
        assert_eq!(t.rows[1].values, vec![Some(V::Double(42.0))]);
        // Tag order in the line does not matter for the name (sorted before hashing).
        assert_eq!(
            t.rows[1].child_table,
            format!(
                "t_{}",
                md5_hex(b"sys_if_bytes_out,host=web02,interface=eth1")
            )
        );
        assert_eq!(
            t.rows[1].tags,
            vec![
                Some(V::NChar("web02".into())),
                Some(V::NChar("eth1".into()))
            ]
        );
        let cpu = batch.table("sys_cpu").unwrap();
        assert_eq!(cpu.rows[0].ts, NOW_NS / 1_000_000);
        assert_eq!(cpu.rows[0].values, vec![Some(V::Bool(true))]);
    }

    #[test]
    fn precision_argument_is_ignored_and_db_precision_applies() {
        let mut o = opts();
        o.db_precision = TSDB_TIME_PRECISION_MICRO;
        for p in 0..=6 {
            let batch = parse(TELNET, p, "m 1626006833639 1 t=1", &o).unwrap();
            assert_eq!(
                batch.tables[0].rows[0].ts, 1626006833639000,
                "precision {p}"
            );
        }
        // Even an out-of-range precision is not checked for telnet (TDengine checks it for
        // line protocol only).
        assert!(parse(TELNET, 42, "m 1626006833 1 t=1", &o).is_ok());
    }

    #[test]
    fn typed_and_string_values() {
        let batch = parse(
            TELNET,
            0,
            "m 1626006833 \"abc\" t=1\nn 1626006833 7u8 t=1",
            &opts(),
        )
        .unwrap();
        assert_eq!(
            batch.tables[0].rows[0].values,
            vec![Some(V::VarChar("abc".into()))]
        );
        assert_eq!(batch.tables[1].rows[0].values, vec![Some(V::UTinyInt(7))]);
    }

    #[test]
    fn table_name_key() {
        let mut o = opts();
        o.table_name_key = Some("id".into());
        let batch = parse(TELNET, 0, "m 1626006833 1 id=d.1 t=1", &o).unwrap();
        let t = &batch.tables[0];
        assert_eq!(t.rows[0].child_table, "d_1");
        assert_eq!(t.tags.len(), 1);
        assert_eq!(t.tags[0].name, "t");
    }

    #[test]
    fn error_cases() {
        let long_metric = format!("{} 1626006833 1 t=1", "m".repeat(193));
        let long_key = format!("m 1626006833 1 {}=1", "k".repeat(65));
        let cases: Vec<(&str, i32)> = vec![
            ("", codes::TSDB_CODE_SML_INVALID_DATA),
            ("   ", codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH),
            (&long_metric, codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH),
            ("m", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m 1626006833", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m 1626006833 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m 1626006833 1 ", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m 16260068330 1 t=1", codes::TSDB_CODE_INVALID_TIMESTAMP),
            ("m 162600683x 1 t=1", codes::TSDB_CODE_INVALID_TIMESTAMP),
            ("m 1626006833 abc t=1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            (
                "m 1626006833 1 t",
                codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH,
            ),
            ("m 1626006833 1 t u=1", codes::TSDB_CODE_SML_INVALID_DATA),
            (
                "m 1626006833 1 =1",
                codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH,
            ),
            (&long_key, codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH),
            ("m 1626006833 1 t=", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m 1626006833 1 t=a=b", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m 1626006833 1 t=1 t=2", codes::TSDB_CODE_TSC_DUP_NAMES),
            ("m 1626006833 1 _value=2", codes::TSDB_CODE_TSC_DUP_NAMES),
        ];
        for (line, code) in cases {
            let err = err_of(TELNET, 0, line);
            assert_eq!(err.code, code, "{line:?}: {}", err.message);
        }
        let err = err_of(TELNET, 0, "m 1626006833 1 t=1\nm 1626006833 1 t=");
        assert_eq!(err.line, Some(2));
        assert!(
            err.message.ends_with("line 2: m 1626006833 1 t="),
            "{}",
            err.message
        );
    }
}
