//! What one device remembers about a discussion that is nobody else's business and never
//! travels: whose side this device is on, what the other side is known to have, and where
//! the last unreviewed merge started. Stored as JSON beside the documents.

use std::collections::BTreeMap;

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::model::fields::FieldKey;
use crate::model::trust::PublicKey;
use crate::storage::blobs::{KvError, KvStore};
use crate::storage::keys::StorageKey;
use crate::Side;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalMeta {
    #[serde(default)]
    pub perspective: Side,
    /// Heads the other side is known to have (from the last package they sent).
    #[serde(default, with = "heads")]
    pub peer_heads: Vec<ChangeHash>,
    /// Heads before the first merge not yet reviewed; `None` when nothing is to review.
    #[serde(default, with = "some_heads")]
    pub review_from: Option<Vec<ChangeHash>>,
    /// With `review_from`: the heads the merges brought in (and those before them), so the
    /// review shows what came from the other side and not this device's later edits.
    #[serde(default, with = "some_heads")]
    pub review_to: Option<Vec<ChangeHash>>,
    /// Fields of the current review marked as seen one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "field_keys")]
    pub seen: Vec<FieldKey>,
    /// Removed runs of the current review already restored (their first character's id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restored: Vec<String>,
    /// The other party's device key, pinned the first time this device saw it.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "some_key")]
    pub pinned: Option<PublicKey>,
    /// The discussion has left this device (link, file or live session) at least once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared: bool,
    /// Paired sync: how far each side's mailbox subject was taken in.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "by_side")]
    pub mailbox_read: BTreeMap<Side, u64>,
    /// Paired sync: the heads this device's last published bundle covered.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "heads")]
    pub sent_heads: Vec<ChangeHash>,
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
    /// Paired sync: the number of the last bundle taken in from each sender (its id).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub seen_seq: BTreeMap<String, u64>,
    /// The person compared the safety code with the pinned key ("We compared it"): only
    /// then do its signatures count.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirmed: bool,
    /// Keys that came in as the other party's and were not the one the person confirmed
    /// among several: never a candidate or a change again, and never counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "keys")]
    pub rejected: Vec<PublicKey>,
    /// The heads when a key different from the confirmed one first came in: the cutoff of
    /// the confirmed key if the person accepts the new one (what came after was not its).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "some_heads")]
    pub change_seen_at: Option<Vec<ChangeHash>>,
    /// Other keys that came in as the other party's while the pinned one was unconfirmed:
    /// shown beside it, never silently taken as a change.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "keys")]
    pub candidates: Vec<PublicKey>,
    /// Handed over to this device: the previous leader's device keys, whose signatures
    /// count as the leader's here for versions up to the handover.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "former")]
    pub former_leaders: Vec<FormerKey>,
    /// The other party's keys pinned before a change the person accepted: their
    /// signatures still count for versions up to the change.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "former")]
    pub former_pinned: Vec<FormerKey>,
}

/// A key that left a party, and the heads of the history when it did (its cutoff). One
/// stored before cutoffs were kept has none (`until` empty) and is given the heads at the
/// first look after (see `Workspace::trust`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormerKey {
    pub key: PublicKey,
    pub until: Vec<ChangeHash>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

// The stored form is text, as it always was: heads and keys in hex, sides as "leader" and
// "employee", fields by their key ("answer:short_term").
//
// Heads, seen fields and mailbox positions are an optimisation and a starting point, never
// the data itself: one that cannot be read is dropped. A key that cannot be read makes the
// whole note unreadable (never a default: a pin dropped would let any key be pinned anew).

