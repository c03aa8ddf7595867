//! Every name this app gives to something in the browser's storage, written and parsed in
//! this one module. Nothing else spells a key.
//!
//! ```text
//! ct1:doc:<doc>:s.<writer>.<seq>   a document's snapshot blob (see `blobs`)
//! ct1:doc:<doc>:c.<writer>.<seq>   a document's change blob
//! ct1:index                        the derived index of discussions
//! ct1:meta:<discussion id>         what this device remembers about a discussion
//! ct1:meta-damaged:<id>            unreadable metadata, kept when it had to be replaced
//! ct1:…                            the device's own settings and notes (below)
//! ```
//!
//! `<doc>` is a [`DocName`]: `roster`, `d.<id>` (shared discussion), `p.<id>` (the leader's
//! private preparation) or `r.<id>` (the employee's private reflection).

/// The one prefix of every key this app writes, so it never touches another app's data on
/// the same origin.
const PREFIX: &str = "ct1:";
const DOC: &str = "ct1:doc:";

use std::fmt;

pub use crate::doc::DocName;
use crate::model::ids::is_valid_id;

/// Start of every blob key of a document.
pub fn blob_prefix(doc: &DocName) -> String {
    format!("{DOC}{}:", doc.key())
}

/// The two kinds of document blob: a whole snapshot, or the changes after the writer's
/// previous blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BlobKind {
    Snapshot,
    Changes,
}

/// A key of this app's storage.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StorageKey {
    /// A write-once part of a document (see `blobs`).
    Blob {
        doc: DocName,
        kind: BlobKind,
        /// The tab that wrote it.
        writer: String,
        seq: u64,
    },
    /// The derived summary of every discussion.
    Index,
    /// What this device remembers about a discussion (whose side, what the other has).
    Meta(String),
    /// Metadata that could not be read, kept aside when it had to be written anew.
    MetaSetAside(String),
    /// This device's random prefix of every actor id.
    Device,
    /// This device's signing keys (secret; see `model::trust`).
    DeviceKeys,
    /// The relay address, when set by hand.
    Relay,
    /// Live sessions that were ended, so their links no longer join.
    RetiredRooms,
    LastBackup,
    FirstUse,
    PersistAsked,
    /// Stored documents set aside after reading them stopped the app.
    Unreadable,
    /// A crash's note for the next start (session storage).
    CrashNotice,
    /// How often the app reloaded after a crash (session storage).
    CrashReloads,
    /// Mailbox messages whose reading stopped the app: skipped at the next start.
    MailboxSkip,
    /// A deletion under way: what it removes, so a start after an interruption finishes it
    /// (see `workspace::erase`).
    Erasing,
    /// How many years discussions are kept (unset: no limit; see `reports::retention`).
    Retention,
}

const FIXED: [(StorageKey, &str); 14] = [
    (StorageKey::Index, "index"),
    (StorageKey::Device, "device"),
    (StorageKey::DeviceKeys, "device-keys"),
    (StorageKey::Relay, "relay"),
    (StorageKey::RetiredRooms, "retired-rooms"),
    (StorageKey::LastBackup, "last-backup"),
    (StorageKey::FirstUse, "first-use"),
    (StorageKey::PersistAsked, "persist-asked"),
    (StorageKey::Unreadable, "unreadable"),
    (StorageKey::CrashNotice, "crash-notice"),
    (StorageKey::CrashReloads, "crash-reloads"),
    (StorageKey::MailboxSkip, "mailbox-skip"),
    (StorageKey::Erasing, "erasing"),
    (StorageKey::Retention, "retention-years"),
];

