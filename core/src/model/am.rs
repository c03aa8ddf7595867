//! Targeted edits to Automerge documents.
//!
//! Why not hydrate the whole document, change it and reconcile it back: autosurgeon writes
//! every scalar it reconciles, and rewriting an unchanged value is a *concurrent write* that
//! can beat the other replica's real change when the two merge. So each edit here touches
//! only the property it changes, and only when the value differs.
//!
//! Text indices: documents use UTF-8 code-unit indexing (the `utf8-indexing` feature), as
//! `autosurgeon::Text` (and Rust's `String`) use. Typing arrives as a [`Splice`] in those
//! units ([`crate::text`] converts from the DOM's UTF-16 offsets).

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, Prop, ReadDoc, Value};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile, Text};

use crate::error::EditError;
use crate::text::words::{Mark, Piece, WordDiff};
use crate::text::{diff, Splice};

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
/// For whole values set by the app (publish, interject); typing goes through [`splice_text`].
pub(crate) fn set_text(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: &str,
    value: &str,
) -> Result<bool, EditError> {
    let text = match doc.get(obj, prop)? {
        Some((Value::Object(ObjType::Text), text)) => text,
        _ => {
            reconcile_prop(doc, obj, prop, Text::with_value(value))?;
            return Ok(true);
        }
    };
    let old = doc.text(&text)?;
    // Word by word, so the words both texts share keep their identity (and their author:
    // a review can tell whose words were removed); one stretch when the change is huge.
    let pieces = match crate::text::words::diff_exact(&old, value) {
        WordDiff::Pieces(pieces) => pieces,
        WordDiff::Large { .. } => {
            let Some(splice) = diff(&old, value) else {
                return Ok(false);
            };
            doc.splice_text(&text, splice.at, splice.delete as isize, &splice.insert)?;
            return Ok(true);
        }
    };
    // Each change run (removed then added) becomes one splice, trimmed to the characters
    // that differ: "a b" → "a  b" inserts one space rather than retyping the run.
    let mut edits: Vec<Splice> = Vec::new();
    let (mut at, mut removed) = (0, "");
    for p in pieces.iter().chain(std::iter::once(&Piece {
        mark: Mark::Same,
        text: String::new(),
    })) {
        match p.mark {
            Mark::Removed => removed = &p.text,
            Mark::Added | Mark::Same => {
                let added = if p.mark == Mark::Added {
                    p.text.as_str()
                } else {
                    ""
                };
                edits.extend(diff(removed, added).map(|s| Splice { at: at + s.at, ..s }));
                at += removed.len();
                removed = "";
                if p.mark == Mark::Same {
                    at += p.text.len();
                }
            }
        }
    }
    for e in edits.iter().rev() {
        doc.splice_text(&text, e.at, e.delete as isize, &e.insert)?;
    }
    Ok(!edits.is_empty())
}

/// Applies what a person typed to the text at `obj[prop]`. `current` is the field's text
/// as the caller holds it (a hydrated copy in step with the document): the splice is
/// checked against it, so it never lands outside the text or inside a character, without
/// reading the text out of the document on every keystroke.
pub(crate) fn splice_text(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: &str,
    current: &str,
    splice: &Splice,
) -> Result<(), EditError> {
    splice.check(current)?;
    let text = match doc.get(obj, prop)? {
        Some((Value::Object(ObjType::Text), text)) => text,
        _ => return Err(EditError::Missing(prop.to_string())),
    };
    if doc.length(&text) != current.len() {
        // The caller's copy is not in step: a bug, and never worth a wrong edit.
        return Err(EditError::Stale(prop.to_string()));
    }
    debug_assert_eq!(doc.text(&text).ok().as_deref(), Some(current));
    doc.splice_text(&text, splice.at, splice.delete as isize, &splice.insert)?;
    Ok(())
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
