//! The documents of one device, as the app uses them: open, read, edit, take in what the
//! other side sent, save — over any [`KvStore`] (the browser's localStorage in the app, a
//! [`MemoryKv`](crate::storage::blobs::MemoryKv) in tests).
//!
//! Reads never write: a missing reflection reads as an empty one and is stored only when
//! the employee types. Edits apply at once in memory and mark the document dirty;
//! [`Workspace::save`] writes every dirty document (one blob each) and the index. A save
//! that fails (storage full) keeps everything dirty and is tried again by the next save.
//!
//! Hydrated copies: reading a long discussion out of Automerge costs time in proportion to
//! its text and history, so the workspace keeps the last read value of each document and
//! keeps it in step itself — typing patches it in the same step as the document (the
//! model's `splice`), every other change drops it. No caller can get that wrong.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::{ActorId, AutoCommit, ChangeHash};
use thiserror::Error;

use crate::error::{DecodeError, EditError};
use crate::live::envelope::Envelope;
use crate::live::session::{LiveError, Received, Session};
use crate::model::discussion::{self, Discussion, DiscussionEdit, DiscussionText, NewDiscussion};
use crate::model::fields::{self, FieldKey, Proposal, Suggestion};
use crate::model::method::{AnswerField, PrepField};
use crate::model::people::{self, Person, Roster, RosterEdit, RosterText};
use crate::model::prep::{self, Prep, PrepEdit};
use crate::model::reflection::{self, Reflection};
use crate::model::trust::{self, DeviceKey, DeviceKeys, PublicKey, Trust};
use crate::share::ownership::keep_owned;
use crate::share::review::{self, Conflict, Review};
use crate::share::signoff::{self, SignOff};
use crate::share::tracked::Restore;
use crate::share::{merge_into, merged_copy, one_history, origin, NotMerged, Package, ShareError};
use crate::storage::backup::{check_kind, missing_people, Backup, BackupError};
use crate::storage::blobs::{
    fingerprint, raw_entries, stored_names, KvError, KvStore, LoadError, StoredDoc,
};
use crate::storage::index::{Index, IndexEntry};
use crate::storage::keys::{DocName, StorageKey};
use crate::storage::meta::{heads_from_strings, heads_to_strings, LocalMeta, MetaError};
use crate::text::words::{self, WordDiff};
use crate::text::Splice;
use crate::{Day, Side};
use automerge::transaction::CommitOptions;

mod erase;
mod handover;
mod paired;
mod sync_line;
pub use erase::{Erase, ErasePreview, ErasedDiscussion};
pub use handover::{HandoverMade, HandoverTaken};
pub use paired::{MailboxError, MailboxStatus, MailboxTaken};
pub use sync_line::{Reach, SyncProblem};

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

/// A text field people type into, in whichever document holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TextField {
    /// A field of a discussion's shared record.
    Discussion(String, DiscussionText),
    /// The leader's private preparation.
    Prep(String, PrepField),
    /// The employee's private draft of an answer.
    Draft(String, AnswerField),
    /// A name, role or team in the people list.
    Roster(RosterText),
}

impl TextField {
    /// The document the field is in.
    pub fn doc(&self) -> DocName {
        match self {
            TextField::Discussion(id, _) => DocName::Discussion(id.clone()),
            TextField::Prep(id, _) => DocName::Prep(id.clone()),
            TextField::Draft(id, _) => DocName::Reflection(id.clone()),
            TextField::Roster(_) => DocName::Roster,
        }
    }
}

#[derive(Debug, Error)]
pub enum WorkspaceError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Storage(#[from] KvError),
    /// Boxed: Automerge's errors are large, and every workspace call returns this type.
    #[error("the edit could not be applied: {0}")]
    Edit(Box<EditError>),
    /// Publishing the draft as it is would remove words of the shared answer.
    #[error("publishing this draft would remove {0} words of the shared answer")]
    WouldRemove(usize),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Meta(#[from] MetaError),
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error("the stored discussion cannot be read: {0}")]
    Decode(#[from] DecodeError),
    #[error("your copy of this discussion is damaged ({0}), so nothing was merged into it")]
    DamagedCopy(LoadError),
    #[error(transparent)]
    Handover(#[from] crate::share::handover::HandoverError),
    #[error("what would be deleted changed after the confirmation was shown; nothing was deleted")]
    EraseChanged,
    /// A part of the record the other side owns: this side suggests a change instead.
    #[error("{part} is for the {owner} to change; suggest a change instead")]
    NotYours { part: String, owner: Side },
}

impl From<EditError> for WorkspaceError {
    fn from(e: EditError) -> WorkspaceError {
        WorkspaceError::Edit(Box::new(e))
    }
}

/// Whose side this device is on for a discussion, and whether that was read or inferred.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideOf {
    pub side: Side,
    /// The stored metadata could not be read; `side` was inferred from this device's own
    /// documents (an employee's device holds a reflection, a leader's a preparation).
    pub problem: Option<MetaError>,
}

/// How an employee's draft goes into the shared answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publish {
    /// The draft becomes the answer; refused when that would remove words of it.
    Draft,
    /// Both kept: the shared answer, then the draft marked as the employee's.
    AddMine,
    /// The draft replaces the answer, removed words included (the person confirmed).
    Replace,
}

/// What publishing a draft would do, shown before the employee confirms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishCheck {
    pub shared: String,
    pub draft: String,
    /// The draft edits the shared answer (it was started with *Edit the shared answer*,
    /// or published before): publishing applies what was typed since to the shared answer
    /// as it was then.
    pub edits_shared: bool,
    /// Something typed into the draft is not in the shared record yet.
    pub pending: bool,
    /// The shared answer as publishing the draft as it is would leave it: the draft for a
    /// new text, the shared answer with the employee's edit for one that edits it.
    pub as_is: String,
    /// What that removes of the shared answer as it is now, word by word.
    pub removes: WordDiff,
    pub removed_words: usize,
    /// The shared answer with the draft after it, under the employee's name.
    pub add_mine: String,
}

/// The text of answer `field` as it was at `heads` (a discussion's or a reflection's: both
/// keep answers under `answers`), read without isolating the document.
fn answer_text_at(doc: &AutoCommit, field: AnswerField, heads: &[ChangeHash]) -> Option<String> {
    use automerge::{ObjType, ReadDoc, Value};
    let answers = match doc.get_at(automerge::ROOT, "answers", heads).ok()?? {
        (Value::Object(_), obj) => obj,
        _ => return None,
    };
    match doc.get_at(&answers, field.as_key(), heads).ok()?? {
        (Value::Object(ObjType::Text), text) => doc.text_at(&text, heads).ok(),
        _ => None,
    }
}

/// Applies an employee's edit of the shared answer — the splices typed since `base` — to
/// the answer as it was at `base`, and merges that into `doc`, so words the leader wrote
/// since stay where they are. Returns the answer as it then reads.
fn apply_edit(
    doc: &mut AutoCommit,
    field: AnswerField,
    base: &reflection::Base,
    splices: &[Splice],
    actor: ActorId,
    now: i64,
) -> Result<String, WorkspaceError> {
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ReadDoc, Value};
    if !splices.is_empty() {
        let mut fork = doc
            .fork_at(&base.shared)
            .map_err(EditError::from)?
            .with_actor(actor);
        let answers = match fork
            .get(automerge::ROOT, "answers")
            .map_err(EditError::from)?
        {
            Some((Value::Object(_), obj)) => obj,
            _ => return Err(EditError::Missing("answers".into()).into()),
        };
        let text = match fork
            .get(&answers, field.as_key())
            .map_err(EditError::from)?
        {
            Some((Value::Object(ObjType::Text), text)) => text,
            _ => return Err(EditError::Missing(field.as_key().into()).into()),
        };
        for sp in splices {
            fork.splice_text(&text, sp.at, sp.delete as isize, &sp.insert)
                .map_err(EditError::from)?;
        }
        fork.commit_with(CommitOptions::default().with_time(now));
        doc.merge(&mut fork).map_err(EditError::from)?;
    }
    Ok(discussion::read(doc)?.answers.get(field).to_string())
}

