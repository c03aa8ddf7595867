//! What one device remembers about a discussion that is nobody else's business and never
//! travels: whose side this device is on, what the other side is known to have, and where
//! the last unreviewed merge started. Stored as JSON beside the documents.

use std::collections::BTreeMap;

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::storage::blobs::{KvError, KvStore};
use crate::storage::keys::StorageKey;
use crate::Side;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalMeta {
    #[serde(default)]
    pub perspective: Side,
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
    /// Fields of the current review marked as seen one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<String>,
    /// Removed runs of the current review already restored (their first character's id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restored: Vec<String>,
    /// The other party's device key (hex), pinned the first time this device saw it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
    /// The discussion has left this device (link, file or live session) at least once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared: bool,
    /// Paired sync: how far each side's mailbox subject was taken in ("leader", "employee").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mailbox_read: BTreeMap<String, u64>,
    /// Paired sync: the heads this device's last published bundle covered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sent_heads: Vec<String>,
    /// Paired sync: changes came in that the other side has not seen acknowledged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ack_due: bool,
    /// Paired sync: the other side declared heads lacking this device's changes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub respond: bool,
    /// Paired sync: when the other side was last known to hold everything this device had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced_at: Option<i64>,
    /// Paired sync: the number of this device's last bundle.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bundle_seq: u64,
    /// Paired sync: the number of the last bundle taken in from each sender (hex id).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub seen_seq: BTreeMap<String, u64>,
    /// Handed over to this device: the previous leader's device keys (hex), whose
    /// signatures count as the leader's here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_leaders: Vec<String>,
    /// The other party's keys pinned before a change the person accepted (hex): their
    /// earlier signatures still count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_pinned: Vec<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Heads as stored in the metadata.
pub(crate) fn heads_to_strings(heads: &[ChangeHash]) -> Vec<String> {
    heads.iter().map(|h| h.to_string()).collect()
}

/// Parses stored heads; anything unreadable is dropped (heads are an optimisation and a
/// review starting point, never the data itself).
pub(crate) fn heads_from_strings(heads: &[String]) -> Vec<ChangeHash> {
    heads.iter().filter_map(|h| h.parse().ok()).collect()
}

/// Metadata that is stored but cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetaError {
    #[error("this device's notes about the discussion cannot be read ({0})")]
    Unreadable(String),
    #[error(transparent)]
    Storage(#[from] KvError),
}

impl LocalMeta {
    /// The stored metadata, `None` when there is none. Unreadable metadata is an error,
    /// never a default: a default would put an employee's device on the leader's side.
    pub fn read(kv: &dyn KvStore, discussion_id: &str) -> Result<Option<LocalMeta>, MetaError> {
        let Some(json) = kv.get(&StorageKey::Meta(discussion_id.into()).key())? else {
            return Ok(None);
        };
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| MetaError::Unreadable(e.to_string()))
    }

    pub fn write(&self, kv: &mut dyn KvStore, discussion_id: &str) -> Result<(), KvError> {
        kv.set(
            &StorageKey::Meta(discussion_id.into()).key(),
            &serde_json::to_string(self).expect("meta serialises"),
        )
    }
}
