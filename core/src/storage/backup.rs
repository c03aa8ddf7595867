//! "Export everything" and "import a backup": every document of this device (the private
//! layers included: a backup never leaves the user's hands unless they send it) plus the
//! device's own notes about each discussion, as one JSON file.
//!
//! Importing merges, never replaces: a document already here takes in the backup's changes;
//! people are merged person by person (two devices' people lists are separate documents
//! whose histories never met, so merging them whole would keep only one list).

use std::collections::BTreeMap;

use automerge::AutoCommit;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::date::Day;
use crate::model::{discussion, ids, people, prep, reflection};
use crate::storage::meta::LocalMeta;

pub const FORMAT: &str = "career-talk/backup";
pub const VERSION: u32 = 1;
pub const MAX_BACKUP_BYTES: usize = 50 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Backup {
    pub format: String,
    pub version: u32,
    pub created_on: Day,
    /// Storage name → base64 of the whole Automerge document.
    pub documents: BTreeMap<String, String>,
    #[serde(default)]
    pub meta: BTreeMap<String, LocalMeta>,
    /// The device's signing keys (secret, like the private preparation beside them): a
    /// device that imports the backup can still verify the signatures made with them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_keys: Option<String>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum BackupError {
    #[error("this is not a Career Talk backup")]
    NotABackup,
    #[error("the backup is too large ({0} MB; the limit is 50 MB)")]
    TooLarge(usize),
    #[error("this backup was made by a newer version of Career Talk (backup version {0})")]
    NewerVersion(u32),
    #[error("the backup's {name} is damaged: {reason}")]
    Damaged { name: String, reason: String },
    /// A document of the backup is another history under the id of one here (or holds
    /// two): merged, its values could override this device's field by field.
    #[error("the backup's {0} is not the same history as the one on this device")]
    SecondHistory(String),
}

/// Which document kind a storage name must hold, if the name is one this app uses.
pub fn kind_of(name: &str) -> Option<&'static str> {
    if name == "roster" {
        return Some(people::KIND);
    }
    let (prefix, id) = name.split_once('.')?;
    if !ids::is_valid_id(id) {
        return None;
    }
    match prefix {
        "d" => Some(discussion::KIND),
        "p" => Some(prep::KIND),
        "r" => Some(reflection::KIND),
        _ => None,
    }
}

/// Why a stored name and its document do not go together.
#[derive(Debug, thiserror::Error)]
pub enum KindError {
    #[error("it is not a document this app knows")]
    Unknown,
    #[error("{0}")]
    Invalid(#[from] crate::error::DecodeError),
}

pub(crate) fn check_kind(name: &str, doc: &AutoCommit) -> Result<(), KindError> {
    match kind_of(name) {
        Some(k) if k == people::KIND => people::read(doc).map(|_| ()),
        Some(k) if k == discussion::KIND => discussion::read(doc).map(|_| ()),
        Some(k) if k == prep::KIND => prep::read(doc).map(|_| ()),
        Some(k) if k == reflection::KIND => reflection::read(doc).map(|_| ()),
        _ => return Err(KindError::Unknown),
    }?;
    Ok(())
}

impl Backup {
    pub fn new(created_on: Day) -> Backup {
        Backup {
            format: FORMAT.into(),
            version: VERSION,
            created_on,
            documents: BTreeMap::new(),
            meta: BTreeMap::new(),
            device_keys: None,
        }
    }

    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        self.documents.insert(name.to_string(), B64.encode(bytes));
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a backup serialises")
    }

    /// Parses and checks every document before anything is imported.
    pub fn decode(bytes: &[u8]) -> Result<Vec<(String, AutoCommit)>, BackupError> {
        Ok(Backup::parse(bytes)?.1)
    }

    pub fn parse(bytes: &[u8]) -> Result<(Backup, Vec<(String, AutoCommit)>), BackupError> {
        if bytes.len() > MAX_BACKUP_BYTES {
            return Err(BackupError::TooLarge(bytes.len() / (1024 * 1024)));
        }
        let backup: Backup = serde_json::from_slice(bytes).map_err(|_| BackupError::NotABackup)?;
        if backup.format != FORMAT {
            return Err(BackupError::NotABackup);
        }
        if backup.version > VERSION {
            return Err(BackupError::NewerVersion(backup.version));
        }
        let mut docs = Vec::new();
        for (name, b64) in &backup.documents {
            let damaged = |reason: String| BackupError::Damaged {
                name: name.chars().take(40).collect(),
                reason,
            };
            let raw = B64.decode(b64).map_err(|_| damaged("not base64".into()))?;
            let doc =
                crate::model::schema::load_strict(&raw).map_err(|e| damaged(e.to_string()))?;
            check_kind(name, &doc).map_err(|e| damaged(e.to_string()))?;
            docs.push((name.clone(), doc));
        }
        Ok((backup, docs))
    }
}

/// People in `incoming` that `local` lacks, to add one by one.
pub fn missing_people(local: &people::Roster, incoming: &people::Roster) -> Vec<people::Person> {
    incoming
        .people
        .iter()
        .filter(|p| local.person(&p.id).is_none())
        .cloned()
        .collect()
}