/// "Add mine after it": the shared answer exactly as it is, then the draft exactly as it
/// is under the employee's name, a paragraph apart. Two texts are never woven together.
pub fn add_mine(shared: &str, name: &str, draft: &str) -> String {
    if shared.trim().is_empty() {
        // No words of anyone's yet: nothing to tell apart.
        return format!("{shared}{draft}");
    }
    let gap = if shared.ends_with("\n\n") {
        ""
    } else if shared.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    format!("{shared}{gap}{name}: {draft}")
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

/// What importing a backup did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupReport {
    pub created_on: Day,
    pub merged: usize,
    pub people_added: usize,
    /// Documents left alone, with why.
    pub skipped: Vec<String>,
}

/// What another tab's write meant for this one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outside {
    /// The index changed.
    Index,
    /// A document this tab has open took in another tab's changes.
    Doc(DocName),
    /// What this device remembers about a discussion changed.
    Meta(String),
    /// Another tab deleted a discussion: this tab let go of it.
    Erased(String),
}

/// What an operation changed, for whoever shows it (the shell turns these into what its
/// views follow and the events its services hear): drained with
/// [`Workspace::take_changes`] after every call, so no caller has to know what a call
/// touched.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// Typing changed a document's text, and only that: views of its other parts need not
    /// look again.
    Typed(DocName),
    /// A document changed any other way: an edit, a merge, a new copy, another tab's save.
    Doc(DocName),
    /// A discussion took in changes from a live session: nothing of them is this tab's to
    /// send on.
    Arrived(String),
    /// What this device notes about a discussion changed (side, review, keys, sync).
    Notes(String),
    /// The index of discussions changed.
    Index,
    /// This device's keys changed (a backup brought earlier ones): every signature reads
    /// differently.
    Keys,
    /// A discussion was deleted from this device (here or by another tab).
    Erased(String),
    /// What was pending is written.
    Saved,
}

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

#[derive(Default)]
struct Copies {
    roster: Option<Roster>,
    discussions: HashMap<String, Discussion>,
    preps: HashMap<String, Prep>,
    reflections: HashMap<String, Reflection>,
}

impl Copies {
    fn forget(&mut self, name: &DocName) {
        match name {
            DocName::Roster => self.roster = None,
            DocName::Discussion(id) => drop(self.discussions.remove(id)),
            DocName::Prep(id) => drop(self.preps.remove(id)),
            DocName::Reflection(id) => drop(self.reflections.remove(id)),
        }
    }
}

pub struct Workspace<K: KvStore> {
    kv: K,
    actor: ActorId,
    /// This tab's name on the blobs it writes (see `blobs`).
    writer: String,
    guard: Box<dyn Guard>,
    docs: HashMap<DocName, Result<StoredDoc, LoadError>>,
    dirty: BTreeSet<DocName>,
    index: Index,
    /// Discussions whose index entry this tab changed and has not written yet.
    index_changed: BTreeSet<String>,
    /// Metadata not written yet (storage was full): written by the next save, and read
    /// from here meanwhile.
    pending_meta: BTreeMap<String, LocalMeta>,
    copies: Copies,
    /// The last review computed: (discussion, from, to) → the review. Heads name fixed
    /// points of the history, so the same range always gives the same review.
    reviewed: Option<Reviewed>,
    /// This device's signing keys; `keys_unsaved` when storing new ones failed (the next
    /// save tries again).
    keys: DeviceKeys,
    keys_unsaved: bool,
    /// Discussions whose history is known to have come (in part) from elsewhere: never
    /// given a fresh history, so not looked at again on every live tick.
    travelled: BTreeSet<String>,
    /// Mailbox bundles published and not yet confirmed: the heads each covered.
    in_flight: paired::InFlight,
    /// Mailbox positions taken in, stored by the next save after the documents.
    read_positions: paired::ReadPositions,
    /// A deletion an earlier start left under way, finished (or not) when this opened.
    resumed_erasing: Option<Result<(), String>>,
    /// Suggestions made on arrival this session, per discussion (see `may_keep_out`).
    kept_out: HashMap<String, usize>,
    /// What changed since the caller last asked (see [`Change`]).
    changes: Vec<Change>,
    /// Discussions deleted (here or by another tab): their metadata is never written again.
    erased: BTreeSet<String>,
}

/// The two parties' device keys for one discussion, as this device sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyState {
    pub side: Side,
    /// This device's key.
    pub mine: PublicKey,
    /// The other party's key this device pinned, if it has seen one.
    pub pinned: Option<PublicKey>,
    /// The other party's key the discussion records now.
    pub recorded: Option<PublicKey>,
}

impl KeyState {
    /// The other party's recorded key differs from the one pinned: not accepted until the
    /// person confirms it.
    pub fn changed(&self) -> bool {
        matches!((self.pinned, self.recorded), (Some(p), Some(r)) if p != r)
    }

    /// The code both people compare: leader's key first, the same on both devices.
    pub fn safety_code(&self) -> Option<String> {
        let other = self.pinned?;
        Some(match self.side {
            Side::Leader => trust::safety_code(&self.mine, &other),
            Side::Employee => trust::safety_code(&other, &self.mine),
        })
    }
}

/// A computed review and the range it covers: (discussion, from, to).
type Reviewed = (String, Vec<String>, Option<Vec<String>>, Review);

/// Suggestions made on arrival per discussion and session, beyond which what arrives is
/// merged as it comes (see `Workspace::may_keep_out`).
const KEPT_OUT_LIMIT: usize = 50;

/// The part an edit changes, for a refusal.
fn edit_part(edit: &DiscussionEdit) -> String {
    match edit {
        DiscussionEdit::Track(_) => "The development track".into(),
        DiscussionEdit::Readiness(_) => "The readiness".into(),
        DiscussionEdit::HeldOn(_) => "The date it was held".into(),
        DiscussionEdit::Interject(_)
        | DiscussionEdit::LeaderViewText { .. }
        | DiscussionEdit::RemoveLeaderView { .. } => "A leader's view".into(),
        DiscussionEdit::Employee(_) | DiscussionEdit::Manager(_) => "A name in the record".into(),
        DiscussionEdit::Propose(_)
        | DiscussionEdit::AnswerProposal { .. }
        | DiscussionEdit::WithdrawProposal { .. } => "That suggestion".into(),
        _ => "That action".into(),
    }
}

fn text_part(text: &DiscussionText) -> &'static str {
    match text {
        DiscussionText::LeaderView(_) => "A leader's view",
        DiscussionText::Action(_) => "That action",
        _ => "That answer",
    }
}

fn damaged(what: &str, e: DecodeError) -> LoadError {
    LoadError::Damaged(format!("the stored {what} cannot be read ({e})"))
}

impl<K: KvStore> Workspace<K> {
    /// Opens the documents in `kv`. `actor` names this tab's changes (unique per tab: two
    /// tabs must never share one), `writer` its blobs.
    ///
    /// `seed` (32 random bytes) makes this device's signing key the first time; later the
    /// stored key is used. A stored key that cannot be read is kept aside, never replaced
    /// silently: the device then signs with a new key and its old signatures no longer
    /// verify on this device (its own earlier signatures show as not verified).
    pub fn open(
        mut kv: K,
        actor: [u8; 16],
        writer: &str,
        seed: [u8; 32],
        guard: Box<dyn Guard>,
    ) -> Workspace<K> {
        let key_name = StorageKey::DeviceKeys.key();
        let fresh = || DeviceKeys::new(DeviceKey::from_seed(seed));
        // `first_run`: no key was stored, so this is a new device or the first start of a
        // version with keys (see the migration below).
        let (keys, keys_unsaved, first_run) = match kv.get(&key_name) {
            Ok(Some(stored)) => match DeviceKeys::from_stored(&stored) {
                Some(keys) => (keys, false, false),
                None => {
                    let _ = kv.set(&format!("{key_name}-damaged"), &stored);
                    let keys = fresh();
                    let unsaved = kv.set(&key_name, &keys.to_stored()).is_err();
                    (keys, unsaved, false)
                }
            },
            Ok(None) => {
                let keys = fresh();
                let unsaved = kv.set(&key_name, &keys.to_stored()).is_err();
                (keys, unsaved, true)
            }
            // Storage that cannot be read now is never written over: a key for this
            // session only.
            Err(_) => (fresh(), false, false),
        };
        let stored = Index::read(&kv).ok().flatten();
        let (index, index_changed) = match stored {
            Some(index) => (index, BTreeSet::new()),
            None => {
                let index = Index::rebuild(&kv, None).unwrap_or_default();
                let all = index.discussions.keys().cloned().collect();
                (index, all)
            }
        };
        let mut ws = Workspace {
            kv,
            actor: ActorId::from(&actor[..]),
            writer: writer.to_string(),
            guard,
            docs: HashMap::new(),
            dirty: BTreeSet::new(),
            index,
            index_changed,
            pending_meta: BTreeMap::new(),
            copies: Copies::default(),
            reviewed: None,
            keys,
            keys_unsaved,
            travelled: BTreeSet::new(),
            in_flight: Default::default(),
            read_positions: Default::default(),
            resumed_erasing: None,
            erased: BTreeSet::new(),
            kept_out: HashMap::new(),
            changes: Vec::new(),
        };
        // Before anything is read: a deletion is all done or not at all.
        ws.resumed_erasing = match ws.finish_erasing() {
            Ok(false) => None,
            Ok(true) => Some(Ok(())),
            Err(e) => Some(Err(e.to_string())),
        };
        if first_run {
            ws.mark_existing_as_shared();
        }
        ws
    }

