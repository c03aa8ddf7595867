//! The app's documents and how edits reach storage.
//!
//! Edits apply to the in-memory Automerge document at once (so the UI never waits) and
//! mark it dirty; a save runs 300 ms after the last edit, and at once when the page is
//! hidden or closed. A save that fails (storage full) keeps the edits in memory, tells the
//! user, offers an export, and is retried on the next edit.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use career_core::discussion::{self, Discussion, DiscussionEdit, NewDiscussion};
use career_core::index::{discussion_name, prep_name, roster_name, Index, IndexEntry};
use career_core::people::{self, Participant, Person, Roster, RosterEdit};
use career_core::prep::{self, Prep, PrepEdit};
use career_core::store::{raw_entries, KvError, LoadError, StoredDoc};
use career_core::{ActorId, AutoCommit, Day};
use leptos::prelude::*;

use crate::infra::guard::{self, Reading};
use crate::infra::{clock, download, kv::BrowserKv, random};

const SAVE_DELAY: Duration = Duration::from_millis(300);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub ok: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    Pending,
    Failed(KvError),
}

pub(super) struct Repo {
    pub(super) kv: BrowserKv,
    pub(super) actor: ActorId,
    pub(super) docs: HashMap<String, Result<StoredDoc, LoadError>>,
    pub(super) dirty: BTreeSet<String>,
    pub(super) index: Index,
    /// Discussions whose index entry this tab changed and has not written yet.
    pub(super) index_changed: BTreeSet<String>,
    /// This tab's name on the blobs it writes (see `career_core::store`).
    pub(super) writer: String,
    /// Hydrated copies of discussions and preparations, in step with their documents:
    /// any mutable access to a document through [`Repo::doc`] drops its copy, and text
    /// typed into a field patches the copy instead (reading a long document again on every
    /// keystroke is what made typing slow).
    pub(super) hydrated: Hydrated,
}

#[derive(Default)]
pub(super) struct Hydrated {
    pub(super) discussions: HashMap<String, Discussion>,
    pub(super) preps: HashMap<String, Prep>,
}

impl Hydrated {
    fn forget(&mut self, name: &str) {
        self.discussions.remove(name);
        self.preps.remove(name);
    }
}

impl Repo {
    /// A document, for reading or changing it; its hydrated copy is dropped, since the
    /// caller may change it.
    pub(super) fn doc(&mut self, name: &str) -> Result<&mut StoredDoc, LoadError> {
        self.hydrated.forget(name);
        self.doc_same_values(name)
    }

    /// A document, for work that leaves its values as they are (committing pending edits,
    /// producing sync messages): its hydrated copy stays.
    pub(super) fn doc_same_values(&mut self, name: &str) -> Result<&mut StoredDoc, LoadError> {
        if !self.docs.contains_key(name) {
            let fingerprint = guard::fingerprint(&self.kv, name);
            let loaded = if guard::is_unreadable(name, &fingerprint) {
                Err(LoadError::Damaged(
                    "reading it stopped the app once, so it is set aside".into(),
                ))
            } else {
                let what = Reading::Stored {
                    name: name.to_string(),
                    fingerprint,
                };
                guard::reading(what, || {
                    StoredDoc::load(&self.kv, name, self.actor.clone(), &self.writer)
                })
            };
            if matches!(loaded, Err(LoadError::NotFound)) {
                return Err(LoadError::NotFound);
            }
            self.docs.insert(name.to_string(), loaded);
        }
        match self.docs.get_mut(name).expect("inserted above") {
            Ok(doc) => Ok(doc),
            Err(e) => Err(e.clone()),
        }
    }

    pub(super) fn create(&mut self, name: &str, doc: AutoCommit) -> Result<(), KvError> {
        let stored = StoredDoc::create(&mut self.kv, name, doc, clock::now_secs(), &self.writer)?;
        self.docs.insert(name.to_string(), Ok(stored));
        Ok(())
    }

    /// Writes every dirty document and the index. Stops at the first storage error,
    /// leaving the rest dirty for the next attempt.
    pub(super) fn flush(&mut self) -> Result<(), KvError> {
        let now = clock::now_secs();
        for name in self.dirty.clone() {
            if let Some(Ok(stored)) = self.docs.get_mut(&name) {
                stored.save(&mut self.kv, now)?;
            }
            self.dirty.remove(&name);
        }
        if !self.index_changed.is_empty() {
            let changed = self.index_changed.clone();
            self.index.write_merged(&mut self.kv, &changed)?;
            self.index_changed.clear();
        }
        Ok(())
    }

