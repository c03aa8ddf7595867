//! How documents live in a key-value store (the browser's localStorage in the app, a map in
//! tests): a base64 snapshot plus appended base64 chunks of incremental changes.
//!
//! ```text
//! ct1:doc:<name>:s            base64 of AutoCommit::save()          (the snapshot)
//! ct1:doc:<name>:c:<seq>      base64 of AutoCommit::save_after(..)  (one chunk per save)
//! ```
//!
//! Each save appends one chunk holding only the changes since the last *successful* save,
//! so a keystroke never rewrites the whole document. When the chunks together outweigh the
//! snapshot, the document is compacted: a new snapshot is written, then the chunks are
//! removed. Every step leaves a loadable state: a crash between the two leaves a snapshot
//! plus chunks it already contains, and loading changes twice is harmless in Automerge.
//!
//! Nothing here deletes a document's data except compaction, which removes only chunks
//! whose changes the freshly written snapshot already holds.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ChangeHash, LoadOptions, OnPartialLoad};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use thiserror::Error;

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

pub const KEY_PREFIX: &str = "ct1:";

fn doc_prefix(name: &str) -> String {
    format!("{KEY_PREFIX}doc:{name}:")
}
fn snapshot_key(name: &str) -> String {
    format!("{KEY_PREFIX}doc:{name}:s")
}
fn chunk_key(name: &str, seq: u64) -> String {
    format!("{KEY_PREFIX}doc:{name}:c:{seq:010}")
}

/// Every stored key of a document with its raw value, for "download the damaged data".
pub fn raw_entries(kv: &dyn KvStore, name: &str) -> Result<Vec<(String, String)>, KvError> {
    let prefix = doc_prefix(name);
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
pub fn stored_names(kv: &dyn KvStore) -> Result<Vec<String>, KvError> {
    let start = format!("{KEY_PREFIX}doc:");
    let mut names: Vec<String> = kv
        .keys()?
        .into_iter()
        .filter_map(|k| {
            let rest = k.strip_prefix(&start)?;
            let (name, _) = rest.rsplit_once(":s").filter(|(_, tail)| tail.is_empty())?;
            Some(name.to_string())
        })
        .collect();
    names.sort();
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
    name: String,
    pub doc: AutoCommit,
    saved_heads: Vec<ChangeHash>,
    snapshot_len: usize,
    chunks: Vec<(u64, usize)>,
}

impl std::fmt::Debug for StoredDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredDoc")
            .field("name", &self.name)
            .field("snapshot_len", &self.snapshot_len)
            .field("chunks", &self.chunks.len())
            .finish()
    }
}

impl StoredDoc {
    /// Stores a new document as a snapshot. Fails (storing nothing) if the name is taken.
    pub fn create(
        kv: &mut dyn KvStore,
        name: &str,
        mut doc: AutoCommit,
        now_secs: i64,
    ) -> Result<StoredDoc, KvError> {
        if kv.get(&snapshot_key(name))?.is_some() {
            return Err(KvError::Unavailable(format!(
                "document {name} already exists"
            )));
        }
        doc.commit_with(automerge::transaction::CommitOptions::default().with_time(now_secs));
        let snapshot = B64.encode(doc.save());
        kv.set(&snapshot_key(name), &snapshot)?;
        Ok(StoredDoc::saved(name, doc, snapshot.len(), vec![]))
    }

    /// A document whose every change is in storage.
    fn saved(
        name: &str,
        mut doc: AutoCommit,
        snapshot_len: usize,
        chunks: Vec<(u64, usize)>,
    ) -> StoredDoc {
        let saved_heads = doc.get_heads();
        StoredDoc {
            name: name.to_string(),
            doc,
            saved_heads,
            snapshot_len,
            chunks,
        }
    }

    /// Loads a document; `actor` identifies this tab's future edits.
    pub fn load(kv: &dyn KvStore, name: &str, actor: ActorId) -> Result<StoredDoc, LoadError> {
        let snapshot = kv.get(&snapshot_key(name))?.ok_or(LoadError::NotFound)?;
        let mut bytes = B64
            .decode(snapshot.trim())
            .map_err(|_| LoadError::Damaged("the snapshot is not valid base64".into()))?;
        let prefix = format!("{}c:", doc_prefix(name));
        let mut chunk_keys: Vec<(u64, String)> = kv
            .keys()?
            .into_iter()
            .filter_map(|k| {
                let seq = k.strip_prefix(&prefix)?.parse().ok()?;
                Some((seq, k))
            })
            .collect();
        chunk_keys.sort();
        let mut chunks = Vec::new();
        for (seq, key) in chunk_keys {
            let Some(value) = kv.get(&key)? else { continue };
            let chunk = B64.decode(value.trim()).map_err(|_| {
                LoadError::Damaged(format!("saved changes #{seq} are not valid base64"))
            })?;
            bytes.extend_from_slice(&chunk);
            chunks.push((seq, value.len()));
        }
        // One strict load of snapshot + chunks: `load_incremental` would skip an unreadable
        // chunk with only a log line, silently losing the edits in it.
        let options = LoadOptions::new().on_partial_load(OnPartialLoad::Error);
        let mut doc = AutoCommit::load_with_options(&bytes, options)
            .map_err(|e| LoadError::Damaged(format!("the saved data cannot be read ({e})")))?
            .with_actor(actor);
        if !doc.get_missing_deps(&[]).is_empty() {
            return Err(LoadError::Damaged("some saved changes are missing".into()));
        }
        Ok(StoredDoc::saved(name, doc, snapshot.len(), chunks))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether there are edits that a [`save`](Self::save) would write.
    pub fn is_dirty(&mut self) -> bool {
        self.doc.pending_ops() > 0 || self.doc.get_heads() != self.saved_heads
    }

    /// Commits pending edits (stamped with `now_secs`) and appends them as one chunk.
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
        let chunk = B64.encode(self.doc.save_after(&self.saved_heads));
        let seq = self.chunks.last().map_or(0, |(s, _)| s + 1);
        kv.set(&chunk_key(&self.name, seq), &chunk)?;
        self.chunks.push((seq, chunk.len()));
        self.saved_heads = heads;
        let chunk_total: usize = self.chunks.iter().map(|(_, len)| len).sum();
        if chunk_total > self.snapshot_len {
            // Compaction is an optimisation: when it cannot be written (quota), the
            // chunks stay and the data is just as safe.
            if self.compact(kv).is_ok() {
                return Ok(SaveOutcome::Compacted);
            }
        }
        Ok(SaveOutcome::Appended)
    }

    fn compact(&mut self, kv: &mut dyn KvStore) -> Result<(), KvError> {
        // Called right after a successful append, so nothing is pending: the snapshot
        // holds exactly the saved changes.
        let snapshot = B64.encode(self.doc.save());
        kv.set(&snapshot_key(&self.name), &snapshot)?;
        self.snapshot_len = snapshot.len();
        for (seq, _) in std::mem::take(&mut self.chunks) {
            // A chunk that fails to go away is harmless: its changes are in the snapshot.
            let _ = kv.remove(&chunk_key(&self.name, seq));
        }
        Ok(())
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
}

impl MemoryKv {
    pub fn used(&self) -> usize {
        self.map.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

impl KvStore for MemoryKv {
    fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        Ok(self.map.get(key).cloned())
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), KvError> {
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
        self.map.remove(key);
        Ok(())
    }
    fn keys(&self) -> Result<Vec<String>, KvError> {
        Ok(self.map.keys().cloned().collect())
    }
}
