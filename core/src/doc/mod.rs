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
