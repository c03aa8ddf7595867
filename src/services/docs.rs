//! The document store: the core's [`Workspace`] over localStorage, what views track, and
//! saving.
//!
//! Edits apply to the in-memory documents at once (so the UI never waits) and mark them
//! dirty; a save runs 300 ms after the last edit, and at once when the page is hidden or
//! closed. A save that fails (storage full) keeps the edits in memory, says so, offers an
//! export, and is retried on the next edit.
//!
//! The store is a bridge: it runs a workspace operation, and turns the changes the
//! workspace reports ([`Change`]) into what views follow and what services hear — no
//! method says by hand what it touched. What views track: one trigger per text field, fired
//! by each keystroke into it; one per document, fired by every change to it (for typing
//! into a discussion, once at the typing pause, so a keystroke re-reads only its own field
//! and not the whole record); and for each discussion a third one fired by every change
//! *except typing* (merges, live sync, other tabs, choices, signatures). Conflicts and
//! sign-off states can only change through the latter, and reading them costs a pass over
//! the document, so they do not re-run on every keystroke. Metadata (whose side, the merge
//! review) has a trigger per discussion too.
//!
//! Other services hear about changes through [`DocStore::subscribe`], after the operation
//! is over and in the order they happened: a listener may call the store again (what that
//! changes is heard next, never inside another listener's call).

use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::time::Duration;

use career_core::live::mailbox::PairingState;
use career_core::model::discussion::DiscussionText;
use career_core::model::discussion::{Discussion, DiscussionEdit, NewDiscussion};
use career_core::model::fields::{FieldKey, Proposal, Suggestion};
use career_core::model::method::AnswerField;
use career_core::model::people::{Participant, Person, Roster, RosterEdit};
use career_core::model::prep::{Prep, PrepEdit};
use career_core::model::reflection::Reflection;
use career_core::model::trust::PublicKey;
use career_core::reports::file_names;
use career_core::share::review::{Conflict, Review};
use career_core::share::signoff::SignOff;
use career_core::share::tracked::Restore;
use career_core::share::Package;
use career_core::storage::backup::Backup;
use career_core::storage::blobs::{KvError, LoadError};
use career_core::storage::index::Index;
use career_core::storage::keys::{DocName, StorageKey};
use career_core::text::Splice;
use career_core::workspace::{
    Arriving, BackupReport, Change, Erase, ErasePreview, HandoverMade, HandoverTaken, KeyState,
    MailboxError, MailboxStatus, MailboxTaken, Publish, PublishCheck, SideOf, TakenIn, TextField,
    Workspace, WorkspaceError,
};
use career_core::{Day, Side};
use leptos::prelude::*;

use super::messages::Messages;
use crate::error::{AppError, AppResult};
use crate::infra::guard::CrashGuard;
use crate::infra::kv::BrowserKv;
use crate::infra::{clock, download, lifecycle, random};

const SAVE_DELAY: Duration = Duration::from_millis(300);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    Pending,
    Failed(KvError),
}

/// What changed, for the services that follow the documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocEvent {
    /// A discussion changed on this device (typed, chosen, merged from a link).
    Edited { discussion: String },
    /// A discussion took in changes from a live session, or arrived whole through one
    /// (not an edit of this device: nothing to send back).
    Arrived { discussion: String },
    /// Pending changes were written to storage.
    Saved,
    /// These discussions were deleted from this device (by this tab or another).
    Erased { discussions: Vec<String> },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Topic {
    /// A document, for every change to it (for typing into a discussion, at the pause).
    Doc(DocName),
    /// One text field, at every keystroke into it.
    Field(TextField),
    /// A discussion, for changes other than typing.
    Merges(String),
    Meta(String),
    Index,
}

type Listener = Rc<dyn Fn(&DocEvent)>;

