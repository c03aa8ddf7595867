//! Targeted edits to Automerge documents.
//!
//! Why not hydrate the whole document, change it and reconcile it back: autosurgeon writes
//! every scalar it reconciles, and rewriting an unchanged value is a *concurrent write* that
//! can beat the other replica's real change when the two merge. So each edit here touches
//! only the property it changes, and only when the value differs.
//!
//! Text indices: documents use UTF-8 code-unit indexing (the `utf8-indexing` feature), as
//! `autosurgeon::Text` (and Rust's `String`) use. The UI hands us whole field values and
//! [`set_text`] finds the one splice between old and new, so DOM UTF-16 offsets never reach Automerge here.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, Prop, ReadDoc, Value};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile, Text};

use crate::error::EditError;

/// The object at `path` (map keys from the root).
pub(crate) fn obj_at(doc: &AutoCommit, path: &[&str]) -> Result<ObjId, EditError> {
    let mut obj = automerge::ROOT;
    for key in path {
        match doc.get(&obj, *key)? {
            Some((Value::Object(_), id)) => obj = id,
            _ => return Err(EditError::Missing(path.join("."))),
        }
    }
    Ok(obj)
}

/// Replaces the text at `obj[prop]` with `value` as one contiguous splice, so a
/// concurrent edit elsewhere in the same text survives the merge. Returns whether it changed.
pub(crate) fn set_text(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: &str,
    value: &str,
) -> Result<bool, EditError> {
    set_text_known(doc, obj, prop, None, value)
}

/// As [`set_text`], where the caller holds `known`, the field's current text (a hydrated
/// copy kept in step with the document). The splice is then found from `known` instead of
/// reading the text out of the document, which costs time in proportion to the text and
/// its history on every keystroke. A `known` of the wrong length is not trusted.
pub(crate) fn set_text_known(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: &str,
    known: Option<&str>,
    value: &str,
) -> Result<bool, EditError> {
    let text = match doc.get(obj, prop)? {
        Some((Value::Object(ObjType::Text), text)) => text,
        _ => {
            reconcile_prop(doc, obj, prop, Text::with_value(value))?;
            return Ok(true);
        }
    };
    let read;
    let old = match known {
        Some(known) if doc.length(&text) == known.len() => {
            debug_assert_eq!(doc.text(&text).ok().as_deref(), Some(known));
            known
        }
        _ => {
            read = doc.text(&text)?;
            read.as_str()
        }
    };
    let Some((at, delete, insert)) = single_splice(old, value) else {
        return Ok(false);
    };
    doc.splice_text(&text, at, delete as isize, insert)?;
    Ok(true)
}

/// The one contiguous edit that turns `old` into `new`: (byte position, bytes to delete,
/// text to insert), or `None` when they are equal. Typing, deleting, pasting over a
/// selection and autocorrect are all one contiguous edit per input event, so this is the
/// edit the user made; it is linear in the text's length, where a general diff (Myers) is
/// quadratic when a large paste replaces a large text.
pub(crate) fn single_splice<'a>(old: &str, new: &'a str) -> Option<(usize, usize, &'a str)> {
    if old == new {
        return None;
    }
    let prefix: usize = old
        .chars()
        .zip(new.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix: usize = old[prefix..]
        .chars()
        .rev()
        .zip(new[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .scan(0, |total, len| {
            *total += len;
            (*total <= max_suffix).then_some(len)
        })
        .sum();
    Some((
        prefix,
        old.len() - prefix - suffix,
        &new[prefix..new.len() - suffix],
    ))
}

/// Writes a single-valued property only if its value differs from `value`.
pub(crate) fn set_value<T>(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: &str,
    value: &T,
) -> Result<bool, EditError>
where
    T: Reconcile + Hydrate + PartialEq,
{
    if let Ok(current) = hydrate_prop::<_, T, _, _>(doc, obj, prop) {
        if &current == value {
            return Ok(false);
        }
    }
    reconcile_prop(doc, obj, prop, value)?;
    Ok(true)
}

/// Position and object of the list item whose `id` property is `id`.
pub(crate) fn find_item(
    doc: &AutoCommit,
    list: &ObjId,
    id: &str,
) -> Result<(usize, ObjId), EditError> {
    for index in 0..doc.length(list) {
        if let Some((Value::Object(ObjType::Map), item)) = doc.get(list, index)? {
            if let Some((value, _)) = doc.get(&item, "id")? {
                if value
                    .into_scalar()
                    .ok()
                    .and_then(|s| s.into_string().ok())
                    .as_deref()
                    == Some(id)
                {
                    return Ok((index, item));
                }
            }
        }
    }
    Err(EditError::NoSuchItem(id.to_string()))
}

/// Appends `item` to the list at `path`.
pub(crate) fn push_item<T: Reconcile>(
    doc: &mut AutoCommit,
    path: &[&str],
    item: &T,
) -> Result<(), EditError> {
    let list = obj_at(doc, path)?;
    let len = doc.length(&list);
    autosurgeon::reconcile_insert(doc, list, len, item)?;
    Ok(())
}

/// Removes the item with `id` from the list at `path`.
pub(crate) fn remove_item(doc: &mut AutoCommit, path: &[&str], id: &str) -> Result<(), EditError> {
    use automerge::transaction::Transactable;
    let list = obj_at(doc, path)?;
    let (index, _) = find_item(doc, &list, id)?;
    doc.delete(&list, Prop::Seq(index))?;
    Ok(())
}

/// Reads a string property, if present.
pub(crate) fn get_str(doc: &AutoCommit, obj: &ObjId, prop: &str) -> Option<String> {
    match doc.get(obj, prop).ok()?? {
        (Value::Scalar(s), _) => s.into_owned().into_string().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::single_splice;

    #[test]
    fn one_contiguous_edit_is_found_on_character_boundaries() {
        assert_eq!(single_splice("abc", "abc"), None);
        assert_eq!(single_splice("abc", "abXc"), Some((2, 0, "X")));
        assert_eq!(single_splice("abc", "ac"), Some((1, 1, "")));
        assert_eq!(single_splice("aaa", "aaaa"), Some((3, 0, "a")));
        assert_eq!(single_splice("", "Zoë"), Some((0, 0, "Zoë")));
        // Multi-byte characters are never split.
        assert_eq!(single_splice("Zoë 日本", "Zoé 日本"), Some((2, 2, "é")));
        assert_eq!(single_splice("👩🏽‍💻", "👩🏽‍💻!"), Some(("👩🏽‍💻".len(), 0, "!")));
        for (old, new) in [
            ("naïve — 日本", "naïf — 日本"),
            ("xx", "x"),
            ("ab", "ba"),
            ("ä", "äa"),
        ] {
            let (at, del, ins) = single_splice(old, new).unwrap();
            let mut s = old.to_string();
            s.replace_range(at..at + del, ins);
            assert_eq!(s, new);
        }
    }
}
