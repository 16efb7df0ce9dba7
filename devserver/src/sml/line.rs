//! InfluxDB line protocol (`TSDB_SML_LINE_PROTOCOL`), parsed the way TDengine's client does.
//!
//! `measurement[,tag=value…] field=value[,field=value…] [timestamp]`
//!
//! Escaping follows TDengine, not InfluxDB: a `,`, ` `, `=` or `"` counts as a delimiter only
//! when the byte before it is not a backslash, and a backslash before any of `, = " \` is
//! dropped (so `\\` is one backslash). Field values may be quoted; inside quotes spaces,
//! commas and equals signs are plain text.

use taos_wire::error::codes;

use super::time::{line_ts, TimeCtx};
use super::types::{ParseError, SmlValue, MAX_COL_NAME_LEN, MAX_NCHAR_LEN, MAX_TABLE_NAME_LEN};
use super::Point;

const ESCAPABLE: &[u8] = b", =\"\\";

/// True when `b[i]` is `ch` and not escaped by the byte before it.
fn is_delim(b: &[u8], i: usize, ch: u8) -> bool {
    b[i] == ch && (i == 0 || b[i - 1] != b'\\')
}

/// Removes escaping backslashes the way TDengine's `PROCESS_SLASH` does.
pub(crate) fn unescape(raw: &[u8]) -> Result<String, ParseError> {
    if !raw.contains(&b'\\') {
        return to_string(raw.to_vec());
    }
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    for &c in raw {
        match out.last_mut() {
            // The escaped byte replaces its backslash; it can itself escape the next byte,
            // which is what TDengine's in-place shifting produces.
            Some(last) if *last == b'\\' && ESCAPABLE.contains(&c) => *last = c,
            _ => out.push(c),
        }
    }
    to_string(out)
}

fn to_string(bytes: Vec<u8>) -> Result<String, ParseError> {
    // Only ASCII bytes are ever removed, so valid UTF-8 input stays valid; keep the check so a
    // surprise can never panic.
    String::from_utf8(bytes)
        .map_err(|_| ParseError::new(codes::TSDB_CODE_SML_INVALID_DATA, "invalid UTF-8"))
}

fn invalid_data(detail: &str, rest: &[u8]) -> ParseError {
    ParseError::new(
        codes::TSDB_CODE_SML_INVALID_DATA,
        format!("{detail}:{}", String::from_utf8_lossy(rest)),
    )
}

fn check_key(key: &str) -> Result<(), ParseError> {
    if key.is_empty() || key.len() > MAX_COL_NAME_LEN {
        return Err(ParseError::new(
            codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH,
            format!("invalid key or key is too long than {MAX_COL_NAME_LEN}:{key}"),
        ));
    }
    Ok(())
}

/// Parses one line (comment lines are removed by the caller).
pub(crate) fn parse_line(line: &str, precision: i32, ctx: &TimeCtx) -> Result<Point, ParseError> {
    let b = line.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n && b[i] == b' ' {
        i += 1;
    }
    if i < n && b[i] == b',' {
        return Err(invalid_data("invalid data", &b[i..]));
    }

    // Measurement: up to an unescaped comma or space.
    let start = i;
    while i < n && !is_delim(b, i, b',') && !is_delim(b, i, b' ') {
        i += 1;
    }
    let measure = unescape(&b[start..i])?;
    if measure.is_empty() || measure.len() > MAX_TABLE_NAME_LEN {
        return Err(ParseError::new(
            codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH,
            format!("measure is empty or too large than {MAX_TABLE_NAME_LEN}"),
        ));
    }

    // Tag section: after the comma, up to the first unescaped space.
    let mut section_end = i;
    while section_end < n && !is_delim(b, section_end, b' ') {
        section_end += 1;
    }
    let mut tags = Vec::new();
    if i < n && b[i] == b',' {
        parse_tags(b, i + 1, section_end, &mut tags)?;
    }

    // Fields.
    let mut p = section_end;
    while p < n && b[p] == b' ' {
        p += 1;
    }
    let mut fields = Vec::new();
    p = parse_fields(b, p, &mut fields)?;
    if fields.is_empty() {
        return Err(invalid_data("cols is empty", &b[p.min(n)..]));
    }

    // Timestamp: after spaces, up to any whitespace; anything after it is ignored.
    while p < n && b[p] == b' ' {
        p += 1;
    }
    let ts_start = p;
    while p < n && !b[p].is_ascii_whitespace() && b[p] != 0x0b {
        p += 1;
    }
    let ts_text = line.get(ts_start..p).unwrap_or("");
    let ts = line_ts(ts_text, precision, ctx)?;
    Ok(Point {
        measure,
        tags,
        fields,
        ts,
    })
}

