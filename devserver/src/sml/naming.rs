//! Child-table names, in TDengine's priority order (ws-stmt-sml-tmq.md §3.4.2):
//! 1. auto delimiter (client option) when no `table_name_key` was given,
//! 2. the value of the key tag (`table_name_key`, else the `smlChildTableName` option), which
//!    is then removed from the tags,
//! 3. `t_` + MD5 of `stable,k1=v1,k2=v2…` over the tags sorted case-insensitively by key.

use std::cmp::Ordering;

use super::md5::{hex, Md5};
use super::types::{SmlValue, MAX_TABLE_NAME_LEN};

/// The naming inputs that come from the request and the client options.
#[derive(Debug, Clone, Copy, Default)]
pub struct NamingRule<'a> {
    /// `table_name_key` from the request (empty = not set).
    pub table_name_key: Option<&'a str>,
    /// Client option `smlChildTableName`.
    pub child_table_name_option: Option<&'a str>,
    /// Client option `smlAutoChildTableNameDelimiter`.
    pub auto_delimiter: Option<&'a str>,
    /// Client option `smlDot2Underline` (default true in TDengine).
    pub dot_to_underline: bool,
}

/// Replaces `.` with `_` when the option is on.
pub fn dots(name: &str, dot_to_underline: bool) -> String {
    if dot_to_underline {
        name.replace('.', "_")
    } else {
        name.to_string()
    }
}

