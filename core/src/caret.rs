//! Keeping the caret where the typist left it when a remote edit changes the text.
//!
//! The DOM counts UTF-16 code units; documents count UTF-8 bytes (see `am.rs`). A remote
//! edit arriving during typing is one contiguous splice per message; the caret moves with
//! the text before it and stays put relative to the text after it.

use crate::am::single_splice;

fn utf16_to_byte(s: &str, units: usize) -> usize {
    let mut count = 0;
    for (byte, c) in s.char_indices() {
        if count >= units {
            return byte;
        }
        count += c.len_utf16();
    }
    s.len()
}

fn byte_to_utf16(s: &str, byte: usize) -> usize {
    s[..byte.min(s.len())].chars().map(char::len_utf16).sum()
}

/// Where a caret at `offset` (UTF-16 units) in `old` belongs in `new`.
pub fn map_offset(old: &str, new: &str, offset: usize) -> usize {
    let byte = utf16_to_byte(old, offset);
    let mapped = match single_splice(old, new) {
        None => byte,
        Some((at, _, _)) if byte <= at => byte,
        Some((at, del, ins)) if byte >= at + del => byte - del + ins.len(),
        // Inside text the other side replaced: the end of their insertion.
        Some((at, _, ins)) => at + ins.len(),
    };
    byte_to_utf16(new, mapped)
}

#[cfg(test)]
mod tests {
    use super::map_offset;

    #[test]
    fn the_caret_follows_its_own_text() {
        // Typing at the end while the other side inserts at the start: caret shifts.
        assert_eq!(map_offset("hello", "oh, hello", 5), 9);
        // The other side appends after the caret: caret stays.
        assert_eq!(map_offset("hello world", "hello world!!", 5), 5);
        // Multi-byte and astral characters count as the DOM counts them.
        let old = "Zoë 👩🏽‍💻 naïve";
        let new = "— Zoë 👩🏽‍💻 naïve";
        let caret = old.encode_utf16().count();
        assert_eq!(map_offset(old, new, caret), new.encode_utf16().count());
        assert_eq!(map_offset("日本", "日本語", 1), 1);
    }
}
