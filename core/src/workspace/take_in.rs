//! What comes in by link, file or paired bundle: merged into the copy here through the one way in, or stored as a new discussion.

use crate::model::discussion::{self, Discussion};
use crate::model::fields::Proposal;
use crate::model::people::{Person, RosterEdit};
use crate::model::prep::{self};
use crate::model::reflection::{self};
use crate::share::join::{back_to, first, join, Refused};
use crate::share::ownership::keep_owned;
use crate::share::review::{self, Review};
use crate::share::{Package, ShareError};
use crate::storage::blobs::{KvStore, LoadError};
use crate::storage::index::IndexEntry;
use crate::storage::keys::DocName;
use crate::storage::meta::LocalMeta;
use crate::{Day, Side};
use automerge::transaction::CommitOptions;
use automerge::{AutoCommit, ChangeHash};

use super::{Workspace, WorkspaceError};

/// What joining brought into a discussion (see [`Workspace::join_discussion`]).
pub(super) struct Arrival {
    pub(super) before: Vec<ChangeHash>,
    pub(super) new_changes: usize,
    /// What the other side changed in parts of this side's, set back and kept as their
    /// suggestions.
    pub(super) kept: Vec<Proposal>,
    /// Setting back made a change of this device's (the peers of a live session get it).
    pub(super) set_back: bool,
}

/// What taking in a package did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TakenIn {
    /// Merged into the discussion this device has: `new_changes` of the other side's, and
    /// what this merge (only this one) changed, for the notice.
    Merged {
        id: String,
        new_changes: usize,
        review: Box<Review>,
        /// Changes to parts of this side's that were set back and kept as the other side's
        /// suggestions.
        kept: Vec<Proposal>,
    },
    /// A discussion this device did not have, now stored, from `side`'s view.
    Imported {
        id: String,
        side: Side,
        discussion: Box<Discussion>,
    },
}

impl TakenIn {
    pub fn id(&self) -> &str {
        match self {
            TakenIn::Merged { id, .. } | TakenIn::Imported { id, .. } => id,
        }
    }

    /// What taking it in did, in words for a notice; `other` is the other person's name.
    pub fn message(&self, other: &str) -> String {
        match self {
            TakenIn::Merged { new_changes: 0, .. } => {
                format!("You already had everything from {other}.")
            }
            TakenIn::Merged { review, kept, .. } => {
                let mut message = review.message(other);
                let (part, verb, kept_as) = if kept.len() == 1 {
                    ("a part of the record", "is", "a suggestion")
                } else {
                    ("parts of the record", "are", "suggestions")
                };
                if !kept.is_empty() {
                    message.push_str(&format!(
                        " {other} also changed {part} that {verb} yours to decide: kept as \
                         {kept_as}, for you to accept or decline."
                    ));
                }
                message
            }
            TakenIn::Imported {
                side: Side::Employee,
                discussion,
                ..
            } => format!(
                "{} shared your career discussion with you. It is saved on this device only. \
                 Reflect privately first; publish answers when you are ready.",
                Some(discussion.manager.name.trim())
                    .filter(|n| !n.is_empty())
                    .unwrap_or("Your leader")
            ),
            TakenIn::Imported { discussion, .. } => {
                format!("Imported the discussion with {}.", discussion.employee.name)
            }
        }
    }
}

/// What a link holds, read before anyone says to take it in: who it is between, and
/// whether the sender asks for paired sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkPreview {
    pub employee: String,
    pub manager: String,
    pub created_on: Day,
    /// The side that made the package said yes to paired sync.
    pub sync_asked: bool,
}

impl LinkPreview {
    /// Reads a whole package (a changes-only one has nothing to read on its own).
    pub fn of(package: &Package) -> Result<LinkPreview, ShareError> {
        let (doc, d) = package.whole_document()?;
        let state = crate::live::mailbox::read(&doc);
        Ok(LinkPreview {
            employee: d.employee.name,
            manager: d.manager.name,
            created_on: d.created_on,
            sync_asked: state.said(package.audience.other()) == Some(true),
        })
    }
}