    /// Takes in what another tab stored for `name`, if this tab has it open.
    fn refresh(&mut self, name: &str) -> Result<bool, LoadError> {
        self.hydrated.forget(name);
        match self.docs.get_mut(name) {
            Some(Ok(stored)) => {
                let what = Reading::Stored {
                    name: name.to_string(),
                    fingerprint: guard::fingerprint(&self.kv, name),
                };
                guard::reading(what, || stored.refresh(&self.kv))
            }
            _ => Ok(false),
        }
    }

    /// Another tab wrote the index: keep its entries, and this tab's unwritten ones.
    fn take_stored_index(&mut self) {
        if let Ok(Some(mut stored)) = Index::read(&self.kv) {
            for id in &self.index_changed {
                if let Some(mine) = self.index.discussions.get(id) {
                    stored.discussions.insert(id.clone(), mine.clone());
                }
            }
            self.index = stored;
        }
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub(super) repo: StoredValue<Repo, leptos::prelude::LocalStorage>,
    timer: StoredValue<Option<TimeoutHandle>, leptos::prelude::LocalStorage>,
    /// The people list, or why it cannot be read.
    pub roster: RwSignal<Result<Roster, String>>,
    pub index: RwSignal<Index>,
    /// Bumped after every change to a document, except text typed into a field here.
    pub revision: RwSignal<u64>,
    /// Bumped after text typed into a field here (a discussion, preparation or reflection):
    /// views of a document's values track both, the rest (conflicts, merge review, sharing
    /// state) only `revision`, since typing cannot change them.
    pub typed: RwSignal<u64>,
    pub save: RwSignal<SaveState>,
    /// An edit that could not be applied (a bug, or an unexpected document shape).
    pub error: RwSignal<Option<String>>,
    /// A message about something the user did (an import, a merge), until dismissed.
    pub notice: RwSignal<Option<Notice>>,
    /// This device's storage, backups and app version (see `device.rs`).
    pub device: super::device::DeviceState,
    pub(super) live: StoredValue<Option<super::live::LiveRuntime>, leptos::prelude::LocalStorage>,
    pub live_view: super::live::LiveView,
}

pub(super) fn describe(e: &LoadError) -> String {
    e.to_string()
}

impl AppState {
    pub fn init() -> AppState {
        let kv = BrowserKv::open().expect("localStorage is available");
        let previous = Index::read(&kv).ok().flatten();
        let index = match &previous {
            Some(index) => index.clone(),
            None => Index::rebuild(&kv, None).unwrap_or_default(),
        };
        let mut repo = Repo {
            kv,
            actor: random::new_actor(),
            docs: HashMap::new(),
            dirty: BTreeSet::new(),
            index_changed: match &previous {
                Some(_) => BTreeSet::new(),
                None => index.discussions.keys().cloned().collect(),
            },
            writer: random::new_id()[..8].to_string(),
            index: index.clone(),
            hydrated: Hydrated::default(),
        };
        let roster = match repo.doc(&roster_name()) {
            Ok(stored) => people::read(&stored.doc).map_err(|e| e.to_string()),
            Err(LoadError::NotFound) => {
                let mut doc = AutoCommit::new().with_actor(repo.actor.clone());
                people::create(&mut doc).expect("a new roster reconciles");
                let roster = people::read(&doc).map_err(|e| e.to_string());
                if let Err(e) = repo.create(&roster_name(), doc) {
                    leptos::logging::warn!("could not store the new people list: {e}");
                }
                roster
            }
            Err(e) => Err(describe(&e)),
        };
        let state = AppState {
            repo: StoredValue::new_local(repo),
            timer: StoredValue::new_local(None),
            roster: RwSignal::new(roster),
            index: RwSignal::new(index),
            revision: RwSignal::new(0),
            typed: RwSignal::new(0),
            save: RwSignal::new(SaveState::Saved),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            device: super::device::DeviceState::new(),
            live: StoredValue::new_local(None),
            live_view: super::live::LiveView::new(),
        };
        crate::infra::lifecycle::on_page_hide(move || state.flush());
        crate::infra::lifecycle::on_storage_change(move |key| state.stored_elsewhere(&key));
        state.start_device();
        state
    }

