//! Paired sync, the document side: what a bundle holds, and taking one in (see
//! `live::mailbox` for the protocol and why nothing is lost).
//!
//! Per discussion this device keeps, in its own metadata: how far it has read each side's
//! subject, the heads its last published bundle covered, whether it owes the other side an
//! acknowledgement, and when both were last known to hold the same.

use std::collections::BTreeMap;

use automerge::ChangeHash;

use super::TakenIn;
use super::{Workspace, WorkspaceError};
use crate::live::envelope::{Envelope, EnvelopeError, Kind, SenderKey};
use crate::live::mailbox::{self, Pairing, PairingState};
use crate::share::{Package, ShareError};
use crate::storage::blobs::KvStore;
use crate::storage::keys::DocName;
use crate::{Day, Side};

/// Where a discussion's paired sync stands, for the views and the shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxStatus {
    pub state: PairingState,
    /// Changes the other side has not declared having.
    pub waiting: usize,
    /// Of those, the ones no bundle of this device carried yet.
    pub unsent: usize,
    /// The last time the other side was known to hold everything this device had.
    pub synced_at: Option<i64>,
    /// How far each side's subject has been taken in.
    pub read: BTreeMap<Side, u64>,
    /// A bundle is due (new changes, an acknowledgement, or an answer to the other side).
    pub due: bool,
    /// The other device has the discussion: it declared heads (by a link, file or bundle
    /// of its own).
    pub peer_known: bool,
    /// Of what the other side lacks, something changes the record's content (not only
    /// this device's key or its answer to pairing).
    pub content_waiting: bool,
}

/// What taking in one mailbox message did.
#[derive(Debug)]
pub enum MailboxTaken {
    /// This device's own bundle, read back.
    Own,
    /// Merged or nothing new (`new_changes` 0); `other_party`: from the other person, not
    /// from another device of this one.
    Taken { taken: TakenIn, other_party: bool },
}

/// Why a mailbox message changed nothing; the position moves past it all the same, so one
/// bad message never blocks the later ones.
#[derive(Debug)]
pub enum MailboxError {
    Envelope(EnvelopeError),
    NotABundle,
    OtherDiscussion,
    Replayed,
    Share(ShareError),
    Workspace(Box<WorkspaceError>),
    NotPaired,
}

impl MailboxError {
    /// Why the message was skipped, in words ("it came round again (replayed)").
    pub fn reason(&self) -> String {
        match self {
            MailboxError::Envelope(e) => e.to_string(),
            MailboxError::NotABundle => "it is not a bundle of changes".into(),
            MailboxError::OtherDiscussion => "it is for another discussion".into(),
            MailboxError::Replayed => "it came round again (replayed)".into(),
            MailboxError::Share(e) => e.to_string(),
            MailboxError::Workspace(e) => e.to_string(),
            MailboxError::NotPaired => "this discussion is not paired".into(),
        }
    }
}

impl std::fmt::Display for MailboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailboxError::NotPaired => f.write_str("this discussion is not paired"),
            other => write!(
                f,
                "a message in the mailbox was skipped: {}",
                other.reason()
            ),
        }
    }
}

impl std::error::Error for MailboxError {}

impl From<EnvelopeError> for MailboxError {
    fn from(e: EnvelopeError) -> MailboxError {
        MailboxError::Envelope(e)
    }
}

impl From<ShareError> for MailboxError {
    fn from(e: ShareError) -> MailboxError {
        MailboxError::Share(e)
    }
}

impl From<WorkspaceError> for MailboxError {
    fn from(e: WorkspaceError) -> MailboxError {
        match e {
            WorkspaceError::Share(s) => MailboxError::Share(s),
            other => MailboxError::Workspace(Box::new(other)),
        }
    }
}

impl<K: KvStore> Workspace<K> {
    /// A discussion's pairing as its shared record holds it.
    pub fn pairing(&mut self, id: &str) -> Result<PairingState, WorkspaceError> {
        if let Some(state) = self.copies.pairings.get(id) {
            return Ok(state.clone());
        }
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        let state = mailbox::read(&stored.doc);
        self.copies.pairings.insert(id.to_string(), state.clone());
        Ok(state)
    }

