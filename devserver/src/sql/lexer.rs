//! Tokenizer for the TDengine 3 SQL dialect.
//!
//! Every token keeps its byte offset so errors can quote the rest of the statement from the
//! offending token, as TDengine's `syntax error near "..."` does.

/// Kind of a token.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// Unquoted identifier or keyword (original spelling).
    Ident(String),
    /// Back-quoted identifier (content, case kept).
    Quoted(String),
    /// String literal: raw content between the quotes (escapes not yet processed).
    Str(String),
    /// Numeric literal as written (no sign).
    Number(String),
    /// Number immediately followed by a unit (`1s`, `10m`, `5d`): value text and unit.
    Duration(String, String),
    /// Punctuation or operator (`(`, `<=`, `!=`, ...).
    Sym(&'static str),
    /// `?` placeholder (stmt), parsed only to be rejected.
    Question,
    /// End of input.
    Eof,
}

/// A token and where it starts in the SQL text.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Byte offset of the first character.
    pub pos: usize,
    /// Byte offset just after the last character.
    pub end: usize,
}

/// A lexing failure: the byte offset where the bad input starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexError {
    /// Byte offset of the bad token.
    pub pos: usize,
    /// True when the input ended inside a token (unterminated string or quote).
    pub incomplete: bool,
}

const SYMS: [&str; 19] = [
    "<=", ">=", "!=", "<>", "->", "(", ")", ",", ";", ".", "*", "+", "-", "/", "%", "=", "<", ">",
    "&",
];

/// Splits `sql` into tokens, ending with [`Tok::Eof`].
pub fn tokenize(sql: &str) -> Result<Vec<Token>, LexError> {
    let b = sql.as_bytes();
    // Statements are mostly short tokens; reserving avoids regrowing huge INSERTs.
    let mut out = Vec::with_capacity(sql.len() / 2 + 1);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // Comments: `-- ...` to end of line and `/* ... */`.
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            match sql[i + 2..].find("*/") {
                Some(p) => i = i + 2 + p + 2,
                None => i = b.len(),
            }
            continue;
        }
        let start = i;
        let tok = if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                i += 1;
            }
            Tok::Ident(sql[start..i].to_string())
        } else if c.is_ascii_digit()
            || (c == b'.' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            i = lex_number(b, i);
            let num = sql[start..i].to_string();
            // A unit glued to the number makes a duration (`1s`, `10ms` is not TDengine: `10a`).
            if i < b.len() && b[i].is_ascii_alphabetic() && !num.contains(['.', 'e', 'E', 'x', 'X'])
            {
                let us = i;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                Tok::Duration(num, sql[us..i].to_string())
            } else {
                Tok::Number(num)
            }
        } else if c == b'\'' || c == b'"' {
            let q = c;
            i += 1;
            let cs = i;
            // A doubled delimiter stands for one quote character (TDengine's tokenizer); it is
            // kept backslash-escaped so `unescape` yields the quote.
            let mut doubled = false;
            loop {
                match b.get(i) {
                    None => {
                        return Err(LexError {
                            pos: start,
                            incomplete: true,
                        })
                    }
                    Some(&b'\\') => i += 2,
                    Some(&x) if x == q && b.get(i + 1) == Some(&q) => {
                        doubled = true;
                        i += 2;
                    }
                    Some(&x) if x == q => break,
                    Some(_) => i += 1,
                }
            }
            if i > b.len() {
                return Err(LexError {
                    pos: start,
                    incomplete: true,
                });
            }
            let raw = &sql[cs..i];
            let content = if doubled {
                let qs = (q as char).to_string();
                raw.replace(&format!("{qs}{qs}"), &format!("\\{qs}"))
            } else {
                raw.to_string()
            };
            i += 1;
            Tok::Str(content)
        } else if c == b'`' {
            i += 1;
            let cs = i;
            while i < b.len() && b[i] != b'`' {
                i += 1;
            }
            if i >= b.len() {
                return Err(LexError {
                    pos: start,
                    incomplete: true,
                });
            }
            let content = sql[cs..i].to_string();
            i += 1;
            Tok::Quoted(content)
        } else if c == b'?' {
            i += 1;
            Tok::Question
        } else {
            match SYMS.iter().find(|s| sql[i..].starts_with(**s)) {
                Some(s) => {
                    i += s.len();
                    Tok::Sym(s)
                }
                None => {
                    return Err(LexError {
                        pos: start,
                        incomplete: false,
                    })
                }
            }
        };
        out.push(Token {
            tok,
            pos: start,
            end: i,
        });
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: sql.len(),
        end: sql.len(),
    });
    Ok(out)
}

/// Scans a number starting at `i` (decimal, float with exponent, or `0x` hex); returns its end.
fn lex_number(b: &[u8], mut i: usize) -> usize {
    if b[i] == b'0' && matches!(b.get(i + 1), Some(b'x') | Some(b'X')) {
        i += 2;
        while i < b.len() && b[i].is_ascii_hexdigit() {
            i += 1;
        }
        return i;
    }
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    i
}

/// Processes the escapes of a string literal's raw content (`\'`, `\"`, `\\`, `\n`, `\t`,
/// `\r`, `\0`); `\%` and `\_` stay escaped for LIKE; unknown escapes keep the character.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('%') => out.push_str("\\%"),
            Some('_') => out.push_str("\\_"),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<Tok> {
        tokenize(sql).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn tokens_of_a_select() {
        assert_eq!(
            kinds("select `a`,'x\\'y' from d.t where ts>=now-1h;"),
            vec![
                Tok::Ident("select".into()),
                Tok::Quoted("a".into()),
                Tok::Sym(","),
                Tok::Str("x\\'y".into()),
                Tok::Ident("from".into()),
                Tok::Ident("d".into()),
                Tok::Sym("."),
                Tok::Ident("t".into()),
                Tok::Ident("where".into()),
                Tok::Ident("ts".into()),
                Tok::Sym(">="),
                Tok::Ident("now".into()),
                Tok::Sym("-"),
                Tok::Duration("1".into(), "h".into()),
                Tok::Sym(";"),
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn numbers_and_errors() {
        assert_eq!(
            kinds("1.5e3 0x1F .5"),
            vec![
                Tok::Number("1.5e3".into()),
                Tok::Number("0x1F".into()),
                Tok::Number(".5".into()),
                Tok::Eof
            ]
        );
        assert_eq!(
            tokenize("select 'abc"),
            Err(LexError {
                pos: 7,
                incomplete: true
            })
        );
        assert_eq!(
            tokenize("select #"),
            Err(LexError {
                pos: 7,
                incomplete: false
            })
        );
        assert_eq!(unescape(r"a\'b\\c\n"), "a'b\\c\n");
        let t = tokenize("'it''s' \"a\"\"b\"").unwrap();
        assert_eq!(
            unescape(match &t[0].tok {
                Tok::Str(s) => s,
                _ => panic!(),
            }),
            "it's"
        );
        assert_eq!(t[1].tok, Tok::Str("a\\\"b".into()));
    }
}