impl StorageKey {
    pub fn key(&self) -> String {
        match self {
            StorageKey::Blob {
                doc,
                kind,
                writer,
                seq,
            } => {
                let k = match kind {
                    BlobKind::Snapshot => 's',
                    BlobKind::Changes => 'c',
                };
                format!("{}{k}.{writer}.{seq:08}", blob_prefix(doc))
            }
            StorageKey::Meta(id) => format!("{PREFIX}meta:{id}"),
            StorageKey::MetaSetAside(id) => format!("{PREFIX}meta-damaged:{id}"),
            fixed => {
                let name = FIXED
                    .iter()
                    .find(|(k, _)| k == fixed)
                    .map(|(_, n)| *n)
                    .expect("every other key is in FIXED");
                format!("{PREFIX}{name}")
            }
        }
    }

    /// The key `key` names, or `None` for a key that is not this app's or is malformed.
    pub fn parse(key: &str) -> Option<StorageKey> {
        if let Some(rest) = key.strip_prefix(DOC) {
            let (name, blob) = rest.split_once(':')?;
            let doc = DocName::parse(name)?;
            let mut parts = blob.splitn(3, '.');
            let kind = match parts.next()? {
                "s" => BlobKind::Snapshot,
                "c" => BlobKind::Changes,
                _ => return None,
            };
            let writer = parts.next()?.to_string();
            let seq = parts.next()?.parse().ok()?;
            return Some(StorageKey::Blob {
                doc,
                kind,
                writer,
                seq,
            });
        }
        let rest = key.strip_prefix(PREFIX)?;
        if let Some(id) = rest.strip_prefix("meta:") {
            return is_valid_id(id).then(|| StorageKey::Meta(id.to_string()));
        }
        if let Some(id) = rest.strip_prefix("meta-damaged:") {
            return is_valid_id(id).then(|| StorageKey::MetaSetAside(id.to_string()));
        }
        FIXED
            .iter()
            .find(|(_, n)| *n == rest)
            .map(|(k, _)| k.clone())
    }

    /// The document a key is part of, if it is a blob.
    pub fn doc(&self) -> Option<&DocName> {
        match self {
            StorageKey::Blob { doc, .. } => Some(doc),
            _ => None,
        }
    }
}

impl fmt::Display for StorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn every_key_reads_back_as_itself() {
        let docs = [
            DocName::Roster,
            DocName::Discussion(ID.into()),
            DocName::Prep(ID.into()),
            DocName::Reflection(ID.into()),
        ];
        let mut keys: Vec<StorageKey> = FIXED.iter().map(|(k, _)| k.clone()).collect();
        keys.push(StorageKey::Meta(ID.into()));
        keys.push(StorageKey::MetaSetAside(ID.into()));
        for doc in docs {
            assert_eq!(DocName::parse(&doc.key()), Some(doc.clone()));
            for kind in [BlobKind::Snapshot, BlobKind::Changes] {
                keys.push(StorageKey::Blob {
                    doc: doc.clone(),
                    kind,
                    writer: "a1b2c3d4".into(),
                    seq: 7,
                });
            }
        }
        for key in keys {
            assert!(key.key().starts_with("ct1:"));
            assert_eq!(StorageKey::parse(&key.key()), Some(key));
        }
        assert_eq!(
            StorageKey::Blob {
                doc: DocName::Discussion(ID.into()),
                kind: BlobKind::Changes,
                writer: "w".into(),
                seq: 3
            }
            .key(),
            format!("ct1:doc:d.{ID}:c.w.00000003")
        );
    }

    #[test]
    fn foreign_or_malformed_keys_are_not_ours() {
        for key in [
            "other-app",
            "ct1:",
            "ct1:nonsense",
            "ct1:meta:../../x",
            "ct1:doc:d.short:s.w.1",
            "ct1:doc:x.0123456789abcdef0123456789abcdef:s.w.1",
            "ct1:doc:roster:z.w.1",
            "ct1:doc:roster:s.w.notanumber",
            "ct1:doc:roster",
        ] {
            assert_eq!(StorageKey::parse(key), None, "{key}");
        }
        assert_eq!(DocName::parse("d.0123"), None);
    }
}