    /// This side's answer to paired sync for a discussion: yes (the first yes makes the
    /// mailbox, from 48 random bytes) or no. Devices are paired once both sides said yes;
    /// the other side learns this answer with the next link, file, live session or bundle.
    /// Returns whether anything changed.
    pub fn answer_pairing(
        &mut self,
        id: &str,
        yes: bool,
        random: [u8; 48],
        now: i64,
    ) -> Result<bool, WorkspaceError> {
        let side = self.side(id).side;
        let state = self.pairing(id)?;
        if state.said(side) == Some(yes) && (!yes || state.pairing.is_some()) {
            return Ok(false);
        }
        // Before anything is written: the first share gives the record a fresh history.
        self.fresh_history_before_first_share(id, now)?;
        let fresh = Pairing::from_random(random);
        let changed = self.change_discussion(id, |doc| {
            let changed =
                mailbox::answer(doc, side, yes, &fresh).map_err(crate::error::EditError::from)?;
            Ok((changed, changed))
        })?;
        self.stored(&DocName::Discussion(id.into()))?.commit(now);
        Ok(changed)
    }

    /// Says yes to paired sync (see [`Workspace::answer_pairing`]); the mailbox, once both
    /// said yes, is the record's.
    pub fn pair(
        &mut self,
        id: &str,
        random: [u8; 48],
        now: i64,
    ) -> Result<PairingState, WorkspaceError> {
        self.answer_pairing(id, true, random, now)?;
        self.pairing(id)
    }

    /// Stops the pairing (says no): the other side is told by one last bundle; nothing
    /// merged is removed.
    pub fn stop_pairing(&mut self, id: &str, now: i64) -> Result<(), WorkspaceError> {
        self.answer_pairing(id, false, [0; 48], now).map(|_| ())
    }

    /// The pairing bundles are sealed with: while paired, or while this side's "no" still
    /// has to reach the other side.
    fn sealing(&mut self, id: &str) -> Option<Pairing> {
        let side = self.side(id).side;
        self.pairing(id).ok()?.seals(side).cloned()
    }

    pub fn mailbox_status(&mut self, id: &str) -> Result<MailboxStatus, WorkspaceError> {
        let state = self.pairing(id)?;
        let meta = self.meta_to_change(id);
        let peer = meta.peer_heads.clone();
        let sent = meta.sent_heads.clone();
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        let heads = stored.doc.get_heads();
        let lacking = not_in(&mut stored.doc, &peer);
        let peer_lacks = !lacking.is_empty();
        // Every change the other side lacks, this device's or another's it passed on.
        let waiting = lacking.len();
        let unsent = if waiting == 0 {
            0
        } else {
            let covered: Vec<ChangeHash> = peer.iter().chain(sent.iter()).copied().collect();
            not_in(&mut stored.doc, &covered).len()
        };
        let mut sorted = heads.clone();
        sorted.sort();
        let mut sent_sorted = sent;
        sent_sorted.sort();
        let due = meta.ack_due || meta.respond || (peer_lacks && sorted != sent_sorted);
        let peer_known = !peer.is_empty();
        let content_waiting =
            peer_lacks && (!peer_known || changes_content(&mut stored.doc, &peer));
        Ok(MailboxStatus {
            state,
            waiting,
            unsent,
            synced_at: meta.synced_at,
            read: {
                let mut read: BTreeMap<Side, u64> =
                    meta.mailbox_read.iter().map(|(k, v)| (*k, *v)).collect();
                for (side, at) in self
                    .read_positions
                    .get(id)
                    .into_iter()
                    .flat_map(|n| &n.read)
                {
                    let e = read.entry(*side).or_insert(0);
                    *e = (*e).max(*at);
                }
                read
            },
            due,
            peer_known,
            content_waiting,
        })
    }

    /// The bundle to publish now, sealed and signed by this device; `None` when nothing is
    /// due. `nonce` must be fresh random bytes.
    pub fn mailbox_bundle(
        &mut self,
        id: &str,
        nonce: [u8; 12],
        now: i64,
    ) -> Result<Option<Vec<u8>>, WorkspaceError> {
        self.bundle(id, nonce, now, false)
    }

    /// As [`Workspace::mailbox_bundle`], and also when what the other side lacks was sent
    /// already: once per connection, for a bundle the relay may have dropped since (its
    /// age limit, or others' messages pushing it out of its subject's last 16).
    pub fn mailbox_resend(
        &mut self,
        id: &str,
        nonce: [u8; 12],
        now: i64,
    ) -> Result<Option<Vec<u8>>, WorkspaceError> {
        self.bundle(id, nonce, now, true)
    }

