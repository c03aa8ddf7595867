//! Text edits as splices, and keeping a caret where the typist left it.
//!
//! A text field reports what the person did as one [`Splice`]: where, how much was
//! deleted, what was inserted. The DOM counts UTF-16 code units; documents count UTF-8 bytes
//! (Automerge's `utf8-indexing`, like Rust's `String`). Both meet here and nowhere else.
//!
//! Why splices and not whole values: diffing the old and new value guesses the edit, and in
//! a run of equal characters it guesses wrong. In "P1\n\nP2", deleting the *first* newline
//! and deleting the *second* give the same value; the diff picks the second, and an
//! insertion the other side made on the empty line then lands after the wrong newline. The
//! input event knows which one it was.

pub mod words;

use std::fmt;

/// One contiguous edit of a text, in UTF-8 bytes: delete `delete` bytes at `at`, then
/// insert `insert` there.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Splice {
    pub at: usize,
    pub delete: usize,
    pub insert: String,
}

/// A splice that does not fit the text it was meant for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an edit at {at}+{delete} does not fit a text of {len} bytes")]
pub struct SpliceError {
    pub at: usize,
    pub delete: usize,
    pub len: usize,
}

impl Splice {
    pub fn insert(at: usize, text: &str) -> Splice {
        Splice {
            at,
            delete: 0,
            insert: text.to_string(),
        }
    }

    pub fn delete(at: usize, delete: usize) -> Splice {
        Splice {
            at,
            delete,
            insert: String::new(),
        }
    }

    pub fn is_noop(&self) -> bool {
        self.delete == 0 && self.insert.is_empty()
    }

    /// Whether the splice fits `text`: inside it and on character boundaries.
    pub fn check(&self, text: &str) -> Result<(), SpliceError> {
        let end = self.at.checked_add(self.delete);
        match end {
            Some(end) if text.is_char_boundary(self.at) && text.is_char_boundary(end) => Ok(()),
            _ => Err(SpliceError {
                at: self.at,
                delete: self.delete,
                len: text.len(),
            }),
        }
    }

    /// Applies the splice to `text`, or leaves it as it was if it does not fit.
    pub fn apply(&self, text: &mut String) -> Result<(), SpliceError> {
        self.check(text)?;
        text.replace_range(self.at..self.at + self.delete, &self.insert);
        Ok(())
    }

    /// The same edit of `text` without the characters it would delete and insert again:
    /// replacing a selection with text that begins or ends like it (a pasted, corrected
    /// version of a sentence) then touches only what differs, so a word the other side
    /// added meanwhile inside the unchanged part keeps its place. Trims only inside the
    /// replaced stretch, on character boundaries. Assumes the splice fits `text`.
    pub fn trimmed(&self, text: &str) -> Splice {
        let old = &text[self.at..self.at + self.delete];
        let new = self.insert.as_str();
        let prefix: usize = old
            .chars()
            .zip(new.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
        let suffix: usize = old_rest
            .chars()
            .rev()
            .zip(new_rest.chars().rev())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        Splice {
            at: self.at + prefix,
            delete: old_rest.len() - suffix,
            insert: new_rest[..new_rest.len() - suffix].to_string(),
        }
    }

    /// The text with the splice applied.
    pub fn applied(&self, text: &str) -> Result<String, SpliceError> {
        let mut out = text.to_string();
        self.apply(&mut out)?;
        Ok(out)
    }
}

impl fmt::Display for Splice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{} -{} +{:?}", self.at, self.delete, self.insert)
    }
}

/// The UTF-8 byte position of UTF-16 offset `units` in `s` (clamped to the end; an offset
/// inside a surrogate pair moves to the end of that character).
pub fn utf16_to_byte(s: &str, units: usize) -> usize {
    let mut count = 0;
    for (byte, c) in s.char_indices() {
        if count >= units {
            return byte;
        }
        count += c.len_utf16();
    }
    s.len()
}

/// The UTF-16 offset of UTF-8 byte position `byte` in `s`.
pub fn byte_to_utf16(s: &str, byte: usize) -> usize {
    let mut byte = byte.min(s.len());
    while !s.is_char_boundary(byte) {
        byte -= 1;
    }
    s[..byte].chars().map(char::len_utf16).sum()
}

/// What a browser input event did to a field, in the DOM's UTF-16 offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputEdit<'a> {
    /// The field's value before the event.
    pub before: &'a str,
    /// The selection before the event (start, end).
    pub selection: (usize, usize),
    /// The field's value after the event.
    pub after: &'a str,
    /// The caret after the event.
    pub caret: usize,
}

