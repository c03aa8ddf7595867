//! Sign-off: when leader and employee agree on the record, each signs it.
//!
//! A signature records the signer's name, the day, and the Automerge heads of the version
//! they agreed to (the heads just before the signature itself was written), plus the device
//! that signed (the first 8 bytes of the app's actor ids; see `device_of`). Each party's
//! signature is one scalar under its own root key, so both can sign at the same time on
//! their own devices and the merge keeps both.
//!
//! Each signature is also an Ed25519 signature by the signing device's key (see `trust`) over
//! the discussion id, the party, the name, the day, the sorted heads and a digest of the
//! signed content ([`signed_content`]). Every read checks it against the key this device
//! accepts for that party; a signature that does not verify is shown as *not verified* and
//! never counts towards an agreed record, whatever the document says.
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
use crate::model::method::{AnswerField, Question};
use crate::model::trust::{self, DeviceKey, PublicKey, Standing, Trust};
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
    /// The key it says it was made with, and the signature bytes (empty for a signature
    /// written before signatures were made).
    pub key: Option<PublicKey>,
    pub signature: Vec<u8>,
    /// Whether it verifies against the key this device accepts for the party.
    pub check: Check,
    /// The digest of the content it signs, when its bytes verified (also for a signature
    /// that does not count yet: unconfirmed, or from a handover file).
    pub content: Option<[u8; 32]>,
}

/// What checking a signature found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Verified,
    /// Made with a key this device does not accept for that party: another device's, or
    /// one made up by whoever wrote it.
    UnknownKey,
    /// No key is known yet for that party on this device.
    NoKnownKey,
    /// The signature bytes do not match what it claims to sign (altered or forged).
    Invalid,
    /// Written without a device signature (an older version of the app).
    Unsigned,
    /// Made with a key that was replaced or handed over, over a version after that moment
    /// (its cutoff): whoever still holds that key cannot sign what came later.
    AfterCutoff,
    /// It matches the key this device holds for that person, but the two have not compared
    /// the safety code yet: the key could be anyone's who held the first link.
    Unconfirmed,
    /// Made with the previous leader's key, which came in the handover file: it counts once
    /// this device has compared the safety code with the employee.
    FromFile,
}

impl Check {
    pub fn is_verified(self) -> bool {
        self == Check::Verified
    }

    /// Its bytes verify against a key this device holds for that party, and only the
    /// comparison of the safety code is missing for it to count.
    pub fn is_pending(self) -> bool {
        matches!(self, Check::Unconfirmed | Check::FromFile)
    }

    /// Why a signature is not verified, in words for the person reading the record.
    pub fn problem(self) -> Option<&'static str> {
        match self {
            Check::Verified => None,
            Check::UnknownKey => {
                Some("it was made on a device whose key this device does not know for that person")
            }
            Check::NoKnownKey => Some("this device has not yet received that person's device key"),
            Check::Invalid => Some("its signature does not match what it claims to sign"),
            Check::Unsigned => Some("it was made without a device signature"),
            Check::AfterCutoff => Some(
                "it was made with a key that had been replaced or handed over before the version it signs",
            ),
            Check::Unconfirmed => Some(
                "that person's device key has not been confirmed here: compare the safety code with them",
            ),
            Check::FromFile => Some(
                "it was made with the previous leader's key from the handover file, which counts once the safety code was compared with the employee",
            ),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    name: String,
    on: String,
    heads: Vec<String>,
    device: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    sig: String,
}

/// What a signature covers besides the heads: the record's content in the form the HR
/// record shows it, so HR can check a record without the app or its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedContent {
    pub discussion_started: Day,
    pub held_on: Option<Day>,
    pub answers: Vec<(String, String)>,
    pub willing: Option<String>,
    pub leader_views: Vec<(String, String)>,
    pub notes: String,
    pub track: String,
    pub readiness: Option<String>,
    pub actions: Vec<SignedAction>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedAction {
    pub text: String,
    pub owner: String,
    pub due: Option<Day>,
    pub done: bool,
}

/// The answers in the method's order, with their questions.
pub fn answers(d: &Discussion) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Question::ALL
        .into_iter()
        .map(|q| {
            (
                q.title().to_string(),
                d.answers.get(AnswerField::of(q)).to_string(),
            )
        })
        .collect();
    out.push((
        "Timing of the next assignment".into(),
        d.answers.get(AnswerField::NextAssignmentTiming).to_string(),
    ));
    out
}