/// Scans a key from `p` up to an unescaped '=' (an unescaped comma first is an error) and
/// checks it; returns the key and the position after the '=' (or `end` when there is none).
fn scan_key(b: &[u8], mut p: usize, end: usize) -> Result<(String, usize), ParseError> {
    let key_start = p;
    let mut key_end = None;
    while p < end {
        if is_delim(b, p, b',') {
            return Err(invalid_data("invalid data", &b[p..]));
        }
        if is_delim(b, p, b'=') {
            key_end = Some(p);
            p += 1;
            break;
        }
        p += 1;
    }
    let key = match key_end {
        Some(e) => unescape(&b[key_start..e])?,
        None => String::new(),
    };
    check_key(&key)?;
    Ok((key, p))
}

fn parse_tags(
    b: &[u8],
    mut p: usize,
    end: usize,
    tags: &mut Vec<(String, SmlValue)>,
) -> Result<(), ParseError> {
    while p < end {
        let key;
        (key, p) = scan_key(b, p, end)?;

        let value_start = p;
        while p < end && !is_delim(b, p, b',') {
            if is_delim(b, p, b'=') {
                return Err(invalid_data("invalid data", &b[p..]));
            }
            p += 1;
        }
        if p == value_start {
            return Err(invalid_data("invalid value", &b[value_start..]));
        }
        let value = unescape(&b[value_start..p])?;
        if value.len() > MAX_NCHAR_LEN {
            return Err(ParseError::new(
                codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN,
                format!("tag value of {key} is longer than {MAX_NCHAR_LEN}"),
            ));
        }
        tags.push((key, SmlValue::NChar(value)));
        p += 1; // skip the comma (or step past the end)
    }
    Ok(())
}

/// Parses `key=value[,key=value…]` from `p`; returns the position after the last value.
fn parse_fields(
    b: &[u8],
    mut p: usize,
    fields: &mut Vec<(String, SmlValue)>,
) -> Result<usize, ParseError> {
    let n = b.len();
    while p < n {
        if is_delim(b, p, b' ') {
            break;
        }
        // Like TDengine, the key scan does not stop at spaces.
        let key;
        (key, p) = scan_key(b, p, n)?;

        let value_start = p;
        let mut in_quote = false;
        while p < n {
            if is_delim(b, p, b'"') {
                in_quote = !in_quote;
                p += 1;
                continue;
            }
            if !in_quote {
                if is_delim(b, p, b' ') || is_delim(b, p, b',') {
                    break;
                }
                if is_delim(b, p, b'=') {
                    return Err(invalid_data("invalid data", &b[p..]));
                }
            }
            p += 1;
        }
        if in_quote {
            return Err(invalid_data("only one quote", &b[value_start..]));
        }
        if p == value_start {
            return Err(invalid_data("invalid value", &b[value_start..]));
        }
        let raw = unescape(&b[value_start..p])?;
        let value = parse_value(&raw)?;
        fields.push((key, value));
        if p < n && is_delim(b, p, b' ') {
            break;
        }
        p += 1; // past the comma
    }
    Ok(p.min(n))
}

fn invalid_value(detail: &str, raw: &str) -> ParseError {
    ParseError::new(
        codes::TSDB_CODE_TSC_INVALID_VALUE,
        format!("{detail}:{raw}"),
    )
}

/// Content between `prefix"` and the closing quote, if `raw` has that shape.
fn quoted(raw: &str, prefix_len: usize) -> Option<&str> {
    let b = raw.as_bytes();
    if b.len() >= prefix_len + 2 && b[prefix_len] == b'"' && b[b.len() - 1] == b'"' {
        raw.get(prefix_len + 1..raw.len() - 1)
    } else {
        None
    }
}