impl InputEdit<'_> {
    /// The splice the event made. Typing, deleting, pasting over a selection and cutting
    /// read as "the selection (or the character next to the caret) was replaced by what lies
    /// between its start and the caret now"; that reading is checked against both values
    /// and used when it fits. Anything else (an IME composition, autocorrect replacing a
    /// word, the browser's undo) falls back to the one contiguous difference of the values.
    /// `None` when nothing changed.
    pub fn splice(&self) -> Option<Splice> {
        if self.before == self.after {
            return None;
        }
        self.read_at_caret()
            .or_else(|| diff(self.before, self.after))
    }

    fn read_at_caret(&self) -> Option<Splice> {
        let (s, e) = (
            self.selection.0.min(self.selection.1),
            self.selection.0.max(self.selection.1),
        );
        let before_len: usize = self.before.encode_utf16().count();
        let after_len: usize = self.after.encode_utf16().count();
        if e > before_len || self.caret > after_len {
            return None;
        }
        // Where the edit starts: at the selection, or at the caret when it moved back
        // (Backspace deletes before a collapsed selection).
        let start = s.min(self.caret);
        // Units removed from the old text: everything after the edit stays, so the old
        // text's tail from `start + removed` equals the new text's tail from the caret.
        let removed = (before_len + self.caret).checked_sub(after_len + start)?;
        let at = utf16_to_byte(self.before, start);
        let end = utf16_to_byte(self.before, start + removed);
        let ins_from = utf16_to_byte(self.after, start);
        let ins_to = utf16_to_byte(self.after, self.caret);
        // The reading holds only if both texts agree outside the edit.
        if self.before[..at] != self.after[..ins_from]
            || self.before[end..] != self.after[ins_to..]
            || byte_to_utf16(self.before, end) != start + removed
        {
            return None;
        }
        let splice = Splice {
            at,
            delete: end - at,
            insert: self.after[ins_from..ins_to].to_string(),
        };
        Some(splice.trimmed(self.before))
    }
}

/// The one contiguous edit that turns `old` into `new`, on character boundaries, or `None`
/// when they are equal. Linear in the length (a general diff is quadratic when a large paste
/// replaces a large text). Used where no input event says what happened: whole values set
/// by a button (publish, interject), and remote changes moving a caret.
pub fn diff(old: &str, new: &str) -> Option<Splice> {
    if old == new {
        return None;
    }
    let whole = Splice {
        at: 0,
        delete: old.len(),
        insert: new.to_string(),
    };
    Some(whole.trimmed(old))
}

/// Where byte position `pos` of `base` is in `current`, a remote edit having turned one into
/// the other. A position inside text the remote edit replaced goes to the end of it.
fn map_byte(remote: &Option<Splice>, pos: usize) -> usize {
    match remote {
        None => pos,
        Some(r) if pos <= r.at => pos,
        Some(r) if pos >= r.at + r.delete => pos - r.delete + r.insert.len(),
        Some(r) => r.at + r.insert.len(),
    }
}

/// Where a caret at UTF-16 `offset` in `old` belongs in `new` (a remote edit changed the
/// text under it): it moves with the text before it and stays put relative to the text
/// after it.
pub fn map_offset(old: &str, new: &str, offset: usize) -> usize {
    let remote = diff(old, new);
    byte_to_utf16(new, map_byte(&remote, utf16_to_byte(old, offset)))
}

/// A splice made on a field showing `base`, moved onto the text as it is now, `current`
/// (a remote edit changed it before the field caught up). Without this, the local edit
/// would land at a stale position, or undo the remote one.
pub fn rebase(splice: &Splice, base: &str, current: &str) -> Splice {
    if base == current {
        return splice.clone();
    }
    let remote = diff(base, current);
    let at = map_byte(&remote, splice.at);
    let end = map_byte(&remote, splice.at + splice.delete).max(at);
    Splice {
        at,
        delete: end - at,
        insert: splice.insert.clone(),
    }
}