    /// Another tab of this browser wrote `key`: take its changes in, so both tabs converge
    /// and neither overwrites the other.
    fn stored_elsewhere(&self, key: &str) {
        if key == career_core::index::INDEX_KEY {
            let index = self.repo.try_update_value(|r| {
                r.take_stored_index();
                r.index.clone()
            });
            if let Some(index) = index {
                self.index.set(index);
            }
            return;
        }
        let Some(name) = key
            .strip_prefix("ct1:doc:")
            .and_then(|rest| rest.split_once(':'))
            .map(|(name, _)| name.to_string())
        else {
            return;
        };
        match self.repo.try_update_value(|r| r.refresh(&name)) {
            Some(Ok(true)) if name == roster_name() => {
                let roster = self.repo.try_update_value(|r| {
                    r.doc(&name)
                        .map_err(|e| describe(&e))
                        .and_then(|s| people::read(&s.doc).map_err(|e| e.to_string()))
                });
                if let Some(roster) = roster {
                    self.roster.set(roster);
                }
            }
            Some(Ok(true)) => self.revision.update(|r| *r += 1),
            Some(Ok(false)) | None => {}
            Some(Err(e)) => {
                leptos::logging::warn!("could not take in another tab's changes to {name}: {e}")
            }
        }
    }

    // ----- saving -------------------------------------------------------------------

    pub(super) fn mark_dirty(&self, name: &str) {
        self.repo.update_value(|r| {
            r.dirty.insert(name.to_string());
        });
        // Only when it changes: typing marks the document dirty on every keystroke.
        if matches!(self.save.get_untracked(), SaveState::Saved) {
            self.save.set(SaveState::Pending);
        }
        self.schedule_save();
    }

    fn schedule_save(&self) {
        let state = *self;
        self.timer.update_value(|t| {
            if let Some(handle) = t.take() {
                handle.clear();
            }
            *t = set_timeout_with_handle(move || state.flush(), SAVE_DELAY).ok();
        });
    }

    /// Writes everything pending now.
    pub fn flush(&self) {
        // Nothing to write (most page hides, and every reload in the start-up benchmark):
        // the storage measure and the save state stay as they are.
        let idle = self
            .repo
            .try_with_value(|r| r.dirty.is_empty() && r.index_changed.is_empty())
            .unwrap_or(true);
        if idle {
            return;
        }
        let result = self.repo.try_update_value(|r| r.flush());
        match result {
            Some(Ok(())) => self.save.set(SaveState::Saved),
            Some(Err(e)) => self.save.set(SaveState::Failed(e)),
            None => {}
        }
        self.measure_storage();
    }

    /// Downloads every unsaved document as Automerge bytes, so nothing is lost when the
    /// browser's storage is full.
    pub fn export_unsaved(&self) {
        let files = self.repo.try_update_value(|r| {
            let names: Vec<String> = r.dirty.iter().cloned().collect();
            names
                .into_iter()
                .filter_map(|n| match r.docs.get_mut(&n) {
                    Some(Ok(stored)) => Some((n, stored.to_bytes())),
                    _ => None,
                })
                .collect::<Vec<_>>()
        });
        for (name, bytes) in files.unwrap_or_default() {
            if let Err(e) = download::download(
                &format!("career-talk-{name}.automerge"),
                &bytes,
                "application/octet-stream",
            ) {
                self.error.set(Some(e));
            }
        }
    }

    /// Downloads the raw stored strings of a document, e.g. one that cannot be read.
    pub fn download_raw(&self, name: &str) {
        let entries = self.repo.with_value(|r| raw_entries(&r.kv, name));
        match entries {
            Ok(entries) => {
                let map: serde_json::Map<String, serde_json::Value> = entries
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect();
                let json = serde_json::to_vec_pretty(&map).unwrap_or_default();
                if let Err(e) = download::download(
                    &format!("career-talk-{name}-raw.json"),
                    &json,
                    "application/json",
                ) {
                    self.error.set(Some(e));
                }
            }
            Err(e) => self.error.set(Some(e.to_string())),
        }
    }

    // ----- people -------------------------------------------------------------------

    pub fn edit_roster(&self, edit: RosterEdit) {
        let name = roster_name();
        let result = self.repo.try_update_value(|r| -> Result<Roster, String> {
            let stored = r.doc(&name).map_err(|e| describe(&e))?;
            people::apply(&mut stored.doc, edit).map_err(|e| e.to_string())?;
            people::read(&stored.doc).map_err(|e| e.to_string())
        });
        match result {
            Some(Ok(roster)) => {
                self.roster.set(Ok(roster));
                self.mark_dirty(&name);
            }
            Some(Err(e)) => self.error.set(Some(e)),
            None => {}
        }
    }

