//! One error enum per boundary: editing a document, and reading one from outside
//! (storage, later links and files). Both are shown to the user, never panicked on.

use thiserror::Error;

/// A local edit could not be applied. Usually a bug or a document of an unexpected shape.
#[derive(Debug, Error)]
pub enum EditError {
    #[error("the document has no {0}")]
    Missing(String),
    #[error("no item with id {0}")]
    NoSuchItem(String),
    #[error(transparent)]
    Splice(#[from] crate::text::SpliceError),
    #[error("the app's copy of {0} was out of step with the document; the edit was not applied")]
    Stale(String),
    #[error(transparent)]
    Automerge(#[from] automerge::AutomergeError),
    #[error(transparent)]
    Reconcile(#[from] autosurgeon::ReconcileError),
    #[error(transparent)]
    Hydrate(#[from] autosurgeon::HydrateError),
}

/// Bytes from outside could not be turned into a document of the expected kind.
#[derive(Debug, Error)]
pub enum DecodeError {
    #[error("the data is not valid base64")]
    Base64,
    #[error("the data is not an Automerge document: {0}")]
    NotAutomerge(String),
    #[error("this is a {found} document, expected a {expected} document")]
    WrongKind {
        expected: &'static str,
        found: String,
    },
    #[error("this document uses schema version {found}; this app reads version {supported}")]
    UnsupportedSchema { found: u64, supported: u64 },
    #[error("the document is missing or has malformed fields: {0}")]
    Malformed(String),
}
