//! The one way changes from outside join a document here: a link or file, a paired
//! bundle, a live-session message, a handover file, a backup. Whatever brings them, the
//! same rules decide whether they stay:
//!
//! - one history: nothing that joins a document may start another one beside it (a
//!   change with no parent), or its values could override the document's field by field
//!   under the same id;
//! - the result must still be a document of its kind (the caller says what that means);
//! - otherwise nothing stays: the document is exactly as it was before.
//!
//! Who may change which field (`ownership`) and what the merge brought (`review`) come
//! after, in the workspace; the checks that bytes are well formed come before (`precheck`
//! and the strict loaders in `model::schema`).

use automerge::{AutoCommit, ChangeHash};

/// What joining brought.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Joined<V> {
    /// The document's heads before: what "changed since" is measured from.
    pub before: Vec<ChangeHash>,
    pub new_changes: usize,
    /// What the validation read of the result (the discussion, for a record); `None` when
    /// nothing new came (the document is as it was, so nothing was checked again).
    pub value: Option<V>,
}

/// Why changes did not join; the document is as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused<E> {
    /// Another history: a change with no parent (or, for a new document, two).
    AnotherHistory,
    /// Bringing the changes failed (malformed, refused by Automerge, the wrong session),
    /// or the result is not a document of its kind: the caller's own reason.
    Because(E),
}

/// Brings changes into `doc` with `bring`, then checks them: one history, and `valid`
/// accepting the result (when anything new came). Anything refused leaves `doc` as it was (heads and all).
///
/// `doc` may be empty (a document new to this device): then its first change is the one
/// allowed to have no parent.
///
/// Pending edits must be committed before (with their time): the heads are read first.
pub fn join<T, V, E>(
    doc: &mut AutoCommit,
    bring: impl FnOnce(&mut AutoCommit) -> Result<T, E>,
    valid: impl FnOnce(&AutoCommit) -> Result<V, E>,
) -> Result<(T, Joined<V>), Refused<E>> {
    let before = doc.get_heads();
    let result = bring(doc).map_err(Refused::Because).and_then(|out| {
        let (new, roots) = {
            let new = doc.get_changes_meta(&before);
            let roots = new.iter().filter(|c| c.deps.is_empty()).count();
            (new.len(), roots)
        };
        let allowed = usize::from(before.is_empty());
        if roots > allowed {
            return Err(Refused::AnotherHistory);
        }
        let value = if new > 0 {
            Some(valid(doc).map_err(Refused::Because)?)
        } else {
            None
        };
        Ok((out, new, value))
    });
    match result {
        Ok((out, new_changes, value)) => Ok((
            out,
            Joined {
                before,
                new_changes,
                value,
            },
        )),
        Err(refused) => {
            back_to(doc, &before);
            Err(refused)
        }
    }
}

/// Puts `doc` back to `heads` (its actor kept), dropping anything after them, queued
/// changes included: what undoes a join when a later step of taking it in fails.
pub fn back_to(doc: &mut AutoCommit, heads: &[ChangeHash]) {
    let actor = doc.get_actor().clone();
    let back = if heads.is_empty() {
        Ok(AutoCommit::new())
    } else {
        doc.fork_at(heads)
    };
    // `heads` were the document's own a moment ago: going back to them cannot fail.
    if let Ok(back) = back {
        *doc = back.with_actor(actor);
    }
}

/// A document that is new to this device, whole: one history (a single change with no
/// parent) and `valid`. Nothing is merged, so nothing needs undoing.
pub fn first<V, E>(
    doc: &mut AutoCommit,
    valid: impl FnOnce(&AutoCommit) -> Result<V, E>,
) -> Result<V, Refused<E>> {
    let roots = doc
        .get_changes_meta(&[])
        .iter()
        .filter(|c| c.deps.is_empty())
        .count();
    if roots > 1 {
        return Err(Refused::AnotherHistory);
    }
    valid(doc).map_err(Refused::Because)
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;

    use super::*;

    fn doc_with(key: &str, value: &str) -> AutoCommit {
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, key, value).unwrap();
        doc.commit();
        doc
    }

    fn ok(_: &AutoCommit) -> Result<(), automerge::AutomergeError> {
        Ok(())
    }

    #[test]
    fn changes_of_the_same_history_join() {
        let mut here = doc_with("name", "Sam");
        let mut there = here.fork();
        there.put(automerge::ROOT, "role", "Engineer").unwrap();
        there.commit();
        let (_, joined) = join(&mut here, |d| d.merge(&mut there), ok).unwrap();
        assert_eq!(joined.new_changes, 1);
        assert!(here.get(automerge::ROOT, "role").unwrap().is_some());
    }

    #[test]
    fn another_history_under_the_same_name_is_refused_and_nothing_changes() {
        let mut here = doc_with("name", "Sam");
        let heads = here.get_heads();
        let mut other = doc_with("name", "Mallory");
        let refused = join(&mut here, |d| d.merge(&mut other), ok).unwrap_err();
        assert_eq!(refused, Refused::AnotherHistory);
        assert_eq!(here.get_heads(), heads);
        let (value, _) = here.get(automerge::ROOT, "name").unwrap().unwrap();
        assert_eq!(value.as_str(), Some("Sam"));
    }

    #[test]
    fn an_invalid_result_is_undone() {
        let mut here = doc_with("name", "Sam");
        let heads = here.get_heads();
        let mut there = here.fork();
        there.delete(automerge::ROOT, "name").unwrap();
        there.commit();
        let refused = join(
            &mut here,
            |d| d.merge(&mut there).map_err(|e| e.to_string()),
            |d| {
                d.get(automerge::ROOT, "name")
                    .ok()
                    .flatten()
                    .map(|_| ())
                    .ok_or_else(|| "no name".to_string())
            },
        )
        .unwrap_err();
        assert_eq!(refused, Refused::Because("no name".into()));
        assert_eq!(here.get_heads(), heads);
    }

    #[test]
    fn a_new_document_may_have_one_first_change_not_two() {
        let mut new = AutoCommit::new();
        let mut one = doc_with("name", "Sam");
        assert!(join(&mut new, |d| d.merge(&mut one), ok).is_ok());
        let mut two = doc_with("name", "Sam");
        two.merge(&mut doc_with("name", "Mallory")).unwrap();
        assert_eq!(first(&mut two, ok), Err(Refused::AnotherHistory));
        let mut empty = AutoCommit::new();
        assert_eq!(
            join(&mut empty, |d| d.merge(&mut two), ok).unwrap_err(),
            Refused::AnotherHistory
        );
        assert!(empty.get_heads().is_empty());
    }
}
