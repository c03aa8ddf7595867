//! What this device notes about each discussion (its side, the review range, pins, sync positions): read once from storage and kept in memory; what changes is written by the next save, with the documents it speaks of (a write storage refuses is tried again by the save after).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use crate::storage::blobs::{stored_names, KvError, KvStore};
use crate::storage::keys::{DocName, StorageKey};
use crate::storage::meta::{LocalMeta, MetaError};
use crate::Side;

use super::{Change, Workspace};

/// Whose side this device is on for a discussion, and whether that was read or inferred.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideOf {
    pub side: Side,
    /// The stored metadata could not be read; `side` was inferred from this device's own
    /// documents (an employee's device holds a reflection, a leader's a preparation).
    pub problem: Option<MetaError>,
}

/// What this device notes about each discussion, in memory: each read from storage once,
/// then kept; what changes stays pending (read from here meanwhile) until the next save
/// writes it, and a write storage refuses is tried again by the save after.
#[derive(Default)]
pub(super) struct Notes {
    /// Read (or written) this session: what is stored, `None` for nothing, or why it
    /// cannot be read. Filled as `&self` reads go, hence the cell.
    known: RefCell<HashMap<String, Result<Option<LocalMeta>, MetaError>>>,
    /// Changed here and not written yet.
    pending: BTreeSet<String>,
    /// Of those, the ones stored unreadable: kept aside before they are written over.
    over_unreadable: BTreeSet<String>,
    /// Of those, the ones put without being read first (a discussion new to this device
    /// may still have notes stored): looked at before they are written over.
    unread: BTreeSet<String>,
    /// Discussions deleted (here or by another tab): their notes are never written again.
    erased: BTreeSet<String>,
}

impl Notes {
    /// A discussion's notes, read from `kv` the first time.
    pub(super) fn get(&self, kv: &dyn KvStore, id: &str) -> Result<Option<LocalMeta>, MetaError> {
        self.with(kv, id, |m| m.cloned())
    }

    /// Looks at a discussion's notes without copying them.
    pub(super) fn with<R>(
        &self,
        kv: &dyn KvStore,
        id: &str,
        f: impl FnOnce(Option<&LocalMeta>) -> R,
    ) -> Result<R, MetaError> {
        let mut known = self.known.borrow_mut();
        if !known.contains_key(id) {
            match LocalMeta::read(kv, id) {
                // Storage that failed to answer may answer next time: not kept.
                Err(e @ MetaError::Storage(_)) => return Err(e),
                read => {
                    known.insert(id.to_string(), read);
                }
            }
        }
        match &known[id] {
            Ok(meta) => Ok(f(meta.as_ref())),
            Err(e) => Err(e.clone()),
        }
    }

    /// New notes for a discussion, in memory; written by [`Notes::write_pending`].
    pub(super) fn put(&mut self, id: &str, meta: LocalMeta) {
        if self.erased.contains(id) {
            return;
        }
        let known = self.known.get_mut();
        match known.get(id) {
            Some(Err(MetaError::Unreadable(_))) => {
                self.over_unreadable.insert(id.to_string());
            }
            // Never read: what is stored is looked at before it is written over.
            None => {
                self.unread.insert(id.to_string());
            }
            _ => {}
        }
        known.insert(id.to_string(), Ok(Some(meta)));
        self.pending.insert(id.to_string());
    }

    /// Writes what is pending. Notes stored unreadable are kept aside before they are
    /// replaced: nothing is deleted.
    pub(super) fn write_pending(&mut self, kv: &mut dyn KvStore) -> Result<(), KvError> {
        let known = self.known.get_mut();
        for id in self.pending.clone() {
            let Some(Ok(Some(meta))) = known.get(&id) else {
                self.pending.remove(&id);
                continue;
            };
            if self.unread.contains(&id)
                && matches!(LocalMeta::read(kv, &id), Err(MetaError::Unreadable(_)))
            {
                self.over_unreadable.insert(id.clone());
            }
            self.unread.remove(&id);
            if self.over_unreadable.contains(&id) {
                if let Some(old) = kv.get(&StorageKey::Meta(id.clone()).key())? {
                    kv.set(&StorageKey::MetaSetAside(id.clone()).key(), &old)?;
                }
                self.over_unreadable.remove(&id);
            }
            meta.write(kv, &id)?;
            self.pending.remove(&id);
        }
        Ok(())
    }

