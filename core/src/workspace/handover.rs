//! Handing a person over (see `share::handover`): making the file on the outgoing
//! manager's device, and taking it in on the new manager's, where the person's history
//! becomes theirs — their own preparation starting empty unless the file holds the old one.

use automerge::AutoCommit;

use super::{Workspace, WorkspaceError};
use crate::model::discussion;
use crate::model::method::{Indicator, PrepField};
use crate::model::people::{Person, RosterEdit};
use crate::model::prep::{self, PrepEdit};
use crate::model::trust::{self, PublicKey};
use crate::share::handover::{Handover, HandoverError};
use crate::share::join::{first, join, Refused};
use crate::storage::backup::check_kind;
use crate::storage::blobs::{KvStore, LoadError};
use crate::storage::index::IndexEntry;
use crate::storage::keys::DocName;
use crate::storage::meta::FormerKey;
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
    /// The outgoing manager's name, as the file gives it.
    pub from: String,
    /// Discussions new on this device.
    pub added: usize,
    /// Discussions this device had, merged with the file's copy.
    pub merged: usize,
    /// Preparations taken from the file (none when this device had its own).
    pub preps: usize,
}

impl<K: KvStore> Workspace<K> {
    /// The handover file for a person on this device's people list: every discussion this
    /// device leads with them, and the private preparation only when `with_prep`. A
    /// discussion that never left this device gets a fresh history first (as before a first
    /// share), so text typed and deleted does not travel; a preparation travels as its
    /// current text only.
    pub fn handover(
        &mut self,
        person_id: &str,
        with_prep: bool,
        today: Day,
        now: i64,
    ) -> Result<HandoverMade, WorkspaceError> {
        let roster = self.roster()?;
        let person = roster.person(person_id).ok_or(LoadError::NotFound)?.clone();
        let ids: Vec<String> = self
            .index
            .of_person(person_id)
            .into_iter()
            .filter(|(_, e)| !e.shared_with_me)
            .map(|(id, _)| id.clone())
            .collect();
        // This device's keys, and those of leaders before it: a third manager verifies them
        // all.
        let mut keys: Vec<String> = self.keys.all().map(|k| k.to_hex()).collect();
        for id in &ids {
            if let Ok(Some(meta)) = self.meta(id) {
                for k in meta.former_leaders.iter().map(|f| f.key.to_hex()) {
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
        }
        keys.truncate(crate::share::handover::MAX_LEADER_KEYS);
        let mut handover = Handover::new(&person, &roster.manager, keys, today);
        let (mut discussions, mut damaged) = (0, 0);
        for id in ids {
            let name = DocName::Discussion(id.clone());
            match self.stored(&name) {
                Ok(_) => {}
                Err(LoadError::Damaged(_)) => {
                    damaged += 1;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            self.fresh_history_before_first_share(&id, now)?;
            let stored = self.stored(&name)?;
            handover.add(&name, &stored.to_bytes());
            discussions += 1;
            if with_prep {
                if let Ok(p) = self.prep(&id) {
                    // Its current text only, in a history of its own.
                    let mut doc = self.new_doc();
                    prep::create(&mut doc, &id)?;
                    for f in PrepField::ALL {
                        prep::apply(&mut doc, PrepEdit::Field(f, p.get(f).to_string()))?;
                    }
                    for i in Indicator::ALL {
                        prep::apply(&mut doc, PrepEdit::Indicator(i, p.indicators.get(i)))?;
                    }
                    doc.commit_with(
                        automerge::transaction::CommitOptions::default().with_time(now),
                    );
                    handover.add(&DocName::Prep(id.clone()), &doc.save());
                }
            }
        }
        handover.seal(&self.keys.current);
        Ok(HandoverMade {
            handover,
            discussions,
            with_prep,
            damaged,
        })
    }

    /// Takes a handover file in: the person joins this device's people list (unless they
    /// are on it already), their discussions become this device's to lead, with an empty
    /// preparation of its own unless the file holds one. Everything is checked and merged
    /// on trial copies first: a file that cannot be read, or a person or discussion already
    /// here with a history that did not come from it, changes nothing; a write that fails
    /// part-way (storage full) is undone.
    pub fn take_handover(
        &mut self,
        bytes: &[u8],
        now: i64,
    ) -> Result<HandoverTaken, WorkspaceError> {
        let checked = Handover::parse(bytes)?;
        let h = checked.handover;
        let unrelated = || WorkspaceError::from(HandoverError::Unrelated(h.person.name.clone()));
        let roster = self.roster()?;
        // 1. Every check, and every merge on a trial copy.
        let mut new = Vec::new();
        let mut merges = Vec::new();
        let mut employee_keys = Vec::new();
        // Each discussion's history as the file holds it: the previous leader's cutoff.
        let mut handed_at = std::collections::BTreeMap::new();
        for (id, (mut incoming, mut incoming_prep)) in checked.discussions {
            handed_at.insert(id.clone(), incoming.get_heads());
            // One history per document, as everywhere else things come in.
            let one = |doc: &mut AutoCommit| first(doc, |_| Ok::<_, WorkspaceError>(()));
            if incoming_prep.as_mut().is_some_and(|p| one(p).is_err()) {
                return Err(unrelated());
            }
            let name = DocName::Discussion(id.clone());
            if let Some(k) = trust::recorded_key(&incoming, Side::Employee) {
                employee_keys.push(k);
            }
            match self.stored(&name) {
                Ok(stored) => {
                    // Joined on a trial copy: every document of the file is checked before
                    // any is written.
                    let mut trial = stored.doc.fork();
                    let key = name.key();
                    let joined = join(
                        &mut trial,
                        |t| {
                            t.merge(&mut incoming)
                                .map(drop)
                                .map_err(|e| HandoverError::Damaged(key.clone(), e.to_string()))
                        },
                        |t| {
                            check_kind(&key, t)
                                .map_err(|e| HandoverError::Damaged(key.clone(), e.to_string()))?;
                            let d = discussion::read(t)
                                .map_err(|e| HandoverError::Damaged(key.clone(), e.to_string()))?;
                            if d.id != id || d.person_id != h.person.id {
                                return Err(HandoverError::Unrelated(h.person.name.clone()));
                            }
                            Ok(())
                        },
                    );
                    match joined {
                        Ok(_) => {}
                        Err(Refused::AnotherHistory) => return Err(unrelated()),
                        Err(Refused::Because(e)) => return Err(e.into()),
                    }
                    // This device's own copy as the employee cannot become the leader's.
                    if self.side(&id).side == Side::Employee || self.meta(&id).is_err() {
                        return Err(unrelated());
                    }
                    merges.push((id, trial));
                }
                Err(LoadError::NotFound) => {
                    if one(&mut incoming).is_err() {
                        return Err(unrelated());
                    }
                    new.push((id, incoming, incoming_prep))
                }
                Err(e) => return Err(WorkspaceError::DamagedCopy(e)),
            }
        }
        if roster.person(&h.person.id).is_some() {
            let in_file: Vec<&String> = merges.iter().map(|(id, _)| id).collect();
            if self
                .index
                .of_person(&h.person.id)
                .iter()
                .any(|(id, _)| !in_file.contains(id))
            {
                return Err(unrelated());
            }
        }
        // The outgoing manager's keys, never a key the records give the employee.
        let former: Vec<PublicKey> = h
            .leader_keys
            .iter()
            .filter_map(|k| PublicKey::from_hex(k))
            .filter(|k| !employee_keys.contains(k))
            .collect();

        // 2. The new documents, written; undone if one cannot be.
        let (added, merged) = (new.len(), merges.len());
        let ids: Vec<String> = new
            .iter()
            .map(|(id, _, _)| id.clone())
            .chain(merges.iter().map(|(id, _)| id.clone()))
            .collect();
        let mut preps = 0;
        let mut written: Vec<DocName> = Vec::new();
        let mut write =
            |ws: &mut Self, name: DocName, doc: AutoCommit| -> Result<(), WorkspaceError> {
                ws.create(&name, doc.with_actor(ws.actor.clone()), now)?;
                written.push(name);
                Ok(())
            };
        let mut result = Ok(());
        for (id, doc, incoming_prep) in new {
            let prep_doc = match incoming_prep {
                Some(p) => {
                    preps += 1;
                    p
                }
                None => {
                    let mut doc = self.new_doc();
                    prep::create(&mut doc, &id)?;
                    doc
                }
            };
            result = write(self, DocName::Discussion(id.clone()), doc).and_then(|_| {
                match self.stored(&DocName::Prep(id.clone())) {
                    Err(LoadError::NotFound) => write(self, DocName::Prep(id.clone()), prep_doc),
                    _ => Ok(()),
                }
            });
            if result.is_err() {
                break;
            }
        }
        if let Err(e) = result {
            for name in written {
                self.docs.remove(&name);
                self.copies.forget(&name);
                if let Ok(entries) = self.raw_entries(&name) {
                    for (key, _) in entries {
                        let _ = self.kv.remove(&key);
                    }
                }
            }
            return Err(e);
        }

        // 3. In memory (written by the next save): the merges, the person, notes, index.
        for (id, trial) in merges {
            let name = DocName::Discussion(id);
            let stored = self.changing(&name)?;
            let actor = stored.doc.get_actor().clone();
            stored.doc = trial.with_actor(actor);
            self.mark_dirty(&name);
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
        for id in &ids {
            let mut meta = self.meta_to_change(id);
            meta.perspective = Side::Leader;
            // It has travelled: its history is never replaced by a fresh one.
            meta.shared = true;
            let until = handed_at.get(id).cloned().unwrap_or_default();
            for k in &former {
                meta.former_leaders.retain(|f| f.key != *k);
                meta.former_leaders.push(FormerKey {
                    key: *k,
                    until: until.clone(),
                });
            }
            self.write_meta(id, meta);
            // The employee's key is never pinned from the file: it is pinned from what the
            // employee sends this device, and confirmed by comparing the code with them.
            if let Ok(d) = self.discussion(id) {
                let entry = IndexEntry::updated(&d, self.index.discussions.get(id));
                self.index.discussions.insert(id.clone(), entry);
                self.index_changed_for(id);
            }
        }
        Ok(HandoverTaken {
            person_id: h.person.id.clone(),
            name: h.person.name.clone(),
            from: h.from.name.clone(),
            added,
            merged,
            preps,
        })
    }
}
