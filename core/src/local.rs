//! What one device remembers about a discussion that is nobody else's business and never
//! travels: whose side this device is on, what the other side is known to have, and where
//! the last unreviewed merge started. Stored as JSON beside the documents.

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::store::{KvError, KvStore};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Perspective {
    /// The manager: has the private prep, shares with the employee.
    #[default]
    Leader,
    /// The employee: has a private reflection, sends changes back.
    Employee,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalMeta {
    #[serde(default)]
    pub perspective: Perspective,
    /// Heads the other side is known to have (from the last package they sent).
    #[serde(default)]
    pub peer_heads: Vec<String>,
    /// Heads before the first merge not yet reviewed; `None` when nothing is to review.
    #[serde(default)]
    pub review_from: Option<Vec<String>>,
    /// With `review_from`: the heads the merges brought in (and those before them), so the
    /// review shows what came from the other side and not this device's later edits.
    #[serde(default)]
    pub review_to: Option<Vec<String>>,
}

pub fn to_hex(heads: &[ChangeHash]) -> Vec<String> {
    heads.iter().map(|h| h.to_string()).collect()
}

/// Parses stored heads; anything unreadable is dropped (heads are an optimisation and a
/// review starting point, never the data itself).
pub fn from_hex(heads: &[String]) -> Vec<ChangeHash> {
    heads.iter().filter_map(|h| h.parse().ok()).collect()
}

fn key(discussion_id: &str) -> String {
    format!("ct1:meta:{discussion_id}")
}

impl LocalMeta {
    pub fn read(kv: &dyn KvStore, discussion_id: &str) -> LocalMeta {
        kv.get(&key(discussion_id))
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    pub fn write(&self, kv: &mut dyn KvStore, discussion_id: &str) -> Result<(), KvError> {
        kv.set(
            &key(discussion_id),
            &serde_json::to_string(self).expect("meta serialises"),
        )
    }
}
