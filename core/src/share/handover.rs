//! Handing a person over to their next manager: one file with the person as the people
//! list knows them, their shared discussions (signatures and actions inside), the outgoing
//! manager's device keys (so the signatures made there still verify on the new manager's
//! device) and, only when the outgoing manager chose so, the private preparation.
//!
//! The file is JSON (like a backup) with a SHA-256 digest over everything else in it, which
//! detects damage (a file cut short or garbled in transit): anyone can compute a digest, so
//! it proves nothing about who made the file. The file is also signed with the outgoing
//! manager's device key (`signer`, one of `leader_keys` and the leader key its discussions
//! record): a file changed after it was saved is refused unless whoever changed it signed
//! it again with a key of their own. So the new manager's device trusts nothing in it by
//! itself: the previous leader's signatures show as "from the file" until the new manager
//! and the employee compared the safety code, and the employee's key is never taken from
//! the file — it is pinned from what the employee sends, and confirmed in the room.

use std::collections::BTreeMap;

use automerge::AutoCommit;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::doc::DocName;
use crate::model::date::Day;
use crate::model::ids::{from_hex, is_valid_id, to_hex};
use crate::model::people::{Participant, Person};
use crate::model::trust::{self, DeviceKey, PublicKey};
use crate::model::{discussion, prep};
use crate::Side;

pub const FORMAT: &str = "career-talk/handover";
/// Version 2 files are signed; version 1 files (not signed) are refused.
pub const VERSION: u32 = 2;
/// The largest handover file taken in (a browser keeps about 5 MB for the whole app).
pub const MAX_HANDOVER_BYTES: usize = 10 * 1024 * 1024;
/// At most this many device keys of the outgoing manager are taken from a file.
pub const MAX_LEADER_KEYS: usize = 16;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum HandoverError {
    #[error("this is not a Career Talk handover file")]
    NotAHandover,
    #[error("the handover file is too large ({0} MB; the limit is 10 MB)")]
    TooLarge(usize),
    #[error("this handover file was made by a newer version of Career Talk (version {0})")]
    NewerVersion(u32),
    #[error("the handover file is incomplete or has been altered")]
    Corrupted,
    #[error("the handover file's {0} is damaged: {1}")]
    Damaged(String, String),
    #[error("this handover file is not signed (an earlier version of Career Talk made it, or its signature was removed); ask the previous manager to save it again with this version")]
    Unsigned,
    #[error("{0} is already on this device with a history that did not come from this file; nothing was changed")]
    Unrelated(String),
}

/// The person as the outgoing manager's people list has them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandedPerson {
    pub id: String,
    pub name: String,
    pub role: String,
    pub team: String,
    pub cadence_months: u64,
    pub added_on: Day,
}