/// The content a signature covers.
pub fn signed_content(d: &Discussion) -> SignedContent {
    SignedContent {
        discussion_started: d.created_on,
        held_on: d.held_on,
        answers: answers(d),
        willing: d.willing.map(|w| w.label().to_string()),
        leader_views: d
            .leader_views
            .iter()
            .map(|v| (v.question.title().to_string(), v.text.as_str().to_string()))
            .collect(),
        notes: d.notes.as_str().to_string(),
        track: d.track.label().to_string(),
        readiness: d.readiness.map(|r| r.label().to_string()),
        actions: d
            .actions
            .iter()
            .map(|a| SignedAction {
                text: a.text.as_str().to_string(),
                owner: a.owner.label().to_string(),
                due: a.due,
                done: a.done,
            })
            .collect(),
    }
}

impl SignedContent {
    /// SHA-256 of its canonical JSON.
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(serde_json::to_vec(self).expect("plain data serializes")).into()
    }
}

fn party_name(party: Side) -> &'static str {
    match party {
        Side::Leader => "leader",
        Side::Employee => "employee",
    }
}

/// The bytes a sign-off signature signs: every part on its own line, heads sorted.
pub fn signed_message(
    discussion_id: &str,
    party: Side,
    name: &str,
    on: Day,
    heads: &[String],
    content: &[u8; 32],
) -> Vec<u8> {
    let mut heads = heads.to_vec();
    heads.sort();
    format!(
        "career-talk/sign-off/v1\n{discussion_id}\n{}\n{}\n{on}\n{}\n{}",
        party_name(party),
        name.escape_default(),
        heads.join(","),
        to_hex(content)
    )
    .into_bytes()
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

/// Records `party`'s signature on the discussion as it is now, signed with `key`.
pub fn sign(
    doc: &mut AutoCommit,
    party: Side,
    name: &str,
    on: Day,
    key: &DeviceKey,
) -> Result<(), EditError> {
    let now = discussion::read(doc)
        .map_err(|e| EditError::Missing(format!("readable discussion ({e})")))?;
    let heads: Vec<String> = doc.get_heads().iter().map(|h| to_hex(h.as_ref())).collect();
    let name: String = name.chars().take(200).collect();
    let message = signed_message(
        &now.id,
        party,
        &name,
        on,
        &heads,
        &signed_content(&now).digest(),
    );
    let stored = Stored {
        name,
        on: on.to_string(),
        heads,
        device: device_of(doc.get_actor()),
        key: key.public().to_hex(),
        sig: to_hex(&key.sign(&message)),
    };
    let json = serde_json::to_string(&stored).expect("plain data serializes");
    doc.put(automerge::ROOT, signature_key(party), json)?;
    Ok(())
}

/// `party`'s signature on discussion `id`, if there is one that can be read (one that
/// cannot, say from a damaged or hostile document, counts as none), checked against the
/// keys `trust` accepts.
fn signature(doc: &mut AutoCommit, id: &str, party: Side, trust: &Trust) -> Option<Signature> {
    let Ok(Some((Value::Scalar(s), _))) = doc.get(automerge::ROOT, signature_key(party)) else {
        return None;
    };
    let ScalarValue::Str(json) = s.as_ref() else {
        return None;
    };
    let json = json.to_string();
    let stored: Stored = serde_json::from_str(&json).ok()?;
    let heads: Option<Vec<ChangeHash>> = stored.heads.iter().map(|h| parse_hash(h)).collect();
    let heads = heads.filter(|h| !h.is_empty() && h.len() <= 64)?;
    // Heads this document does not have cannot be a version of it.
    if heads.iter().any(|h| doc.get_change_by_hash(h).is_none()) {
        return None;
    }
    let name: String = stored.name.chars().take(200).collect();
    let on: Day = stored.on.parse().ok()?;
    let key = PublicKey::from_hex(&stored.key);
    let signature = from_hex(&stored.sig).unwrap_or_default();
    let mut content = None;
    let check = match key {
        _ if stored.sig.is_empty() => Check::Unsigned,
        None => Check::Invalid,
        Some(_) if trust.of(party).is_empty() => Check::NoKnownKey,
        Some(k) => match trust.find(party, &k) {
            None => Check::UnknownKey,
            Some(trusted) => {
                let hex: Vec<String> = heads.iter().map(|h| to_hex(h.as_ref())).collect();
                match version_at(doc, &heads).map(|d| signed_content(&d).digest()) {
                    Ok(digest)
                        if k.verifies(
                            &signed_message(id, party, &stored.name, on, &hex, &digest),
                            &signature,
                        ) =>
                    {
                        match &trusted.until {
                            // Over a version inside the history at the cutoff, and made
                            // before it: the signature itself was there then. (A key that
                            // left cannot sign anything afterwards, not even an old version.)
                            Some(until)
                                if !trust::within(doc, &heads, until)
                                    || !stored_at(doc, party, until, &json) =>
                            {
                                Check::AfterCutoff
                            }
                            _ => {
                                content = Some(digest);
                                match trusted.standing {
                                    Standing::Confirmed => Check::Verified,
                                    Standing::Unconfirmed => Check::Unconfirmed,
                                    Standing::FromFile => Check::FromFile,
                                }
                            }
                        }
                    }
                    _ => Check::Invalid,
                }
            }
        },
    };
    Some(Signature {
        name,
        on,
        heads,
        device: stored.device.chars().take(16).collect(),
        key,
        signature,
        check,
        content,
    })
}

/// Whether `party`'s signature register held exactly `json` at `heads`.
fn stored_at(doc: &AutoCommit, party: Side, heads: &[ChangeHash], json: &str) -> bool {
    match doc.get_at(automerge::ROOT, signature_key(party), heads) {
        Ok(Some((Value::Scalar(s), _))) => {
            matches!(s.as_ref(), ScalarValue::Str(then) if then.as_str() == json)
        }
        _ => false,
    }
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

pub fn status(doc: &mut AutoCommit, trust: &Trust) -> Result<SignOff, DecodeError> {
    let now = discussion::read(doc)?;
    let leader = signature(doc, &now.id, Side::Leader, trust);
    let employee = signature(doc, &now.id, Side::Employee, trust);
    let mut out = SignOff {
        leader: leader.clone(),
        employee: employee.clone(),
        state: State::Unsigned,
        signed_heads: None,
        amendments: vec![],
        amended_by: vec![],
    };
    // Only signatures that verify count; the others are shown, marked, and nothing more.
    let verified = |s: &Option<Signature>| s.clone().filter(|s| s.check.is_verified());
    let (reference, state) = match (&verified(&leader), &verified(&employee)) {
        (None, None) => return Ok(out),
        (Some(l), None) => (
            l.clone(),
            State::Waiting {
                signed: Side::Leader,
                waiting_for: Side::Employee,
            },
        ),
        (None, Some(e)) => (
            e.clone(),
            State::Waiting {
                signed: Side::Employee,
                waiting_for: Side::Leader,
            },
        ),
        (Some(l), Some(e)) => {
            // Both verified, so both digests were computed over their signed versions.
            if l.content == e.content {
                let later = if l.on >= e.on { l } else { e };
                (later.clone(), State::Agreed { on: l.on.max(e.on) })
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
                    reference.clone(),
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
pub fn agreed_version(
    doc: &mut AutoCommit,
    trust: &Trust,
) -> Result<Option<(Discussion, SignOff)>, DecodeError> {
    let status = status(doc, trust)?;
    match (&status.state, &status.signed_heads) {
        (State::Agreed { .. }, Some(heads)) => {
            let heads = heads.clone();
            Ok(Some((version_at(doc, &heads)?, status)))
        }
        _ => Ok(None),
    }
}