/// "your leader" → "Your leader" (the first letter upper-case; a name stays as it is).
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// "just now", "2 minutes ago", "3 hours ago", "5 days ago".
pub fn ago(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match seconds.max(0) {
        0..=59 => "just now".into(),
        s @ 60..=3599 => plural(s / 60, "minute"),
        s @ 3600..=86_399 => plural(s / 3600, "hour"),
        s => plural(s / 86_400, "day"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ago_says_the_largest_whole_unit() {
        assert_eq!(ago(-5), "just now");
        assert_eq!(ago(59), "just now");
        assert_eq!(ago(60), "1 minute ago");
        assert_eq!(ago(3599), "59 minutes ago");
        assert_eq!(ago(7200), "2 hours ago");
        assert_eq!(ago(86_400 * 3 + 5), "3 days ago");
    }

    use super::*;

    fn edit(before: &str, selection: (usize, usize), after: &str, caret: usize) -> Splice {
        InputEdit {
            before,
            selection,
            after,
            caret,
        }
        .splice()
        .expect("an edit")
    }

    #[test]
    fn the_event_says_which_of_equal_characters_went() {
        // "P1\n\nP2": Backspace with the caret after the first newline deletes *that* one.
        assert_eq!(edit("P1\n\nP2", (3, 3), "P1\nP2", 2), Splice::delete(2, 1));
        // Delete (forward) at the same caret removes the second.
        assert_eq!(edit("P1\n\nP2", (3, 3), "P1\nP2", 3), Splice::delete(3, 1));
        // A diff alone cannot tell them apart.
        assert_eq!(diff("P1\n\nP2", "P1\nP2"), Some(Splice::delete(3, 1)));
        // Typing "a" after "aa" is an insertion at the caret, not at the start.
        assert_eq!(edit("aa", (1, 1), "aaa", 2), Splice::insert(1, "a"));
    }

    #[test]
    fn typing_pasting_and_replacing_a_selection() {
        assert_eq!(edit("ab", (2, 2), "abc", 3), Splice::insert(2, "c"));
        // Over a selection: what it deletes and inserts again is left alone.
        assert_eq!(
            edit("hello world", (0, 11), "hi", 2),
            Splice {
                at: 1,
                delete: 10,
                insert: "i".into()
            }
        );
        // Multi-byte and astral text: UTF-16 in, UTF-8 out.
        let s = "Zoë 👩🏽‍💻 naïve — 日本";
        let end = s.encode_utf16().count();
        assert_eq!(
            edit(s, (end, end), &format!("{s}!"), end + 1),
            Splice::insert(s.len(), "!")
        );
        let zoe = "Zoë".encode_utf16().count();
        assert_eq!(
            edit(s, (zoe, zoe), &s.replacen("Zoë", "Zo", 1), zoe - 1),
            Splice::delete(2, 2)
        );
    }

    #[test]
    fn replacing_a_selection_with_a_corrected_version_touches_only_what_differs() {
        // Select all of "Calm in incidents" and paste "Very calm in incidents".
        let old = "Calm in incidents";
        let new = "Very calm in incidents";
        assert_eq!(
            edit(old, (0, 17), new, 22),
            Splice {
                at: 0,
                delete: 1,
                insert: "Very c".into()
            }
        );
        // Nothing in common: the whole selection goes.
        assert_eq!(
            edit("first draft", (0, 11), "Z", 1),
            Splice {
                at: 0,
                delete: 11,
                insert: "Z".into()
            }
        );
        // Trimming stays inside the selection and on character boundaries.
        let s = Splice {
            at: 1,
            delete: "ëë".len(),
            insert: "ëé".into(),
        };
        assert_eq!(
            s.trimmed("aëëb"),
            Splice {
                at: 1 + "ë".len(),
                delete: "ë".len(),
                insert: "é".into()
            }
        );
    }

    #[test]
    fn an_event_that_does_not_read_as_one_edit_falls_back_to_the_values() {
        // A composition replaced a word while the caret sat elsewhere.
        let sp = edit("naive text", (10, 10), "naïve text", 10);
        assert_eq!(sp.applied("naive text").unwrap(), "naïve text");
    }

    #[test]
    fn splices_never_split_a_character() {
        assert!(Splice::delete(1, 1).check("ë").is_err());
        assert!(Splice::insert(9, "x").check("abc").is_err());
        assert!(Splice::delete(0, 2).check("ë").is_ok());
    }

    #[test]
    fn a_local_edit_lands_on_the_text_as_it_is_now() {
        // The field showed "ab"; the user typed "c" at the end; meanwhile the other side
        // added "XY" at the start.
        let typed = Splice::insert(2, "c");
        assert_eq!(
            rebase(&typed, "ab", "XYab").applied("XYab").unwrap(),
            "XYabc"
        );
        assert_eq!(
            rebase(&typed, "ab", "ab beta").applied("ab beta").unwrap(),
            "abc beta"
        );
        // Deleting locally never deletes what the other side wrote.
        let del = Splice::delete(2, 1);
        assert_eq!(
            rebase(&del, "abc", "abc and more")
                .applied("abc and more")
                .unwrap(),
            "ab and more"
        );
        let ja = Splice::insert("日本".len(), "語");
        assert_eq!(
            rebase(&ja, "日本", "— 日本").applied("— 日本").unwrap(),
            "— 日本語"
        );
    }

    #[test]
    fn the_caret_follows_its_own_text() {
        assert_eq!(map_offset("hello", "oh, hello", 5), 9);
        assert_eq!(map_offset("hello world", "hello world!!", 5), 5);
        let old = "Zoë 👩🏽‍💻 naïve";
        let new = "— Zoë 👩🏽‍💻 naïve";
        let caret = old.encode_utf16().count();
        assert_eq!(map_offset(old, new, caret), new.encode_utf16().count());
        assert_eq!(map_offset("日本", "日本語", 1), 1);
    }

    #[test]
    fn one_contiguous_edit_is_found_on_character_boundaries() {
        assert_eq!(diff("abc", "abc"), None);
        assert_eq!(diff("abc", "abXc"), Some(Splice::insert(2, "X")));
        assert_eq!(diff("abc", "ac"), Some(Splice::delete(1, 1)));
        assert_eq!(diff("aaa", "aaaa"), Some(Splice::insert(3, "a")));
        assert_eq!(
            diff("Zoë 日本", "Zoé 日本"),
            Some(Splice {
                at: 2,
                delete: 2,
                insert: "é".into()
            })
        );
        for (old, new) in [
            ("naïve — 日本", "naïf — 日本"),
            ("xx", "x"),
            ("ab", "ba"),
            ("ä", "äa"),
            ("👩🏽‍💻", "👩🏽‍💻!"),
        ] {
            assert_eq!(diff(old, new).unwrap().applied(old).unwrap(), new);
        }
    }
}