    pub(super) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Another tab wrote a discussion's notes: the next read takes them from storage. What
    /// this tab has not written yet stays (it is written over theirs by the next save, as
    /// before this cache: the last writer's notes stand).
    pub(super) fn stored_elsewhere(&mut self, id: &str) {
        if !self.pending.contains(id) {
            self.known.get_mut().remove(id);
        }
    }

    /// The stored notes were written over as they are: the next read takes them from there.
    pub(super) fn forget(&mut self, id: &str) {
        self.known.get_mut().remove(id);
        self.pending.remove(id);
        self.over_unreadable.remove(id);
        self.unread.remove(id);
    }

    /// A discussion is deleted: its notes are forgotten and never written again.
    pub(super) fn erase(&mut self, id: &str) {
        self.known.get_mut().remove(id);
        self.pending.remove(id);
        self.over_unreadable.remove(id);
        self.unread.remove(id);
        self.erased.insert(id.to_string());
    }

    /// A deleted discussion is back whole (taken in again): its notes may be written again.
    pub(super) fn unerase(&mut self, id: &str) {
        self.erased.remove(id);
    }

    pub(super) fn is_erased(&self, id: &str) -> bool {
        self.erased.contains(id)
    }
}

impl<K: KvStore> Workspace<K> {
    /// What this device remembers about a discussion (`None`: nothing yet).
    pub fn meta(&self, id: &str) -> Result<Option<LocalMeta>, MetaError> {
        self.notes.get(&self.kv, id)
    }

    /// Whose side this device is on for a discussion. Unreadable metadata never switches
    /// sides: the side is then inferred from this device's own documents and the problem
    /// reported.
    pub fn side(&self, id: &str) -> SideOf {
        match self.notes.with(&self.kv, id, |m| m.map(|m| m.perspective)) {
            Ok(Some(side)) => SideOf {
                side,
                problem: None,
            },
            Ok(None) => SideOf {
                side: self.inferred_side(id),
                problem: None,
            },
            Err(e) => SideOf {
                side: self.inferred_side(id),
                problem: Some(e),
            },
        }
    }

    pub(super) fn inferred_side(&self, id: &str) -> Side {
        // The index says so for every discussion this device stored (no scan of storage).
        if let Some(entry) = self.index.discussions.get(id) {
            return if entry.shared_with_me {
                Side::Employee
            } else {
                Side::Leader
            };
        }
        let has = |name: DocName| {
            self.docs.get(&name).is_some_and(|d| d.is_ok())
                || stored_names(&self.kv).is_ok_and(|names| names.contains(&name))
        };
        let shared_with_me = self
            .index
            .discussions
            .get(id)
            .is_some_and(|e| e.shared_with_me);
        if shared_with_me || (has(DocName::Reflection(id.into())) && !has(DocName::Prep(id.into())))
        {
            Side::Employee
        } else {
            Side::Leader
        }
    }

    /// Notes new metadata, in memory: the next save writes it with the documents it speaks
    /// of (like a document's edits, it is never lost while the tab is open).
    pub(super) fn write_meta(&mut self, id: &str, meta: LocalMeta) {
        self.notes.put(id, meta);
        self.note(Change::Notes(id.to_string()));
    }

    /// The metadata to change: what is stored, or a fresh one on the side this device is on.
    pub(super) fn meta_to_change(&self, id: &str) -> LocalMeta {
        match self.meta(id) {
            Ok(Some(meta)) => meta,
            _ => LocalMeta {
                perspective: self.side(id).side,
                ..LocalMeta::default()
            },
        }
    }
}
