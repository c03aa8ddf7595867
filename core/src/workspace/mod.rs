//! The documents of one device, as the app uses them: open, read, edit, take in what the
//! other side sent, save — over any [`KvStore`] (the browser's localStorage in the app, a
//! [`MemoryKv`](crate::storage::blobs::MemoryKv) in tests).
//!
//! Reads never write: a missing reflection reads as an empty one and is stored only when
//! the employee types. Edits apply at once in memory and mark the document dirty;
//! [`Workspace::save`] writes every dirty document (one blob each) and the index. A save
//! that fails (storage full) keeps everything dirty and is tried again by the next save.
//!
//! Hydrated copies: reading a long discussion out of Automerge costs time in proportion to
//! its text and history, so the workspace keeps the last read value of each document and
//! keeps it in step itself — typing patches it in the same step as the document (the
//! model's `splice`), every other change drops it. No caller can get that wrong.

use std::collections::{BTreeSet, HashMap};

use automerge::ActorId;
use thiserror::Error;

use crate::error::{DecodeError, EditError};
use crate::live::session::LiveError;
use crate::model::trust::{DeviceKey, DeviceKeys};
use crate::share::ShareError;
use crate::storage::backup::BackupError;
use crate::storage::blobs::{KvError, KvStore, LoadError, StoredDoc};
use crate::storage::index::Index;
use crate::storage::keys::{DocName, StorageKey};
use crate::storage::meta::MetaError;
use crate::Side;

mod backup;
mod cache;
mod editing;
mod erase;
mod handover;
mod keys;
mod live;
mod notes;
mod paired;
mod publish;
mod reviews;
mod saving;
mod sharing;
mod sync_line;
mod tabs;
mod take_in;
pub use backup::BackupReport;
use cache::Copies;
pub use cache::{Guard, NoGuard};
pub use editing::TextField;
pub use erase::{Erase, ErasePreview, ErasedDiscussion};
pub use handover::{HandoverMade, HandoverTaken};
pub use keys::KeyState;
pub use live::Arriving;
pub use notes::SideOf;
pub use paired::{MailboxError, MailboxStatus, MailboxTaken};
pub use publish::{add_mine, Publish, PublishCheck};
use reviews::Reviewed;
pub use sync_line::{Reach, SyncProblem};
pub use tabs::Outside;
pub use take_in::{LinkPreview, TakenIn};