    fn bundle(
        &mut self,
        id: &str,
        nonce: [u8; 12],
        now: i64,
        again: bool,
    ) -> Result<Option<Vec<u8>>, WorkspaceError> {
        let Some(pairing) = self.sealing(id) else {
            return Ok(None);
        };
        let status = self.mailbox_status(id)?;
        if !(status.due || again && status.waiting > 0) {
            return Ok(None);
        }
        // Changes since what the other side declared; the whole record if it never did.
        let mut package = self.package_with(id, false, now, false)?;
        let bytes = package.to_bytes();
        if bytes.len() > mailbox::MAX_BUNDLE {
            package = self.package_with(id, true, now, false)?;
        }
        let bytes = package.to_bytes();
        if bytes.len() > mailbox::MAX_BUNDLE {
            return Err(ShareError::TooLarge(bytes.len() / (1024 * 1024)).into());
        }
        let key = pairing.sender(&self.keys.current);
        // Numbered, so a receiver drops a bundle that comes round again.
        let mut meta = self.meta_to_change(id);
        let seq = (meta.bundle_seq + 1).max(now.max(0) as u64 * 1000);
        meta.bundle_seq = seq;
        self.write_meta(id, meta);
        let env = Envelope {
            from: key.id(),
            to: None,
            kind: Kind::Sync,
            seq,
            bytes,
        };
        self.in_flight
            .insert(id.to_string(), package.sender_heads.clone());
        Ok(Some(pairing.room(id).seal(&env, &key, nonce)))
    }

    /// The relay stored the last bundle of `id`.
    pub fn mailbox_published(&mut self, id: &str, now: i64) {
        let Some(heads) = self.in_flight.remove(id) else {
            return;
        };
        let mut meta = self.meta_to_change(id);
        meta.sent_heads = heads.clone();
        // What came in while the bundle was on its way is not acknowledged by it.
        let mut now_heads = self
            .stored(&DocName::Discussion(id.into()))
            .map(|s| s.doc.get_heads())
            .unwrap_or_default();
        now_heads.sort();
        let mut sent = heads;
        sent.sort();
        if now_heads == sent {
            meta.ack_due = false;
            meta.respond = false;
        }
        if self.peer_has_all(id, &meta.peer_heads) {
            meta.synced_at = Some(now);
        }
        self.write_meta(id, meta);
    }

    /// Moves the position of `side`'s subject past `seq` (a message that cannot be read).
    pub fn mailbox_skip(&mut self, id: &str, side: Side, seq: u64) {
        let mut meta = self.meta_to_change(id);
        let at = meta.mailbox_read.entry(side).or_insert(0);
        *at = (*at).max(seq);
        self.write_meta(id, meta);
    }

    /// The relay's stream was made anew: the stored positions point past its end.
    pub fn mailbox_reset(&mut self, id: &str) {
        self.read_positions.remove(id);
        let mut meta = self.meta_to_change(id);
        meta.mailbox_read.clear();
        self.write_meta(id, meta);
    }

    fn peer_has_all(&mut self, id: &str, peer: &[ChangeHash]) -> bool {
        if peer.is_empty() {
            return false;
        }
        self.stored(&DocName::Discussion(id.into()))
            .is_ok_and(|s| not_in(&mut s.doc, peer).is_empty())
    }

    /// Takes in one message of the mailbox, `seq` on the subject of `from`. The position
    /// moves past it whatever it holds (stored with the next save).
    pub fn mailbox_take(
        &mut self,
        id: &str,
        from: Side,
        seq: u64,
        frame: &[u8],
        today: Day,
        now: i64,
    ) -> Result<MailboxTaken, MailboxError> {
        // The position is stored by the save that stores what the message brought (see
        // `Workspace::save`): a device that stops before that reads the message again.
        let at = self
            .read_positions
            .entry(id.to_string())
            .or_default()
            .read
            .entry(from)
            .or_insert(0);
        *at = (*at).max(seq);
        self.note(super::Change::Notes(id.to_string()));
        let side = self.side(id).side;
        let state = self.pairing(id)?;
        let Some(pairing) = state.pairing.clone() else {
            return Err(MailboxError::NotPaired);
        };
        let env = pairing.room(id).open(frame)?;
        // This device's own (and one sealed by an earlier version, with the device key).
        let me = [
            pairing.sender(&self.keys.current).id(),
            SenderKey::from_device(self.keys.current.clone()).id(),
        ];
        if me.contains(&env.from) {
            return Ok(MailboxTaken::Own);
        }
        // Taken in once this side said yes (the other side's first bundle may be theirs).
        if state.listens(side).is_none() {
            return Err(MailboxError::NotPaired);
        }
        if env.kind != Kind::Sync {
            return Err(MailboxError::NotABundle);
        }
        // A bundle that comes round again is dropped; the number seen is stored with the
        // save too, so a bundle whose merge was never stored is not taken for a replay.
        let sender = crate::model::ids::id_from_bytes(env.from);
        let stored_seen = self
            .meta_to_change(id)
            .seen_seq
            .get(&sender)
            .copied()
            .unwrap_or(0);
        let noted = self.read_positions.entry(id.to_string()).or_default();
        let seen = noted.seen.entry(sender).or_insert(0);
        if env.seq <= (*seen).max(stored_seen) {
            return Err(MailboxError::Replayed);
        }
        *seen = env.seq;
        let package = Package::from_bytes(&env.bytes)?;
        if package.discussion_id != id {
            return Err(MailboxError::OtherDiscussion);
        }
        // A bundle for this side comes from another device of this same person (a tablet
        // and a laptop): merged, but it says nothing of what the other party has.
        let same_person = package.audience != side;
        let peer_before = self.meta_to_change(id).peer_heads;
        let taken = match self.take_in(&package, today, now) {
            Ok(t) => t,
            Err(e) => {
                if matches!(e, WorkspaceError::Share(ShareError::MissingBase)) {
                    // Built on changes this device lacks: say what it has, and the other
                    // side sends from there.
                    let mut meta = self.meta_to_change(id);
                    meta.respond = true;
                    self.write_meta(id, meta);
                }
                return Err(e.into());
            }
        };
        let mut meta = self.meta_to_change(id);
        if same_person {
            meta.peer_heads = peer_before;
        }
        // What this device last declared to the other side is out of date (changes came in,
        // by this bundle or another way such as a live session): say what it has now, or
        // the other side keeps sending again what it already has here.
        let mut heads = self
            .stored(&DocName::Discussion(id.into()))
            .map_err(WorkspaceError::from)?
            .doc
            .get_heads();
        heads.sort();
        let mut declared = meta.sent_heads.clone();
        declared.sort();
        if !same_person && declared != heads {
            meta.ack_due = true;
        }
        // The other side lacks something this device has: send it (again).
        let peer = meta.peer_heads.clone();
        let stored = self
            .stored(&DocName::Discussion(id.into()))
            .map_err(WorkspaceError::from)?;
        let lacks = !not_in(&mut stored.doc, &peer).is_empty();
        if lacks && !same_person {
            meta.respond = true;
        }
        if !lacks && !same_person && !meta.peer_heads.is_empty() {
            meta.synced_at = Some(now);
        }
        self.write_meta(id, meta);
        Ok(MailboxTaken::Taken {
            taken,
            other_party: !same_person,
        })
    }
}

