//! What leaves this device: a fresh history before the first share, and packages for links and files.

use crate::error::EditError;
use crate::model::discussion::{self, DiscussionEdit};
use crate::model::fields::{self};
use crate::model::trust::{self};
use crate::share::signoff::{self};
use crate::share::Package;
use crate::storage::blobs::{KvStore, LoadError};
use crate::storage::keys::DocName;
use crate::Side;
use automerge::{ActorId, AutoCommit};

use super::{Change, Workspace, WorkspaceError};

impl<K: KvStore> Workspace<K> {
    /// The first start of a version that gives a discussion a fresh history before its
    /// first share: discussions already here may have been shared by an earlier version
    /// (which noted nothing), and a new history would no longer merge with the copy the
    /// other person has. They count as shared.
    pub(super) fn mark_existing_as_shared(&mut self) {
        let ids: Vec<String> = self.index.discussions.keys().cloned().collect();
        for id in ids {
            if let Ok(Some(meta)) = self.meta(&id) {
                if meta.shared || !meta.peer_heads.is_empty() {
                    continue;
                }
            }
            let mut meta = self.meta_to_change(&id);
            meta.shared = true;
            self.write_meta(&id, meta);
        }
    }

    /// The first time a discussion leaves this device, it leaves as a fresh document: the
    /// same id and content, a new history holding only the current state, which this device
    /// adopts in place of the old one. So nothing typed and deleted before (an interjection
    /// taken back, a name corrected) nor the time of each edit travels. Only a history made
    /// entirely on this device is replaced: once anything came from elsewhere, the other
    /// side shares that history and a new one could not merge with theirs. A signature of
    /// this device that covers the content is made again on the new history.
    pub fn before_sharing(&mut self, id: &str, now: i64) -> Result<(), WorkspaceError> {
        self.fresh_history_before_first_share(id, now).map(|_| ())
    }

    /// See [`Workspace::before_sharing`].
    /// Whether the history was replaced.
    pub(super) fn fresh_history_before_first_share(
        &mut self,
        id: &str,
        now: i64,
    ) -> Result<bool, WorkspaceError> {
        let meta = self.meta(id).ok().flatten();
        if meta
            .as_ref()
            .is_some_and(|m| m.shared || !m.peer_heads.is_empty())
            || self.travelled.contains(id)
        {
            return Ok(false);
        }
        let side = self.side(id).side;
        let trust = self.trust(id);
        let mine = self.mine();
        let key = self.keys.current.clone();
        let name = DocName::Discussion(id.into());
        let kv = &mut self.kv;
        let Some(Ok(stored)) = self.docs.get_mut(&name) else {
            // Not loaded yet: load it, then look again.
            self.stored(&name)?;
            return self.fresh_history_before_first_share(id, now);
        };
        if let Err(LoadError::Storage(e)) = stored.refresh(kv) {
            return Err(e.into());
        }
        stored.commit(now);
        let travelled = stored
            .doc
            .get_changes_meta(&[])
            .iter()
            .any(|c| !mine(&c.actor));
        if travelled {
            // Nothing to do, now or later (and nothing written: joining a session must not
            // change storage before anything is exchanged).
            self.travelled.insert(id.to_string());
            return Ok(false);
        }
        {
            let d = discussion::read(&stored.doc)?;
            let status = signoff::status(&mut stored.doc, &trust)?;
            // Its own actor (this device's prefix, a new suffix): the old history's change
            // numbers are never reused if the two ever meet in another tab.
            let old_actor = stored.doc.get_actor().to_bytes().to_vec();
            let mut actor = old_actor.clone();
            if actor.len() == 16 {
                use sha2::{Digest, Sha256};
                let suffix = Sha256::digest([&old_actor[..], &now.to_be_bytes()].concat());
                actor[8..].copy_from_slice(&suffix[..8]);
            }
            let mut fresh = AutoCommit::new().with_actor(ActorId::from(&actor[..]));
            discussion::write_whole(&mut fresh, &d)?;
            if let Some(k) = trust::recorded_key(&stored.doc, side) {
                trust::record_key(&mut fresh, side, &k)?;
            }
            crate::live::mailbox::copy(&stored.doc, &mut fresh).map_err(EditError::from)?;
            for p in fields::proposals(&stored.doc) {
                fields::write_proposal(&mut fresh, &p)?;
            }
            fresh.commit_with(automerge::transaction::CommitOptions::default().with_time(now));
            if let Some(sig) = status.of(side).filter(|s| s.check.is_verified()) {
                if status.covers(side) {
                    signoff::sign(&mut fresh, side, &sig.name, sig.on, &key)?;
                    fresh.commit_with(
                        automerge::transaction::CommitOptions::default().with_time(now),
                    );
                }
            }
            stored.replace(kv, fresh)?;
            self.copies.forget(&name);
            self.reviewed = None;
            self.note(Change::Doc(name.clone()));
        }
        let mut meta = self.meta_to_change(id);
        meta.shared = true;
        self.write_meta(id, meta);
        Ok(true)
    }

    /// A package of the shared discussion for the other side: only what they lack (from
    /// the last package they sent), unless `whole`. On the leader's device their name goes
    /// into the record first, so the employee sees who is who.
    pub fn package(&mut self, id: &str, whole: bool, now: i64) -> Result<Package, WorkspaceError> {
        self.package_with(id, whole, now, true)
    }

    /// As [`Workspace::package`]; `record_key` false leaves the record's keys as they are (a
    /// mailbox bundle: two devices of one person would otherwise write their keys in turn,
    /// each write a change for the other to answer).
    pub(super) fn package_with(
        &mut self,
        id: &str,
        whole: bool,
        now: i64,
        record_key: bool,
    ) -> Result<Package, WorkspaceError> {
        let side = self.side(id).side;
        if side == Side::Leader {
            let manager = self.roster().map(|r| r.manager).unwrap_or_default();
            let d = self.discussion(id)?;
            if !manager.name.trim().is_empty() && d.manager.name.trim().is_empty() {
                self.edit_discussion(id, DiscussionEdit::Manager(manager))?;
            }
        }
        self.fresh_history_before_first_share(id, now)?;
        // The other device pins the key it finds here the first time.
        if record_key || self.my_key_unrecorded(id)? {
            self.record_my_key(id)?;
        }
        let peer = self
            .meta(id)
            .ok()
            .flatten()
            .map(|m| m.peer_heads)
            .unwrap_or_default();
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        stored.commit(now);
        let package = if whole {
            Package::whole(&mut stored.doc, side.other())
        } else {
            Package::changes_since(&mut stored.doc, side.other(), &peer)
        };
        Ok(package?)
    }
}
