//! Helpers for Automerge documents as such, below the model: ids, their names, their
//! first change, and the checks bytes from outside pass before Automerge reads them.

pub mod ids;
mod name;
pub mod precheck;

use automerge::{AutoCommit, ChangeHash};

pub use name::DocName;

/// The first change of a document: every copy of one discussion shares it. (From the
/// changes' metadata: reconstructing every change to look at the first cost 25 ms for a
/// history of 10,000 changes.)
pub fn origin(doc: &mut AutoCommit) -> Option<ChangeHash> {
    doc.get_changes_meta(&[]).first().map(|c| c.hash)
}

/// Whether every one of `heads` lies inside the history that ends at `of` (each is one of
/// those heads or an ancestor of them). Heads of `of` this document does not hold make
/// nothing inside.
pub fn within(doc: &mut AutoCommit, heads: &[ChangeHash], of: &[ChangeHash]) -> bool {
    if of.is_empty() || of.iter().any(|h| doc.get_change_by_hash(h).is_none()) {
        return false;
    }
    let after: std::collections::HashSet<ChangeHash> =
        doc.get_changes_meta(of).iter().map(|c| c.hash).collect();
    heads
        .iter()
        .all(|h| doc.get_change_by_hash(h).is_some() && !after.contains(h))
}

/// The heads of what two histories share: the changes both `a` and `b` have, and of those
/// the ones no other shared change depends on. Empty when either is not known here.
pub fn common_heads(doc: &mut AutoCommit, a: &[ChangeHash], b: &[ChangeHash]) -> Vec<ChangeHash> {
    use std::collections::HashSet;
    let known = |doc: &mut AutoCommit, h: &[ChangeHash]| {
        !h.is_empty() && h.iter().all(|x| doc.get_change_by_hash(x).is_some())
    };
    if !known(doc, a) || !known(doc, b) {
        return vec![];
    }
    let not_in = |doc: &mut AutoCommit, h: &[ChangeHash]| -> HashSet<ChangeHash> {
        doc.get_changes_meta(h).iter().map(|c| c.hash).collect()
    };
    let (past_a, past_b) = (not_in(doc, a), not_in(doc, b));
    let shared: Vec<(ChangeHash, Vec<ChangeHash>)> = doc
        .get_changes_meta(&[])
        .iter()
        .filter(|c| !past_a.contains(&c.hash) && !past_b.contains(&c.hash))
        .map(|c| (c.hash, c.deps.to_vec()))
        .collect();
    let depended: HashSet<ChangeHash> =
        shared.iter().flat_map(|(_, d)| d.iter().copied()).collect();
    let mut heads: Vec<ChangeHash> = shared
        .into_iter()
        .map(|(h, _)| h)
        .filter(|h| !depended.contains(h))
        .collect();
    heads.sort();
    heads
}