/// The changes of `doc` not covered by `peer` (all of them when the peer's heads are not
/// all known here).
fn not_in(
    doc: &mut automerge::AutoCommit,
    peer: &[ChangeHash],
) -> Vec<automerge::ChangeMetadata<'static>> {
    let known = peer.iter().all(|h| doc.get_change_by_hash(h).is_some());
    let from: &[ChangeHash] = if known { peer } else { &[] };
    doc.get_changes_meta(from)
        .into_iter()
        .map(|c| c.into_owned())
        .collect()
}

/// Heads a bundle covered, while its publication is unconfirmed.
pub(super) type InFlight = std::collections::HashMap<String, Vec<ChangeHash>>;

/// Whether the changes of `doc` since `peer` change more than the bookkeeping a device
/// writes by itself (its key, its answer to pairing).
fn changes_content(doc: &mut automerge::AutoCommit, peer: &[ChangeHash]) -> bool {
    use automerge::{PatchAction, Prop};
    let known = peer.iter().all(|h| doc.get_change_by_hash(h).is_some());
    if !known {
        return true;
    }
    let heads = doc.get_heads();
    let bookkeeping = |key: &str| {
        key.starts_with("key_") || key.starts_with("pairing") || key.starts_with("confirmed_")
    };
    doc.diff(peer, &heads).iter().any(|p| match p.path.first() {
        Some((_, Prop::Map(key))) => !bookkeeping(key),
        Some(_) => true,
        None => match &p.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => !bookkeeping(key),
            _ => true,
        },
    })
}

/// What reading a discussion's mailbox moved past and has not stored yet: stored by the
/// save that stores what the messages brought.
#[derive(Default)]
pub(super) struct Noted {
    /// How far each side's subject was read.
    read: BTreeMap<Side, u64>,
    /// The last bundle number taken in from each sender (hex id).
    seen: BTreeMap<String, u64>,
}

pub(super) type ReadPositions = std::collections::HashMap<String, Noted>;

impl<K: KvStore> Workspace<K> {
    /// Puts the positions taken in since the last save into the metadata to write (called
    /// by the save once the documents are written).
    pub(super) fn positions_to_meta(&mut self) {
        for (id, noted) in std::mem::take(&mut self.read_positions) {
            if self.notes.is_erased(&id) {
                continue;
            }
            let mut meta = self.meta_to_change(&id);
            for (side, at) in noted.read {
                let e = meta.mailbox_read.entry(side).or_insert(0);
                *e = (*e).max(at);
            }
            for (sender, n) in noted.seen {
                let e = meta.seen_seq.entry(sender).or_insert(0);
                *e = (*e).max(n);
            }
            self.notes.put(&id, meta);
        }
    }
}