impl<K: KvStore> Workspace<K> {
    /// The one way changes join a discussion here (links, files, bundles, live messages):
    /// `bring` adds them to the document, which keeps them only when they are of its one
    /// history and leave a valid discussion ([`join`]). Then what `sender` changed in a part
    /// of this side's is set back and kept as a suggestion (`share::ownership`), and the
    /// workspace takes the result: the hydrated copy the validation read, the index entry,
    /// the other party's key. `sender` is told what `bring` returned (a live message says
    /// who sent it only once it is read).
    ///
    /// Refused or failed, nothing here changed.
    pub(super) fn join_discussion<T>(
        &mut self,
        id: &str,
        today: Day,
        now: i64,
        bring: impl FnOnce(&mut AutoCommit) -> Result<T, WorkspaceError>,
        sender: impl FnOnce(&T) -> Side,
    ) -> Result<(T, Arrival), Refused<WorkspaceError>> {
        let name = DocName::Discussion(id.into());
        let side = self.side(id).side;
        let may_keep_out = self.may_keep_out(id);
        let mine = self.mine();
        let stored = self
            .stored(&name)
            .map_err(|e| Refused::Because(WorkspaceError::DamagedCopy(e)))?;
        stored.commit(now);
        let (out, joined) = join(&mut stored.doc, bring, |doc| {
            let d = discussion::read(doc)?;
            if d.id != id {
                return Err(ShareError::Unrelated.into());
            }
            Ok(d)
        })?;
        let mut arrival = Arrival {
            before: joined.before,
            new_changes: joined.new_changes,
            kept: vec![],
            set_back: false,
        };
        let Some(copy) = joined.value else {
            return Ok((out, arrival));
        };
        let from = sender(&out);
        if from != side && may_keep_out {
            match keep_owned(&mut stored.doc, &arrival.before, from, today, &mine) {
                Ok(kept) => arrival.kept = kept,
                Err(e) => {
                    // Not taken in after all: the document goes back to before the join.
                    back_to(&mut stored.doc, &arrival.before);
                    return Err(Refused::Because(e.into()));
                }
            }
            arrival.set_back = stored
                .doc
                .commit_with(CommitOptions::default().with_time(now))
                .is_some();
        }
        self.copies.forget(&name);
        if !arrival.set_back {
            self.copies.discussions.insert(id.to_string(), copy);
        }
        self.counted_kept_out(id, arrival.kept.len());
        self.mark_dirty(&name);
        // The copy was read a moment ago: the index follows it without another read.
        let _ = self.update_index(id);
        self.pin_other_key(id);
        Ok((out, arrival))
    }