#[derive(Debug, Error)]
pub enum WorkspaceError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Storage(#[from] KvError),
    /// Boxed: Automerge's errors are large, and every workspace call returns this type.
    #[error("the edit could not be applied: {0}")]
    Edit(Box<EditError>),
    /// Publishing the draft as it is would remove words of the shared answer.
    #[error("publishing this draft would remove {0} words of the shared answer")]
    WouldRemove(usize),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Meta(#[from] MetaError),
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error("the stored discussion cannot be read: {0}")]
    Decode(#[from] DecodeError),
    #[error("your copy of this discussion is damaged ({0}), so nothing was merged into it")]
    DamagedCopy(LoadError),
    #[error(transparent)]
    Handover(#[from] crate::share::handover::HandoverError),
    #[error("that key has not come in as the other person's here; nothing was confirmed")]
    UnknownKey,
    #[error("what would be deleted changed after the confirmation was shown; nothing was deleted")]
    EraseChanged,
    /// A part of the record the other side owns: this side suggests a change instead.
    #[error("{part} is for the {owner} to change; suggest a change instead")]
    NotYours { part: String, owner: Side },
}

impl From<EditError> for WorkspaceError {
    fn from(e: EditError) -> WorkspaceError {
        WorkspaceError::Edit(Box::new(e))
    }
}

/// What an operation changed, for whoever shows it (the shell turns these into what its
/// views follow and the events its services hear): drained with
/// [`Workspace::take_changes`] after every call, so no caller has to know what a call
/// touched.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// Typing changed one text field, and only that: views of the document's other parts
    /// need not look again.
    Typed(TextField),
    /// A document changed any other way: an edit, a merge, a new copy, another tab's save.
    Doc(DocName),
    /// A discussion took in changes from a live session: nothing of them is this tab's to
    /// send on.
    Arrived(String),
    /// What this device notes about a discussion changed (side, review, keys, sync).
    Notes(String),
    /// The index of discussions changed.
    Index,
    /// This device's keys changed (a backup brought earlier ones): every signature reads
    /// differently.
    Keys,
    /// A discussion was deleted from this device (here or by another tab).
    Erased(String),
    /// What was pending is written.
    Saved,
}

pub struct Workspace<K: KvStore> {
    kv: K,
    actor: ActorId,
    /// This tab's name on the blobs it writes (see `blobs`).
    writer: String,
    guard: Box<dyn Guard>,
    docs: HashMap<DocName, Result<StoredDoc, LoadError>>,
    dirty: BTreeSet<DocName>,
    index: Index,
    /// Discussions whose index entry this tab changed and has not written yet.
    index_changed: BTreeSet<String>,
    /// What this device notes about each discussion.
    notes: notes::Notes,
    copies: Copies,
    /// The last review computed: (discussion, from, to) → the review. Heads name fixed
    /// points of the history, so the same range always gives the same review.
    reviewed: Option<Reviewed>,
    /// This device's signing keys; `keys_unsaved` when storing new ones failed (the next
    /// save tries again).
    keys: DeviceKeys,
    keys_unsaved: bool,
    /// Discussions whose history is known to have come (in part) from elsewhere: never
    /// given a fresh history, so not looked at again on every live tick.
    travelled: BTreeSet<String>,
    /// Mailbox bundles published and not yet confirmed: the heads each covered.
    in_flight: paired::InFlight,
    /// Mailbox positions taken in, stored by the next save after the documents.
    read_positions: paired::ReadPositions,
    /// A deletion an earlier start left under way, finished (or not) when this opened.
    resumed_erasing: Option<Result<(), WorkspaceError>>,
    /// Suggestions made on arrival this session, per discussion (see `may_keep_out`).
    kept_out: HashMap<String, usize>,
    /// What changed since the caller last asked (see [`Change`]).
    changes: Vec<Change>,
}

impl<K: KvStore> Workspace<K> {
    /// Opens the documents in `kv`. `actor` names this tab's changes (unique per tab: two
    /// tabs must never share one), `writer` its blobs.
    ///
    /// `seed` (32 random bytes) makes this device's signing key the first time; later the
    /// stored key is used. A stored key that cannot be read is kept aside, never replaced
    /// silently: the device then signs with a new key and its old signatures no longer
    /// verify on this device (its own earlier signatures show as not verified).
    pub fn open(
        mut kv: K,
        actor: [u8; 16],
        writer: &str,
        seed: [u8; 32],
        guard: Box<dyn Guard>,
    ) -> Workspace<K> {
        let key_name = StorageKey::DeviceKeys.key();
        let fresh = || DeviceKeys::new(DeviceKey::from_seed(seed));
        // `first_run`: no key was stored, so this is a new device or the first start of a
        // version with keys (see the migration below).
        let (keys, keys_unsaved, first_run) = match kv.get(&key_name) {
            Ok(Some(stored)) => match DeviceKeys::from_stored(&stored) {
                Some(keys) => (keys, false, false),
                None => {
                    let _ = kv.set(&format!("{key_name}-damaged"), &stored);
                    let keys = fresh();
                    let unsaved = kv.set(&key_name, &keys.to_stored()).is_err();
                    (keys, unsaved, false)
                }
            },
            Ok(None) => {
                let keys = fresh();
                let unsaved = kv.set(&key_name, &keys.to_stored()).is_err();
                (keys, unsaved, true)
            }
            // Storage that cannot be read now is never written over: a key for this
            // session only.
            Err(_) => (fresh(), false, false),
        };
        let stored = Index::read(&kv).ok().flatten();
        let (index, index_changed) = match stored {
            Some(index) => (index, BTreeSet::new()),
            None => {
                let index = Index::rebuild(&kv, None).unwrap_or_default();
                let all = index.discussions.keys().cloned().collect();
                (index, all)
            }
        };
        let mut ws = Workspace {
            kv,
            actor: ActorId::from(&actor[..]),
            writer: writer.to_string(),
            guard,
            docs: HashMap::new(),
            dirty: BTreeSet::new(),
            index,
            index_changed,
            notes: Default::default(),
            copies: Copies::default(),
            reviewed: None,
            keys,
            keys_unsaved,
            travelled: BTreeSet::new(),
            in_flight: Default::default(),
            read_positions: Default::default(),
            resumed_erasing: None,
            kept_out: HashMap::new(),
            changes: Vec::new(),
        };
        // Before anything is read: a deletion is all done or not at all.
        ws.resumed_erasing = match ws.finish_erasing() {
            Ok(false) => None,
            Ok(true) => Some(Ok(())),
            Err(e) => Some(Err(e)),
        };
        if first_run {
            ws.mark_existing_as_shared();
        }
        ws
    }

    /// A deletion an earlier start left under way: finished (`Ok`) or still not (`Err`,
    /// with why) when the workspace opened; `None` when there was none.
    pub fn resumed_erasing(&self) -> Option<&Result<(), WorkspaceError>> {
        self.resumed_erasing.as_ref()
    }

    /// The store, for the app's own small settings (read with [`StorageKey`]s).
    pub fn kv(&self) -> &K {
        &self.kv
    }

    pub fn get_value(&self, key: &StorageKey) -> Result<Option<String>, KvError> {
        self.kv.get(&key.key())
    }

    /// Writes one stored value as it is (settings; tests write damaged data this way).
    pub fn set_value(&mut self, key: &StorageKey, value: &str) -> Result<(), KvError> {
        self.kv.set(&key.key(), value)?;
        if let StorageKey::Meta(id) = key {
            // The next read takes the notes from storage.
            self.notes.forget(id);
        }
        Ok(())
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    // ----- loading ------------------------------------------------------------------------

    /// Notes a change for the caller (once per kind between two drains).
    pub(crate) fn note(&mut self, change: Change) {
        if !self.changes.contains(&change) {
            self.changes.push(change);
        }
    }

    /// A discussion's index entry changed and is to be written.
    fn index_changed_for(&mut self, id: &str) {
        self.index_changed.insert(id.to_string());
        self.note(Change::Index);
    }

    /// What changed since the last call, oldest first.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    // ----- reading ------------------------------------------------------------------------
}