    /// The first start of a version that gives a discussion a fresh history before its
    /// first share: discussions already here may have been shared by an earlier version
    /// (which noted nothing), and a new history would no longer merge with the copy the
    /// other person has. They count as shared.
    fn mark_existing_as_shared(&mut self) {
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

    /// A deletion an earlier start left under way: finished (`Ok`) or still not (`Err`,
    /// with why) when the workspace opened; `None` when there was none.
    pub fn resumed_erasing(&self) -> Option<&Result<(), String>> {
        self.resumed_erasing.as_ref()
    }

    /// This device's signing keys.
    pub fn device_keys(&self) -> &DeviceKeys {
        &self.keys
    }

    /// Which keys this device accepts for each party of a discussion: its own (and, after a
    /// handover, the previous leader's) for its side; the pinned key, and keys pinned before
    /// an accepted change, for the other.
    fn trust(&self, id: &str) -> Trust {
        let meta = self.meta(id).ok().flatten().unwrap_or_default();
        let keys = |hex: &[String]| -> Vec<PublicKey> {
            hex.iter().filter_map(|k| PublicKey::from_hex(k)).collect()
        };
        let mine: Vec<PublicKey> = self.keys.all().collect();
        let mut other: Vec<PublicKey> = meta
            .pinned
            .as_deref()
            .and_then(PublicKey::from_hex)
            .into_iter()
            .collect();
        other.extend(keys(&meta.former_pinned));
        match self.side(id).side {
            Side::Leader => Trust {
                leader: mine.into_iter().chain(keys(&meta.former_leaders)).collect(),
                employee: other,
            },
            Side::Employee => Trust {
                leader: other,
                employee: mine,
            },
        }
    }

    /// Both parties' keys for a discussion, as this device sees them.
    pub fn keys_of(&mut self, id: &str) -> Result<KeyState, WorkspaceError> {
        let side = self.side(id).side;
        let pinned = self
            .meta(id)?
            .and_then(|m| m.pinned)
            .and_then(|k| PublicKey::from_hex(&k));
        let mine = self.keys.current.public();
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        Ok(KeyState {
            side,
            mine,
            pinned,
            recorded: trust::recorded_key(&stored.doc, side.other()),
        })
    }

    /// The person compared safety codes and accepts the other party's new key.
    pub fn accept_key(&mut self, id: &str) -> Result<(), WorkspaceError> {
        let state = self.keys_of(id)?;
        if let Some(recorded) = state.recorded.filter(|k| !self.keys.owns(k)) {
            let mut meta = self.meta_to_change(id);
            // The key pinned before keeps counting for what it signed then (the leader's
            // earlier device, or the leader before a handover).
            if let Some(old) = meta.pinned.take() {
                if old != recorded.to_hex() && !meta.former_pinned.contains(&old) {
                    meta.former_pinned.push(old);
                }
            }
            meta.pinned = Some(recorded.to_hex());
            self.write_meta(id, meta);
        }
        Ok(())
    }

    /// After something from the other side was merged: pins their key the first time one
    /// is recorded (never one of this device's own keys, and never over a pinned one).
    fn pin_other_key(&mut self, id: &str) {
        let Ok(state) = self.keys_of(id) else { return };
        if state.pinned.is_some() {
            return;
        }
        if let Some(recorded) = state.recorded.filter(|k| !self.keys.owns(k)) {
            let mut meta = self.meta_to_change(id);
            meta.pinned = Some(recorded.to_hex());
            self.write_meta(id, meta);
        }
    }

    /// Records this device's key as its party's in the discussion, when it is not already.
    /// No key is recorded for this device's side of the discussion yet.
    fn my_key_unrecorded(&mut self, id: &str) -> Result<bool, WorkspaceError> {
        let side = self.side(id).side;
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        Ok(trust::recorded_key(&stored.doc, side).is_none())
    }

    fn record_my_key(&mut self, id: &str) -> Result<(), WorkspaceError> {
        let side = self.side(id).side;
        let key = self.keys.current.public();
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        if trust::recorded_key(&stored.doc, side) == Some(key) {
            return Ok(());
        }
        self.change_discussion(id, |doc| Ok((trust::record_key(doc, side, &key)?, ())))
    }

    /// The store, for the app's own small settings (read with [`StorageKey`]s).
    pub fn kv(&self) -> &K {
        &self.kv
    }

    pub fn get_value(&self, key: &StorageKey) -> Result<Option<String>, KvError> {
        self.kv.get(&key.key())
    }

    pub fn set_value(&mut self, key: &StorageKey, value: &str) -> Result<(), KvError> {
        self.kv.set(&key.key(), value)
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    // ----- loading ------------------------------------------------------------------------

    fn stored(&mut self, name: &DocName) -> Result<&mut StoredDoc, LoadError> {
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
    fn changing(&mut self, name: &DocName) -> Result<&mut StoredDoc, LoadError> {
        self.copies.forget(name);
        self.stored(name)
    }

    fn create(&mut self, name: &DocName, doc: AutoCommit, now: i64) -> Result<(), KvError> {
        let stored = StoredDoc::create(&mut self.kv, name, doc, now, &self.writer)?;
        if let DocName::Discussion(id) = name {
            // Back whole (taken in again after a deletion): its notes are written again.
            self.erased.remove(id);
        }
        self.docs.insert(name.clone(), Ok(stored));
        self.note(Change::Doc(name.clone()));
        Ok(())
    }

    fn new_doc(&self) -> AutoCommit {
        AutoCommit::new().with_actor(self.actor.clone())
    }

    fn mark_dirty(&mut self, name: &DocName) {
        self.dirty.insert(name.clone());
        self.note(Change::Doc(name.clone()));
    }

    /// A document changed by typing alone (see [`Change::Typed`]).
    fn mark_typed(&mut self, name: &DocName) {
        self.dirty.insert(name.clone());
        self.note(Change::Typed(name.clone()));
    }

    /// Notes a change for the caller (once per kind between two drains).
    pub(crate) fn note(&mut self, change: Change) {
        if !self.changes.contains(&change) {
            self.changes.push(change);
        }
    }

    /// A discussion's index entry changed and is to be written.
    fn index_changed_for(&mut self, id: &str) {
        self.index_changed.insert(id.to_string());
        self.note(Change::Index);
    }

    /// What changed since the last call, oldest first.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    // ----- reading ------------------------------------------------------------------------

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
    fn discussion_copy(&mut self, id: &str) -> Result<&mut Discussion, LoadError> {
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

    fn prep_copy(&mut self, id: &str) -> Result<&mut Prep, LoadError> {
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

    /// What this device remembers about a discussion (`None`: nothing yet).
    pub fn meta(&self, id: &str) -> Result<Option<LocalMeta>, MetaError> {
        if let Some(meta) = self.pending_meta.get(id) {
            return Ok(Some(meta.clone()));
        }
        LocalMeta::read(&self.kv, id)
    }

    /// Whose side this device is on for a discussion. Unreadable metadata never switches
    /// sides: the side is then inferred from this device's own documents and the problem
    /// reported.
    pub fn side(&self, id: &str) -> SideOf {
        match self.meta(id) {
            Ok(Some(meta)) => SideOf {
                side: meta.perspective,
                problem: None,
            },
            Ok(None) => SideOf {
                side: self.inferred_side(id),
                problem: None,
            },
            Err(e) => SideOf {
                side: self.inferred_side(id),
                problem: Some(e),
            },
        }
    }

    fn inferred_side(&self, id: &str) -> Side {
        // The index says so for every discussion this device stored (no scan of storage).
        if let Some(entry) = self.index.discussions.get(id) {
            return if entry.shared_with_me {
                Side::Employee
            } else {
                Side::Leader
            };
        }
        let has = |name: DocName| {
            self.docs.get(&name).is_some_and(|d| d.is_ok())
                || stored_names(&self.kv).is_ok_and(|names| names.contains(&name))
        };
        let shared_with_me = self
            .index
            .discussions
            .get(id)
            .is_some_and(|e| e.shared_with_me);
        if shared_with_me || (has(DocName::Reflection(id.into())) && !has(DocName::Prep(id.into())))
        {
            Side::Employee
        } else {
            Side::Leader
        }
    }

    /// Whether `actor` is one of this device's (every tab's actor starts with the device's
    /// prefix): the words it inserted are "yours" in a review.
    fn mine(&self) -> impl Fn(&ActorId) -> bool + 'static {
        let prefix: Vec<u8> = self.actor.to_bytes().iter().take(8).copied().collect();
        move |actor: &ActorId| actor.to_bytes().starts_with(&prefix)
    }

    /// What the merges since the last review brought, field by field, less the fields
    /// marked as seen.
    pub fn review(&mut self, id: &str) -> Result<Review, WorkspaceError> {
        let Some(meta) = self.meta(id)? else {
            return Ok(Review::default());
        };
        let Some(from) = meta.review_from.as_ref() else {
            return Ok(Review::default());
        };
        let cached = self.reviewed.as_ref().filter(|(i, f, t, _)| {
            i == id && f == from && t.as_ref() == meta.review_to.as_ref() && t.is_some()
        });
        let mut review = match cached {
            Some((.., review)) => review.clone(),
            None => {
                let heads = heads_from_strings(from);
                let to = meta.review_to.as_ref().map(|to| heads_from_strings(to));
                let mine = self.mine();
                let stored = self.stored(&DocName::Discussion(id.into()))?;
                let review = match &to {
                    Some(to) => review::changes_between(&mut stored.doc, &heads, to, &mine)?,
                    None => review::changes_since(&mut stored.doc, &heads, &mine)?,
                };
                self.reviewed = Some((
                    id.to_string(),
                    from.clone(),
                    meta.review_to.clone(),
                    review.clone(),
                ));
                review
            }
        };
        review.changes.retain(|c| !meta.seen.contains(&c.key));
        self.drop_kept_out(id, &mut review);
        for c in &mut review.changes {
            if let review::Change::Text(pieces) = &mut c.change {
                for p in pieces {
                    if p.restore
                        .as_ref()
                        .is_some_and(|r| meta.restored.contains(&r.key))
                    {
                        p.restored = true;
                    }
                }
            }
        }
        Ok(review)
    }

    /// One field of the review is seen: it leaves the review.
    pub fn mark_seen(&mut self, id: &str, key: &str) -> Result<(), WorkspaceError> {
        let mut meta = self.meta_to_change(id);
        if !meta.seen.iter().any(|k| k == key) {
            meta.seen.push(key.to_string());
        }
        self.write_meta(id, meta);
        Ok(())
    }

    /// Puts back words of this device that the other side removed (from the review's
    /// [`Tracked::restore`](crate::share::tracked::Tracked::restore)), as a new edit the
    /// other side receives like any other.
    pub fn restore(
        &mut self,
        id: &str,
        field: &DiscussionText,
        what: &Restore,
    ) -> Result<(), WorkspaceError> {
        let meta = self.meta_to_change(id);
        let Some(from) = meta.review_from.as_ref() else {
            return Err(WorkspaceError::Edit(Box::new(EditError::Missing(
                "the merge review".into(),
            ))));
        };
        if meta.restored.contains(&what.key) {
            return Ok(());
        }
        let from = heads_from_strings(from);
        self.change_discussion(id, |doc| {
            review::restore(doc, field, &from, what)?;
            Ok((true, ()))
        })?;
        let mut meta = self.meta_to_change(id);
        meta.restored.push(what.key.clone());
        self.write_meta(id, meta);
        Ok(())
    }

    /// Whether what arrives for a discussion is still set back this session. Two devices
    /// of one person that are not linked each take the other for the other side and would
    /// set each other's changes back for ever: after [`KEPT_OUT_LIMIT`] suggestions made on
    /// arrival in one session, a discussion is merged as it comes until the next start.
    fn may_keep_out(&self, id: &str) -> bool {
        self.kept_out.get(id).copied().unwrap_or(0) < KEPT_OUT_LIMIT
    }

    fn counted_kept_out(&mut self, id: &str, n: usize) {
        if n > 0 {
            *self.kept_out.entry(id.to_string()).or_default() += n;
        }
    }

    /// A review lists what the other side changed; a part of this side's that they changed
    /// was set back on arrival (their change is a suggestion now), so it is not listed.
    fn drop_kept_out(&mut self, id: &str, review: &mut Review) {
        let side = self.side(id).side;
        if let Ok(d) = self.discussion_copy(id) {
            review.changes.retain(|c| {
                c.key
                    .parse::<FieldKey>()
                    .map_or(true, |k| k.owner(d) != Some(side))
            });
        }
    }

    /// Single values both sides set at once, with each side's value: those this side
    /// decides (a part the other side owns is theirs to settle).
    pub fn conflicts(&mut self, id: &str) -> Result<Vec<Conflict>, LoadError> {
        let mine = self.mine();
        let side = self.side(id).side;
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        let mut list = review::conflicts(&stored.doc, &mine);
        let d = self.discussion_copy(id)?;
        list.retain(|c| c.field.field_key().changeable_by(d, side));
        Ok(list)
    }

    /// The suggestions in the record, oldest first.
    pub fn proposals(&mut self, id: &str) -> Result<Vec<Proposal>, LoadError> {
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        Ok(fields::proposals(&stored.doc))
    }

    /// Refuses an edit this side may not make (a part the other side owns).
    fn check_may(&mut self, id: &str, edit: &DiscussionEdit) -> Result<(), WorkspaceError> {
        let side = self.side(id).side;
        let proposals = self.proposals(id)?;
        let d = self.discussion_copy(id)?;
        match fields::who_may(d, &proposals, edit) {
            Some(owner) if owner != side => Err(WorkspaceError::NotYours {
                part: edit_part(edit),
                owner,
            }),
            _ => Ok(()),
        }
    }

    /// Suggests a change to a part the other side owns.
    pub fn propose(
        &mut self,
        id: &str,
        suggestion: &Suggestion,
        proposal_id: String,
        today: Day,
    ) -> Result<(), WorkspaceError> {
        let side = self.side(id).side;
        let owner = suggestion.field().owner(self.discussion_copy(id)?);
        if owner != Some(side.other()) {
            return Err(WorkspaceError::Edit(Box::new(EditError::Missing(
                "a part of the other side's to suggest a change to".into(),
            ))));
        }
        let p = suggestion.proposal(proposal_id, side, today);
        self.edit_discussion(id, DiscussionEdit::Propose(p))
            .map(|_| ())
    }

    /// Answers the other side's suggestion: accepting makes the change as this side's own
    /// edit.
    pub fn answer_proposal(
        &mut self,
        id: &str,
        proposal_id: &str,
        accept: bool,
    ) -> Result<(), WorkspaceError> {
        let p = self
            .proposals(id)?
            .into_iter()
            .find(|p| p.id == proposal_id)
            .ok_or_else(|| EditError::NoSuchItem(proposal_id.to_string()))?;
        if accept {
            if let Some(s) = p.suggestion() {
                self.edit_discussion(id, s.edit())?;
            }
        }
        let answer = if accept {
            fields::Answer::Accepted
        } else {
            fields::Answer::Declined
        };
        self.edit_discussion(
            id,
            DiscussionEdit::AnswerProposal {
                id: p.id.clone(),
                answer,
            },
        )
        .map(|_| ())
    }

    pub fn sign_off(&mut self, id: &str) -> Result<SignOff, WorkspaceError> {
        let trust = self.trust(id);
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        Ok(signoff::status(&mut stored.doc, &trust)?)
    }

    /// The version both signed, with the signatures, if there is one.
    pub fn agreed_version(
        &mut self,
        id: &str,
    ) -> Result<(SignOff, Option<(Discussion, SignOff)>), WorkspaceError> {
        let trust = self.trust(id);
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        let status = signoff::status(&mut stored.doc, &trust)?;
        let agreed = signoff::agreed_version(&mut stored.doc, &trust)?;
        Ok((status, agreed))
    }

    /// Every stored key of a document with its raw value (a damaged one's data to download).
    pub fn raw_entries(&self, doc: &DocName) -> Result<Vec<(String, String)>, KvError> {
        raw_entries(&self.kv, doc)
    }

    // ----- editing ------------------------------------------------------------------------

    /// Stores an empty people list (a new device).
    pub fn create_roster(&mut self, now: i64) -> Result<Roster, WorkspaceError> {
        let mut doc = self.new_doc();
        people::create(&mut doc)?;
        self.create(&DocName::Roster, doc, now)?;
        Ok(self.roster()?)
    }

    pub fn edit_roster(&mut self, edit: RosterEdit) -> Result<bool, WorkspaceError> {
        let stored = self.changing(&DocName::Roster)?;
        let changed = people::apply(&mut stored.doc, edit)?;
        if changed {
            self.mark_dirty(&DocName::Roster);
        }
        Ok(changed)
    }

    /// Starts a discussion: the shared record and the leader's private preparation, both
    /// stored at once.
    pub fn new_discussion(
        &mut self,
        new: NewDiscussion,
        now: i64,
    ) -> Result<IndexEntry, WorkspaceError> {
        let id = new.id.clone();
        // The leader's assessment carries over from the person's latest discussion that
        // can be read: it stands until the leader changes it.
        let previous = self
            .index
            .of_person(&new.person_id)
            .into_iter()
            .filter(|(_, e)| !e.shared_with_me)
            .map(|(id, _)| id.clone())
            .collect::<Vec<_>>()
            .into_iter()
            .find_map(|prev| self.discussion(&prev).ok());
        let mut doc = self.new_doc();
        discussion::create(&mut doc, new)?;
        if let Some(prev) = previous {
            discussion::apply(&mut doc, DiscussionEdit::Track(prev.track))?;
            discussion::apply(&mut doc, DiscussionEdit::Readiness(prev.readiness))?;
        }
        let entry = IndexEntry::of(&discussion::read(&doc)?);
        let mut prep_doc = self.new_doc();
        prep::create(&mut prep_doc, &id)?;
        self.create(&DocName::Prep(id.clone()), prep_doc, now)?;
        self.create(&DocName::Discussion(id.clone()), doc, now)?;
        self.index.discussions.insert(id.clone(), entry.clone());
        self.index_changed_for(&id);
        Ok(entry)
    }

    /// Runs `f` on a discussion's document; when it reports a change, the document is
    /// marked for saving and its index entry brought up to date.
    fn change_discussion<T>(
        &mut self,
        id: &str,
        f: impl FnOnce(&mut AutoCommit) -> Result<(bool, T), WorkspaceError>,
    ) -> Result<T, WorkspaceError> {
        let name = DocName::Discussion(id.into());
        let stored = self.changing(&name)?;
        let (changed, out) = f(&mut stored.doc)?;
        if changed {
            self.mark_dirty(&name);
            self.update_index(id)?;
        }
        Ok(out)
    }

    fn update_index(&mut self, id: &str) -> Result<(), LoadError> {
        let d = self.discussion(id)?;
        let entry = IndexEntry::updated(&d, self.index.discussions.get(id));
        if self.index.discussions.get(id) != Some(&entry) {
            self.index.discussions.insert(id.to_string(), entry);
            self.index_changed_for(id);
        }
        Ok(())
    }

    /// Makes an edit of this side's. An action added is this side's whatever it says; an
    /// edit of a part the other side owns is refused ([`WorkspaceError::NotYours`]).
    pub fn edit_discussion(
        &mut self,
        id: &str,
        mut edit: DiscussionEdit,
    ) -> Result<bool, WorkspaceError> {
        if let DiscussionEdit::AddAction(a) = &mut edit {
            a.by = self.side(id).side;
        }
        self.check_may(id, &edit)?;
        self.change_discussion(id, |doc| {
            let changed = discussion::apply(doc, edit)?;
            Ok((changed, changed))
        })
    }

    pub fn edit_prep(&mut self, id: &str, edit: PrepEdit) -> Result<bool, WorkspaceError> {
        let name = DocName::Prep(id.into());
        let changed = prep::apply(&mut self.changing(&name)?.doc, edit)?;
        if changed {
            self.mark_dirty(&name);
        }
        Ok(changed)
    }

    /// Applies what someone typed into a text field: to the document and to its copy in one
    /// step. Returns whether the text changed. `now` stamps the reflection document when
    /// the employee's first keystroke creates it.
    pub fn splice(
        &mut self,
        field: &TextField,
        splice: &Splice,
        now: i64,
    ) -> Result<bool, WorkspaceError> {
        if splice.is_noop() {
            return Ok(false);
        }
        let name = field.doc();
        let result = self.splice_into(field, &name, splice, now);
        if result.is_err() {
            // Whatever went wrong, the next read starts from the document itself.
            self.copies.forget(&name);
        }
        result
    }

    fn splice_into(
        &mut self,
        field: &TextField,
        name: &DocName,
        splice: &Splice,
        now: i64,
    ) -> Result<bool, WorkspaceError> {
        match field {
            TextField::Discussion(id, text) => {
                let side = self.side(id).side;
                let key = FieldKey::of_text(text);
                if let Some(owner) = key.owner(self.discussion_copy(id)?).filter(|o| *o != side) {
                    return Err(WorkspaceError::NotYours {
                        part: text_part(text).into(),
                        owner,
                    });
                }
                // The copy is taken out, not cloned: a keystroke costs no copy of the
                // discussion. On an error it stays out, and the next read starts afresh.
                let mut copy = self.copies.discussions.remove(id).expect("just read");
                copy.splice(&mut self.stored(name)?.doc, text, splice)?;
                self.copies.discussions.insert(id.clone(), copy);
            }
            TextField::Prep(id, f) => {
                self.prep_copy(id)?;
                let mut copy = self.copies.preps.remove(id).expect("just read");
                copy.splice(&mut self.stored(name)?.doc, *f, splice)?;
                self.copies.preps.insert(id.clone(), copy);
            }
            TextField::Draft(id, f) => {
                let mut copy = self.reflection(id)?;
                if matches!(self.stored(name), Err(LoadError::NotFound)) {
                    // The first keystroke of a reflection stores it.
                    let mut doc = self.new_doc();
                    reflection::create(&mut doc, id)?;
                    self.create(name, doc, now)?;
                }
                let stored = self.stored(name)?;
                copy.splice(&mut stored.doc, *f, splice)?;
                self.copies.reflections.insert(id.clone(), copy);
            }
            TextField::Roster(text) => {
                let roster = self.roster()?;
                let current = roster
                    .text(text)
                    .ok_or_else(|| EditError::NoSuchItem(format!("{text:?}")))?;
                let value = splice.applied(current).map_err(EditError::from)?;
                return self.edit_roster(text.set(value));
            }
        }
        self.mark_typed(name);
        Ok(true)
    }

    /// What publishing a draft would do to the shared answer (nothing changes).
    ///
    /// Pending typing is committed first, with `now` (reading at past heads would
    /// otherwise close it unstamped).
    pub fn publish_check(
        &mut self,
        id: &str,
        field: AnswerField,
        now: i64,
    ) -> Result<PublishCheck, WorkspaceError> {
        self.stored(&DocName::Discussion(id.into()))?.commit(now);
        if let Ok(stored) = self.stored(&DocName::Reflection(id.into())) {
            stored.commit(now);
        }
        let draft = self.reflection(id)?.answers.get(field).to_string();
        let shared = self.discussion(id)?.answers.get(field).to_string();
        let edit = self.edit_of_shared(id, field)?;
        let (edits_shared, pending, as_is) = match &edit {
            Some((base, splices)) => {
                let mut trial = self.stored(&DocName::Discussion(id.into()))?.doc.fork();
                let as_is = apply_edit(
                    &mut trial,
                    field,
                    base,
                    splices,
                    self.publish_actor(id, field, splices, now),
                    now,
                )?;
                (true, !splices.is_empty(), as_is)
            }
            None => (false, draft != shared, draft.clone()),
        };
        // Exact, not folded for reading: a word kept between two additions is not removed.
        let removes = words::diff_exact(&shared, &as_is);
        let name = crate::model::discussion::Owner::Employee.name_in(self.discussion_copy(id)?);
        Ok(PublishCheck {
            removed_words: removes.removed_words(),
            removes,
            add_mine: add_mine(&shared, &name, &draft),
            edits_shared,
            pending,
            as_is,
            shared,
            draft,
        })
    }

    /// For each answer whose draft edits the shared answer: whether something typed into
    /// it is not published yet. Cheap enough for every keystroke of a draft (the
    /// reflection, not the record, is read).
    pub fn draft_edits(&mut self, id: &str) -> Result<Vec<(AnswerField, bool)>, WorkspaceError> {
        let name = DocName::Reflection(id.into());
        let stored = match self.stored(&name) {
            Ok(stored) => stored,
            Err(LoadError::NotFound) => return Ok(vec![]),
            Err(e) => return Err(e.into()),
        };
        let now = reflection::read(&stored.doc)?;
        let mut out = Vec::new();
        for field in AnswerField::ALL {
            let Some(base) = reflection::base(&stored.doc, field) else {
                continue;
            };
            if base
                .draft
                .iter()
                .any(|h| stored.doc.get_change_meta_by_hash(h).is_none())
            {
                continue;
            }
            // Read at the base without isolating: that would close the pending typing.
            if let Some(then) = answer_text_at(&stored.doc, field, &base.draft) {
                out.push((field, then != now.answers.get(field)));
            }
        }
        Ok(out)
    }

    /// A draft that edits the shared answer: where it started and what was typed since.
    /// `None` for a draft that is a text of its own (or whose start this copy no longer
    /// has).
    fn edit_of_shared(
        &mut self,
        id: &str,
        field: AnswerField,
    ) -> Result<Option<(reflection::Base, Vec<Splice>)>, WorkspaceError> {
        let name = DocName::Reflection(id.into());
        let (base, splices, then) = match self.stored(&name) {
            Ok(stored) => {
                let Some(base) = reflection::base(&stored.doc, field) else {
                    return Ok(None);
                };
                let Some(splices) = reflection::edits_since(&mut stored.doc, field, &base.draft)
                else {
                    return Ok(None);
                };
                let then = answer_text_at(&stored.doc, field, &base.draft);
                (base, splices, then)
            }
            Err(LoadError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        // The draft started as the shared answer then; anything else is not an edit of it.
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        if base
            .shared
            .iter()
            .any(|h| stored.doc.get_change_meta_by_hash(h).is_none())
        {
            return Ok(None);
        }
        let shared_then = answer_text_at(&stored.doc, field, &base.shared);
        if shared_then.is_none() || shared_then != then {
            return Ok(None);
        }
        Ok(Some((base, splices)))
    }

    /// The actor of a published edit: this device's prefix and a suffix of its own, since
    /// the edit is made on the record as it was (where this tab's actor may have changes
    /// after it already). Drawn from the record's heads, the edit and the time, so two
    /// different edits never share an actor and sequence number.
    fn publish_actor(
        &mut self,
        id: &str,
        field: AnswerField,
        splices: &[Splice],
        now: i64,
    ) -> ActorId {
        use sha2::{Digest, Sha256};
        let mut actor = self.actor.to_bytes().to_vec();
        let heads = self
            .stored(&DocName::Discussion(id.into()))
            .map(|s| s.doc.get_heads())
            .unwrap_or_default();
        let mut hash = Sha256::new();
        hash.update(&actor);
        hash.update(field.as_key());
        hash.update(now.to_be_bytes());
        for sp in splices {
            hash.update(sp.at.to_be_bytes());
            hash.update(sp.delete.to_be_bytes());
            hash.update(sp.insert.as_bytes());
        }
        for h in heads {
            hash.update(h.0);
        }
        if actor.len() >= 16 {
            actor.truncate(8);
            actor.extend_from_slice(&hash.finalize()[..8]);
        }
        ActorId::from(&actor[..])
    }

    /// Puts the employee's private draft of an answer into the shared record, `how` they
    /// chose. Nothing of the shared answer is removed unless they chose [`Publish::Replace`]
    /// (or removed it themselves, editing the shared answer). Afterwards the draft is the
    /// shared answer as it now reads, so what they type next is an edit of it.
    pub fn publish(
        &mut self,
        id: &str,
        field: AnswerField,
        how: Publish,
        now: i64,
    ) -> Result<bool, WorkspaceError> {
        let check = self.publish_check(id, field, now)?;
        if check.draft.trim().is_empty() && !check.edits_shared {
            return Ok(false);
        }
        let changed = match how {
            Publish::Draft if check.edits_shared => {
                let (base, splices) = self
                    .edit_of_shared(id, field)?
                    .expect("checked above: the draft edits the shared answer");
                let actor = self.publish_actor(id, field, &splices, now);
                let changed = !splices.is_empty();
                self.change_discussion(id, |doc| {
                    apply_edit(doc, field, &base, &splices, actor, now)?;
                    Ok((changed, ()))
                })?;
                changed
            }
            Publish::Draft if check.removed_words > 0 => {
                return Err(WorkspaceError::WouldRemove(check.removed_words))
            }
            Publish::Draft | Publish::Replace => {
                self.edit_discussion(id, DiscussionEdit::Answer(field, check.draft.clone()))?
            }
            Publish::AddMine => {
                self.edit_discussion(id, DiscussionEdit::Answer(field, check.add_mine.clone()))?
            }
        };
        self.rebase_draft(id, field, now)?;
        Ok(changed)
    }

    /// "Edit the shared answer": the draft becomes the shared answer, and what the employee
    /// types from there is an edit of it (published as that edit). What they had drafted is
    /// kept below it, as the first words of that edit: nothing they wrote is dropped.
    pub fn draft_from_shared(
        &mut self,
        id: &str,
        field: AnswerField,
        now: i64,
    ) -> Result<(), WorkspaceError> {
        let draft = self.reflection(id)?.answers.get(field).to_string();
        self.rebase_draft(id, field, now)?;
        let shared = self.discussion(id)?.answers.get(field).to_string();
        if !draft.trim().is_empty() && !shared.contains(draft.trim()) {
            let text = format!("{}\n\n{}", shared.trim_end(), draft.trim());
            self.set_draft(id, field, &text, now)?;
        }
        Ok(())
    }

    /// The draft becomes the shared answer as it reads now, and the start of what is typed
    /// next.
    pub fn rebase_draft(
        &mut self,
        id: &str,
        field: AnswerField,
        now: i64,
    ) -> Result<(), WorkspaceError> {
        let shared = self.discussion(id)?.answers.get(field).to_string();
        self.set_draft(id, field, &shared, now)?;
        let name = DocName::Discussion(id.into());
        let shared_heads = {
            let stored = self.stored(&name)?;
            stored.commit(now);
            stored.doc.get_heads()
        };
        let draft_name = DocName::Reflection(id.into());
        if matches!(self.stored(&draft_name), Err(LoadError::NotFound)) {
            let mut doc = self.new_doc();
            reflection::create(&mut doc, id)?;
            self.create(&draft_name, doc, now)?;
        }
        let stored = self.stored(&draft_name)?;
        stored.commit(now);
        let base = reflection::Base {
            shared: shared_heads,
            draft: stored.doc.get_heads(),
        };
        reflection::set_base(&mut stored.doc, field, &base)?;
        stored.commit(now);
        self.copies.forget(&draft_name);
        self.mark_dirty(&draft_name);
        Ok(())
    }

    fn set_draft(
        &mut self,
        id: &str,
        field: AnswerField,
        text: &str,
        now: i64,
    ) -> Result<(), WorkspaceError> {
        let draft = self.reflection(id)?.answers.get(field).to_string();
        if let Some(splice) = crate::text::diff(&draft, text) {
            self.splice(&TextField::Draft(id.into(), field), &splice, now)?;
        }
        Ok(())
    }

    /// Keeps the value at `choice` of a conflict.
    pub fn resolve(
        &mut self,
        id: &str,
        conflict: &Conflict,
        choice: usize,
    ) -> Result<(), WorkspaceError> {
        let side = self.side(id).side;
        if let Some(owner) = conflict
            .field
            .field_key()
            .owner(self.discussion_copy(id)?)
            .filter(|o| *o != side)
        {
            return Err(WorkspaceError::NotYours {
                part: conflict.label.clone(),
                owner,
            });
        }
        self.change_discussion(id, |doc| {
            review::resolve(doc, conflict, choice)?;
            Ok((true, ()))
        })
    }

    /// Signs the record as it is now, for `side`, as `name`.
    pub fn sign(
        &mut self,
        id: &str,
        side: Side,
        name: &str,
        on: Day,
    ) -> Result<(), WorkspaceError> {
        self.record_my_key(id)?;
        let key = self.keys.current.clone();
        self.change_discussion(id, |doc| {
            signoff::sign(doc, side, name, on, &key)?;
            Ok((true, ()))
        })
    }

    /// Notes new metadata; it is written now, or by the next save when storage refuses it
    /// (like a document's edits, it is never lost while the tab is open).
    fn write_meta(&mut self, id: &str, meta: LocalMeta) {
        self.pending_meta.insert(id.to_string(), meta);
        self.note(Change::Notes(id.to_string()));
        // An error stays pending: the save reports it.
        let _ = self.write_pending_meta();
    }

    fn write_pending_meta(&mut self) -> Result<(), KvError> {
        for (id, meta) in self.pending_meta.clone() {
            if self.erased.contains(&id) {
                self.pending_meta.remove(&id);
                continue;
            }
            // Unreadable metadata is kept aside before it is replaced: nothing is deleted.
            if let Err(MetaError::Unreadable(_)) = LocalMeta::read(&self.kv, &id) {
                if let Some(old) = self.kv.get(&StorageKey::Meta(id.clone()).key())? {
                    self.kv
                        .set(&StorageKey::MetaSetAside(id.clone()).key(), &old)?;
                }
            }
            meta.write(&mut self.kv, &id)?;
            self.pending_meta.remove(&id);
        }
        Ok(())
    }

    /// The metadata to change: what is stored, or a fresh one on the side this device is on.
    fn meta_to_change(&self, id: &str) -> LocalMeta {
        match self.meta(id) {
            Ok(Some(meta)) => meta,
            _ => LocalMeta {
                perspective: self.side(id).side,
                ..LocalMeta::default()
            },
        }
    }

    /// The merge review is done.
    pub fn dismiss_review(&mut self, id: &str) -> Result<(), WorkspaceError> {
        let mut meta = self.meta_to_change(id);
        meta.review_from = None;
        meta.review_to = None;
        meta.seen.clear();
        meta.restored.clear();
        self.write_meta(id, meta);
        Ok(())
    }

    // ----- sharing ------------------------------------------------------------------------

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
    fn fresh_history_before_first_share(
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
    fn package_with(
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
            .map(|m| heads_from_strings(&m.peer_heads))
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
        let mine = self.mine();
        let enforce = sender != side && self.may_keep_out(&id);
        let (merged, kept) = self.change_discussion(&id, |doc| {
            let merged = merge_into(doc, package)?;
            let kept = if merged.new_changes > 0 && enforce {
                let kept = keep_owned(doc, &merged.before, sender, today, &mine)?;
                doc.commit_with(CommitOptions::default().with_time(now));
                kept
            } else {
                vec![]
            };
            Ok((merged.new_changes > 0, (merged, kept)))
        })?;
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
        meta.peer_heads = heads_to_strings(&package.sender_heads);
        // A field marked as seen that this merge changed again is to be seen again.
        meta.seen
            .retain(|k| !review.changes.iter().any(|c| &c.key == k));
        if merged.new_changes > 0 {
            if meta.review_from.is_none() {
                meta.review_from = Some(heads_to_strings(&merged.before));
                meta.review_to = Some(heads_to_strings(&merged.before));
                meta.seen.clear();
                meta.restored.clear();
            }
            // What the review covers: all merged so far, not this device's later edits.
            let first = meta.review_to.as_ref() == meta.review_from.as_ref();
            let to = meta.review_to.get_or_insert_with(Vec::new);
            for h in heads_to_strings(&package.sender_heads) {
                if !to.contains(&h) {
                    to.push(h);
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

    fn import_package(
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
            peer_heads: heads_to_strings(&package.sender_heads),
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
    fn import_new(
        &mut self,
        doc: AutoCommit,
        d: &Discussion,
        side: Side,
        today: Day,
        now: i64,
    ) -> Result<(), WorkspaceError> {
        let id = d.id.clone();
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

    // ----- live sessions ------------------------------------------------------------------

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
        let stored = self.stored(&name)?;
        if session.origin().is_none() {
            session.set_origin(origin(&mut stored.doc));
        }
        let before = stored.doc.get_heads();
        let mut received = session.receive(&mut stored.doc, env)?;
        if received.changed {
            self.copies.forget(&name);
            // A change with no parent is the start of another history: a peer with the same
            // discussion id but not the same discussion (a crafted link). Changes that leave
            // no valid discussion are refused too. Either way the document goes back to what
            // it was, and the sync with that peer starts over.
            let stored = self.stored(&name)?;
            let unrelated = stored
                .doc
                .get_changes_meta(&before)
                .iter()
                .any(|c| c.deps.is_empty());
            let problem = if unrelated {
                Some(LiveError::Unrelated)
            } else if self.discussion(id).is_err() {
                Some(LiveError::Invalid)
            } else {
                None
            };
            if let Some(problem) = problem {
                let stored = self.stored(&name)?;
                let actor = stored.doc.get_actor().clone();
                let back = stored.doc.fork_at(&before).map_err(EditError::from)?;
                stored.doc = back.with_actor(actor);
                self.copies.forget(&name);
                session.restart_peer(from);
                return Err(problem.into());
            }
            let side = self.side(id).side;
            let peer_side = session.peers.get(&from).and_then(|p| p.presence.side);
            if peer_side != Some(side) && self.may_keep_out(id) {
                let mine = self.mine();
                let stored = self.stored(&name)?;
                let kept = keep_owned(&mut stored.doc, &before, side.other(), today, &mine)?;
                self.counted_kept_out(id, kept.len());
                let stored = self.stored(&name)?;
                // What was set back is a change of this device's: the peers get it now.
                if stored
                    .doc
                    .commit_with(CommitOptions::default().with_time(now))
                    .is_some()
                {
                    received
                        .replies
                        .extend(session.local_change(&mut stored.doc));
                }
                self.copies.forget(&name);
            }
            self.mark_dirty(&name);
            self.note(Change::Arrived(id.to_string()));
            let _ = self.update_index(id);
            self.pin_other_key(id);
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

    // ----- saving -------------------------------------------------------------------------

    /// Whether anything is waiting to be written.
    pub fn has_unsaved(&self) -> bool {
        !self.dirty.is_empty()
            || !self.index_changed.is_empty()
            || !self.pending_meta.is_empty()
            || !self.read_positions.is_empty()
            || self.keys_unsaved
    }

    /// Writes every dirty document (pending edits committed with `now`) and the index.
    /// Stops at the first storage error, leaving the rest dirty for the next attempt.
    pub fn save(&mut self, now: i64) -> Result<(), KvError> {
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
        if self.keys_unsaved {
            self.kv
                .set(&StorageKey::DeviceKeys.key(), &self.keys.to_stored())?;
            self.keys_unsaved = false;
        }
        // Only now, with what they brought stored: how far each mailbox was read.
        self.positions_to_meta();
        self.write_pending_meta()?;
        self.note(Change::Saved);
        Ok(())
    }

    /// Every unsaved document as Automerge bytes, so nothing is lost when storage is full.
    pub fn unsaved_bytes(&mut self) -> Vec<(DocName, Vec<u8>)> {
        let names: Vec<DocName> = self.dirty.iter().cloned().collect();
        names
            .into_iter()
            .filter_map(|n| match self.docs.get_mut(&n) {
                Some(Ok(stored)) => Some((n, stored.to_bytes())),
                _ => None,
            })
            .collect()
    }

    /// Another tab of this browser wrote `key`: take its changes in, so both converge and
    /// neither overwrites the other. `None` when it means nothing for this tab.
    pub fn stored_elsewhere(&mut self, key: &str) -> Result<Option<Outside>, LoadError> {
        let outside = self.take_in_stored(key)?;
        match &outside {
            Some(Outside::Index) => self.note(Change::Index),
            Some(Outside::Doc(name)) => self.note(Change::Doc(name.clone())),
            Some(Outside::Meta(id)) => self.note(Change::Notes(id.clone())),
            Some(Outside::Erased(id)) => {
                self.note(Change::Erased(id.clone()));
                self.note(Change::Doc(DocName::Discussion(id.clone())));
                self.note(Change::Index);
            }
            None => {}
        }
        Ok(outside)
    }

    fn take_in_stored(&mut self, key: &str) -> Result<Option<Outside>, LoadError> {
        match StorageKey::parse(key) {
            Some(StorageKey::Index) => {
                if let Ok(Some(mut stored)) = Index::read(&self.kv) {
                    for id in &self.index_changed {
                        if let Some(mine) = self.index.discussions.get(id) {
                            stored.discussions.insert(id.clone(), mine.clone());
                        }
                    }
                    self.index = stored;
                }
                Ok(Some(Outside::Index))
            }
            Some(StorageKey::Blob { doc, .. }) => {
                if crate::storage::blobs::blob_keys(&self.kv, &doc)?.is_empty() {
                    // Deleted by another tab: nothing of it is kept here or written again.
                    self.docs.remove(&doc);
                    self.dirty.remove(&doc);
                    self.copies.forget(&doc);
                    if let DocName::Discussion(id) = &doc {
                        self.forget_discussion(id);
                        return Ok(Some(Outside::Erased(id.clone())));
                    }
                    return Ok(Some(Outside::Doc(doc)));
                }
                let Some(Ok(stored)) = self.docs.get_mut(&doc) else {
                    // Not open here: the next read loads it as stored. Views showing it
                    // (an empty reflection, say) read again.
                    self.copies.forget(&doc);
                    return Ok(Some(Outside::Doc(doc)));
                };
                let print = fingerprint(&self.kv, &doc);
                let mut out = None;
                let kv = &self.kv;
                self.guard
                    .reading_stored(&doc, &print, &mut || out = Some(stored.refresh(kv)));
                let changed = out.expect("the guard runs the read")?;
                if changed {
                    self.copies.forget(&doc);
                }
                Ok(changed.then_some(Outside::Doc(doc)))
            }
            Some(StorageKey::Meta(id)) => Ok(Some(Outside::Meta(id))),
            _ => Ok(None),
        }
    }

    // ----- backups ------------------------------------------------------------------------

    /// Every document of this device, private ones included, and the per-device metadata.
    /// Damaged documents are left out (their raw data has its own download).
    /// Built from the documents in memory: unsaved edits (storage full) are in it too.
    pub fn export_backup(&mut self, today: Day) -> Result<Backup, WorkspaceError> {
        let mut backup = Backup::new(today);
        backup.device_keys = Some(self.keys.to_stored());
        for name in stored_names(&self.kv)? {
            match self.stored(&name) {
                Ok(stored) => backup.add(&name.key(), &stored.to_bytes()),
                Err(LoadError::Damaged(_)) => {}
                Err(e) => return Err(e.into()),
            }
            if let DocName::Discussion(id) = &name {
                if let Ok(Some(meta)) = self.meta(id) {
                    backup.meta.insert(id.clone(), meta);
                }
            }
        }
        Ok(backup)
    }

    /// Merges a backup into this device: nothing here is replaced or removed. A backup
    /// that cannot be read is refused before anything changes; after that, a document that
    /// cannot be taken in is listed in the report and the rest go on. What is merged is
    /// written by the next save.
    pub fn import_backup(
        &mut self,
        bytes: &[u8],
        now: i64,
    ) -> Result<BackupReport, WorkspaceError> {
        let (backup, mut docs) = Backup::parse(bytes)?;
        // One history per document, as everywhere else things come in: a document carrying
        // a second history beside the one here (or two of its own) refuses the whole
        // backup, before anything changes.
        for (key, incoming) in docs.iter_mut() {
            let second = match DocName::parse(key) {
                Some(name) => match self.stored(&name) {
                    Ok(stored) => {
                        origin(&mut stored.doc) == origin(incoming)
                            && matches!(
                                merged_copy(&mut stored.doc, incoming),
                                Err(NotMerged::Unrelated)
                            )
                    }
                    _ => !one_history(incoming),
                },
                None => false,
            };
            if second || !one_history(incoming) {
                return Err(BackupError::SecondHistory(key.clone()).into());
            }
        }
        if let Some(keys) = backup
            .device_keys
            .as_deref()
            .and_then(DeviceKeys::from_stored)
        {
            self.keys.adopt(&keys);
            self.keys_unsaved = true;
            self.note(Change::Keys);
        }
        let mut report = BackupReport {
            created_on: backup.created_on,
            merged: 0,
            people_added: 0,
            skipped: vec![],
        };
        let mut discussions = Vec::new();
        for (key, mut incoming) in docs {
            let Some(name) = DocName::parse(&key) else {
                report.skipped.push(key);
                continue;
            };
            if name == DocName::Roster {
                if let Err(e) = self.merge_people(&incoming, &mut report) {
                    report.skipped.push(format!("people list ({e})"));
                }
                continue;
            }
            let outcome = match self.changing(&name) {
                Ok(stored) => {
                    if origin(&mut stored.doc) != origin(&mut incoming) {
                        Ok(false)
                    } else {
                        // Merged into a trial copy first: the copy here changes only when
                        // the result is still a document of its kind.
                        let mut trial = stored.doc.fork();
                        let merged = trial
                            .merge(&mut incoming)
                            .map_err(|e| e.to_string())
                            .and_then(|_| check_kind(&key, &trial));
                        match merged {
                            Ok(()) => {
                                let actor = stored.doc.get_actor().clone();
                                stored.doc = trial.with_actor(actor);
                                self.mark_dirty(&name);
                                Ok(true)
                            }
                            Err(e) => Err(e),
                        }
                    }
                }
                Err(LoadError::NotFound) => {
                    let doc = incoming.with_actor(self.actor.clone());
                    self.create(&name, doc, now)
                        .map(|_| true)
                        .map_err(|e| e.to_string())
                }
                Err(e) => Err(e.to_string()),
            };
            match outcome {
                Ok(true) => {
                    report.merged += 1;
                    if let DocName::Discussion(id) = name {
                        discussions.push(id);
                    }
                }
                Ok(false) => report.skipped.push(key),
                Err(e) => report.skipped.push(format!("{key} ({e})")),
            }
        }
        for (id, meta) in backup.meta {
            if matches!(self.meta(&id), Ok(None)) {
                self.note(Change::Notes(id.clone()));
                self.pending_meta.insert(id, meta);
            }
        }
        for id in discussions {
            // A discussion that cannot be read after the merge shows as damaged.
            if let Ok(d) = self.discussion(&id) {
                let mut entry = IndexEntry::updated(&d, self.index.discussions.get(&id));
                entry.shared_with_me = matches!(
                    self.meta(&id),
                    Ok(Some(LocalMeta {
                        perspective: Side::Employee,
                        ..
                    }))
                );
                self.index.discussions.insert(id.clone(), entry);
                self.index_changed_for(&id);
            }
        }
        Ok(report)
    }

    /// People of a backup's list that this device lacks, added one by one (two devices'
    /// lists are separate documents whose histories never met).
    fn merge_people(
        &mut self,
        incoming: &AutoCommit,
        report: &mut BackupReport,
    ) -> Result<(), WorkspaceError> {
        let incoming = people::read(incoming)?;
        let local = self.roster()?;
        for person in missing_people(&local, &incoming) {
            self.edit_roster(RosterEdit::AddPerson(person))?;
            report.people_added += 1;
        }
        if local.manager.name.is_empty() && !incoming.manager.name.is_empty() {
            self.edit_roster(RosterEdit::ManagerName(incoming.manager.name.clone()))?;
        }
        Ok(())
    }
}
