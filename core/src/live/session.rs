//! One device's side of a live session: Automerge's sync protocol with each peer.
//!
//! Every peer gets its own `sync::State`, reset when either side (re)connects, so edits made
//! while disconnected are exchanged on reconnect. Messages may be lost, duplicated or
//! reordered by the network: the sync protocol converges regardless, because every round
//! re-announces what each side has. The shell calls [`Session::tick`] now and then to
//! recover from lost messages.
//!
//! Envelopes arrive here already opened, so their sender is proven (`envelope.rs`); the
//! session lets only the room's host end it for everyone.
//!
//! Proving the same discussion: a link names a discussion id, and ids are not secret. A
//! device that has the discussion exchanges sync messages only with a peer whose hello
//! proves it holds the same first change — a hash of that change and the peer's own sender
//! id, so it cannot be copied from someone else's hello — or, when this device is the host,
//! with a peer that has no copy yet (it is joining to receive one). So opening a crafted
//! link for a discussion this device has sends none of its history to a stranger and takes
//! none of theirs.

use std::collections::BTreeMap;

use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, ChangeHash};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::envelope::{Envelope, EnvelopeError, Kind, ReplayGuard, SenderKey};

/// Who someone in the room is and where they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub name: String,
    /// Their side; `None` while joining, before the discussion has arrived. On the wire it
    /// is the `role` word ("leader", "employee") earlier versions send and read.
    #[serde(rename = "role", with = "role_word", default)]
    pub side: Option<crate::Side>,
    /// The question or field they are looking at.
    pub focus: Option<String>,
}

pub struct Peer {
    pub presence: Presence,
    state: sync::State,
    /// What the peer's hello proves about its copy (see the module notes).
    proof: Option<[u8; 16]>,
    /// A peer with another history was already reported.
    refused: bool,
}

impl Peer {
    fn new() -> Peer {
        Peer {
            presence: Presence::default(),
            state: sync::State::new(),
            proof: None,
            refused: false,
        }
    }
}

/// The hello and presence message: the presence and the proof of the copy this sender has.
#[derive(Serialize, Deserialize)]
struct Wire {
    #[serde(flatten)]
    presence: Presence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proof: Option<String>,
}

/// That `sender` holds a discussion whose first change is `origin`.
fn proof_of(origin: &ChangeHash, sender: &[u8; 16]) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(b"career-talk/live-origin/v1");
    hash.update(origin.0);
    hash.update(sender);
    hash.finalize()[..16].try_into().expect("16 bytes")
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LiveError {
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("a sync message that could not be read")]
    BadSync,
    #[error("a sync message whose changes do not make a valid discussion (they were undone)")]
    Invalid,
    #[error("a history unrelated to this discussion (nothing of it was kept)")]
    Unrelated,
    #[error("messages from a peer holding another discussion under the same id: nothing was exchanged with them")]
    OtherDiscussion,
}

/// What receiving a message did.
#[derive(Default)]
pub struct Received {
    /// Envelopes to send in reply.
    pub replies: Vec<Envelope>,
    /// The document took in remote changes.
    pub changed: bool,
    /// The peer list or someone's presence changed.
    pub presence_changed: bool,
    /// The host ended the session.
    pub ended: bool,
}

pub struct Session {
    pub me: [u8; 16],
    key: SenderKey,
    /// The room's host: the one peer whose "end" ends the session.
    host: [u8; 16],
    seq: u64,
    presence: Presence,
    pub peers: BTreeMap<[u8; 16], Peer>,
    guard: ReplayGuard,
    /// The first change of this device's copy; `None` while it has none (joining).
    origin: Option<ChangeHash>,
}

impl Session {
    /// A session that signs with `key`, in a room hosted by `host` (this device's own id
    /// when it started the session).
    pub fn new(key: SenderKey, host: [u8; 16], presence: Presence) -> Session {
        Session {
            me: key.id(),
            key,
            host,
            seq: 0,
            presence,
            peers: BTreeMap::new(),
            guard: ReplayGuard::default(),
            origin: None,
        }
    }

    /// The first change of this device's copy (the workspace sets it from the document).
    pub fn origin(&self) -> Option<ChangeHash> {
        self.origin
    }

    pub fn set_origin(&mut self, origin: Option<ChangeHash>) {
        self.origin = origin;
    }