    pub fn add_person(
        &self,
        name: String,
        role: String,
        team: String,
        cadence_months: u8,
    ) -> String {
        let id = random::new_id();
        self.ask_to_persist();
        self.edit_roster(RosterEdit::AddPerson(Person {
            id: id.clone(),
            name,
            role: role.trim().to_string(),
            team: team.trim().to_string(),
            cadence_months: cadence_months as u64,
            archived: false,
            added_on: clock::today(),
        }));
        id
    }

    pub fn person(&self, id: &str) -> Option<Person> {
        self.roster
            .with(|r| r.as_ref().ok().and_then(|r| r.person(id).cloned()))
    }

    pub fn manager(&self) -> Participant {
        self.roster
            .with(|r| r.as_ref().map(|r| r.manager.clone()).unwrap_or_default())
    }

    // ----- discussions --------------------------------------------------------------

    pub fn discussion(&self, id: &str) -> Result<Discussion, String> {
        self.repo
            .try_update_value(|r| {
                let name = discussion_name(id);
                if let Some(d) = r.hydrated.discussions.get(&name) {
                    return Ok(d.clone());
                }
                let stored = r.doc(&name).map_err(|e| describe(&e))?;
                let d = discussion::read(&stored.doc)
                    .map_err(|e| format!("the stored discussion is damaged: {e}"))?;
                r.hydrated.discussions.insert(name, d.clone());
                Ok(d)
            })
            .unwrap_or_else(|| Err("the app is shutting down".into()))
    }

    pub fn prep(&self, id: &str) -> Result<Prep, String> {
        self.repo
            .try_update_value(|r| {
                let name = prep_name(id);
                if let Some(p) = r.hydrated.preps.get(&name) {
                    return Ok(p.clone());
                }
                let stored = r.doc(&name).map_err(|e| describe(&e))?;
                let p = prep::read(&stored.doc)
                    .map_err(|e| format!("the stored preparation is damaged: {e}"))?;
                r.hydrated.preps.insert(name, p.clone());
                Ok(p)
            })
            .unwrap_or_else(|| Err("the app is shutting down".into()))
    }

    pub fn new_discussion(&self, person: &Person) -> Result<String, String> {
        let id = random::new_id();
        let today = clock::today();
        let manager = self.manager();
        let result = self
            .repo
            .try_update_value(|r| -> Result<IndexEntry, String> {
                let mut doc = AutoCommit::new().with_actor(r.actor.clone());
                discussion::create(
                    &mut doc,
                    NewDiscussion {
                        id: id.clone(),
                        person_id: person.id.clone(),
                        employee: Participant {
                            name: person.name.clone(),
                            role: person.role.clone(),
                        },
                        manager,
                        created_on: today,
                    },
                )
                .map_err(|e| e.to_string())?;
                let entry = IndexEntry::of(&discussion::read(&doc).map_err(|e| e.to_string())?);
                let mut prep_doc = AutoCommit::new().with_actor(r.actor.clone());
                prep::create(&mut prep_doc, &id).map_err(|e| e.to_string())?;
                let storage_err = |e: KvError| format!("Could not start the discussion: {e}.");
                r.create(&prep_name(&id), prep_doc).map_err(storage_err)?;
                r.create(&discussion_name(&id), doc).map_err(storage_err)?;
                r.index.discussions.insert(id.clone(), entry.clone());
                r.index_changed.insert(id.clone());
                Ok(entry)
            });
        match result {
            Some(Ok(entry)) => {
                self.index.update(|i| {
                    i.discussions.insert(id.clone(), entry);
                });
                self.schedule_save();
                Ok(id)
            }
            Some(Err(e)) => Err(e),
            None => Err("the app is shutting down".into()),
        }
    }

