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

/// Where byte position `pos` of `base` is in `current` (a remote edit turned `base` into
/// `current`). A position inside text the remote edit replaced goes to the end of it.
fn map_byte(base: &str, current: &str, pos: usize) -> usize {
    match single_splice(base, current) {
        None => pos,
        Some((at, _, _)) if pos <= at => pos,
        Some((at, del, ins)) if pos >= at + del => pos - del + ins.len(),
        Some((at, _, ins)) => at + ins.len(),
    }
}

/// A local edit made on a field showing `base` (turning it into `new`) applied to the text
/// as it is now, `current`, which a remote edit may have changed in between. Without this,
/// diffing `new` against `current` would undo the remote edit.
pub fn rebase(base: &str, new: &str, current: &str) -> String {
    if base == current {
        return new.to_string();
    }
    let Some((at, del, ins)) = single_splice(base, new) else {
        return current.to_string();
    };
    let start = map_byte(base, current, at);
    let end = map_byte(base, current, at + del).max(start);
    let mut out = String::with_capacity(current.len() + ins.len());
    out.push_str(&current[..start]);
    out.push_str(ins);
    out.push_str(&current[end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::{map_offset, rebase};

    #[test]
    fn a_local_keystroke_lands_on_the_text_as_it_is_now() {
        // The field showed "ab"; the user typed "c" at the end; meanwhile the other side
        // added "XY" at the start.
        assert_eq!(rebase("ab", "abc", "XYab"), "XYabc");
        // ...or added text after the caret: it is kept, not deleted.
        assert_eq!(rebase("ab", "abc", "ab beta"), "abc beta");
        // Deleting locally never deletes what the other side wrote.
        assert_eq!(rebase("abc", "ab", "abc and more"), "ab and more");
        assert_eq!(rebase("ab", "ab", "ab!"), "ab!");
        assert_eq!(rebase("日本", "日本語", "— 日本"), "— 日本語");
    }

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