    /// Whether sync messages go to and come from `peer` (see the module notes).
    fn may_exchange(&self, id: &[u8; 16]) -> bool {
        let Some(origin) = &self.origin else {
            // Nothing here to give away: a device joining to receive its copy, from the host
            // only (whose id the link names), not from whoever else holds the link.
            return *id == self.host;
        };
        match self.peers.get(id).and_then(|p| p.proof) {
            Some(proof) => proof == proof_of(origin, id),
            None => self.me == self.host,
        }
    }

    /// Whether a peer with another history is in the room (reported once per peer).
    fn refuse(&mut self, id: &[u8; 16]) -> Result<(), LiveError> {
        if self.origin.is_none() {
            // Joining: another peer than the host is simply not read.
            return Ok(());
        }
        match self.peers.get_mut(id) {
            Some(p) if p.proof.is_some() && !p.refused => {
                p.refused = true;
                Err(LiveError::OtherDiscussion)
            }
            _ => Ok(()),
        }
    }

    /// Whether this device exchanges with at least one peer now.
    pub fn exchanging(&self) -> bool {
        self.peers.keys().any(|id| self.may_exchange(id))
    }

    /// The key this session's envelopes are sealed with.
    pub fn key(&self) -> &SenderKey {
        &self.key
    }

    fn envelope(&mut self, to: Option<[u8; 16]>, kind: Kind, bytes: Vec<u8>) -> Envelope {
        self.seq += 1;
        Envelope {
            from: self.me,
            to,
            kind,
            seq: self.seq,
            bytes,
        }
    }

    fn presence_bytes(&self) -> Vec<u8> {
        let wire = Wire {
            presence: self.presence.clone(),
            proof: self
                .origin
                .map(|o| crate::model::ids::to_hex(&proof_of(&o, &self.me))),
        };
        serde_json::to_vec(&wire).expect("presence serialises")
    }

    /// Announces this device to the room (on connect and on every reconnect): every peer's
    /// sync state starts over, so nothing edited while apart is missed.
    pub fn hello(&mut self) -> Envelope {
        for peer in self.peers.values_mut() {
            peer.state = sync::State::new();
        }
        let bytes = self.presence_bytes();
        self.envelope(None, Kind::Hello, bytes)
    }

    pub fn set_presence(&mut self, presence: Presence) -> Envelope {
        self.presence = presence;
        let bytes = self.presence_bytes();
        self.envelope(None, Kind::Presence, bytes)
    }

    pub fn bye(&mut self) -> Envelope {
        self.envelope(None, Kind::Bye, vec![])
    }

    /// Sync messages for every peer after local edits (or periodically, to recover from
    /// lost messages).
    pub fn local_change(&mut self, doc: &mut AutoCommit) -> Vec<Envelope> {
        let ids: Vec<[u8; 16]> = self.peers.keys().copied().collect();
        ids.into_iter()
            .filter_map(|id| self.sync_to(doc, id))
            .collect()
    }

    /// Starts a fresh sync round with every peer: if a message was lost, this recovers.
    /// Alone in the room (perhaps our hello was lost), it says hello again.
    pub fn tick(&mut self, doc: &mut AutoCommit) -> Vec<Envelope> {
        if self.peers.is_empty() {
            return vec![self.hello()];
        }
        // A peer known only from its sync messages (its hello was lost) has proven nothing
        // yet: hello again, and every peer answers with its own.
        let unproven = self.origin.is_some()
            && self.me != self.host
            && self.peers.values().any(|p| p.proof.is_none());
        if unproven {
            let mut out = vec![self.hello()];
            out.extend(self.local_change(doc));
            return out;
        }
        for peer in self.peers.values_mut() {
            peer.state = sync::State::new();
        }
        self.local_change(doc)
    }

    fn sync_to(&mut self, doc: &mut AutoCommit, id: [u8; 16]) -> Option<Envelope> {
        if !self.may_exchange(&id) {
            return None;
        }
        let peer = self.peers.get_mut(&id)?;
        let message = doc.sync().generate_sync_message(&mut peer.state)?;
        Some(self.envelope(Some(id), Kind::Sync, message.encode()))
    }

