//! The documents in memory: each loaded once (through the crash guard, which sets aside one whose reading stopped the app), with a hydrated copy kept in step, and which of them have changes to write.

use crate::error::DecodeError;
use crate::live::mailbox::PairingState;
use crate::model::discussion::{self, Discussion};
use crate::model::people::{self, Roster};
use crate::model::prep::{self, Prep};
use crate::model::reflection::{self, Reflection};
use crate::storage::blobs::{fingerprint, raw_entries, KvError, KvStore, LoadError, StoredDoc};
use crate::storage::keys::DocName;
use automerge::AutoCommit;
use std::collections::HashMap;

use super::{Change, TextField, Workspace};

/// Something read from outside or from storage that might stop the app (Automerge 0.12
/// panics on some malformed bytes; the browser build aborts on a panic). The app's crash
/// guard notes it before the read, so a crash sets that input aside.
pub trait Guard {
    /// Runs `read` with the stored document `doc` (made of the blobs `fingerprint` lists)
    /// noted as the input being read.
    fn reading_stored(&self, doc: &DocName, fingerprint: &str, read: &mut dyn FnMut());
    /// Whether reading this document, with exactly these blobs, stopped the app before.
    fn set_aside(&self, doc: &DocName, fingerprint: &str) -> bool;
}

/// No crash guard: natively, panics are contained where they happen (see `schema`).
pub struct NoGuard;

impl Guard for NoGuard {
    fn reading_stored(&self, _: &DocName, _: &str, read: &mut dyn FnMut()) {
        read()
    }
    fn set_aside(&self, _: &DocName, _: &str) -> bool {
        false
    }
}

#[derive(Default)]
pub(super) struct Copies {
    pub(super) roster: Option<Roster>,
    pub(super) discussions: HashMap<String, Discussion>,
    pub(super) preps: HashMap<String, Prep>,
    pub(super) reflections: HashMap<String, Reflection>,
    /// Each discussion's pairing as its document says (read for every edit, to know
    /// whether paired sync follows it); dropped with the discussion's copy.
    pub(super) pairings: HashMap<String, PairingState>,
}

impl Copies {
    pub(super) fn forget(&mut self, name: &DocName) {
        match name {
            DocName::Roster => self.roster = None,
            DocName::Discussion(id) => {
                self.discussions.remove(id);
                self.pairings.remove(id);
            }
            DocName::Prep(id) => drop(self.preps.remove(id)),
            DocName::Reflection(id) => drop(self.reflections.remove(id)),
        }
    }
}

pub(super) fn damaged(what: &str, e: DecodeError) -> LoadError {
    LoadError::Damaged(format!("the stored {what} cannot be read ({e})"))
}

impl<K: KvStore> Workspace<K> {
    pub(super) fn stored(&mut self, name: &DocName) -> Result<&mut StoredDoc, LoadError> {
        if !self.docs.contains_key(name) {
            let print = fingerprint(&self.kv, name);
            let loaded = if self.guard.set_aside(name, &print) {
                Err(LoadError::Damaged(
                    "reading it stopped the app once, so it is set aside".into(),
                ))
            } else {
                let mut out = None;
                let (kv, actor, writer) = (&self.kv, &self.actor, &self.writer);
                self.guard.reading_stored(name, &print, &mut || {
                    out = Some(StoredDoc::load(kv, name, actor.clone(), writer));
                });
                out.expect("the guard runs the read")
            };
            if matches!(loaded, Err(LoadError::NotFound)) {
                return Err(LoadError::NotFound);
            }
            self.docs.insert(name.clone(), loaded);
        }
        match self.docs.get_mut(name).expect("inserted above") {
            Ok(doc) => Ok(doc),
            Err(e) => Err(e.clone()),
        }
    }

    /// A document for a change: its copy is dropped (the caller may change any value).
    pub(super) fn changing(&mut self, name: &DocName) -> Result<&mut StoredDoc, LoadError> {
        self.copies.forget(name);
        self.stored(name)
    }