/// TDengine's `compareKv`: case-insensitive over the common length, then shorter key first.
pub fn compare_keys(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    for i in 0..n {
        match a[i].to_ascii_lowercase().cmp(&b[i].to_ascii_lowercase()) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

/// The MD5 rule: `t_` + 32 lowercase hex digits over `stable` and the sorted tags.
pub fn md5_name(stable: &str, tags: &[(String, SmlValue)]) -> String {
    let mut sorted: Vec<&(String, SmlValue)> = tags.iter().collect();
    sorted.sort_by(|x, y| compare_keys(&x.0, &y.0));
    let mut ctx = Md5::new();
    ctx.update(stable.as_bytes());
    for (key, value) in sorted {
        ctx.update(b",");
        ctx.update(key.as_bytes());
        ctx.update(b"=");
        match value {
            // Common case without an allocation.
            SmlValue::NChar(v) | SmlValue::VarChar(v) => ctx.update(v.as_bytes()),
            other => ctx.update(&other.md5_bytes()),
        }
    }
    format!("t_{}", hex(&ctx.finish()))
}

/// Text of a tag value for the auto-delimiter and key-tag rules.
fn tag_text(value: &SmlValue) -> Option<String> {
    Some(match value {
        SmlValue::VarChar(s) | SmlValue::NChar(s) | SmlValue::Geometry(s) => s.clone(),
        SmlValue::VarBinary(b) => String::from_utf8_lossy(b).into_owned(),
        SmlValue::Bool(b) => b.to_string(),
        SmlValue::TinyInt(v) => v.to_string(),
        SmlValue::SmallInt(v) => v.to_string(),
        SmlValue::Int(v) => v.to_string(),
        SmlValue::BigInt(v) => v.to_string(),
        SmlValue::UTinyInt(v) => v.to_string(),
        SmlValue::USmallInt(v) => v.to_string(),
        SmlValue::UInt(v) => v.to_string(),
        SmlValue::UBigInt(v) => v.to_string(),
        SmlValue::Float(v) => v.to_string(),
        SmlValue::Double(v) => v.to_string(),
    })
}

/// Cuts `s` to at most `max` bytes on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Picks the child-table name for one row of super table `stable` (already dot-converted)
/// and removes the key tag from `tags` when rule 2 applies.
pub fn child_table_name(
    stable: &str,
    tags: &mut Vec<(String, SmlValue)>,
    rule: &NamingRule<'_>,
) -> String {
    let key = rule
        .table_name_key
        .filter(|k| !k.is_empty())
        .or(rule.child_table_name_option.filter(|k| !k.is_empty()));

    if let (Some(delim), None) = (
        rule.auto_delimiter.filter(|d| !d.is_empty()),
        rule.table_name_key.filter(|k| !k.is_empty()),
    ) {
        let parts: Vec<String> = tags.iter().filter_map(|(_, v)| tag_text(v)).collect();
        let joined = parts.join(delim);
        if !tags.is_empty() && joined.len() <= MAX_TABLE_NAME_LEN {
            return dots(&joined, rule.dot_to_underline);
        }
    }

    if let Some(key) = key {
        let found = tags
            .iter()
            .position(|(k, v)| k == key && matches!(v, SmlValue::VarChar(_) | SmlValue::NChar(_)));
        if let Some(pos) = found {
            let (_, value) = tags.remove(pos);
            let text = tag_text(&value).unwrap_or_default();
            return dots(truncate(&text, MAX_TABLE_NAME_LEN), rule.dot_to_underline);
        }
    }

    md5_name(stable, tags)
}

#[cfg(test)]
mod tests {
    use super::super::md5::md5_hex;
    use super::*;

    fn nchar(k: &str, v: &str) -> (String, SmlValue) {
        (k.to_string(), SmlValue::NChar(v.to_string()))
    }

    #[test]
    fn md5_rule_sorts_tags_and_matches_spec_example() {
        // ws-stmt-sml-tmq.md §3.4.2: `st,t2=4,t1=3` hashes the bytes `st,t1=3,t2=4`.
        let mut tags = vec![nchar("t2", "4"), nchar("t1", "3")];
        let name = child_table_name("st", &mut tags, &NamingRule::default());
        assert_eq!(name, format!("t_{}", md5_hex(b"st,t1=3,t2=4")));
        assert_eq!(name.len(), 34);
        assert_eq!(tags.len(), 2, "MD5 rule keeps every tag");
        // Independent of the input order.
        let mut again = vec![nchar("t1", "3"), nchar("t2", "4")];
        assert_eq!(
            child_table_name("st", &mut again, &NamingRule::default()),
            name
        );
        // A different value gives a different name.
        let mut other = vec![nchar("t1", "3"), nchar("t2", "5")];
        assert_ne!(
            child_table_name("st", &mut other, &NamingRule::default()),
            name
        );
    }

    #[test]
    fn sort_is_case_insensitive_then_shorter_first() {
        assert_eq!(compare_keys("B", "a"), Ordering::Greater);
        assert_eq!(compare_keys("a", "ab"), Ordering::Less);
        assert_eq!(compare_keys("Ab", "aC"), Ordering::Less);
        let tags = vec![nchar("ab", "1"), nchar("B", "2"), nchar("a", "3")];
        assert_eq!(
            md5_name("m", &tags),
            format!("t_{}", md5_hex(b"m,a=3,ab=1,B=2"))
        );
    }

    #[test]
    fn non_string_tags_hash_their_little_endian_bytes() {
        let tags = vec![
            ("b".to_string(), SmlValue::Bool(true)),
            ("d".to_string(), SmlValue::Double(2.5)),
        ];
        let mut want = b"m,b=".to_vec();
        want.push(1);
        want.extend_from_slice(b",d=");
        want.extend_from_slice(&2.5f64.to_le_bytes());
        assert_eq!(md5_name("m", &tags), format!("t_{}", md5_hex(&want)));
    }

    #[test]
    fn key_tag_names_the_table_and_is_removed() {
        let rule = NamingRule {
            table_name_key: Some("tname"),
            dot_to_underline: true,
            ..Default::default()
        };
        let mut tags = vec![nchar("t1", "a"), nchar("tname", "dev.01")];
        assert_eq!(child_table_name("st", &mut tags, &rule), "dev_01");
        assert_eq!(tags, vec![nchar("t1", "a")]);
        // Key absent: MD5 rule over the untouched tags.
        let mut tags = vec![nchar("t1", "a")];
        assert_eq!(
            child_table_name("st", &mut tags, &rule),
            format!("t_{}", md5_hex(b"st,t1=a"))
        );
        // Exact (case-sensitive) match only.
        let mut tags = vec![nchar("TNAME", "x")];
        assert!(child_table_name("st", &mut tags, &rule).starts_with("t_"));
        // The client option is the fallback key; long values are cut to 192 bytes.
        let rule = NamingRule {
            child_table_name_option: Some("id"),
            ..Default::default()
        };
        let mut tags = vec![nchar("id", &"x".repeat(300))];
        assert_eq!(child_table_name("st", &mut tags, &rule), "x".repeat(192));
        // Without dot conversion the dots stay.
        let mut tags = vec![nchar("id", "a.b")];
        assert_eq!(child_table_name("st", &mut tags, &rule), "a.b");
    }

    #[test]
    fn auto_delimiter_rule() {
        let rule = NamingRule {
            auto_delimiter: Some("-"),
            dot_to_underline: true,
            ..Default::default()
        };
        let mut tags = vec![nchar("t2", "x.y"), nchar("t1", "b")];
        assert_eq!(child_table_name("st", &mut tags, &rule), "x_y-b");
        assert_eq!(tags.len(), 2);
        // Too long: falls back to MD5.
        let mut tags = vec![nchar("t1", &"a".repeat(150)), nchar("t2", &"b".repeat(50))];
        assert!(child_table_name("st", &mut tags, &rule).starts_with("t_"));
        // A table_name_key disables the delimiter rule.
        let rule = NamingRule {
            auto_delimiter: Some("-"),
            table_name_key: Some("t1"),
            ..Default::default()
        };
        let mut tags = vec![nchar("t2", "x"), nchar("t1", "b")];
        assert_eq!(child_table_name("st", &mut tags, &rule), "b");
    }
}