impl From<&Person> for HandedPerson {
    fn from(p: &Person) -> HandedPerson {
        HandedPerson {
            id: p.id.clone(),
            name: p.name.clone(),
            role: p.role.clone(),
            team: p.team.clone(),
            cadence_months: p.cadence_months,
            added_on: p.added_on,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Handover {
    pub format: String,
    pub version: u32,
    pub created_on: Day,
    pub person: HandedPerson,
    /// Who hands over (the outgoing manager's name and role).
    pub from: HandedParticipant,
    /// The outgoing manager's device public keys (hex).
    pub leader_keys: Vec<String>,
    /// Storage name (`d.<id>`, and `p.<id>` only when chosen) → base64 Automerge bytes.
    pub documents: BTreeMap<String, String>,
    /// The device key (hex) that signed the file: the outgoing manager's.
    #[serde(default)]
    pub signer: String,
    /// Its Ed25519 signature (hex) of the digest.
    #[serde(default)]
    pub signature: String,
    /// SHA-256 (hex) of this file with this field and the signature empty.
    #[serde(default)]
    pub digest: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandedParticipant {
    pub name: String,
    pub role: String,
}

impl From<&Participant> for HandedParticipant {
    fn from(p: &Participant) -> HandedParticipant {
        HandedParticipant {
            name: p.name.clone(),
            role: p.role.clone(),
        }
    }
}

/// A checked handover: every document read and of the right kind and person.
pub struct Checked {
    pub handover: Handover,
    /// Discussion id → (shared record, private preparation if included).
    pub discussions: BTreeMap<String, (AutoCommit, Option<AutoCommit>)>,
}

/// What the outgoing manager's key signs: the file's digest.
fn signed_message(digest: &str) -> Vec<u8> {
    format!("career-talk/handover/v2\n{digest}").into_bytes()
}

fn digest_of(h: &Handover) -> String {
    let mut copy = h.clone();
    copy.digest = String::new();
    copy.signature = String::new();
    let json = serde_json::to_vec(&copy).expect("a handover serialises");
    to_hex(&Sha256::digest(&json))
}

impl Handover {
    pub fn new(
        person: &Person,
        from: &Participant,
        leader_keys: Vec<String>,
        created_on: Day,
    ) -> Handover {
        Handover {
            format: FORMAT.into(),
            version: VERSION,
            created_on,
            person: person.into(),
            from: from.into(),
            leader_keys,
            documents: BTreeMap::new(),
            signer: String::new(),
            signature: String::new(),
            digest: String::new(),
        }
    }

    /// Signs the file as it is now with the outgoing manager's device key (after the last
    /// [`Handover::add`]).
    pub fn seal(&mut self, key: &DeviceKey) {
        self.signer = key.public().to_hex();
        self.digest = digest_of(self);
        self.signature = to_hex(&key.sign(&signed_message(&self.digest)));
    }

    pub fn add(&mut self, name: &DocName, bytes: &[u8]) {
        self.documents.insert(name.key(), B64.encode(bytes));
    }

    /// The file's bytes (the digest is computed here: a file changed after it was sealed
    /// no longer matches its signature).
    pub fn to_json(&self) -> String {
        let mut sealed = self.clone();
        sealed.digest = digest_of(self);
        serde_json::to_string_pretty(&sealed).expect("a handover serialises")
    }

    /// Whether `bytes` look like a handover file at all (for a picker that takes several
    /// kinds of file): JSON that names this format near its start, even if it is cut short.
    pub fn is_handover(bytes: &[u8]) -> bool {
        let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let head = &text[start..text.len().min(start + 256)];
        head.first() == Some(&b'{') && head.windows(FORMAT.len()).any(|w| w == FORMAT.as_bytes())
    }

    /// Parses and checks everything before anything is taken in.
    pub fn parse(bytes: &[u8]) -> Result<Checked, HandoverError> {
        if bytes.len() > MAX_HANDOVER_BYTES {
            return Err(HandoverError::TooLarge(bytes.len() / (1024 * 1024)));
        }
        let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let value: serde_json::Value = serde_json::from_slice(text).map_err(|_| {
            // Cut short or garbled, but it was one.
            if Handover::is_handover(bytes) {
                HandoverError::Corrupted
            } else {
                HandoverError::NotAHandover
            }
        })?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(HandoverError::NotAHandover);
        }
        if let Some(v) = value.get("version").and_then(|v| v.as_u64()) {
            if v > u64::from(VERSION) {
                return Err(HandoverError::NewerVersion(
                    v.min(u64::from(u32::MAX)) as u32
                ));
            }
        }
        let handover: Handover =
            serde_json::from_value(value).map_err(|_| HandoverError::Corrupted)?;
        if handover.digest != digest_of(&handover) {
            return Err(HandoverError::Corrupted);
        }
        if handover.signature.is_empty() {
            return Err(HandoverError::Unsigned);
        }
        let signer = PublicKey::from_hex(&handover.signer)
            .filter(|k| handover.leader_keys.contains(&k.to_hex()))
            .ok_or(HandoverError::Corrupted)?;
        let signature = from_hex(&handover.signature).unwrap_or_default();
        if !signer.verifies(&signed_message(&handover.digest), &signature) {
            return Err(HandoverError::Corrupted);
        }
        if !is_valid_id(&handover.person.id) || handover.leader_keys.len() > MAX_LEADER_KEYS {
            return Err(HandoverError::Corrupted);
        }
        let mut discussions: BTreeMap<String, (AutoCommit, Option<AutoCommit>)> = BTreeMap::new();
        let mut preps = BTreeMap::new();
        for (name, b64) in &handover.documents {
            let damaged =
                |reason: String| HandoverError::Damaged(name.chars().take(40).collect(), reason);
            let raw = B64.decode(b64).map_err(|_| damaged("not base64".into()))?;
            let doc =
                crate::model::schema::load_strict(&raw).map_err(|e| damaged(e.to_string()))?;
            match DocName::parse(name) {
                Some(DocName::Discussion(id)) => {
                    let d = discussion::read(&doc).map_err(|e| damaged(e.to_string()))?;
                    if d.id != id || d.person_id != handover.person.id {
                        return Err(damaged("it is not a discussion with this person".into()));
                    }
                    // The leader key the discussion records is one the file names (a check
                    // of consistency only: whoever makes a file names the keys in it; what
                    // a previous leader's key counts for is decided on the new manager's
                    // device, see `Workspace::trust`).
                    if trust::recorded_key(&doc, Side::Leader)
                        .is_some_and(|k| !handover.leader_keys.contains(&k.to_hex()))
                    {
                        return Err(HandoverError::Corrupted);
                    }
                    discussions.insert(id, (doc, None));
                }
                Some(DocName::Prep(id)) => {
                    let p = prep::read(&doc).map_err(|e| damaged(e.to_string()))?;
                    if p.discussion_id != id {
                        return Err(damaged("it belongs to another discussion".into()));
                    }
                    preps.insert(id, doc);
                }
                _ => return Err(damaged("it is not a document a handover holds".into())),
            }
        }
        for (id, p) in preps {
            match discussions.get_mut(&id) {
                Some(entry) => entry.1 = Some(p),
                None => {
                    return Err(HandoverError::Damaged(
                        format!("p.{id}"),
                        "its discussion is not in the file".into(),
                    ))
                }
            }
        }
        Ok(Checked {
            handover,
            discussions,
        })
    }
}