    pub(super) fn create(
        &mut self,
        name: &DocName,
        doc: AutoCommit,
        now: i64,
    ) -> Result<(), KvError> {
        let stored = StoredDoc::create(&mut self.kv, name, doc, now, &self.writer)?;
        if let DocName::Discussion(id) = name {
            // Back whole (taken in again after a deletion): its notes are written again.
            self.notes.unerase(id);
        }
        self.docs.insert(name.clone(), Ok(stored));
        self.note(Change::Doc(name.clone()));
        Ok(())
    }

    pub(super) fn new_doc(&self) -> AutoCommit {
        AutoCommit::new().with_actor(self.actor.clone())
    }

    pub(super) fn mark_dirty(&mut self, name: &DocName) {
        self.dirty.insert(name.clone());
        self.note(Change::Doc(name.clone()));
    }

    /// A document changed by typing alone (see [`Change::Typed`]).
    pub(super) fn mark_typed(&mut self, field: &TextField) {
        self.dirty.insert(field.doc());
        self.note(Change::Typed(field.clone()));
    }

    /// The people list. `Err(NotFound)` on a device that has none yet (see
    /// [`create_roster`](Self::create_roster)).
    pub fn roster(&mut self) -> Result<Roster, LoadError> {
        if let Some(r) = &self.copies.roster {
            return Ok(r.clone());
        }
        let stored = self.stored(&DocName::Roster)?;
        let roster = people::read(&stored.doc).map_err(|e| damaged("people list", e))?;
        self.copies.roster = Some(roster.clone());
        Ok(roster)
    }

    pub fn discussion(&mut self, id: &str) -> Result<Discussion, LoadError> {
        Ok(self.discussion_copy(id)?.clone())
    }

    /// The copy of a discussion, read from its document if there is none.
    pub(super) fn discussion_copy(&mut self, id: &str) -> Result<&mut Discussion, LoadError> {
        if !self.copies.discussions.contains_key(id) {
            let stored = self.stored(&DocName::Discussion(id.into()))?;
            let d = discussion::read(&stored.doc).map_err(|e| damaged("discussion", e))?;
            self.copies.discussions.insert(id.into(), d);
        }
        Ok(self.copies.discussions.get_mut(id).expect("inserted above"))
    }

    pub fn prep(&mut self, id: &str) -> Result<Prep, LoadError> {
        Ok(self.prep_copy(id)?.clone())
    }

    pub(super) fn prep_copy(&mut self, id: &str) -> Result<&mut Prep, LoadError> {
        if !self.copies.preps.contains_key(id) {
            let stored = self.stored(&DocName::Prep(id.into()))?;
            let p = prep::read(&stored.doc).map_err(|e| damaged("preparation", e))?;
            self.copies.preps.insert(id.into(), p);
        }
        Ok(self.copies.preps.get_mut(id).expect("inserted above"))
    }

    /// The employee's private drafts; an empty reflection when none is stored yet.
    pub fn reflection(&mut self, id: &str) -> Result<Reflection, LoadError> {
        if let Some(r) = self.copies.reflections.get(id) {
            return Ok(r.clone());
        }
        let r = match self.stored(&DocName::Reflection(id.into())) {
            Ok(stored) => reflection::read(&stored.doc).map_err(|e| damaged("reflection", e))?,
            // Not kept as a copy: another tab may store one any moment.
            Err(LoadError::NotFound) => return Ok(Reflection::empty(id)),
            Err(e) => return Err(e),
        };
        self.copies.reflections.insert(id.into(), r.clone());
        Ok(r)
    }

    /// Every stored key of a document with its raw value (a damaged one's data to download).
    pub fn raw_entries(&self, doc: &DocName) -> Result<Vec<(String, String)>, KvError> {
        raw_entries(&self.kv, doc)
    }
}
