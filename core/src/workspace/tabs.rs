//! Other tabs of this browser: what their writes mean for this one.

use crate::storage::blobs::{fingerprint, KvStore, LoadError};
use crate::storage::index::Index;
use crate::storage::keys::{DocName, StorageKey};

use super::{Change, Workspace};

/// What another tab's write meant for this one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outside {
    /// The index changed.
    Index,
    /// A document this tab has open took in another tab's changes.
    Doc(DocName),
    /// What this device remembers about a discussion changed.
    Meta(String),
    /// Another tab deleted a discussion: this tab let go of it.
    Erased(String),
}

impl<K: KvStore> Workspace<K> {
    /// Another tab of this browser wrote `key`: take its changes in, so both converge and
    /// neither overwrites the other. `None` when it means nothing for this tab.
    pub fn stored_elsewhere(&mut self, key: &str) -> Result<Option<Outside>, LoadError> {
        let outside = self.take_in_stored(key)?;
        match &outside {
            Some(Outside::Index) => self.note(Change::Index),
            Some(Outside::Doc(name)) => self.note(Change::Doc(name.clone())),
            Some(Outside::Meta(id)) => self.note(Change::Notes(id.clone())),
            Some(Outside::Erased(id)) => {
                self.note(Change::Erased(id.clone()));
                self.note(Change::Doc(DocName::Discussion(id.clone())));
                self.note(Change::Index);
            }
            None => {}
        }
        Ok(outside)
    }

    pub(super) fn take_in_stored(&mut self, key: &str) -> Result<Option<Outside>, LoadError> {
        match StorageKey::parse(key) {
            Some(StorageKey::Index) => {
                if let Ok(Some(mut stored)) = Index::read(&self.kv) {
                    for id in &self.index_changed {
                        if let Some(mine) = self.index.discussions.get(id) {
                            stored.discussions.insert(id.clone(), mine.clone());
                        }
                    }
                    self.index = stored;
                }
                Ok(Some(Outside::Index))
            }
            Some(StorageKey::Blob { doc, .. }) => {
                if crate::storage::blobs::blob_keys(&self.kv, &doc)?.is_empty() {
                    // Deleted by another tab: nothing of it is kept here or written again.
                    self.docs.remove(&doc);
                    self.dirty.remove(&doc);
                    self.copies.forget(&doc);
                    if let DocName::Discussion(id) = &doc {
                        self.forget_discussion(id);
                        return Ok(Some(Outside::Erased(id.clone())));
                    }
                    return Ok(Some(Outside::Doc(doc)));
                }
                let Some(Ok(stored)) = self.docs.get_mut(&doc) else {
                    // Not open here: the next read loads it as stored. Views showing it
                    // (an empty reflection, say) read again.
                    self.copies.forget(&doc);
                    return Ok(Some(Outside::Doc(doc)));
                };
                let print = fingerprint(&self.kv, &doc);
                let mut out = None;
                let kv = &self.kv;
                self.guard
                    .reading_stored(&doc, &print, &mut || out = Some(stored.refresh(kv)));
                let changed = out.expect("the guard runs the read")?;
                if changed {
                    self.copies.forget(&doc);
                }
                Ok(changed.then_some(Outside::Doc(doc)))
            }
            Some(StorageKey::Meta(id)) => {
                self.notes.stored_elsewhere(&id);
                Ok(Some(Outside::Meta(id)))
            }
            _ => Ok(None),
        }
    }
}