#[derive(Clone, Copy)]
pub struct DocStore {
    ws: StoredValue<Workspace<BrowserKv>, LocalStorage>,
    triggers: StoredValue<HashMap<Topic, ArcTrigger>, LocalStorage>,
    /// Discussions typed into since their views of the whole record last looked: told at
    /// the typing pause (the save), so a keystroke re-reads only its own field.
    typed: StoredValue<HashSet<DocName>, LocalStorage>,
    listeners: StoredValue<Vec<Listener>, LocalStorage>,
    /// Events not yet told, and whether they are being told (see `dispatch`).
    queue: StoredValue<VecDeque<DocEvent>, LocalStorage>,
    dispatching: StoredValue<bool, LocalStorage>,
    timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
    /// Discussions whose unreadable metadata was already reported.
    reported: StoredValue<HashSet<String>, LocalStorage>,
    pub save: RwSignal<SaveState>,
    /// Sharing pairs the discussion for sync through the relay (the sender can turn it off).
    pub pair_when_sharing: RwSignal<bool>,
    messages: Messages,
}

impl DocStore {
    pub fn open(messages: Messages) -> DocStore {
        let kv = BrowserKv::open();
        let writer = random::new_id()[..8].to_string();
        let ws = Workspace::open(
            kv,
            random::new_actor(),
            &writer,
            random::bytes(),
            Box::new(CrashGuard),
        );
        let store = DocStore {
            ws: StoredValue::new_local(ws),
            triggers: StoredValue::new_local(HashMap::new()),
            typed: StoredValue::new_local(HashSet::new()),
            listeners: StoredValue::new_local(vec![]),
            queue: StoredValue::new_local(VecDeque::new()),
            dispatching: StoredValue::new_local(false),
            timer: StoredValue::new_local(None),
            reported: StoredValue::new_local(HashSet::new()),
            save: RwSignal::new(SaveState::Saved),
            pair_when_sharing: RwSignal::new(true),
            messages,
        };
        let first_use = store.with(|ws| match ws.roster() {
            Err(LoadError::NotFound) => Some(ws.create_roster(clock::now_secs())),
            _ => None,
        });
        if let Ok(Some(Err(e))) = first_use {
            messages.error("Your people list could not be started", &e.into());
        }
        match store.resumed_erasing() {
            Some(Ok(())) => messages.info("A deletion that was interrupted has been completed."),
            Some(Err(e)) => messages.problem(format!(
                "A deletion that was interrupted could not be completed ({e}). It is tried again at the next start."
            )),
            None => {}
        }
        lifecycle::on_page_hide(move || store.flush());
        lifecycle::on_storage_change(move |key| store.stored_elsewhere(key.as_deref()));
        store
    }

