//! One way out: the save that writes documents, the index, keys and notes together.

use crate::storage::blobs::{KvError, KvStore};
use crate::storage::keys::{DocName, StorageKey};

use super::{Change, Workspace};

impl<K: KvStore> Workspace<K> {
    /// Whether anything is waiting to be written.
    pub fn has_unsaved(&self) -> bool {
        !self.dirty.is_empty()
            || !self.index_changed.is_empty()
            || self.notes.has_pending()
            || !self.read_positions.is_empty()
            || self.keys_unsaved
    }

    /// Writes every dirty document (pending edits committed with `now`) and the index.
    /// Stops at the first storage error, leaving the rest dirty for the next attempt.
    pub fn save(&mut self, now: i64) -> Result<(), KvError> {
        for name in self.dirty.clone() {
            if let Some(Ok(stored)) = self.docs.get_mut(&name) {
                stored.save(&mut self.kv, now)?;
            }
            self.dirty.remove(&name);
        }
        if !self.index_changed.is_empty() {
            let changed = self.index_changed.clone();
            self.index.write_merged(&mut self.kv, &changed)?;
            self.index_changed.clear();
        }
        if self.keys_unsaved {
            self.kv
                .set(&StorageKey::DeviceKeys.key(), &self.keys.to_stored())?;
            self.keys_unsaved = false;
        }
        // Only now, with what they brought stored: how far each mailbox was read.
        self.positions_to_meta();
        self.notes.write_pending(&mut self.kv)?;
        self.note(Change::Saved);
        Ok(())
    }

    /// Every unsaved document as Automerge bytes, so nothing is lost when storage is full.
    pub fn unsaved_bytes(&mut self) -> Vec<(DocName, Vec<u8>)> {
        let names: Vec<DocName> = self.dirty.iter().cloned().collect();
        names
            .into_iter()
            .filter_map(|n| match self.docs.get_mut(&n) {
                Some(Ok(stored)) => Some((n, stored.to_bytes())),
                _ => None,
            })
            .collect()
    }
}
