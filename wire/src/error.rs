//! The one error type of the wire layer: a TDengine error code plus a message.

use std::fmt;

pub mod codes;

pub use codes::default_message;

/// A TDengine error: `code` is the full negative libtaos code (`0x80000000 | n` as `i32`),
/// `message` the human-readable text (server-provided or [`default_message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaosError {
    /// Full libtaos error code (negative for every real error).
    pub code: i32,
    /// Error text.
    pub message: String,
}

impl TaosError {
    /// An error with an explicit message.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        TaosError {
            code,
            message: message.into(),
        }
    }

    /// An error carrying TDengine's default text for `code`.
    pub fn from_code(code: i32) -> Self {
        TaosError::new(code, default_message(code))
    }

    /// Rebuilds an error from a wire code (masked to 16 bits by the adapter, §7.1) and its message.
    ///
    /// The result's `code` is `0x80000000 | (code & 0xFFFF)`, as libtaosws reports it through
    /// `taos_errno`. An empty `msg` is replaced by the default text. A wire code of 0 (which is
    /// not an error) maps to `TSDB_CODE_FAILED` (-1)
    /// so callers never see a "success" error.
    pub fn from_wire(code: u32, msg: impl Into<String>) -> Self {
        let masked = code & 0xFFFF;
        let full = if masked == 0 {
            codes::TSDB_CODE_FAILED
        } else {
            (0x8000_0000u32 | masked) as i32
        };
        let mut message: String = msg.into();
        if message.is_empty() {
            message = default_message(full).to_string();
        }
        TaosError {
            code: full,
            message,
        }
    }

    /// The code as the adapter puts it on the wire: the low 16 bits.
    pub fn wire_code(&self) -> u32 {
        (self.code as u32) & 0xFFFF
    }

    /// The adapter's generic 0xFFFF error (`0x8000FFFF`) with the given text (ws-query.md §7.2).
    pub fn adapter(message: impl Into<String>) -> Self {
        TaosError::new(codes::TSDB_CODE_WS_FAILED, message)
    }

    /// Shorthand for an "invalid message" protocol error (a malformed frame received).
    pub fn invalid_msg(message: impl Into<String>) -> Self {
        TaosError::new(codes::TSDB_CODE_INVALID_MSG, message)
    }
}

impl fmt::Display for TaosError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[0x{:08X}] {}", self.code as u32, self.message)
    }
}

impl std::error::Error for TaosError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_round_trip() {
        let e = TaosError::from_wire(9731, "Table does not exist");
        assert_eq!(e.code, 0x8000_2603u32 as i32);
        assert_eq!(e.wire_code(), 9731);
        assert_eq!(e.message, "Table does not exist");
        let e = TaosError::from_wire(0xFFFF, "result is nil");
        assert_eq!(e.code as u32, 0x8000_FFFF);
        assert_eq!(e.wire_code(), 0xFFFF);
        // high bits of a sloppy wire code are masked away
        assert_eq!(
            TaosError::from_wire(0x8000_0357, "").code,
            codes::TSDB_CODE_MND_AUTH_FAILURE
        );
        assert_eq!(TaosError::from_wire(0, "x").code, -1);
    }

    #[test]
    fn display() {
        let e = TaosError::new(codes::TSDB_CODE_PAR_SYNTAX_ERROR, "syntax error near \"x\"");
        assert_eq!(e.to_string(), "[0x80002600] syntax error near \"x\"");
    }

    #[test]
    fn default_text_when_empty() {
        let e = TaosError::from_wire(0x0388, "");
        assert_eq!(
            e.message,
            default_message(codes::TSDB_CODE_MND_DB_NOT_EXIST)
        );
        assert!(!e.message.is_empty());
    }
}
