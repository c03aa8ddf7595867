//! Handing a person over (see `share::handover`): making the file on the outgoing
//! manager's device, and taking it in on the new manager's, where the person's history
//! becomes theirs — their own preparation starting empty unless the file holds the old one.

use super::{Workspace, WorkspaceError};
use crate::model::people::{Person, RosterEdit};
use crate::model::prep;
use crate::share::handover::{Handover, HandoverError};
use crate::share::origin;
use crate::storage::backup::check_kind;
use crate::storage::blobs::{KvStore, LoadError};
use crate::storage::index::IndexEntry;
use crate::storage::keys::DocName;
use crate::{Day, Side};

/// A handover file made, and what it holds.
pub struct HandoverMade {
    pub handover: Handover,
    pub discussions: usize,
    pub with_prep: bool,
    /// Discussions left out because their stored data cannot be read.
    pub damaged: usize,
}

/// What taking a handover in did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverTaken {
    pub person_id: String,
    pub name: String,
    pub from: String,
    /// Discussions new on this device.
    pub added: usize,
    /// Discussions this device had, merged with the file's copy.
    pub merged: usize,
    pub with_prep: bool,
}

impl<K: KvStore> Workspace<K> {
    /// The handover file for a person on this device's people list: every discussion this
    /// device leads with them, and the private preparation only when `with_prep`.
    pub fn handover(
        &mut self,
        person_id: &str,
        with_prep: bool,
        today: Day,
    ) -> Result<HandoverMade, WorkspaceError> {
        let roster = self.roster()?;
        let person = roster.person(person_id).ok_or(LoadError::NotFound)?;
        let keys = self.keys.all().map(|k| k.to_hex()).collect();
        let mut handover = Handover::new(person, &roster.manager, keys, today);
        let ids: Vec<String> = self
            .index
            .of_person(person_id)
            .into_iter()
            .filter(|(_, e)| !e.shared_with_me)
            .map(|(id, _)| id.clone())
            .collect();
        let (mut discussions, mut damaged) = (0, 0);
        for id in ids {
            let name = DocName::Discussion(id.clone());
            match self.stored(&name) {
                Ok(stored) => handover.add(&name, &stored.to_bytes()),
                Err(LoadError::Damaged(_)) => {
                    damaged += 1;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            discussions += 1;
            if with_prep {
                let name = DocName::Prep(id.clone());
                match self.stored(&name) {
                    Ok(stored) => handover.add(&name, &stored.to_bytes()),
                    Err(LoadError::NotFound | LoadError::Damaged(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(HandoverMade {
            handover,
            discussions,
            with_prep,
            damaged,
        })
    }

    /// Takes a handover file in: the person joins this device's people list (unless they
    /// are on it already), their discussions become this device's to lead, with an empty
    /// preparation of its own unless the file holds one. Everything is checked first: a
    /// file that cannot be read, or a person or discussion already here with a history
    /// that did not come from it, changes nothing.
    pub fn take_handover(
        &mut self,
        bytes: &[u8],
        now: i64,
    ) -> Result<HandoverTaken, WorkspaceError> {
        let mut checked = Handover::parse(bytes)?;
        let h = checked.handover.clone();
        let unrelated = || HandoverError::Unrelated(h.person.name.clone());
        let roster = self.roster()?;
        // Every check before the first change.
        for (id, (doc, _)) in checked.discussions.iter_mut() {
            let name = DocName::Discussion(id.clone());
            match self.stored(&name) {
                Ok(stored) => {
                    if origin(&mut stored.doc) != origin(doc) {
                        return Err(unrelated().into());
                    }
                }
                Err(LoadError::NotFound) => {}
                Err(e) => return Err(WorkspaceError::DamagedCopy(e)),
            }
            if self.index.discussions.contains_key(id) && self.side(id).side == Side::Employee {
                // This device is the employee's own: it cannot lead it.
                return Err(unrelated().into());
            }
        }
        if roster.person(&h.person.id).is_some() {
            let here = self.index.of_person(&h.person.id);
            if here
                .iter()
                .any(|(id, _)| !checked.discussions.contains_key(*id))
            {
                return Err(unrelated().into());
            }
        }
        if roster.person(&h.person.id).is_none() {
            self.edit_roster(RosterEdit::AddPerson(Person {
                id: h.person.id.clone(),
                name: h.person.name.clone(),
                role: h.person.role.clone(),
                team: h.person.team.clone(),
                cadence_months: h.person.cadence_months,
                archived: false,
                added_on: h.person.added_on,
            }))?;
        }
        let former: Vec<String> = h
            .leader_keys
            .iter()
            .filter(|k| crate::model::trust::PublicKey::from_hex(k).is_some())
            .cloned()
            .collect();
        let (mut added, mut merged) = (0, 0);
        let with_prep = checked.discussions.values().any(|(_, p)| p.is_some());
        for (id, (mut incoming, incoming_prep)) in checked.discussions {
            let name = DocName::Discussion(id.clone());
            match self.changing(&name) {
                Ok(stored) => {
                    // Into a trial copy first: the copy here changes only when the result
                    // is still a discussion.
                    let mut trial = stored.doc.fork();
                    trial
                        .merge(&mut incoming)
                        .map_err(|e| e.to_string())
                        .and_then(|_| check_kind(&name.key(), &trial))
                        .map_err(|e| HandoverError::Damaged(name.key(), e))?;
                    let actor = stored.doc.get_actor().clone();
                    stored.doc = trial.with_actor(actor);
                    self.mark_dirty(&name);
                    merged += 1;
                }
                Err(LoadError::NotFound) => {
                    self.create(&name, incoming.with_actor(self.actor.clone()), now)?;
                    added += 1;
                }
                Err(e) => return Err(WorkspaceError::DamagedCopy(e)),
            }
            let prep_name = DocName::Prep(id.clone());
            if matches!(self.stored(&prep_name), Err(LoadError::NotFound)) {
                let doc = match incoming_prep {
                    Some(p) => p.with_actor(self.actor.clone()),
                    None => {
                        let mut doc = self.new_doc();
                        prep::create(&mut doc, &id)?;
                        doc
                    }
                };
                self.create(&prep_name, doc, now)?;
            }
            let mut meta = self.meta_to_change(&id);
            meta.perspective = Side::Leader;
            // It has travelled: its history is never replaced by a fresh one.
            meta.shared = true;
            for k in &former {
                if !meta.former_leaders.contains(k) {
                    meta.former_leaders.push(k.clone());
                }
            }
            self.write_meta(&id, meta);
            self.pin_other_key(&id);
            if let Ok(d) = self.discussion(&id) {
                let entry = IndexEntry::updated(&d, self.index.discussions.get(&id));
                self.index.discussions.insert(id.clone(), entry);
                self.index_changed.insert(id);
            }
        }
        Ok(HandoverTaken {
            person_id: h.person.id.clone(),
            name: h.person.name.clone(),
            from: h.from.name.clone(),
            added,
            merged,
            with_prep,
        })
    }
}
