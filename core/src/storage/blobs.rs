//! How documents live in a key-value store (the browser's localStorage in the app, a map in
//! tests): write-once base64 blobs of Automerge bytes.
//!
//! A document's blobs are of two kinds (keys in [`super::keys`]): snapshots
//! (`AutoCommit::save()`) and changes since the writer's last save (`save_after(..)`).
//!
//! `writer` is a random id per tab, so two tabs of one browser never write the same key, and
//! no blob is ever rewritten: a tab can only add blobs, and remove blobs whose every change
//! it has already written into a newer snapshot. A document is all of its blobs together.
//!
//! Each save adds one small blob, so a keystroke never rewrites the whole document. When the
//! change blobs outweigh the snapshot, the tab compacts: it first picks up what other tabs
//! wrote, writes one snapshot holding everything, and only then removes exactly the blobs it
//! read. A crash at any step leaves a loadable state (loading a change twice is harmless),
//! and a blob another tab adds meanwhile is never touched.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ChangeHash};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use thiserror::Error;

use super::keys::{blob_prefix, BlobKind, DocName, StorageKey};

/// The store the shell provides. Errors are reported, never swallowed.
pub trait KvStore {
    fn get(&self, key: &str) -> Result<Option<String>, KvError>;
    fn set(&mut self, key: &str, value: &str) -> Result<(), KvError>;
    fn remove(&mut self, key: &str) -> Result<(), KvError>;
    fn keys(&self) -> Result<Vec<String>, KvError>;
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KvError {
    #[error("the browser's storage for this site is full")]
    QuotaExceeded,
    #[error("storage is not available: {0}")]
    Unavailable(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LoadError {
    #[error("no such document")]
    NotFound,
    #[error("the stored document is damaged: {0}")]
    Damaged(String),
    #[error(transparent)]
    Storage(#[from] KvError),
}

/// The blob keys of a document, snapshots first.
pub(crate) fn blob_keys(
    kv: &dyn KvStore,
    name: &DocName,
) -> Result<Vec<(BlobKind, String)>, KvError> {
    let prefix = blob_prefix(name);
    let mut keys: Vec<(BlobKind, String)> = kv
        .keys()?
        .into_iter()
        .filter(|k| k.starts_with(&prefix))
        .filter_map(|k| match StorageKey::parse(&k)? {
            StorageKey::Blob { doc, kind, .. } if &doc == name => Some((kind, k)),
            _ => None,
        })
        .collect();
    keys.sort();
    Ok(keys)
}

/// The blob keys a stored document is made of, in one string: what the app's crash guard
/// remembers of a document it set aside, so it is tried again once its blobs change.
pub fn fingerprint(kv: &dyn KvStore, name: &DocName) -> String {
    let prefix = blob_prefix(name);
    let mut keys: Vec<String> = kv
        .keys()
        .unwrap_or_default()
        .into_iter()
        .filter(|k| k.starts_with(&prefix))
        .collect();
    keys.sort();
    keys.join(" ")
}

/// Every stored key of a document with its raw value, for "download the damaged data".
pub fn raw_entries(kv: &dyn KvStore, name: &DocName) -> Result<Vec<(String, String)>, KvError> {
    let prefix = blob_prefix(name);
    let mut keys: Vec<String> = kv
        .keys()?
        .into_iter()
        .filter(|k| k.starts_with(&prefix))
        .collect();
    keys.sort();
    let mut out = Vec::new();
    for k in keys {
        if let Some(v) = kv.get(&k)? {
            out.push((k, v));
        }
    }
    Ok(out)
}

/// Names of all stored documents.
pub fn stored_names(kv: &dyn KvStore) -> Result<Vec<DocName>, KvError> {
    let mut names: Vec<DocName> = kv
        .keys()?
        .into_iter()
        .filter_map(|k| match StorageKey::parse(&k)? {
            StorageKey::Blob {
                doc,
                kind: BlobKind::Snapshot,
                ..
            } => Some(doc),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    NothingToSave,
    Appended,
    Compacted,
}

/// A document loaded from (or created in) the store, with what is known to be saved.
pub struct StoredDoc {
    name: DocName,
    pub doc: AutoCommit,
    writer: String,
    next_seq: u64,
    saved_heads: Vec<ChangeHash>,
    /// Blobs whose changes are all in `doc`, with their kind and size.
    known: Blobs,
}

impl std::fmt::Debug for StoredDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredDoc")
            .field("name", &self.name)
            .field("blobs", &self.known.len())
            .finish()
    }
}

/// Blob keys whose changes are in a document, with their kind and stored size.
type Blobs = BTreeMap<String, (BlobKind, usize)>;

/// Reads every blob of a document into one strictly checked load.
fn read_blobs(kv: &dyn KvStore, name: &DocName) -> Result<(AutoCommit, Blobs), LoadError> {
    let keys = blob_keys(kv, name)?;
    if !keys.iter().any(|(kind, _)| *kind == BlobKind::Snapshot) {
        return Err(LoadError::NotFound);
    }
    let mut bytes = Vec::new();
    let mut known = BTreeMap::new();
    for (kind, key) in keys {
        let Some(value) = kv.get(&key)? else { continue };
        let blob = decode_blob(&key, &value)?;
        bytes.extend_from_slice(&blob);
        known.insert(key, (kind, value.len()));
    }
    // One strict load of all parts: `load_incremental` would skip an unreadable part with
    // only a log line, silently losing the edits in it.
    let mut doc = crate::model::schema::load_strict(&bytes)
        .map_err(|e| LoadError::Damaged(format!("the saved data cannot be read ({e})")))?;
    if !doc.get_missing_deps(&[]).is_empty() {
        return Err(LoadError::Damaged("some saved changes are missing".into()));
    }
    Ok((doc, known))
}

/// The Automerge bytes of one stored blob.
fn decode_blob(key: &str, value: &str) -> Result<Vec<u8>, LoadError> {
    let short = key.rsplit(':').next().unwrap_or(key);
    B64.decode(value.trim())
        .map_err(|_| LoadError::Damaged(format!("stored part {short} is not valid base64")))
}

impl StoredDoc {
    /// Stores a new document as a snapshot. Fails (storing nothing) if the name is taken.
    /// `writer` identifies this tab (see the module docs).
    pub fn create(
        kv: &mut dyn KvStore,
        name: &DocName,
        mut doc: AutoCommit,
        now_secs: i64,
        writer: &str,
    ) -> Result<StoredDoc, KvError> {
        if !blob_keys(kv, name)?.is_empty() {
            return Err(KvError::Unavailable(format!(
                "document {name} already exists"
            )));
        }
        doc.commit_with(automerge::transaction::CommitOptions::default().with_time(now_secs));
        let mut stored = StoredDoc {
            name: name.clone(),
            saved_heads: doc.get_heads(),
            doc,
            writer: writer.to_string(),
            next_seq: 0,
            known: BTreeMap::new(),
        };
        stored.write_blob(kv, BlobKind::Snapshot)?;
        Ok(stored)
    }

    /// Loads a document; `actor` identifies this tab's future edits, `writer` its blobs.
    pub fn load(
        kv: &dyn KvStore,
        name: &DocName,
        actor: ActorId,
        writer: &str,
    ) -> Result<StoredDoc, LoadError> {
        let (doc, known) = read_blobs(kv, name)?;
        let mut doc = doc.with_actor(actor);
        Ok(StoredDoc {
            name: name.clone(),
            saved_heads: doc.get_heads(),
            doc,
            writer: writer.to_string(),
            next_seq: 0,
            known,
        })
    }

    pub fn name(&self) -> &DocName {
        &self.name
    }

    /// The keys of the blobs this copy was read from (and wrote).
    pub fn known_keys(&self) -> Vec<String> {
        self.known.keys().cloned().collect()
    }

    /// The key the next blob of this kind written from this copy will have.
    pub fn next_key(&self, kind: BlobKind) -> String {
        StorageKey::Blob {
            doc: self.name.clone(),
            kind,
            writer: self.writer.clone(),
            seq: self.next_seq,
        }
        .key()
    }

    /// Commits pending edits, stamped with `now_secs` (before sending them to a peer).
    pub fn commit(&mut self, now_secs: i64) {
        if self.doc.pending_ops() > 0 {
            self.doc
                .commit_with(automerge::transaction::CommitOptions::default().with_time(now_secs));
        }
    }

    /// Whether there are edits that a [`save`](Self::save) would write.
    pub fn is_dirty(&mut self) -> bool {
        self.doc.pending_ops() > 0 || self.doc.get_heads() != self.saved_heads
    }

    fn write_blob(&mut self, kv: &mut dyn KvStore, kind: BlobKind) -> Result<String, KvError> {
        let bytes = match kind {
            BlobKind::Snapshot => self.doc.save(),
            BlobKind::Changes => self.doc.save_after(&self.saved_heads),
        };
        let value = B64.encode(bytes);
        let key = StorageKey::Blob {
            doc: self.name.clone(),
            kind,
            writer: self.writer.clone(),
            seq: self.next_seq,
        }
        .key();
        kv.set(&key, &value)?;
        self.next_seq += 1;
        self.known.insert(key.clone(), (kind, value.len()));
        Ok(key)
    }

    /// Commits pending edits (stamped with `now_secs`) and adds them as one blob.
    /// On a storage error nothing is marked saved: the next save retries the same changes.
    pub fn save(&mut self, kv: &mut dyn KvStore, now_secs: i64) -> Result<SaveOutcome, KvError> {
        if self.doc.pending_ops() > 0 {
            self.doc
                .commit_with(automerge::transaction::CommitOptions::default().with_time(now_secs));
        }
        let heads = self.doc.get_heads();
        if heads == self.saved_heads {
            return Ok(SaveOutcome::NothingToSave);
        }
        self.write_blob(kv, BlobKind::Changes)?;
        self.saved_heads = heads;
        let size = |want: BlobKind| -> usize {
            self.known
                .values()
                .filter(|(k, _)| *k == want)
                .map(|(_, len)| len)
                .sum()
        };
        if size(BlobKind::Changes) > size(BlobKind::Snapshot) {
            // Compaction is an optimisation: when it cannot be written (quota), the
            // blobs stay and the data is just as safe.
            if self.compact(kv).is_ok() {
                return Ok(SaveOutcome::Compacted);
            }
        }
        Ok(SaveOutcome::Appended)
    }

    /// Merges in what other tabs have stored since this one last looked. Returns whether
    /// the document changed. A damaged store leaves the document in memory as it was.
    pub fn refresh(&mut self, kv: &dyn KvStore) -> Result<bool, LoadError> {
        let keys = blob_keys(kv, &self.name)?;
        // Every blob this tab knew is gone: another tab compacted the document, or gave it
        // a fresh history before it was first shared (`replace`). A fresh history is taken
        // as it is, never merged with the old one (that would bring the old one back).
        let all_gone =
            !self.known.is_empty() && !keys.iter().any(|(_, k)| self.known.contains_key(k));
        if all_gone {
            let (mut stored, known) = read_blobs(kv, &self.name)?;
            if crate::doc::origin(&mut stored) != crate::doc::origin(&mut self.doc) {
                let actor = self.doc.get_actor().clone();
                self.doc = stored.with_actor(actor);
                self.saved_heads = self.doc.get_heads();
                self.known = known;
                return Ok(true);
            }
        }
        // Only blobs this tab has not seen: blob keys are never reused, so a known blob is
        // already in the document. (Reading them all again made every save that compacts
        // reload the whole history.)
        let mut bytes = Vec::new();
        let mut known = BTreeMap::new();
        for (kind, key) in keys {
            if let Some(&seen) = self.known.get(&key) {
                known.insert(key, seen);
                continue;
            }
            let Some(value) = kv.get(&key)? else { continue };
            let blob = decode_blob(&key, &value)?;
            bytes.extend_from_slice(&blob);
            known.insert(key, (kind, value.len()));
        }
        if bytes.is_empty() {
            self.known = known;
            return Ok(false);
        }
        let mut heads = self.doc.get_heads();
        heads.sort();
        let mut saved = self.saved_heads.clone();
        saved.sort();
        let all_saved = heads == saved;
        crate::model::schema::load_more_strict(&mut self.doc, &bytes).map_err(|e| match e {
            Some(e) => LoadError::Damaged(format!("the saved data cannot be read ({e})")),
            None => LoadError::Damaged("some saved changes are missing".into()),
        })?;
        // What other tabs stored is saved; when this tab had nothing unsaved, all is.
        let mut now = self.doc.get_heads();
        now.sort();
        if all_saved {
            self.saved_heads = now.clone();
        }
        self.known = known;
        Ok(now != heads)
    }

    fn compact(&mut self, kv: &mut dyn KvStore) -> Result<(), KvError> {
        if let Err(LoadError::Storage(e)) = self.refresh(kv) {
            return Err(e);
        }
        // Right after a successful save nothing is pending, and after the refresh the
        // document holds every stored blob: the new snapshot contains all of them.
        let old: Vec<String> = self.known.keys().cloned().collect();
        let new_key = self.write_blob(kv, BlobKind::Snapshot)?;
        for key in old {
            // A blob that fails to go away is harmless: its changes are in the snapshot.
            let _ = kv.remove(&key);
            self.known.remove(&key);
        }
        debug_assert!(self.known.contains_key(&new_key));
        Ok(())
    }

    /// Replaces the document with `doc`, a new history of the same content: written as a
    /// snapshot, then the old blobs are removed (their history is what must not remain).
    /// On a storage error the document and its blobs stay as they were.
    pub fn replace(&mut self, kv: &mut dyn KvStore, doc: AutoCommit) -> Result<(), KvError> {
        if let Err(LoadError::Storage(e)) = self.refresh(kv) {
            return Err(e);
        }
        let old_keys: Vec<String> = self.known.keys().cloned().collect();
        let old = std::mem::replace(&mut self.doc, doc);
        let old_known = std::mem::take(&mut self.known);
        match self.write_blob(kv, BlobKind::Snapshot) {
            Ok(new_key) => {
                self.saved_heads = self.doc.get_heads();
                let old_keys = old_keys.into_iter().filter(|k| *k != new_key);
                // Removing never needs space; should the store still refuse, the caller
                // hears of it (the old history would otherwise stay beside the new one).
                let mut result = Ok(());
                for key in old_keys {
                    if let Err(e) = kv.remove(&key) {
                        result = Err(e);
                    }
                }
                result
            }
            Err(e) => {
                self.doc = old;
                self.known = old_known;
                Err(e)
            }
        }
    }

    /// The whole document as Automerge bytes (for export when storage fails).
    pub fn to_bytes(&mut self) -> Vec<u8> {
        self.doc.save()
    }
}

/// A plain in-memory store, for tests and for running without localStorage.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct MemoryKv {
    pub map: std::collections::BTreeMap<String, String>,
    /// When set, a `set` that would make the total size exceed this fails with
    /// [`KvError::QuotaExceeded`], like a browser's storage quota.
    pub quota: Option<usize>,
    /// When set, this many more writes (sets and removals) succeed and every later one
    /// fails, like a tab closed part-way through.
    pub fail_after: Option<usize>,
}

impl MemoryKv {
    /// Counts a write against `fail_after`.
    fn write_allowed(&mut self) -> Result<(), KvError> {
        match &mut self.fail_after {
            Some(0) => Err(KvError::Unavailable("stopped part-way (test)".into())),
            Some(n) => {
                *n -= 1;
                Ok(())
            }
            None => Ok(()),
        }
    }

    pub fn used(&self) -> usize {
        self.map.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

impl KvStore for MemoryKv {
    fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        Ok(self.map.get(key).cloned())
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), KvError> {
        self.write_allowed()?;
        if let Some(quota) = self.quota {
            let old = self.map.get(key).map_or(0, |v| key.len() + v.len());
            if self.used() - old + key.len() + value.len() > quota {
                return Err(KvError::QuotaExceeded);
            }
        }
        self.map.insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), KvError> {
        self.write_allowed()?;
        self.map.remove(key);
        Ok(())
    }
    fn keys(&self) -> Result<Vec<String>, KvError> {
        Ok(self.map.keys().cloned().collect())
    }
}