    /// Runs `f` on a discussion's document. When it reports a change, the index entry is
    /// brought up to date, the document is marked for saving and the views re-read it.
    pub(super) fn change_discussion<T>(
        &self,
        id: &str,
        f: impl FnOnce(&mut AutoCommit) -> Result<(bool, T), String>,
    ) -> Result<T, String> {
        let name = discussion_name(id);
        let result = self
            .repo
            .try_update_value(|r| -> Result<(bool, T, Option<IndexEntry>), String> {
                let stored = r.doc(&name).map_err(|e| describe(&e))?;
                let (changed, out) = f(&mut stored.doc)?;
                let d = discussion::read(&stored.doc).map_err(|e| e.to_string())?;
                let entry = IndexEntry::updated(&d, r.index.discussions.get(id));
                r.hydrated.discussions.insert(name.clone(), d);
                if r.index.discussions.get(id) == Some(&entry) {
                    return Ok((changed, out, None));
                }
                r.index.discussions.insert(id.to_string(), entry.clone());
                r.index_changed.insert(id.to_string());
                Ok((changed, out, Some(entry)))
            })
            .unwrap_or_else(|| Err("the app is shutting down".into()));
        let (changed, out, entry) = result?;
        if let Some(entry) = entry {
            self.index.update(|i| {
                i.discussions.insert(id.to_string(), entry);
            });
        }
        if changed {
            self.mark_dirty(&name);
            self.revision.update(|r| *r += 1);
            self.live_changed(id);
        }
        Ok(out)
    }

    pub fn edit_discussion(&self, id: &str, edit: DiscussionEdit) {
        if self.discussion_text_typed(id, &edit) {
            return;
        }
        let result = self.change_discussion(id, |doc| {
            discussion::apply(doc, edit)
                .map(|changed| (changed, ()))
                .map_err(|e| e.to_string())
        });
        if let Err(e) = result {
            self.error.set(Some(e));
        }
    }

    /// Text typed into a field of a discussion: spliced in from the hydrated copy's text and
    /// patched into that copy, without reading the document again. The index (dates, the
    /// person, open actions) cannot change, so it is left alone. Returns `false` for other
    /// edits, and when there is no copy in step with the document to splice from.
    fn discussion_text_typed(&self, id: &str, edit: &DiscussionEdit) -> bool {
        let name = discussion_name(id);
        let result = self
            .repo
            .try_update_value(|r| -> Option<Result<bool, String>> {
                let mut copy = r.hydrated.discussions.remove(&name)?;
                let known = copy.typed_field(edit)?.to_owned();
                let stored = match r.doc(&name) {
                    Ok(stored) => stored,
                    Err(e) => return Some(Err(describe(&e))),
                };
                let changed = discussion::apply_known(&mut stored.doc, edit.clone(), Some(&known));
                if changed.is_ok() && copy.patch(edit) {
                    r.hydrated.discussions.insert(name.clone(), copy);
                }
                Some(changed.map_err(|e| e.to_string()))
            });
        match result.flatten() {
            None => false,
            Some(Ok(changed)) => {
                if changed {
                    self.mark_dirty(&name);
                    self.typed.update(|t| *t += 1);
                    self.live_changed(id);
                }
                true
            }
            Some(Err(e)) => {
                self.error.set(Some(e));
                true
            }
        }
    }

    pub fn edit_prep(&self, id: &str, edit: PrepEdit) {
        let name = prep_name(id);
        let result = self.repo.try_update_value(|r| -> Result<bool, String> {
            let copy = r.hydrated.preps.remove(&name);
            let stored = r.doc(&name).map_err(|e| describe(&e))?;
            let known = copy.as_ref().and_then(|p| p.typed_field(&edit));
            let changed = prep::apply_known(&mut stored.doc, edit.clone(), known)
                .map_err(|e| e.to_string())?;
            // Typed text patches the copy; any other edit leaves it to be read again.
            if let Some(mut copy) = copy {
                if copy.patch(&edit) {
                    r.hydrated.preps.insert(name.clone(), copy);
                }
            }
            Ok(changed)
        });
        match result {
            Some(Ok(true)) => {
                self.mark_dirty(&name);
                match edit {
                    PrepEdit::Field(..) => self.typed.update(|t| *t += 1),
                    PrepEdit::Indicator(..) => self.revision.update(|r| *r += 1),
                }
            }
            Some(Ok(false)) | None => {}
            Some(Err(e)) => self.error.set(Some(e)),
        }
    }

    pub fn today(&self) -> Day {
        clock::today()
    }

    pub fn new_id(&self) -> String {
        random::new_id()
    }

    /// Storage name of a discussion, for raw downloads.
    pub fn discussion_storage_name(id: &str) -> String {
        discussion_name(id)
    }

    pub fn roster_storage_name() -> String {
        roster_name()
    }
}
