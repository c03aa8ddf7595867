//! Stable identifiers for people, discussions and list items.
//!
//! The shell supplies the randomness (WebCrypto in the browser) so the core stays free
//! of platform glue. 16 random bytes give 128 bits: collisions between a manager's and an
//! employee's independently created items are not a practical concern.

/// Lower-case hex of 16 random bytes, e.g. `"3f2a…"` (32 characters).
pub fn id_from_bytes(bytes: [u8; 16]) -> String {
    to_hex(&bytes)
}

/// Lower-case hex of any bytes: the one hex writer of the app.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex (either case), `None` for anything else: the one hex reader of the app.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// Whether `s` looks like an id this app made: guards keys built from outside input.
pub fn is_valid_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex_and_validated() {
        let id = id_from_bytes([0xab; 16]);
        assert_eq!(id.len(), 32);
        assert!(is_valid_id(&id));
        assert!(!is_valid_id("../../etc"));
        assert!(!is_valid_id(&id.to_uppercase()));
        assert_eq!(from_hex(&id), Some(vec![0xab; 16]));
        assert_eq!(from_hex("0g"), None);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("é1"), None);
    }
}