/// Types one (unescaped) field value: strings, bools and suffixed numbers
/// (`TSDB_CODE_TSC_INVALID_VALUE` when nothing fits, `…PAR_INVALID_VAR_COLUMN_LEN` when a
/// string is too long).
pub(crate) fn parse_value(raw: &str) -> Result<SmlValue, ParseError> {
    let first = raw.as_bytes().first().copied().unwrap_or(0);
    let value = match first {
        b'"' => match quoted(raw, 0) {
            Some(s) => SmlValue::VarChar(s.to_string()),
            None => return Err(invalid_value("invalid string", raw)),
        },
        b'l' | b'L' => match quoted(raw, 1) {
            Some(s) => SmlValue::NChar(s.to_string()),
            None => return Err(invalid_value("invalid nchar", raw)),
        },
        b'g' | b'G' => match quoted(raw, 1) {
            Some(s) => SmlValue::Geometry(s.to_string()),
            None => return Err(invalid_value("invalid geometry", raw)),
        },
        b'b' | b'B' => match quoted(raw, 1) {
            Some(s) => SmlValue::VarBinary(
                varbinary(s).ok_or_else(|| invalid_value("invalid varbinary", raw))?,
            ),
            None => return Err(invalid_value("invalid varbinary", raw)),
        },
        b't' | b'T' => {
            if raw.len() == 1 || raw.eq_ignore_ascii_case("true") {
                SmlValue::Bool(true)
            } else {
                return Err(invalid_value("invalid bool", raw));
            }
        }
        b'f' | b'F' => {
            if raw.len() == 1 || raw.eq_ignore_ascii_case("false") {
                SmlValue::Bool(false)
            } else {
                return Err(invalid_value("invalid bool", raw));
            }
        }
        _ => parse_number(raw)?,
    };
    value.check_len()?;
    Ok(value)
}

/// `\x` followed by hex digits is hex; anything else is the literal bytes.
fn varbinary(s: &str) -> Option<Vec<u8>> {
    let Some(hex) = s.strip_prefix("\\x") else {
        return Some(s.as_bytes().to_vec());
    };
    let h = hex.as_bytes();
    if h.len() % 2 != 0 {
        return None;
    }
    let nib = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    h.chunks_exact(2)
        .map(|p| Some(nib(p[0])? << 4 | nib(p[1])?))
        .collect()
}