mod heads {
    use automerge::ChangeHash;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(heads: &[ChangeHash], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(heads.iter().map(|h| h.to_string()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ChangeHash>, D::Error> {
        let text = Vec::<String>::deserialize(d)?;
        Ok(text.iter().filter_map(|h| h.parse().ok()).collect())
    }
}

mod some_heads {
    use automerge::ChangeHash;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        heads: &Option<Vec<ChangeHash>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match heads {
            Some(heads) => super::heads::serialize(heads, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<ChangeHash>>, D::Error> {
        let text = Option::<Vec<String>>::deserialize(d)?;
        Ok(text.map(|t| t.iter().filter_map(|h| h.parse().ok()).collect()))
    }
}

mod field_keys {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::fields::FieldKey;

    pub fn serialize<S: Serializer>(keys: &[FieldKey], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(keys.iter().map(|k| k.to_string()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FieldKey>, D::Error> {
        let text = Vec::<String>::deserialize(d)?;
        Ok(text.iter().filter_map(|k| k.parse().ok()).collect())
    }
}

mod by_side {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use crate::Side;

    pub fn serialize<S: Serializer>(map: &BTreeMap<Side, u64>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(map.iter().map(|(side, n)| (side.as_str(), n)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<Side, u64>, D::Error> {
        let text = BTreeMap::<String, u64>::deserialize(d)?;
        Ok(text
            .iter()
            .filter_map(|(side, n)| Side::parse(side).map(|s| (s, *n)))
            .collect())
    }
}

mod some_key {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::trust::PublicKey;

    pub fn serialize<S: Serializer>(key: &Option<PublicKey>, s: S) -> Result<S::Ok, S::Error> {
        match key {
            Some(key) => s.serialize_some(&key.to_hex()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PublicKey>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(hex) => PublicKey::from_hex(&hex)
                .map(Some)
                .ok_or_else(|| D::Error::custom("a pinned key cannot be read")),
            None => Ok(None),
        }
    }
}

mod keys {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::trust::PublicKey;

    pub fn serialize<S: Serializer>(keys: &[PublicKey], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(keys.iter().map(PublicKey::to_hex))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PublicKey>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|hex| {
                PublicKey::from_hex(hex).ok_or_else(|| D::Error::custom("a key cannot be read"))
            })
            .collect()
    }
}

mod former {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::FormerKey;
    use crate::model::trust::PublicKey;

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Stored {
        /// Before cutoffs were kept: the key alone.
        Key(String),
        Cut {
            key: String,
            until: Vec<String>,
        },
    }

    pub fn serialize<S: Serializer>(keys: &[FormerKey], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(keys.iter().map(|k| Stored::Cut {
            key: k.key.to_hex(),
            until: k.until.iter().map(|h| h.to_string()).collect(),
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FormerKey>, D::Error> {
        Vec::<Stored>::deserialize(d)?
            .into_iter()
            .map(|stored| {
                let (hex, until) = match stored {
                    Stored::Key(hex) => (hex, vec![]),
                    Stored::Cut { key, until } => (key, until),
                };
                let key = PublicKey::from_hex(&hex)
                    .ok_or_else(|| D::Error::custom("a key cannot be read"))?;
                // A cutoff that cannot be read is no cutoff: refused, as a key would be.
                let until = until
                    .iter()
                    .map(|h| {
                        h.parse()
                            .map_err(|_| D::Error::custom("a cutoff cannot be read"))
                    })
                    .collect::<Result<_, _>>()?;
                Ok(FormerKey { key, until })
            })
            .collect()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const HEAD: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

    #[test]
    fn notes_stored_by_earlier_versions_read_as_types_and_are_written_the_same_way() {
        let stored = format!(
            r#"{{"perspective":"Employee","peer_heads":["{HEAD}","not a head"],"review_from":["{HEAD}"],"review_to":null,"seen":["answer:short_term","nonsense"],"pinned":"{KEY}","mailbox_read":{{"leader":4,"someone":9}},"former_pinned":["{KEY}"]}}"#
        );
        let meta: LocalMeta = serde_json::from_str(&stored).unwrap();
        let head: ChangeHash = HEAD.parse().unwrap();
        assert_eq!(meta.perspective, Side::Employee);
        // What cannot be read of heads, seen fields and positions is dropped.
        assert_eq!(meta.peer_heads, vec![head]);
        assert_eq!(meta.review_from, Some(vec![head]));
        assert_eq!(
            meta.seen,
            vec![FieldKey::Answer(
                crate::model::method::AnswerField::ShortTerm
            )]
        );
        assert_eq!(meta.mailbox_read, BTreeMap::from([(Side::Leader, 4)]));
        assert_eq!(meta.pinned, PublicKey::from_hex(KEY));
        // A former key stored before cutoffs were kept: read with none (given one at the
        // first look, see `Workspace::trust`), written with its cutoff from then on.
        assert_eq!(meta.former_pinned.len(), 1);
        assert!(meta.former_pinned[0].until.is_empty());
        assert!(
            !meta.confirmed,
            "a pin from before comparing is unconfirmed"
        );
        let again = serde_json::to_string(&meta).unwrap();
        assert!(again.contains(&format!(r#""pinned":"{KEY}""#)));
        let mut cut = meta.clone();
        cut.former_pinned[0].until = vec![head];
        let written = serde_json::to_string(&cut).unwrap();
        assert!(
            written.contains(&format!(
                r#""former_pinned":[{{"key":"{KEY}","until":["{HEAD}"]}}]"#
            )),
            "{written}"
        );
        let back: LocalMeta = serde_json::from_str(&written).unwrap();
        assert_eq!(back.former_pinned, cut.former_pinned);
        // A cutoff that cannot be read makes the notes unreadable, as a key would.
        let bad = written.replace(HEAD, "not a head");
        assert!(serde_json::from_str::<LocalMeta>(&bad).is_err());
        assert!(again.contains(r#""mailbox_read":{"leader":4}"#));
        assert!(again.contains(r#""seen":["answer:short_term"]"#));
        assert_eq!(serde_json::from_str::<LocalMeta>(&again).unwrap(), meta);
    }

    #[test]
    fn a_pinned_key_that_cannot_be_read_makes_the_notes_unreadable_not_empty() {
        let stored = r#"{"perspective":"Employee","pinned":"abc"}"#;
        assert!(serde_json::from_str::<LocalMeta>(stored).is_err());
    }
}
