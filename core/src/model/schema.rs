//! Every document carries `kind` and `schema` at its root so that bytes from storage (and
//! later from links and files) are checked before they are trusted: a roster can never be
//! mistaken for a discussion, and a document from a newer app version is refused with a
//! clear message rather than half-read.

use automerge::AutoCommit;
use autosurgeon::{hydrate, Hydrate};

use crate::error::DecodeError;
use crate::model::am::get_str;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u64 = 1;

pub(crate) fn decode<T: Hydrate>(
    doc: &AutoCommit,
    expected: &'static str,
) -> Result<T, DecodeError> {
    let kind = get_str(doc, &automerge::ROOT, "kind");
    match kind.as_deref() {
        Some(k) if k == expected => {}
        Some(other) => {
            return Err(DecodeError::WrongKind {
                expected,
                found: other.chars().take(60).collect(),
            })
        }
        None => {
            return Err(DecodeError::WrongKind {
                expected,
                found: "unknown".into(),
            })
        }
    }
    let schema = match automerge::ReadDoc::get(doc, &automerge::ROOT, "schema") {
        Ok(Some((automerge::Value::Scalar(s), _))) => match s.as_ref() {
            automerge::ScalarValue::Uint(n) => Some(*n),
            automerge::ScalarValue::Int(n) if *n >= 0 => Some(*n as u64),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| DecodeError::Malformed("schema version".into()))?;
    if schema != SCHEMA_VERSION {
        return Err(DecodeError::UnsupportedSchema {
            found: schema,
            supported: SCHEMA_VERSION,
        });
    }
    hydrate(doc).map_err(|e| DecodeError::Malformed(e.to_string()))
}

/// Loads Automerge bytes into a document, mapping failures to [`DecodeError`].
pub fn load_bytes(bytes: &[u8]) -> Result<AutoCommit, DecodeError> {
    AutoCommit::load(bytes).map_err(|e| DecodeError::NotAutomerge(e.to_string()))
}

/// Runs an Automerge call on bytes from outside. Automerge 0.12 can panic on some malformed
/// input (found by fuzzing, inside `hexane`): a panic becomes `None` here. That only helps
/// where panics unwind (native builds); the wasm app is built with `panic = "abort"` and
/// relies on its crash guard instead (`src/infra/guard.rs`).
pub(crate) fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Loads Automerge bytes from outside strictly (a part that cannot be read is an error, not
/// skipped), after [`crate::doc::precheck`] has checked its chunks, with any panic inside
/// Automerge [`contained`].
/// Adds `bytes` (a document, or changes that may build on what `doc` has) to `doc`, refusing
/// what [`load_strict`] refuses: a part that cannot be read is an error, not silently
/// skipped as `load_incremental` alone would. Changes whose base is in neither are
/// `Err(None)`. On any error `doc` is left as it was.
pub(crate) fn load_more_strict(doc: &mut AutoCommit, bytes: &[u8]) -> Result<(), Option<String>> {
    use automerge::{LoadOptions, OnPartialLoad};
    crate::doc::precheck::check(bytes).map_err(|e| Some(e.to_string()))?;
    // Parsed on its own first, strictly; missing dependencies are fine here (they may be
    // in `doc`).
    let options = LoadOptions::new().on_partial_load(OnPartialLoad::Error);
    match contained(|| automerge::Automerge::load_with_options(bytes, options)) {
        None => return Err(Some("the data is malformed".into())),
        Some(Err(automerge::AutomergeError::MissingDeps)) | Some(Ok(_)) => {}
        Some(Err(e)) => return Err(Some(e.to_string())),
    }
    let mut trial = doc.fork();
    match contained(|| trial.load_incremental(bytes)) {
        None => return Err(Some("the data is malformed".into())),
        Some(Err(e)) => return Err(Some(e.to_string())),
        Some(Ok(_)) => {}
    }
    if !trial.get_missing_deps(&[]).is_empty() {
        return Err(None);
    }
    let actor = doc.get_actor().clone();
    *doc = trial.with_actor(actor);
    Ok(())
}

/// Why bytes could not be loaded whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrictLoadError {
    /// Refused before Automerge saw them.
    #[error("{0}")]
    Precheck(#[from] crate::doc::precheck::ChunkError),
    /// Automerge refused them (its message).
    #[error("{0}")]
    Automerge(String),
    /// Automerge stopped on them (caught natively; see `contained`).
    #[error("the data is malformed")]
    Malformed,
}

pub(crate) fn load_strict(bytes: &[u8]) -> Result<AutoCommit, StrictLoadError> {
    use automerge::{LoadOptions, OnPartialLoad};
    crate::doc::precheck::check(bytes)?;
    let loaded = contained(|| {
        AutoCommit::load_with_options(
            bytes,
            LoadOptions::new().on_partial_load(OnPartialLoad::Error),
        )
    });
    match loaded {
        Some(Ok(doc)) => Ok(doc),
        Some(Err(e)) => Err(StrictLoadError::Automerge(e.to_string())),
        None => Err(StrictLoadError::Malformed),
    }
}