/// Length of the longest prefix `strtod` would accept (decimal forms, `inf`, `nan`), after
/// leading whitespace.
fn float_prefix_len(b: &[u8]) -> usize {
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let rest = &b[i..];
    for word in ["infinity", "inf", "nan"] {
        if rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word.as_bytes()) {
            return i + word.len();
        }
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut mantissa_digits = i - digits_start;
    if i < b.len() && b[i] == b'.' {
        let frac_start = i + 1;
        let mut j = frac_start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        mantissa_digits += j - frac_start;
        if mantissa_digits > 0 {
            i = j;
        }
    }
    if mantissa_digits == 0 {
        return 0;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    i
}

/// Exact integer value of a plain decimal literal, used instead of the double for 64-bit
/// types so large values keep every digit.
fn exact_int(text: &str) -> Option<i128> {
    let t = text.trim_start();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse::<i128>().ok()
}

fn out_of_range(what: &str, raw: &str) -> ParseError {
    invalid_value(&format!("{what} out of range"), raw)
}

/// A number with an optional type suffix (`i8`…`u64`, `i`, `u`, `f32`, `f64`; three-letter
/// suffixes in any case, the one-letter `i`/`u` lowercase only, as in TDengine).
fn parse_number(raw: &str) -> Result<SmlValue, ParseError> {
    let len = float_prefix_len(raw.as_bytes());
    if len == 0 {
        return Err(invalid_value("invalid data", raw));
    }
    let (num, suffix) = raw.split_at(len);
    let d: f64 = num
        .trim_start()
        .parse()
        .map_err(|_| invalid_value("invalid data", raw))?;
    let suffix_is = |s: &str| suffix.eq_ignore_ascii_case(s);
    let in_range = |lo: f64, hi: f64| d >= lo && d <= hi;
    Ok(if suffix.is_empty() || suffix_is("f64") {
        SmlValue::Double(d)
    } else if suffix_is("f32") {
        if !in_range(-f64::from(f32::MAX), f64::from(f32::MAX)) {
            return Err(out_of_range("float", raw));
        }
        SmlValue::Float(d as f32)
    } else if suffix == "i" || suffix_is("i64") {
        match exact_int(num) {
            Some(v) => {
                SmlValue::BigInt(i64::try_from(v).map_err(|_| out_of_range("big int", raw))?)
            }
            None if in_range(i64::MIN as f64, i64::MAX as f64) && d.is_finite() => {
                SmlValue::BigInt(d as i64)
            }
            None => return Err(out_of_range("big int", raw)),
        }
    } else if suffix == "u" || suffix_is("u64") {
        match exact_int(num) {
            Some(v) => SmlValue::UBigInt(
                u64::try_from(v).map_err(|_| out_of_range("unsigned big int", raw))?,
            ),
            None if in_range(0.0, u64::MAX as f64) && d.is_finite() => SmlValue::UBigInt(d as u64),
            None => return Err(out_of_range("unsigned big int", raw)),
        }
    } else if suffix_is("i32") {
        if !in_range(f64::from(i32::MIN), f64::from(i32::MAX)) {
            return Err(out_of_range("int", raw));
        }
        SmlValue::Int(d as i32)
    } else if suffix_is("u32") {
        if !in_range(0.0, f64::from(u32::MAX)) {
            return Err(out_of_range("unsigned int", raw));
        }
        SmlValue::UInt(d as u32)
    } else if suffix_is("i16") {
        if !in_range(f64::from(i16::MIN), f64::from(i16::MAX)) {
            return Err(out_of_range("small int", raw));
        }
        SmlValue::SmallInt(d as i16)
    } else if suffix_is("u16") {
        if !in_range(0.0, f64::from(u16::MAX)) {
            return Err(out_of_range("unsigned small int", raw));
        }
        SmlValue::USmallInt(d as u16)
    } else if suffix_is("i8") {
        if !in_range(f64::from(i8::MIN), f64::from(i8::MAX)) {
            return Err(out_of_range("tiny int", raw));
        }
        SmlValue::TinyInt(d as i8)
    } else if suffix_is("u8") {
        if !in_range(0.0, f64::from(u8::MAX)) {
            return Err(out_of_range("unsigned tiny int", raw));
        }
        SmlValue::UTinyInt(d as u8)
    } else {
        return Err(invalid_value("invalid data", raw));
    })
}

#[cfg(test)]
mod tests {
    use super::super::md5::md5_hex;
    use super::super::test_support::{err_of, opts, NOW_NS};
    use super::super::types::SmlValue as V;
    use super::super::{parse, SmlInput, TSDB_SML_LINE_PROTOCOL as LINE};
    use super::*;
    use taos_wire::types::*;

    fn one_row(line: &str) -> (Vec<(String, SmlValue)>, super::super::SmlBatch) {
        let batch = parse(LINE, 4, line, &opts()).unwrap();
        let t = &batch.tables[0];
        let fields = t.columns[1..]
            .iter()
            .zip(&t.rows[0].values)
            .map(|(c, v)| (c.name.clone(), v.clone().unwrap()))
            .collect();
        (fields, batch)
    }

    #[test]
    fn spec_example_schema_values_and_child_name() {
        let line = "st,t1=3,t2=4,t3=t3 c1=3i64,c3=\"passit\",c2=false,c4=4f64 1626006833639000000";
        let batch = parse(LINE, 0, line, &opts()).unwrap();
        assert_eq!(batch.total_rows, 1);
        let t = batch.table("st").unwrap();
        let cols: Vec<(String, String)> = t
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.sql_type()))
            .collect();
        let want: Vec<(String, String)> = [
            ("_ts", "TIMESTAMP"),
            ("c1", "BIGINT"),
            ("c3", "VARCHAR(8)"),
            ("c2", "BOOL"),
            ("c4", "DOUBLE"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(cols, want);
        let tags: Vec<String> = t
            .tags
            .iter()
            .map(|c| format!("{} {}", c.name, c.sql_type()))
            .collect();
        assert_eq!(tags, ["t1 NCHAR(2)", "t2 NCHAR(2)", "t3 NCHAR(4)"]);
        let row = &t.rows[0];
        assert_eq!(row.ts, 1626006833639);
        assert_eq!(
            row.values,
            vec![
                Some(V::BigInt(3)),
                Some(V::VarChar("passit".into())),
                Some(V::Bool(false)),
                Some(V::Double(4.0))
            ]
        );
        assert_eq!(
            row.tags,
            vec![
                Some(V::NChar("3".into())),
                Some(V::NChar("4".into())),
                Some(V::NChar("t3".into()))
            ]
        );
        assert_eq!(
            row.child_table,
            format!("t_{}", md5_hex(b"st,t1=3,t2=4,t3=t3"))
        );
    }

    #[test]
    fn every_type_suffix() {
        let line = "m,t=1 a=1i8,b=2u8,c=-3i16,d=4u16,e=-5i32,f=6u32,g=-7i64,h=8u64,i=9i,j=10u,\
                    k=1.5f32,l=2.5f64,n=3.5,o=4,p=5I64,q=6F32,r=7U8 1";
        let (fields, _) = one_row(line);
        let want = vec![
            ("a", V::TinyInt(1)),
            ("b", V::UTinyInt(2)),
            ("c", V::SmallInt(-3)),
            ("d", V::USmallInt(4)),
            ("e", V::Int(-5)),
            ("f", V::UInt(6)),
            ("g", V::BigInt(-7)),
            ("h", V::UBigInt(8)),
            ("i", V::BigInt(9)),
            ("j", V::UBigInt(10)),
            ("k", V::Float(1.5)),
            ("l", V::Double(2.5)),
            ("n", V::Double(3.5)),
            ("o", V::Double(4.0)),
            ("p", V::BigInt(5)),
            ("q", V::Float(6.0)),
            ("r", V::UTinyInt(7)),
        ];
        let want: Vec<(String, SmlValue)> =
            want.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        assert_eq!(fields, want);
        // Exact 64-bit extremes.
        let (f, _) = one_row(
            "m x=9223372036854775807i64,y=-9223372036854775808i,z=18446744073709551615u64 1",
        );
        assert_eq!(f[0].1, V::BigInt(i64::MAX));
        assert_eq!(f[1].1, V::BigInt(i64::MIN));
        assert_eq!(f[2].1, V::UBigInt(u64::MAX));
        // Exponent and fraction with an integer suffix truncate like TDengine's double cast.
        let (f, _) = one_row("m x=1e3i32,y=2.9i8 1");
        assert_eq!(
            (f[0].1.clone(), f[1].1.clone()),
            (V::Int(1000), V::TinyInt(2))
        );
    }

    #[test]
    fn strings_bools_and_binary_forms() {
        let line = "m s=\"hi there, a=b\",n=L\"中文\",n2=l\"x\",g=G\"POINT(1 2)\",\
                    vb=B\"\\x98f46e\",vl=b\"hello\",t1=t,t2=T,t3=true,t4=True,t5=TRUE,\
                    f1=f,f2=F,f3=false,f4=False,f5=FALSE 1";
        let (f, batch) = one_row(line);
        assert_eq!(f[0].1, V::VarChar("hi there, a=b".into()));
        assert_eq!(f[1].1, V::NChar("中文".into()));
        assert_eq!(f[2].1, V::NChar("x".into()));
        assert_eq!(f[3].1, V::Geometry("POINT(1 2)".into()));
        assert_eq!(f[4].1, V::VarBinary(vec![0x98, 0xf4, 0x6e]));
        assert_eq!(f[5].1, V::VarBinary(b"hello".to_vec()));
        for (k, v) in &f[6..11] {
            assert_eq!(v, &V::Bool(true), "{k}");
        }
        for (k, v) in &f[11..] {
            assert_eq!(v, &V::Bool(false), "{k}");
        }
        let cols = &batch.tables[0].columns;
        // "中文" is 6 UTF-8 bytes → NCHAR(8); TDengine sizes NCHAR by bytes.
        assert_eq!(cols[2].sql_type(), "NCHAR(8)");
        assert_eq!(cols[1].ty, TSDB_DATA_TYPE_VARCHAR);
        assert_eq!(cols[4].ty, TSDB_DATA_TYPE_GEOMETRY);
        assert_eq!(cols[5].sql_type(), "VARBINARY(4)");
    }

    #[test]
    fn escaping_in_every_element() {
        let line = r#"m\,x\ y,k\=1\ a=v\ a\,b\=c f\,1="q\"uo\\te" 1"#;
        let batch = parse(LINE, 4, line, &opts()).unwrap();
        let t = &batch.tables[0];
        assert_eq!(t.name, "m,x y");
        assert_eq!(t.tags[0].name, "k=1 a");
        assert_eq!(t.rows[0].tags[0], Some(V::NChar("v a,b=c".into())));
        assert_eq!(t.columns[1].name, "f,1");
        assert_eq!(t.rows[0].values[0], Some(V::VarChar("q\"uo\\te".into())));
        // A backslash before an ordinary character stays; `\\` is one backslash.
        assert_eq!(unescape(br"a\b\\c").unwrap(), r"a\b\c");
        // TDengine's cascade: the byte an escape produced can escape the next one.
        assert_eq!(unescape(br"a\\\,").unwrap(), "a,");
    }

    #[test]
    fn dots_become_underscores_in_names() {
        let batch = parse(LINE, 4, "meters.current,loc=a.b c=1 1", &opts()).unwrap();
        assert_eq!(batch.tables[0].name, "meters_current");
        assert_eq!(
            batch.tables[0].rows[0].child_table,
            format!("t_{}", md5_hex(b"meters_current,loc=a.b"))
        );
        let mut o = opts();
        o.dot_to_underline = false;
        let batch = parse(LINE, 4, "meters.current c=1 1", &o).unwrap();
        assert_eq!(batch.tables[0].name, "meters.current");
    }

    #[test]
    fn schema_evolves_across_lines() {
        let data = "st,t1=a c1=1i32,s=\"ab\" 1000\n\
                    st,t1=bbbbbbbbbb,t2=x c2=true,s=\"abcdefghijklmnopq\" 2000\n\
                    other c=1 3000\n\
                    st,t1=a c1=5i32 4000\n";
        let batch = parse(LINE, 4, data, &opts()).unwrap();
        assert_eq!(batch.total_rows, 4);
        assert_eq!(batch.row_count(), 4);
        let st = batch.table("st").unwrap();
        let cols: Vec<String> = st
            .columns
            .iter()
            .map(|c| format!("{} {}", c.name, c.sql_type()))
            .collect();
        assert_eq!(
            cols,
            ["_ts TIMESTAMP", "c1 INT", "s VARCHAR(32)", "c2 BOOL"]
        );
        let tags: Vec<String> = st
            .tags
            .iter()
            .map(|c| format!("{} {}", c.name, c.sql_type()))
            .collect();
        assert_eq!(tags, ["t1 NCHAR(16)", "t2 NCHAR(2)"]);
        assert_eq!(
            st.rows[0].values,
            vec![Some(V::Int(1)), Some(V::VarChar("ab".into())), None]
        );
        assert_eq!(st.rows[1].values[0], None);
        assert_eq!(st.rows[1].values[2], Some(V::Bool(true)));
        assert_eq!(st.rows[0].tags, vec![Some(V::NChar("a".into())), None]);
        // Rows 1 and 4 share a child table; row 2 is another one.
        assert_eq!(st.rows[0].child_table, st.rows[2].child_table);
        assert_ne!(st.rows[0].child_table, st.rows[1].child_table);
        assert_eq!(st.child_tables().len(), 2);
        assert_eq!(
            st.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [1, 2, 4]
        );
        // A table without tags gets the _tag_null tag and an MD5 name over the name alone.
        let other = batch.table("other").unwrap();
        assert_eq!(other.tags[0].name, "_tag_null");
        assert_eq!(other.rows[0].tags, vec![None]);
        assert_eq!(
            other.rows[0].child_table,
            format!("t_{}", md5_hex(b"other"))
        );
    }

    #[test]
    fn precision_values_through_parse() {
        let ms = opts();
        let cases = [
            (0, "1626006833639000000", 1626006833639),
            (1, "451668", 451668 * 3_600_000),
            (2, "27100113", 27100113 * 60_000),
            (3, "1626006833", 1626006833000),
            (4, "1626006833639", 1626006833639),
            (5, "1626006833639000", 1626006833639),
            (6, "1626006833639000000", 1626006833639),
        ];
        for (p, ts, want) in cases {
            let batch = parse(LINE, p, format!("m c=1 {ts}").as_str(), &ms).unwrap();
            assert_eq!(batch.tables[0].rows[0].ts, want, "precision {p}");
        }
        let mut ns = opts();
        ns.db_precision = TSDB_TIME_PRECISION_NANO;
        let batch = parse(LINE, 5, "m c=1 1626006833639001", &ns).unwrap();
        assert_eq!(batch.tables[0].rows[0].ts, 1626006833639001000);
        // Missing timestamp and 0 = now; trailing text after the timestamp is ignored.
        let batch = parse(LINE, 4, "m c=1\nm c=2 0\nm c=3 5 extra", &ms).unwrap();
        let rows = &batch.tables[0].rows;
        assert_eq!(
            (rows[0].ts, rows[1].ts, rows[2].ts),
            (NOW_NS / 1_000_000, NOW_NS / 1_000_000, 5)
        );
        let err = parse(LINE, 7, "m c=1 1", &ms).unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_SML_INVALID_PRECISION_TYPE);
    }

    #[test]
    fn table_name_key_names_child_and_drops_tag() {
        let mut o = opts();
        o.table_name_key = Some("tname".into());
        let data = "st,t1=1,tname=dev.1 c=1 1\nst,t1=2 c=2 2\nst,tname=dev.1,t1=9 c=3 3";
        let batch = parse(LINE, 4, data, &o).unwrap();
        let st = &batch.tables[0];
        assert_eq!(
            st.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["t1"]
        );
        assert_eq!(st.rows[0].child_table, "dev_1");
        assert_eq!(st.rows[1].child_table, format!("t_{}", md5_hex(b"st,t1=2")));
        // Same child table again: the first row's tags win.
        assert_eq!(st.rows[2].child_table, "dev_1");
        assert_eq!(st.rows[2].tags, vec![Some(V::NChar("1".into()))]);
    }

    #[test]
    fn comments_and_blank_lines() {
        let data = "#comment\nm c=1 1\n# another\nm c=2 2\n";
        let batch = parse(LINE, 4, data, &opts()).unwrap();
        assert_eq!(batch.total_rows, 2);
        assert_eq!(
            batch.tables[0]
                .rows
                .iter()
                .map(|r| r.line)
                .collect::<Vec<_>>(),
            [2, 4]
        );
        // A blank line inside the payload is an empty measurement, as in TDengine.
        let err = parse(LINE, 4, "m c=1 1\n\nm c=2 2", &opts()).unwrap_err();
        assert_eq!(
            (err.code, err.line),
            (codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH, Some(2))
        );
        // Only comments, or nothing at all: no lines.
        for data in ["", "#x\n#y"] {
            let err = parse(LINE, 4, data, &opts()).unwrap_err();
            assert_eq!(err.code, codes::TSDB_CODE_SML_INVALID_DATA, "{data:?}");
        }
        // Array input: one element per line.
        let lines = ["m c=1 1", "m c=2 2"];
        let batch = parse(LINE, 4, SmlInput::Lines(&lines), &opts()).unwrap();
        assert_eq!((batch.row_count(), batch.total_rows), (2, 2));
    }

    #[test]
    fn error_cases_with_codes() {
        let long_measure = format!("{} c=1 1", "m".repeat(193));
        let long_key = format!("m {}=1 1", "k".repeat(65));
        let long_string = format!("m s=\"{}\" 1", "x".repeat(65518));
        let long_tag = format!("m,t={} c=1 1", "x".repeat(16380));
        let cases: Vec<(&str, i32)> = vec![
            (",m c=1 1", codes::TSDB_CODE_SML_INVALID_DATA),
            ("   ", codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH),
            (&long_measure, codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH),
            ("m", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m,t=1", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m,t=1 ", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m,=1 c=1 1", codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH),
            (&long_key, codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH),
            ("m,t c=1 1", codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH),
            ("m,t= c=1 1", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m,t=a=b c=1 1", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m,t,u=1 c=1 1", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m c= 1", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m c 1", codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH),
            ("m c=\"abc 1", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m c=a=b 1", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m c=abc 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=1x 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=1I 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=tru 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=L\"x 1", codes::TSDB_CODE_SML_INVALID_DATA),
            ("m c=Lx 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=B\"\\x9\" 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=128i8 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=-1u8 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=65536u16 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=2147483648i32 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            (
                "m c=9223372036854775808i64 1",
                codes::TSDB_CODE_TSC_INVALID_VALUE,
            ),
            ("m c=-1u64 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=1e39f32 1", codes::TSDB_CODE_TSC_INVALID_VALUE),
            ("m c=1 abc", codes::TSDB_CODE_INVALID_TIMESTAMP),
            ("m c=1 -5", codes::TSDB_CODE_INVALID_TIMESTAMP),
            ("m c=1,c=2 1", codes::TSDB_CODE_TSC_DUP_NAMES),
            ("m,t=1,t=2 c=1 1", codes::TSDB_CODE_TSC_DUP_NAMES),
            ("m,c=1 c=1 1", codes::TSDB_CODE_TSC_DUP_NAMES),
            ("m _ts=1 1", codes::TSDB_CODE_TSC_DUP_NAMES),
            (&long_string, codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN),
            (&long_tag, codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN),
        ];
        for (line, code) in cases {
            let err = err_of(LINE, 4, line);
            assert_eq!(err.code, code, "{line:?}: {}", err.message);
            assert_eq!(err.line, Some(1), "{line:?}");
        }
    }

    #[test]
    fn type_conflicts_and_row_limits() {
        let err = err_of(LINE, 4, "m c=1i32 1\nm c=1i64 2");
        assert_eq!(err.code, codes::TSDB_CODE_SML_NOT_SAME_TYPE);
        assert_eq!(err.line, Some(2));
        assert!(
            err.message.contains("line 2: m c=1i64 2"),
            "{}",
            err.message
        );
        // Field in one line, tag in another.
        let err = err_of(LINE, 4, "m,a=1 c=1 1\nm a=1 2");
        assert_eq!(
            (err.code, err.line),
            (codes::TSDB_CODE_TSC_DUP_NAMES, Some(2))
        );
        let err = err_of(LINE, 4, "m a=1 1\nm,a=1 c=1 2");
        assert_eq!(
            (err.code, err.line),
            (codes::TSDB_CODE_TSC_DUP_NAMES, Some(2))
        );
        // Two 40000-byte strings make a 80 KB row: longer than TDengine's 64 KB row.
        let big = "x".repeat(40000);
        let line = format!("m a=\"{big}\",b=\"{big}\" 1");
        let err = err_of(LINE, 4, &line);
        assert_eq!(err.code, codes::TSDB_CODE_PAR_INVALID_ROW_LENGTH);
        // Too many columns.
        let fields: Vec<String> = (0..4100).map(|i| format!("c{i}=t")).collect();
        let err = err_of(LINE, 4, &format!("m {} 1", fields.join(",")));
        assert_eq!(err.code, codes::TSDB_CODE_PAR_TOO_MANY_COLUMNS);
    }

    #[test]
    fn value_parser_directly() {
        assert_eq!(parse_value("\"\"").unwrap(), V::VarChar(String::new()));
        assert_eq!(parse_value("L\"\"").unwrap(), V::NChar(String::new()));
        assert_eq!(parse_value("-0.5e-1").unwrap(), V::Double(-0.05));
        assert_eq!(parse_value(".5").unwrap(), V::Double(0.5));
        assert_eq!(parse_value("+3i16").unwrap(), V::SmallInt(3));
        assert!(matches!(parse_value("inf").unwrap(), V::Double(d) if d.is_infinite()));
        assert_eq!(
            parse_value("\"").unwrap_err().code,
            codes::TSDB_CODE_TSC_INVALID_VALUE
        );
        assert_eq!(
            parse_value(".").unwrap_err().code,
            codes::TSDB_CODE_TSC_INVALID_VALUE
        );
        assert_eq!(
            parse_value("e5").unwrap_err().code,
            codes::TSDB_CODE_TSC_INVALID_VALUE
        );
        assert_eq!(
            parse_value("").unwrap_err().code,
            codes::TSDB_CODE_TSC_INVALID_VALUE
        );
    }
}
