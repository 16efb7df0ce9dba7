//! `Taosd` REST tokens (ws-query.md §6.6): user and password NUL-padded, single DES in ECB
//! mode with a fixed key, base64 (standard alphabet). No server secret is involved.

use data_encoding::BASE64;
use des::cipher::generic_array::GenericArray;
use des::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use des::Des;

/// The fixed DES key.
const KEY: [u8; 8] = [0x40, 0xb6, 0x7a, 0x30, 0x56, 0x73, 0xfd, 0x44];
/// Width of the user field (and of the password field when the password fits).
const FIELD: usize = 24;

fn cipher() -> Des {
    Des::new(GenericArray::from_slice(&KEY))
}

/// The token for `user`/`password`; `None` when the user is empty or longer than 24 bytes,
/// or the password is empty (the adapter's "generate taosd token error").
pub fn encode(user: &str, password: &str) -> Option<String> {
    if user.is_empty() || user.len() > FIELD || password.is_empty() {
        return None;
    }
    let mut plain = vec![0u8; FIELD];
    plain[..user.len()].copy_from_slice(user.as_bytes());
    let pw_field = if password.len() <= FIELD {
        FIELD
    } else {
        password.len().div_ceil(8) * 8
    };
    let mut pw = vec![0u8; pw_field];
    pw[..password.len()].copy_from_slice(password.as_bytes());
    plain.extend_from_slice(&pw);
    let c = cipher();
    for block in plain.chunks_exact_mut(8) {
        c.encrypt_block(GenericArray::from_mut_slice(block));
    }
    Some(BASE64.encode(&plain))
}

/// Recovers `(user, password)` from a token; `None` when it is not a valid token.
pub fn decode(token: &str) -> Option<(String, String)> {
    let mut data = BASE64.decode(token.trim().as_bytes()).ok()?;
    if data.len() < 2 * FIELD || data.len() % 8 != 0 {
        return None;
    }
    let c = cipher();
    for block in data.chunks_exact_mut(8) {
        c.decrypt_block(GenericArray::from_mut_slice(block));
    }
    let field = |b: &[u8]| -> Option<String> {
        let end = b.iter().position(|&x| x == 0).unwrap_or(b.len());
        String::from_utf8(b[..end].to_vec()).ok()
    };
    let user = field(&data[..FIELD])?;
    let password = field(&data[FIELD..])?;
    if user.is_empty() {
        return None;
    }
    Some((user, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "/KfeAzX/f9na8qdtNZmtONryp201ma04bEl8LcvLUd7a8qdtNZmtONryp201ma04";

    #[test]
    fn root_token_matches_the_spec() {
        assert_eq!(encode("root", "taosdata").as_deref(), Some(ROOT));
        assert_eq!(
            decode(ROOT),
            Some(("root".to_string(), "taosdata".to_string()))
        );
    }

    #[test]
    fn long_passwords_and_errors() {
        let long = "p".repeat(30);
        let t = encode("u", &long).unwrap();
        assert_eq!(BASE64.decode(t.as_bytes()).unwrap().len(), 24 + 32);
        assert_eq!(decode(&t), Some(("u".to_string(), long)));
        assert_eq!(encode("", "x"), None);
        assert_eq!(encode("u", ""), None);
        assert_eq!(encode(&"u".repeat(25), "x"), None);
        assert_eq!(decode("not base64!"), None);
        assert_eq!(decode(&BASE64.encode(&[0u8; 40])), None);
    }
}