    /// Takes in a package from a link or file: merges it into the local copy, or stores it
    /// as a new discussion. On any error nothing local changes.
    pub fn take_in(
        &mut self,
        package: &Package,
        today: Day,
        now: i64,
    ) -> Result<TakenIn, WorkspaceError> {
        let id = package.discussion_id.clone();
        let name = DocName::Discussion(id.clone());
        match self.stored(&name) {
            Ok(_) => {}
            Err(LoadError::NotFound) => return self.import_package(package, today, now),
            Err(e) => return Err(WorkspaceError::DamagedCopy(e)),
        }
        // A package made for this side comes from the other one; one made for the other
        // side, from another device of this same person.
        let side = self.side(&id).side;
        let sender = if package.audience == side {
            side.other()
        } else {
            side
        };
        let (_, merged) = self
            .join_discussion(&id, today, now, |doc| Ok(package.bring(doc)?), |_| sender)
            .map_err(|refused| match refused {
                Refused::AnotherHistory => ShareError::Unrelated.into(),
                Refused::Because(WorkspaceError::Decode(e)) => ShareError::from(e).into(),
                Refused::Because(e) => e,
            })?;
        let kept = merged.kept;
        // What this merge brought, on its own: what the notice says.
        let review = if merged.new_changes > 0 {
            let mine = self.mine();
            let mut to = merged.before.clone();
            to.extend(package.sender_heads.iter().copied());
            let stored = self.stored(&name)?;
            review::changes_between(&mut stored.doc, &merged.before, &to, &mine).ok()
        } else {
            Some(Review::default())
        };
        let computed = review.is_some();
        let mut review = review.unwrap_or_default();
        let mut meta = self.meta_to_change(&id);
        // What the other side has: what this package declares, or, when an earlier
        // declaration is not part of it (another device of the same person, which has not
        // seen the first's changes), what both declarations share — so the next
        // changes-only package can be taken in by either device.
        let declared = package.sender_heads.clone();
        let before = std::mem::take(&mut meta.peer_heads);
        meta.peer_heads = {
            let doc = &mut self.stored(&name)?.doc;
            if before.is_empty() || crate::doc::within(doc, &before, &declared) {
                declared
            } else {
                match crate::doc::common_heads(doc, &before, &declared) {
                    common if common.is_empty() => declared,
                    common => common,
                }
            }
        };
        // A field marked as seen that this merge changed again is to be seen again.
        meta.seen
            .retain(|k| !review.changes.iter().any(|c| &c.key == k));
        if merged.new_changes > 0 {
            if meta.review_from.is_none() {
                meta.review_from = Some(merged.before.clone());
                meta.review_to = Some(merged.before.clone());
                meta.seen.clear();
                meta.restored.clear();
            }
            // What the review covers: all merged so far, not this device's later edits.
            let first = meta.review_to.as_ref() == meta.review_from.as_ref();
            let to = meta.review_to.get_or_insert_with(Vec::new);
            for h in &package.sender_heads {
                if !to.contains(h) {
                    to.push(*h);
                }
            }
            // The first merge of a review is the whole review: computed once.
            if first && computed {
                if let Some(from) = meta.review_from.clone() {
                    self.reviewed =
                        Some((id.clone(), from, meta.review_to.clone(), review.clone()));
                }
            }
        }
        self.write_meta(&id, meta);
        self.pin_other_key(&id);
        self.drop_kept_out(&id, &mut review);
        self.counted_kept_out(&id, kept.len());
        Ok(TakenIn::Merged {
            id,
            new_changes: merged.new_changes,
            review: Box::new(review),
            kept,
        })
    }

    pub(super) fn import_package(
        &mut self,
        package: &Package,
        today: Day,
        now: i64,
    ) -> Result<TakenIn, WorkspaceError> {
        let (doc, d) = package.whole_document()?;
        let side = package.audience;
        self.import_new(doc, &d, side, today, now)?;
        let meta = LocalMeta {
            perspective: side,
            peer_heads: package.sender_heads.clone(),
            review_from: None,
            review_to: None,
            ..LocalMeta::default()
        };
        self.write_meta(&d.id, meta);
        self.pin_other_key(&d.id);
        Ok(TakenIn::Imported {
            id: d.id.clone(),
            side,
            discussion: Box::new(d),
        })
    }

    /// Stores a discussion this device did not have, with the private document of `side`.
    pub(super) fn import_new(
        &mut self,
        doc: AutoCommit,
        d: &Discussion,
        side: Side,
        today: Day,
        now: i64,
    ) -> Result<(), WorkspaceError> {
        let id = d.id.clone();
        let mut doc = doc;
        // One history, as everywhere else things come in.
        first(&mut doc, |_| Ok::<_, ()>(())).map_err(|_| ShareError::Unrelated)?;
        if side == Side::Leader
            && self
                .roster()
                .is_ok_and(|r| r.person(&d.person_id).is_none())
        {
            self.edit_roster(RosterEdit::AddPerson(Person {
                id: d.person_id.clone(),
                name: d.employee.name.clone(),
                role: d.employee.role.clone(),
                team: String::new(),
                cadence_months: 12,
                archived: false,
                added_on: today,
            }))?;
        }
        let mut private = self.new_doc();
        let private_name = match side {
            Side::Leader => {
                prep::create(&mut private, &id)?;
                DocName::Prep(id.clone())
            }
            Side::Employee => {
                reflection::create(&mut private, &id)?;
                DocName::Reflection(id.clone())
            }
        };
        if self.stored(&private_name).is_err() {
            self.create(&private_name, private, now)?;
        }
        let doc = doc.with_actor(self.actor.clone());
        self.create(&DocName::Discussion(id.clone()), doc, now)?;
        let mut entry = IndexEntry::of(d);
        entry.shared_with_me = side == Side::Employee;
        self.index.discussions.insert(id.clone(), entry);
        self.index_changed_for(&id);
        Ok(())
    }
}