    pub fn receive(&mut self, doc: &mut AutoCommit, env: Envelope) -> Result<Received, LiveError> {
        let mut out = Received::default();
        if env.from == self.me || env.to.is_some_and(|to| to != self.me) {
            return Ok(out);
        }
        self.guard.check(&env)?;
        match env.kind {
            Kind::Hello | Kind::Presence => {
                let (presence, proof) = match serde_json::from_slice::<Wire>(&env.bytes) {
                    Ok(w) => (w.presence, w.proof),
                    Err(_) => (Presence::default(), None),
                };
                let proof = proof
                    .and_then(|p| crate::model::ids::from_hex(&p))
                    .and_then(|p| <[u8; 16]>::try_from(p).ok());
                let is_new = !self.peers.contains_key(&env.from);
                let peer = self.peers.entry(env.from).or_insert_with(Peer::new);
                peer.presence = presence;
                if proof.is_some() {
                    peer.proof = proof;
                }
                out.presence_changed = true;
                if env.kind == Kind::Hello {
                    peer.state = sync::State::new();
                    // Introduce ourselves to the newcomer (only to them), then sync.
                    if env.to.is_none() || is_new {
                        let bytes = self.presence_bytes();
                        let intro = self.envelope(Some(env.from), Kind::Hello, bytes);
                        out.replies.push(intro);
                    }
                    out.replies.extend(self.sync_to(doc, env.from));
                }
                if !self.may_exchange(&env.from) {
                    self.refuse(&env.from)?;
                }
            }
            Kind::Sync => {
                // The same check as stored bytes, links and files, before Automerge reads
                // anything: Automerge panics or asks for gigabytes on some malformed input.
                crate::doc::precheck::check_sync(&env.bytes).map_err(|_| LiveError::BadSync)?;
                let message = crate::model::schema::contained(|| sync::Message::decode(&env.bytes))
                    .ok_or(LiveError::BadSync)?
                    .map_err(|_| LiveError::BadSync)?;
                self.peers.entry(env.from).or_insert_with(Peer::new);
                if !self.may_exchange(&env.from) {
                    // Not proven (yet): nothing of it is read.
                    self.refuse(&env.from)?;
                    return Ok(out);
                }
                let peer = self.peers.get_mut(&env.from).expect("just inserted");
                let before = doc.get_heads();
                crate::model::schema::contained(|| {
                    doc.sync().receive_sync_message(&mut peer.state, message)
                })
                .ok_or(LiveError::BadSync)?
                .map_err(|_| LiveError::BadSync)?;
                out.changed = doc.get_heads() != before;
                out.replies.extend(self.sync_to(doc, env.from));
            }
            Kind::Bye => {
                self.peers.remove(&env.from);
                out.presence_changed = true;
                // From anyone else, "end" is only their own goodbye.
                out.ended = env.bytes == b"end" && env.from == self.host;
            }
        }
        Ok(out)
    }

    /// Starts the sync with `peer` over (after this device undid what it sent).
    pub fn restart_peer(&mut self, peer: [u8; 16]) {
        if let Some(p) = self.peers.get_mut(&peer) {
            p.state = sync::State::new();
        }
    }

    /// The host ends the session for everyone.
    pub fn end(&mut self) -> Envelope {
        self.envelope(None, Kind::Bye, b"end".to_vec())
    }
}

/// A side as the `role` word of the presence message; any other word reads as unknown.
mod role_word {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::Side;

    pub fn serialize<S: Serializer>(side: &Option<Side>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(side.map_or("joining", Side::as_str))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Side>, D::Error> {
        let word: Option<String> = Option::deserialize(d)?;
        Ok(word.and_then(|w| Side::parse(&w)))
    }
}

#[cfg(test)]
mod tests {
    use super::Presence;
    use crate::Side;

    #[test]
    fn presence_reads_the_role_word_and_nothing_else_as_a_side() {
        let p = |json: &str| serde_json::from_str::<Presence>(json);
        let leader = p(r#"{"name":"Maria","role":"leader","focus":null}"#).unwrap();
        assert_eq!(leader.side, Some(Side::Leader));
        let joining = p(r#"{"name":"x","role":"joining","focus":null}"#).unwrap();
        assert_eq!(joining.side, None);
        // A word no version sends, or no role at all: unknown, not a side.
        assert_eq!(
            p(r#"{"name":"x","role":"admin","focus":null}"#)
                .unwrap()
                .side,
            None
        );
        assert_eq!(p(r#"{"name":"x","focus":null}"#).unwrap().side, None);
        // Not a word at all: refused (the session then shows a blank presence).
        assert!(p(r#"{"name":"x","role":7,"focus":null}"#).is_err());
        let sent = serde_json::to_string(&Presence {
            name: "Sam".into(),
            side: Some(Side::Employee),
            focus: None,
        })
        .unwrap();
        assert!(sent.contains(r#""role":"employee""#), "{sent}");
    }
}
