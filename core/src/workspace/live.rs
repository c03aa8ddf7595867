//! Live sessions, the document side: messages in (through the one way in) and out, and a discussion arriving whole.

use crate::live::envelope::Envelope;
use crate::live::session::{LiveError, Received, Session};
use crate::model::discussion::{self, Discussion};
use crate::share::join::Refused;
use crate::share::origin;
use crate::storage::blobs::KvStore;
use crate::storage::keys::DocName;
use crate::{Day, Side};
use automerge::AutoCommit;

use super::{Change, Workspace, WorkspaceError};

/// A discussion arriving through a live session on a device that did not have it: it
/// fills as sync messages come in, until it is a whole discussion.
pub struct Arriving {
    doc: AutoCommit,
    id: String,
}

impl Arriving {
    pub fn new(discussion_id: &str) -> Arriving {
        Arriving {
            doc: AutoCommit::new(),
            id: discussion_id.to_string(),
        }
    }

    /// Takes in one message; returns what it did and whether the discussion is now whole.
    pub fn receive(
        &mut self,
        session: &mut Session,
        env: Envelope,
    ) -> (Result<Received, LiveError>, bool) {
        let received = session.receive(&mut self.doc, env);
        let whole = discussion::read(&self.doc).is_ok_and(|d| d.id == self.id);
        (received, whole)
    }
}

impl<K: KvStore> Workspace<K> {
    /// Readies a session on a discussion this device has, before its first hello: the
    /// hello proves which discussion this copy is (see `session`).
    pub fn live_session(&mut self, id: &str, session: &mut Session) -> Result<(), WorkspaceError> {
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        session.set_origin(origin(&mut stored.doc));
        Ok(())
    }

    /// Takes in one live-session message for a discussion this device has.
    ///
    /// What a peer on the other side changed in a part of this side's is set back at once
    /// (see `share::ownership`), and the peers are sent that.
    pub fn live_receive(
        &mut self,
        id: &str,
        session: &mut Session,
        env: Envelope,
        today: Day,
        now: i64,
    ) -> Result<Received, WorkspaceError> {
        let name = DocName::Discussion(id.into());
        let from = env.from;
        let side = self.side(id).side;
        let stored = self.stored(&name)?;
        if session.origin().is_none() {
            session.set_origin(origin(&mut stored.doc));
        }
        // Through the one way in, like a link: a change with no parent (a peer with the
        // same discussion id but not the same discussion, a crafted link) or changes that
        // leave no valid discussion are refused, and the sync with that peer starts over.
        let joined = self.join_discussion(
            id,
            today,
            now,
            |doc| {
                let received = session.receive(doc, env)?;
                let peer = session.peers.get(&from).and_then(|p| p.presence.side);
                Ok((received, peer))
            },
            // A peer on this side is another device of this person's.
            |(_, peer)| match peer {
                Some(peer) if *peer == side => side,
                _ => side.other(),
            },
        );
        let ((mut received, _), arrival) = match joined {
            Ok(joined) => joined,
            Err(Refused::AnotherHistory) => {
                session.restart_peer(from);
                return Err(LiveError::Unrelated.into());
            }
            Err(Refused::Because(WorkspaceError::Decode(_) | WorkspaceError::Share(_))) => {
                session.restart_peer(from);
                return Err(LiveError::Invalid.into());
            }
            Err(Refused::Because(e)) => return Err(e),
        };
        if arrival.set_back {
            // What was set back is a change of this device's: the peers get it now.
            let stored = self.stored(&name)?;
            received
                .replies
                .extend(session.local_change(&mut stored.doc));
        }
        if arrival.new_changes > 0 {
            self.note(Change::Arrived(id.to_string()));
        }
        Ok(received)
    }

    /// Commits pending edits and produces the messages for the session's peers: the new
    /// local changes, or (`fresh_round`) a new sync round with everyone. Values are
    /// unchanged, so copies stay.
    pub fn live_outgoing(
        &mut self,
        id: &str,
        session: &mut Session,
        fresh_round: bool,
        now: i64,
    ) -> Result<Vec<Envelope>, WorkspaceError> {
        if fresh_round {
            // A session is a way out of this device too (see the first share). A new history
            // has a new first change: the session's proof follows it.
            if self.fresh_history_before_first_share(id, now)? {
                session.set_origin(None);
            }
            // The other device pins the key it finds here (once someone proved they have
            // this discussion); one that cannot take it (unreadable) still syncs.
            if session.exchanging() {
                let _ = self.record_my_key(id);
            }
        }
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        if session.origin().is_none() {
            session.set_origin(origin(&mut stored.doc));
        }
        stored.commit(now);
        Ok(if fresh_round {
            session.tick(&mut stored.doc)
        } else {
            session.local_change(&mut stored.doc)
        })
    }

    /// Stores a discussion that arrived whole through a live session, as the employee's.
    pub fn adopt(
        &mut self,
        arriving: Arriving,
        today: Day,
        now: i64,
    ) -> Result<Discussion, WorkspaceError> {
        let d = discussion::read(&arriving.doc)?;
        self.import_new(arriving.doc, &d, Side::Employee, today, now)?;
        let mut meta = self.meta_to_change(&d.id);
        meta.perspective = Side::Employee;
        self.write_meta(&d.id, meta);
        self.pin_other_key(&d.id);
        self.note(Change::Arrived(d.id.clone()));
        Ok(d)
    }
}
