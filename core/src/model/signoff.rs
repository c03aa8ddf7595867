//! Sign-off: when leader and employee agree on the record, each signs it.
//!
//! A signature records the signer's name, the day, and the Automerge heads of the version
//! they agreed to (the heads just before the signature itself was written), plus the device
//! that signed (the first 8 bytes of the app's actor ids; see `device_of`). Each party's
//! signature is one scalar under its own root key, so both can sign at the same time on
//! their own devices and the merge keeps both.
//!
//! Edits after a signature are amendments: what differs between the signed version and now
//! (the same field-by-field comparison as the merge review), and by whom. The record is
//! agreed when both signatures cover the same content; signing again covers amendments.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ReadDoc, ScalarValue, Value};
use serde::{Deserialize, Serialize};

use crate::error::{DecodeError, EditError};
use crate::model::discussion::{self, Discussion};
use crate::model::ids::{from_hex, to_hex};
use crate::share::review::{compare, FieldChange};
use crate::{Day, Side};

/// Where a side's signature is stored in the document.
fn signature_key(side: Side) -> &'static str {
    match side {
        Side::Leader => "signed_leader",
        Side::Employee => "signed_employee",
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub on: Day,
    pub heads: Vec<ChangeHash>,
    /// Hex of the signing device's actor prefix.
    pub device: String,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    name: String,
    on: String,
    heads: Vec<String>,
    device: String,
}

/// The device part of an actor id: the app makes every actor id of one device start with
/// the same 8 bytes.
pub fn device_of(actor: &automerge::ActorId) -> String {
    let bytes = actor.to_bytes();
    to_hex(&bytes[..bytes.len().min(8)])
}

fn parse_hash(s: &str) -> Option<ChangeHash> {
    Some(ChangeHash(from_hex(s)?.try_into().ok()?))
}

/// Records `party`'s signature on the discussion as it is now.
pub fn sign(doc: &mut AutoCommit, party: Side, name: &str, on: Day) -> Result<(), EditError> {
    discussion::read(doc).map_err(|e| EditError::Missing(format!("readable discussion ({e})")))?;
    let heads = doc.get_heads();
    let stored = Stored {
        name: name.to_string(),
        on: on.to_string(),
        heads: heads.iter().map(|h| to_hex(h.as_ref())).collect(),
        device: device_of(doc.get_actor()),
    };
    let json = serde_json::to_string(&stored).expect("plain data serializes");
    doc.put(automerge::ROOT, signature_key(party), json)?;
    Ok(())
}

/// `party`'s signature, if there is one that can be read (one that cannot, say from a
/// damaged or hostile document, counts as none).
pub fn signature(doc: &AutoCommit, party: Side) -> Option<Signature> {
    let Ok(Some((Value::Scalar(s), _))) = doc.get(automerge::ROOT, signature_key(party)) else {
        return None;
    };
    let ScalarValue::Str(json) = s.as_ref() else {
        return None;
    };
    let stored: Stored = serde_json::from_str(json).ok()?;
    let heads: Option<Vec<ChangeHash>> = stored.heads.iter().map(|h| parse_hash(h)).collect();
    let heads = heads.filter(|h| !h.is_empty() && h.len() <= 64)?;
    // Heads this document does not have cannot be a version of it.
    if heads.iter().any(|h| doc.get_change_by_hash(h).is_none()) {
        return None;
    }
    Some(Signature {
        name: stored.name.chars().take(200).collect(),
        on: stored.on.parse().ok()?,
        heads,
        device: stored.device.chars().take(16).collect(),
    })
}