    /// Runs `f` on the workspace, then shows what it changed: views that follow it read
    /// again, a save is planned when something waits to be written, and the services hear
    /// about it.
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut Workspace<BrowserKv>) -> T) -> AppResult<T> {
        let (out, changes, unsaved) = self
            .ws
            .try_update_value(|ws| {
                let out = f(ws);
                let changes = ws.take_changes();
                let unsaved = !changes.is_empty() && ws.has_unsaved();
                (out, changes, unsaved)
            })
            .ok_or(AppError::ShuttingDown)?;
        if !changes.is_empty() {
            self.show(changes, unsaved);
        }
        Ok(out)
    }

    /// Turns a workspace's changes into triggers, a planned save and events.
    fn show(&self, changes: Vec<Change>, unsaved: bool) {
        let arrived: Vec<&String> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Arrived(id) => Some(id),
                _ => None,
            })
            .collect();
        let erased: Vec<String> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Erased(id) => Some(id.clone()),
                _ => None,
            })
            .collect();
        let mut events = Vec::new();
        for change in &changes {
            match change {
                Change::Typed(field) => {
                    self.notify(Topic::Field(field.clone()));
                    match field.doc() {
                        // Views of the rest of the record look again at the typing pause
                        // (see `typed`), not on every keystroke.
                        name @ DocName::Discussion(_) => self.typed.update_value(|t| {
                            t.insert(name);
                        }),
                        name => self.notify(Topic::Doc(name)),
                    }
                }
                Change::Doc(name) => {
                    self.typed.update_value(|t| {
                        t.remove(name);
                    });
                    self.notify(Topic::Doc(name.clone()));
                    if let DocName::Discussion(id) = name {
                        self.notify(Topic::Merges(id.clone()));
                    }
                }
                Change::Notes(id) => self.notify(Topic::Meta(id.clone())),
                Change::Index => self.notify(Topic::Index),
                Change::Keys => self.notify_all(),
                Change::Arrived(id) => events.push(DocEvent::Arrived {
                    discussion: id.clone(),
                }),
                Change::Erased(_) | Change::Saved => {}
            }
            // An edit of this tab's to a discussion (typed, chosen, merged from a link or a
            // bundle): the services send it on. What a live session brought is not.
            if let Change::Typed(TextField::Discussion(id, _))
            | Change::Doc(DocName::Discussion(id)) = change
            {
                let edited = DocEvent::Edited {
                    discussion: id.clone(),
                };
                if !arrived.contains(&id) && !erased.contains(id) && !events.contains(&edited) {
                    events.push(edited);
                }
            }
        }
        if !erased.is_empty() {
            events.push(DocEvent::Erased {
                discussions: erased,
            });
        }
        if changes.contains(&Change::Saved) {
            events.push(DocEvent::Saved);
        }
        if unsaved {
            self.mark_pending();
        }
        self.dispatch(events);
    }

    /// Calls `f` after every change (see [`DocEvent`]).
    pub fn subscribe(&self, f: impl Fn(&DocEvent) + 'static) {
        self.listeners.update_value(|l| l.push(Rc::new(f)));
    }

    /// Tells the listeners, in order. A listener that calls the store adds what that
    /// changes to the queue, heard after it returns: no listener runs inside another's call.
    fn dispatch(&self, events: Vec<DocEvent>) {
        self.queue.update_value(|q| q.extend(events));
        if self.dispatching.get_value() {
            return;
        }
        self.dispatching.set_value(true);
        while let Some(event) = self.queue.try_update_value(|q| q.pop_front()).flatten() {
            let listeners = self.listeners.with_value(|l| l.clone());
            for listener in listeners {
                listener(&event);
            }
        }
        self.dispatching.set_value(false);
    }

    // ----- what views track ---------------------------------------------------------------

    fn trigger(&self, topic: Topic) -> ArcTrigger {
        self.triggers
            .try_update_value(|t| t.entry(topic).or_default().clone())
            .unwrap_or_default()
    }

    fn track(&self, topic: Topic) {
        self.trigger(topic).track();
    }

    /// Anything may have changed (a backup, a handover, a deletion).
    fn notify_all(&self) {
        let topics: Vec<ArcTrigger> = self.triggers.with_value(|t| t.values().cloned().collect());
        for trigger in topics {
            trigger.notify();
        }
    }

    fn notify(&self, topic: Topic) {
        let trigger = self.triggers.with_value(|t| t.get(&topic).cloned());
        if let Some(trigger) = trigger {
            trigger.notify();
        }
    }

    // ----- reading (each read tracks what it read) ----------------------------------------

    pub fn roster(&self) -> Result<Roster, LoadError> {
        self.track(Topic::Doc(DocName::Roster));
        self.with(|ws| ws.roster())
            .unwrap_or(Err(LoadError::NotFound))
    }

    pub fn person(&self, id: &str) -> Option<Person> {
        self.roster().ok().and_then(|r| r.person(id).cloned())
    }

    /// The leader using this device, as the people list names them.
    pub fn manager(&self) -> Participant {
        self.roster().map(|r| r.manager).unwrap_or_default()
    }

    pub fn index(&self) -> Index {
        self.track(Topic::Index);
        self.with(|ws| ws.index().clone()).unwrap_or_default()
    }

    /// Reads the index in place (no copy).
    pub fn with_index<T>(&self, f: impl FnOnce(&Index) -> T) -> T {
        self.track(Topic::Index);
        let mut f = Some(f);
        self.ws
            .try_with_value(|ws| (f.take().expect("called once"))(ws.index()))
            .unwrap_or_else(|| (f.take().expect("not called"))(&Index::default()))
    }

    /// One text field's value: follows every keystroke into it (and every other change of
    /// its document), and reads only that field.
    pub fn text(&self, field: &TextField) -> String {
        self.track(Topic::Field(field.clone()));
        self.track(Topic::Doc(field.doc()));
        self.with(|ws| ws.text(field))
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    pub fn discussion(&self, id: &str) -> Result<Discussion, LoadError> {
        self.track(Topic::Doc(DocName::Discussion(id.into())));
        self.with(|ws| ws.discussion(id))
            .unwrap_or(Err(LoadError::NotFound))
    }

    pub fn prep(&self, id: &str) -> Result<Prep, LoadError> {
        self.track(Topic::Doc(DocName::Prep(id.into())));
        self.with(|ws| ws.prep(id))
            .unwrap_or(Err(LoadError::NotFound))
    }

    pub fn reflection(&self, id: &str) -> Result<Reflection, LoadError> {
        self.track(Topic::Doc(DocName::Reflection(id.into())));
        self.with(|ws| ws.reflection(id))
            .unwrap_or(Err(LoadError::NotFound))
    }

    /// Whose side this device is on. Unreadable metadata is reported (once) and never
    /// switches sides.
    pub fn side(&self, id: &str) -> Side {
        self.track(Topic::Meta(id.into()));
        let Ok(SideOf { side, problem }) = self.with(|ws| ws.side(id)) else {
            return Side::Leader;
        };
        if let Some(problem) = problem {
            let first = self
                .reported
                .try_update_value(|r| r.insert(id.to_string()))
                .unwrap_or(false);
            if first {
                self.messages.problem(format!(
                    "{problem}. This device stays on the {side}'s side, as its documents show; \
                     the unreadable notes are kept."
                ));
            }
        }
        side
    }

    /// Values both sides set at once.
    pub fn conflicts(&self, id: &str) -> AppResult<Vec<Conflict>> {
        self.track(Topic::Merges(id.into()));
        Ok(self.with(|ws| ws.conflicts(id))??)
    }

    /// What the merges since the last review brought.
    pub fn review(&self, id: &str) -> AppResult<Review> {
        self.track(Topic::Meta(id.into()));
        self.track(Topic::Merges(id.into()));
        Ok(self.with(|ws| ws.review(id))??)
    }

    /// Signatures are checked against the keys this device pinned (its metadata), so both
    /// merges and metadata are followed.
    pub fn sign_off(&self, id: &str) -> AppResult<SignOff> {
        self.track(Topic::Merges(id.into()));
        self.track(Topic::Meta(id.into()));
        Ok(self.with(|ws| ws.sign_off(id))??)
    }

    pub fn agreed_version(&self, id: &str) -> AppResult<(SignOff, Option<(Discussion, SignOff)>)> {
        self.track(Topic::Merges(id.into()));
        self.track(Topic::Meta(id.into()));
        Ok(self.with(|ws| ws.agreed_version(id))??)
    }

    /// Whether the discussion has left this device or came from the other side (the other
    /// person then has a copy).
    pub fn has_been_shared(&self, id: &str) -> bool {
        self.track(Topic::Meta(id.into()));
        self.with(|ws| ws.meta(id))
            .ok()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|m| m.shared || !m.peer_heads.is_empty())
    }

    /// Both parties' device keys for a discussion, as this device sees them.
    pub fn keys_of(&self, id: &str) -> AppResult<KeyState> {
        self.track(Topic::Merges(id.into()));
        self.track(Topic::Meta(id.into()));
        Ok(self.with(|ws| ws.keys_of(id))??)
    }

    /// The person compared the safety code made with `key` with the other's screen.
    pub fn confirm_key(&self, id: &str, key: &PublicKey) {
        self.change_meta(id, "The key could not be confirmed", |ws| {
            ws.confirm_key(id, key)
        });
    }

    /// A change to what this device notes about a discussion: made, followed, or reported.
    fn change_meta(
        &self,
        id: &str,
        failed: &str,
        f: impl FnOnce(&mut Workspace<BrowserKv>) -> Result<(), WorkspaceError>,
    ) {
        let _ = id;
        let result = self.with(f).and_then(|r| Ok(r?));
        self.messages.check(failed, result);
    }

    /// A small setting of this device.
    pub fn setting(&self, key: StorageKey) -> AppResult<Option<String>> {
        Ok(self.with(|ws| ws.get_value(&key))??)
    }

    pub fn set_setting(&self, key: StorageKey, value: &str) -> AppResult<()> {
        Ok(self.with(|ws| ws.set_value(&key, value))??)
    }

    /// Characters of localStorage in use by anything on this site.
    pub fn used_units(&self) -> usize {
        self.with(|ws| ws.kv().used_units()).unwrap_or(0)
    }

    // ----- editing ------------------------------------------------------------------------

    pub fn edit_roster(&self, edit: RosterEdit) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.edit_roster(edit))??;
            Ok(())
        })();
        self.messages
            .check("The people list could not be changed", result);
    }

    pub fn new_discussion(&self, person: &Person) -> AppResult<String> {
        let id = random::new_id();
        let new = NewDiscussion {
            id: id.clone(),
            person_id: person.id.clone(),
            employee: Participant {
                name: person.name.clone(),
                role: person.role.clone(),
            },
            manager: self.manager(),
            created_on: clock::today(),
        };
        self.with(|ws| ws.new_discussion(new, clock::now_secs()))??;
        Ok(id)
    }

    pub fn edit_discussion(&self, id: &str, edit: DiscussionEdit) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.edit_discussion(id, edit))??;
            Ok(())
        })();
        self.messages.check("The change could not be made", result);
    }

    pub fn edit_prep(&self, id: &str, edit: PrepEdit) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.edit_prep(id, edit))??;
            Ok(())
        })();
        self.messages
            .check("Your preparation could not be changed", result);
    }

    /// What someone typed into a text field: applied to the document and its copy at once.
    pub fn splice(&self, field: &TextField, splice: &Splice) -> AppResult<()> {
        self.with(|ws| ws.splice(field, splice, clock::now_secs()))??;
        Ok(())
    }

    /// What publishing the draft would do to the shared answer.
    pub fn publish_check(&self, id: &str, field: AnswerField) -> AppResult<PublishCheck> {
        self.track(Topic::Doc(DocName::Discussion(id.into())));
        self.track(Topic::Doc(DocName::Reflection(id.into())));
        Ok(self.with(|ws| ws.publish_check(id, field, clock::now_secs()))??)
    }

    /// The drafts that edit the shared answer, and whether each has unpublished edits.
    pub fn draft_edits(&self, id: &str) -> Vec<(AnswerField, bool)> {
        self.track(Topic::Doc(DocName::Reflection(id.into())));
        self.with(|ws| ws.draft_edits(id).ok())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Publishes the employee's draft the way they chose.
    pub fn publish(&self, id: &str, field: AnswerField, how: Publish) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.publish(id, field, how, clock::now_secs()))??;
            Ok(())
        })();
        self.messages
            .check("The answer could not be published", result);
    }

    /// "Edit the shared answer": the draft starts from the shared text.
    pub fn draft_from_shared(&self, id: &str, field: AnswerField) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.draft_from_shared(id, field, clock::now_secs()))??;
            Ok(())
        })();
        self.messages.check(
            "The shared answer could not be copied into your draft",
            result,
        );
    }

    /// "Update my draft": the draft becomes the shared answer as it now reads.
    pub fn rebase_draft(&self, id: &str, field: AnswerField) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.rebase_draft(id, field, clock::now_secs()))??;
            Ok(())
        })();
        self.messages
            .check("Your draft could not be updated", result);
    }

    // ----- suggestions --------------------------------------------------------------------

    /// The suggestions in the record (both sides'), oldest first.
    pub fn proposals(&self, id: &str) -> Vec<Proposal> {
        self.track(Topic::Merges(id.into()));
        self.with(|ws| ws.proposals(id).ok())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Suggests a change to a part of the record the other side owns.
    pub fn propose(&self, id: &str, suggestion: &Suggestion) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.propose(id, suggestion, random::new_id(), clock::today()))??;
            Ok(())
        })();
        self.messages
            .check("The suggestion could not be made", result);
    }

    /// Accepts (making the change) or declines the other side's suggestion.
    pub fn answer_proposal(&self, id: &str, proposal: &str, accept: bool) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.answer_proposal(id, proposal, accept))??;
            Ok(())
        })();
        self.messages
            .check("The suggestion could not be answered", result);
    }

    /// Takes back a suggestion of this side's.
    pub fn withdraw_proposal(&self, id: &str, proposal: &str) {
        self.edit_discussion(
            id,
            DiscussionEdit::WithdrawProposal {
                id: proposal.to_string(),
            },
        );
    }

    /// One field of the merge review is seen.
    pub fn mark_seen(&self, id: &str, key: &FieldKey) {
        let result = self.with(|ws| ws.mark_seen(id, key));
        self.messages
            .check("The review could not be updated", result);
    }

    /// Puts back words of yours the other side removed.
    pub fn restore(&self, id: &str, field: &DiscussionText, what: &Restore) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.restore(id, field, what))??;
            Ok(())
        })();
        self.messages
            .check("The removed words could not be put back", result);
    }

    pub fn resolve(&self, id: &str, conflict: &Conflict, choice: usize) {
        let result = (|| -> AppResult<()> {
            self.with(|ws| ws.resolve(id, conflict, choice))??;
            Ok(())
        })();
        self.messages.check("Your choice could not be kept", result);
    }

    pub fn sign(&self, id: &str, side: Side, name: &str, on: Day) -> AppResult<()> {
        self.with(|ws| ws.sign(id, side, name, on))??;
        self.flush();
        Ok(())
    }

    pub fn dismiss_review(&self, id: &str) {
        self.change_meta(id, "The review could not be closed", |ws| {
            ws.dismiss_review(id)
        });
    }

    // ----- sharing ------------------------------------------------------------------------

    /// Before a discussion leaves this device by another way than a package (a live
    /// session): the first time, it gets a fresh history (see the workspace). `pair`: the
    /// session's host pairs the discussion (when pairing is on).
    pub fn before_sharing(&self, id: &str, pair: bool) -> AppResult<()> {
        self.flush();
        self.with(|ws| ws.before_sharing(id, clock::now_secs()))??;
        if pair {
            self.pair_if_wanted(id)?;
        }
        Ok(())
    }

    /// A package of the discussion for the other side. Pending edits are saved first; when
    /// storage refuses them the package is made all the same (from memory) and the save
    /// state says what was not saved.
    pub fn package(&self, id: &str, whole: bool) -> AppResult<Package> {
        self.flush();
        self.pair_if_wanted(id)?;
        Ok(self.with(|ws| ws.package(id, whole, clock::now_secs()))??)
    }

    /// Takes in a package: on an error nothing changed; otherwise the merge is saved now
    /// (or shown as not saved, and kept, when storage refuses it).
    pub fn take_in(&self, package: &Package) -> AppResult<TakenIn> {
        let taken = self.with(|ws| ws.take_in(package, clock::today(), clock::now_secs()))??;
        self.flush();
        Ok(taken)
    }

    // ----- paired sync --------------------------------------------------------------------

    /// Sharing says this side's answer to paired sync when nobody has said one yet: the
    /// "Pair our devices when I share" box, which Share shows only then. (Asked by the
    /// other side, or after their no, a person answers with a button of its own.)
    fn pair_if_wanted(&self, id: &str) -> AppResult<()> {
        let side = self.side(id);
        let unanswered = self
            .pairing(id)
            .is_some_and(|p| p.phase(side) == career_core::live::mailbox::Phase::NotAsked);
        if unanswered {
            let yes = self.pair_when_sharing.get_untracked();
            self.with(|ws| ws.answer_pairing(id, yes, random::bytes(), clock::now_secs()))??;
        }
        Ok(())
    }

    /// This side's answer to paired sync: yes or no, said now.
    pub fn answer_pairing(&self, id: &str, yes: bool) {
        let result = self
            .with(|ws| ws.answer_pairing(id, yes, random::bytes(), clock::now_secs()))
            .and_then(|r| r.map_err(AppError::from));
        self.messages
            .check("The sync setting could not be changed", result);
    }

    /// Whether both sides said yes to paired sync (followed through changes other than
    /// typing).
    pub fn is_paired(&self, id: &str) -> bool {
        self.track(Topic::Merges(id.into()));
        self.pairing(id).is_some_and(|p| p.paired().is_some())
    }

    /// A discussion's pairing, untracked (for the sync service).
    pub fn pairing(&self, id: &str) -> Option<PairingState> {
        self.with(|ws| ws.pairing(id).ok()).ok().flatten()
    }

    /// Where the discussion's paired sync stands; tracks changes other than typing and the
    /// metadata (not every keystroke: counting what the other side lacks walks the history
    /// since its heads; typed changes count once saved, which the caller tracks).
    pub fn mailbox_status(&self, id: &str) -> Option<MailboxStatus> {
        self.track(Topic::Merges(id.into()));
        self.track(Topic::Meta(id.into()));
        self.with(|ws| ws.mailbox_status(id).ok()).ok().flatten()
    }

    /// As [`DocStore::mailbox_status`], tracking nothing.
    pub(super) fn mailbox_status_untracked(&self, id: &str) -> Option<MailboxStatus> {
        self.with(|ws| ws.mailbox_status(id).ok()).ok().flatten()
    }

    /// The discussion, tracking nothing.
    pub(super) fn discussion_untracked(&self, id: &str) -> Option<Discussion> {
        self.with(|ws| ws.discussion(id).ok()).ok().flatten()
    }

    /// The bundle due now (`again`: also what was sent already and is still not declared
    /// by the other side).
    pub(super) fn mailbox_bundle(&self, id: &str, again: bool) -> AppResult<Option<Vec<u8>>> {
        let frame = self.with(|ws| {
            if again {
                ws.mailbox_resend(id, random::bytes(), clock::now_secs())
            } else {
                ws.mailbox_bundle(id, random::bytes(), clock::now_secs())
            }
        })??;
        Ok(frame)
    }

    pub(super) fn mailbox_published(&self, id: &str) {
        let _ = self.with(|ws| ws.mailbox_published(id, clock::now_secs()));
    }

    /// Moves the mailbox position past a message whose reading stopped the app.
    pub(super) fn mailbox_skip(&self, id: &str, side: Side, seq: u64) {
        let _ = self.with(|ws| ws.mailbox_skip(id, side, seq));
    }

    pub(super) fn mailbox_reset(&self, id: &str) {
        let _ = self.with(|ws| ws.mailbox_reset(id));
    }

    /// Takes in one mailbox message; the position is stored with the next save.
    pub(super) fn mailbox_take(
        &self,
        id: &str,
        from: Side,
        seq: u64,
        frame: &[u8],
    ) -> AppResult<Result<MailboxTaken, MailboxError>> {
        self.with(|ws| ws.mailbox_take(id, from, seq, frame, clock::today(), clock::now_secs()))
    }

    // ----- backups ------------------------------------------------------------------------

    /// Everything on this device, from memory (so unsaved edits are in it too).
    pub fn export_backup(&self, today: Day) -> AppResult<Backup> {
        self.flush();
        Ok(self.with(|ws| ws.export_backup(today))??)
    }

    pub fn import_backup(&self, bytes: &[u8]) -> AppResult<BackupReport> {
        let report = self.with(|ws| ws.import_backup(bytes, clock::now_secs()))??;
        self.flush();
        Ok(report)
    }

    // ----- handing a person over -----------------------------------------------------------

    /// The handover file for a person (their preparation only when `with_prep`).
    pub fn handover(&self, person_id: &str, with_prep: bool) -> AppResult<HandoverMade> {
        self.flush();
        Ok(self.with(|ws| ws.handover(person_id, with_prep, clock::today(), clock::now_secs()))??)
    }

    /// Takes a handover file in (checked whole before anything changes).
    pub fn take_handover(&self, bytes: &[u8]) -> AppResult<HandoverTaken> {
        let taken = self.with(|ws| ws.take_handover(bytes, clock::now_secs()))??;
        self.flush();
        Ok(taken)
    }

    // ----- deleting -----------------------------------------------------------------------

    /// What deleting `what` would remove (reads only).
    pub fn erase_preview(&self, what: &Erase) -> AppResult<ErasePreview> {
        Ok(self.with(|ws| ws.erase_preview(what))??)
    }

    /// Deletes `what` from this device — exactly the discussions the confirmation listed
    /// (`expected`); the services following those discussions let go.
    pub fn erase(&self, what: &Erase, expected: &[String]) -> AppResult<()> {
        Ok(self.with(|ws| ws.erase(what, expected, clock::now_secs()))??)
    }

    /// A deletion is under way (it stopped part-way: the next start finishes it).
    pub fn erasing_pending(&self) -> bool {
        matches!(self.setting(StorageKey::Erasing), Ok(Some(_)))
    }

    /// A deletion an earlier visit left under way, and whether this start finished it.
    pub fn resumed_erasing(&self) -> Option<Result<(), String>> {
        self.with(|ws| {
            ws.resumed_erasing()
                .map(|r| r.as_ref().map(|_| ()).map_err(|e| e.to_string()))
        })
        .ok()
        .flatten()
    }

    // ----- live sessions ------------------------------------------------------------------

    /// Stores a discussion that arrived whole through a live session, as the employee's.
    pub(super) fn adopt(&self, arriving: Arriving) -> AppResult<Discussion> {
        let d = self.with(|ws| ws.adopt(arriving, clock::today(), clock::now_secs()))??;
        self.flush();
        Ok(d)
    }

    // ----- saving -------------------------------------------------------------------------

    fn mark_pending(&self) {
        // Only when it changes: typing marks the document dirty on every keystroke.
        if matches!(self.save.get_untracked(), SaveState::Saved) {
            self.save.set(SaveState::Pending);
        }
        self.schedule_save();
    }

    fn schedule_save(&self) {
        let store = *self;
        self.timer.update_value(|t| {
            if let Some(handle) = t.take() {
                handle.clear();
            }
            *t = set_timeout_with_handle(move || store.flush(), SAVE_DELAY).ok();
        });
    }

    /// Writes everything pending now.
    pub fn flush(&self) {
        self.typing_paused();
        let Ok(true) = self.with(|ws| ws.has_unsaved()) else {
            // Nothing to write (most page hides). A change that turned out to need no write
            // (a package made of what was saved) leaves nothing pending either.
            if self.save.get_untracked() == SaveState::Pending {
                self.save.set(SaveState::Saved);
            }
            return;
        };
        // Err: shutting down, the page is gone and there is no one to tell.
        if let Ok(result) = self.with(|ws| ws.save(clock::now_secs())) {
            self.after_save(result);
        }
    }

    /// A typing pause (the save, or leaving the field): views of the whole record of the
    /// discussions typed into look again.
    pub fn typing_paused(&self) {
        let typed = self
            .typed
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        for name in typed {
            self.notify(Topic::Doc(name));
        }
    }

    fn after_save(&self, result: Result<(), KvError>) {
        match result {
            Ok(()) => {
                if !matches!(self.with(|ws| ws.has_unsaved()), Ok(true)) {
                    self.save.set(SaveState::Saved);
                }
            }
            Err(e) => self.save.set(SaveState::Failed(e)),
        }
    }

    /// Downloads every unsaved document as Automerge bytes, so nothing is lost when the
    /// browser's storage is full.
    pub fn export_unsaved(&self) {
        let files = self.with(|ws| ws.unsaved_bytes()).unwrap_or_default();
        for (name, bytes) in files {
            let result = download::download(
                &file_names::unsaved(&name),
                &bytes,
                "application/octet-stream",
            );
            self.messages
                .check("The unsaved changes could not be exported", result);
        }
    }

    /// Downloads the raw stored strings of a document, e.g. one that cannot be read.
    pub fn download_raw(&self, name: &DocName) {
        let result = self
            .with(|ws| ws.raw_entries(name))
            .and_then(|r| r.map_err(AppError::from))
            .and_then(|entries| {
                let map: serde_json::Map<String, serde_json::Value> = entries
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect();
                let json = serde_json::to_vec_pretty(&map).expect("strings serialise");
                download::download(&file_names::raw(name), &json, "application/json")
            });
        self.messages
            .check("The stored data could not be downloaded", result);
    }

    /// Another tab of this browser wrote `key`: take its changes in, so both tabs converge
    /// and neither overwrites the other.
    /// Another tab wrote `key` (`None`: it cleared storage).
    fn stored_elsewhere(&self, key: Option<&str>) {
        // Another tab's writes are not in this tab's count of the storage used, nor in its
        // list of keys.
        let _ = self.with(|ws| ws.kv().recount());
        let Some(key) = key else {
            return;
        };
        if let Ok(Err(e)) = self.with(|ws| ws.stored_elsewhere(key)) {
            self.messages.problem(format!(
                "Changes another tab saved could not be taken in: {e}. This tab's edits are kept."
            ));
        }
    }
}