/// The discussion as it was at `heads`.
pub fn version_at(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Result<Discussion, DecodeError> {
    let old = doc
        .fork_at(heads)
        .map_err(|e| DecodeError::Malformed(e.to_string()))?;
    discussion::read(&old)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    Unsigned,
    /// One party signed (or both did, on different versions): waiting for the other.
    Waiting {
        signed: Side,
        waiting_for: Side,
    },
    /// Both signed the same content; `on` is the later signature's day.
    Agreed {
        on: Day,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignOff {
    pub leader: Option<Signature>,
    pub employee: Option<Signature>,
    pub state: State,
    /// The heads of the version the latest signature covers (the agreed one when agreed).
    pub signed_heads: Option<Vec<ChangeHash>>,
    /// What changed after that version.
    pub amendments: Vec<FieldChange>,
    /// Who made those changes: names of signers recognised by their device, or "another
    /// device".
    pub amended_by: Vec<String>,
}

impl SignOff {
    pub fn of(&self, party: Side) -> Option<&Signature> {
        match party {
            Side::Leader => self.leader.as_ref(),
            Side::Employee => self.employee.as_ref(),
        }
    }

    /// Whether `party`'s signature covers the record as it is now: nothing is left for
    /// them to sign.
    pub fn covers(&self, party: Side) -> bool {
        self.amendments.is_empty()
            && match self.state {
                State::Agreed { .. } => true,
                State::Waiting { signed, .. } => signed == party,
                State::Unsigned => false,
            }
    }

    /// Whether the record waits for `party` to sign: someone has signed, and `party`'s
    /// signature does not cover the record as it is now.
    pub fn waits_for(&self, party: Side) -> bool {
        self.state != State::Unsigned && !self.covers(party)
    }
}

/// At most this many changes after a signature are examined one by one to say who made
/// the amendments; past it, the rest are attributed by device without that check.
const ATTRIBUTE_LIMIT: usize = 200;

pub fn status(doc: &mut AutoCommit) -> Result<SignOff, DecodeError> {
    let now = discussion::read(doc)?;
    let leader = signature(doc, Side::Leader);
    let employee = signature(doc, Side::Employee);
    let mut out = SignOff {
        leader: leader.clone(),
        employee: employee.clone(),
        state: State::Unsigned,
        signed_heads: None,
        amendments: vec![],
        amended_by: vec![],
    };
    let (reference, state) = match (&leader, &employee) {
        (None, None) => return Ok(out),
        (Some(l), None) => (
            l,
            State::Waiting {
                signed: Side::Leader,
                waiting_for: Side::Employee,
            },
        ),
        (None, Some(e)) => (
            e,
            State::Waiting {
                signed: Side::Employee,
                waiting_for: Side::Leader,
            },
        ),
        (Some(l), Some(e)) => {
            let (vl, ve) = (version_at(doc, &l.heads)?, version_at(doc, &e.heads)?);
            if compare(&vl, &ve).is_empty() {
                let later = if l.on >= e.on { l } else { e };
                (later, State::Agreed { on: l.on.max(e.on) })
            } else {
                // The one who signed the newer version (the one that contains the other's
                // changes) is waiting for the other to sign again.
                let e_newer = doc.get_changes(&e.heads).len() <= doc.get_changes(&l.heads).len();
                let (signed, waiting_for) = if e_newer {
                    (Side::Employee, Side::Leader)
                } else {
                    (Side::Leader, Side::Employee)
                };
                let reference = if e_newer { e } else { l };
                (
                    reference,
                    State::Waiting {
                        signed,
                        waiting_for,
                    },
                )
            }
        }
    };
    out.state = state;
    let signed_version = version_at(doc, &reference.heads)?;
    out.amendments = compare(&signed_version, &now);
    if !out.amendments.is_empty() {
        out.amended_by = amended_by(doc, &reference.heads, &leader, &employee);
    }
    out.signed_heads = Some(reference.heads.clone());
    Ok(out)
}

/// Who made the changes after `since` that changed the record (not those that only signed).
fn amended_by(
    doc: &mut AutoCommit,
    since: &[ChangeHash],
    leader: &Option<Signature>,
    employee: &Option<Signature>,
) -> Vec<String> {
    let changes: Vec<(ChangeHash, Vec<ChangeHash>, String)> = doc
        .get_changes(since)
        .iter()
        .map(|c| (c.hash(), c.deps().to_vec(), device_of(c.actor_id())))
        .collect();
    let mut names: Vec<String> = Vec::new();
    for (i, (hash, deps, device)) in changes.iter().enumerate() {
        if i < ATTRIBUTE_LIMIT {
            let before = version_at(doc, deps);
            let mut after_heads = deps.clone();
            after_heads.push(*hash);
            let after = version_at(doc, &after_heads);
            match (before, after) {
                (Ok(b), Ok(a)) if compare(&b, &a).is_empty() => continue,
                _ => {}
            }
        }
        let name = [leader, employee]
            .into_iter()
            .flatten()
            .find(|s| &s.device == device)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "another device".to_string());
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The agreed version, when both signed the same content: what goes to HR.
pub fn agreed_version(doc: &mut AutoCommit) -> Result<Option<(Discussion, SignOff)>, DecodeError> {
    let status = status(doc)?;
    match (&status.state, &status.signed_heads) {
        (State::Agreed { .. }, Some(heads)) => {
            let heads = heads.clone();
            Ok(Some((version_at(doc, &heads)?, status)))
        }
        _ => Ok(None),
    }
}
