//! After a merge: what the other party changed since you last looked, and where both sides
//! set a single-valued field at the same time.
//!
//! Changes are found by comparing the discussion at the heads you last looked at with the
//! discussion now. Conflicts are Automerge's own: when two replicas write one register
//! concurrently, Automerge keeps both values and shows one; here both are offered and the
//! user's pick overwrites them.

use std::collections::HashMap;

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use super::tracked::{self, actor_of, Elem, History, Restore, Tracked};
use crate::error::{DecodeError, EditError};
use crate::model::am::{find_item, obj_at};
use crate::model::discussion::{
    self, Discussion, DiscussionText, Owner, Readiness, Track, Willing,
};
use crate::model::fields::FieldKey;
use crate::model::method::{AnswerField, Question};
use crate::text::words::{self, Mark, WordDiff};

/// Texts longer than this (bytes, before and after together) are compared as plain text,
/// bounded by [`words::LIMIT`], instead of character by character through the history.
const TRACK_LIMIT: usize = 200_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A text field, as tracked changes: unchanged, removed and added runs in order.
    Text(Vec<Tracked>),
    /// A text changed over a stretch too long to show word by word; `text` is the new text.
    Large {
        removed: usize,
        added: usize,
        text: String,
    },
    /// A single value: before and after, as shown to people.
    Value {
        before: String,
        after: String,
    },
    Added(String),
    Removed(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The part of the record, for "mark as seen" and to match a [`Conflict`].
    pub key: FieldKey,
    pub field: String,
    pub change: Change,
    /// Words this device wrote that the other side removed here.
    pub removed_yours: usize,
    /// When the other side last changed the field (seconds), where the history says.
    pub when: Option<i64>,
    /// The text field, for *Restore*.
    pub text: Option<DiscussionText>,
}

impl FieldChange {
    fn new(key: FieldKey, field: String, change: Change) -> FieldChange {
        FieldChange {
            key,
            field,
            change,
            removed_yours: 0,
            when: None,
            text: None,
        }
    }
}

/// What a review shows: the changes, and when the other side last changed anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Review {
    pub changes: Vec<FieldChange>,
    pub latest: Option<i64>,
}

impl Review {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// What a merge brought, in words for a notice: which fields the other side changed,
    /// and which words of yours they removed. Only what the review lists is said; the review
    /// is of this merge alone (earlier merges were told when they happened).
    pub fn message(&self, other: &str) -> String {
        if self.is_empty() {
            return format!("Merged the changes from {other}.");
        }
        let mut fields: Vec<&str> = Vec::new();
        for c in &self.changes {
            if !fields.contains(&c.field.as_str()) {
                fields.push(&c.field);
            }
        }
        let list = match fields.len() {
            1 => fields[0].to_string(),
            2 | 3 => format!(
                "{} and {}",
                fields[..fields.len() - 1].join(", "),
                fields[fields.len() - 1]
            ),
            n => format!("{} and {} more", fields[..2].join(", "), n - 2),
        };
        let mut message = format!("Merged {other}'s changes to {list}.");
        for (field, n) in self.removed_yours() {
            let words = if n == 1 { "word" } else { "words" };
            message.push_str(&format!(" {other} removed {n} of your {words} in {field}."));
        }
        message.push_str(" “Review” above the discussion shows what changed.");
        message
    }

    /// Fields where the other side removed words of yours, with how many.
    pub fn removed_yours(&self) -> impl Iterator<Item = (&str, usize)> {
        self.changes
            .iter()
            .filter(|c| c.removed_yours > 0)
            .map(|c| (c.field.as_str(), c.removed_yours))
    }
}

fn opt<T>(v: Option<T>, label: impl Fn(T) -> &'static str) -> String {
    v.map(label).unwrap_or("not set").to_string()
}

fn value_change(
    key: FieldKey,
    field: &str,
    before: String,
    after: String,
    out: &mut Vec<FieldChange>,
) {
    if before != after {
        out.push(FieldChange::new(
            key,
            field.to_string(),
            Change::Value { before, after },
        ));
    }
}

/// A text field's characters at one point of the history.
enum Chars {
    Tracked(ObjId, Vec<Elem>),
    Plain(Option<ObjId>, String),
}

impl Chars {
    fn text(&self) -> String {
        match self {
            Chars::Tracked(_, e) => e.iter().map(|(_, c)| c).collect(),
            Chars::Plain(_, t) => t.clone(),
        }
    }
    fn obj(&self) -> Option<&ObjId> {
        match self {
            Chars::Tracked(o, _) => Some(o),
            Chars::Plain(o, _) => o.as_ref(),
        }
    }
}

/// The discussion and its texts' characters at the heads `doc` is isolated at.
struct Snapshot {
    d: Discussion,
    texts: HashMap<DiscussionText, Chars>,
    /// Leader views and actions: the list item's object (its id is the insert operation).
    items: HashMap<String, ObjId>,
}

/// Where the text of `field` lives.
pub(crate) fn text_obj(doc: &AutoCommit, field: &DiscussionText) -> Result<ObjId, EditError> {
    let (obj, prop) = field.location(doc)?;
    match doc.get(&obj, prop)? {
        Some((Value::Object(ObjType::Text), text)) => Ok(text),
        _ => Err(EditError::Missing(prop.to_string())),
    }
}

fn item_obj(doc: &AutoCommit, list: &str, id: &str) -> Option<ObjId> {
    find_item(doc, &obj_at(doc, &[list]).ok()?, id)
        .ok()
        .map(|(_, o)| o)
}

fn text_fields(d: &Discussion) -> Vec<DiscussionText> {
    let mut out: Vec<DiscussionText> = AnswerField::ALL
        .into_iter()
        .map(DiscussionText::Answer)
        .collect();
    out.push(DiscussionText::Notes);
    out.extend(
        d.leader_views
            .iter()
            .map(|v| DiscussionText::LeaderView(v.id.clone())),
    );
    out.extend(
        d.actions
            .iter()
            .map(|a| DiscussionText::Action(a.id.clone())),
    );
    out
}

fn snapshot(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Result<Snapshot, DecodeError> {
    // Heads come from this device's notes on the discussion: unknown ones are an error.
    if let Some(unknown) = heads
        .iter()
        .find(|h| doc.get_change_meta_by_hash(h).is_none())
    {
        return Err(DecodeError::Malformed(format!(
            "the document has no change {unknown}"
        )));
    }
    doc.isolate(heads);
    let read = discussion::read(doc).map(|d| {
        let mut texts = HashMap::new();
        for field in text_fields(&d) {
            let Ok(obj) = text_obj(doc, &field) else {
                continue;
            };
            let chars = if doc.length(&obj) > TRACK_LIMIT / 2 {
                Chars::Plain(Some(obj.clone()), doc.text(&obj).unwrap_or_default())
            } else {
                Chars::Tracked(obj.clone(), tracked::elems(doc, &obj))
            };
            texts.insert(field, chars);
        }
        let mut items = HashMap::new();
        for v in &d.leader_views {
            items.extend(item_obj(doc, "leader_views", &v.id).map(|o| (v.id.clone(), o)));
        }
        for a in &d.actions {
            items.extend(item_obj(doc, "actions", &a.id).map(|o| (a.id.clone(), o)));
        }
        Snapshot { d, texts, items }
    });
    doc.integrate();
    read
}

/// What changed in the discussion from `since` to now, field by field; `mine` tells this
/// device's actors (the words it wrote).
pub fn changes_since(
    doc: &mut AutoCommit,
    since: &[ChangeHash],
    mine: &dyn Fn(&ActorId) -> bool,
) -> Result<Review, DecodeError> {
    let now = doc.get_heads();
    changes_between(doc, since, &now, mine)
}

/// What changed in the discussion from `since` to `until` (heads both in the document).
/// Reading the document in isolation at the heads costs a tenth of forking it there.
pub fn changes_between(
    doc: &mut AutoCommit,
    since: &[ChangeHash],
    until: &[ChangeHash],
    mine: &dyn Fn(&ActorId) -> bool,
) -> Result<Review, DecodeError> {
    let before = snapshot(doc, since)?;
    let after = snapshot(doc, until)?;
    let removals = removes_mine(&before, &after, mine);
    let history = History::between(doc, since, until, mine, removals);
    let changes = compare_snapshots(&before, &after, &history, mine);
    Ok(Review {
        changes,
        latest: history.latest,
    })
}

/// Whether anything this device wrote (a character, a leader view, an action) is gone from
/// `after`: only then is it worth reading who removed what.
fn removes_mine(before: &Snapshot, after: &Snapshot, mine: &dyn Fn(&ActorId) -> bool) -> bool {
    let ours = |id: &ObjId| actor_of(id).is_some_and(mine);
    let items = before
        .items
        .iter()
        .any(|(id, obj)| ours(obj) && !after.items.contains_key(id));
    items
        || before.texts.iter().any(|(field, chars)| {
            let Chars::Tracked(_, b) = chars else {
                return false;
            };
            let kept: std::collections::HashSet<&ObjId> = match after.texts.get(field) {
                Some(Chars::Tracked(_, a)) => a.iter().map(|(id, _)| id).collect(),
                _ => return false,
            };
            b.iter().any(|(id, _)| ours(id) && !kept.contains(id))
        })
}

/// The discussion as it was at `heads`.
pub fn read_at(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Result<Discussion, DecodeError> {
    snapshot(doc, heads).map(|s| s.d)
}

fn field_label(d: &Discussion, field: &DiscussionText) -> String {
    match field {
        DiscussionText::Answer(AnswerField::NextAssignmentTiming) => {
            "Timing of the next assignment".into()
        }
        DiscussionText::Answer(f) => Question::ALL
            .into_iter()
            .find(|q| AnswerField::of(*q) == *f)
            .map(|q| q.title().to_string())
            .unwrap_or_else(|| f.as_key().to_string()),
        DiscussionText::Notes => "Shared notes".into(),
        DiscussionText::LeaderView(id) => {
            // The leader by name where the record has one.
            let whose = Some(d.manager.name.trim())
                .filter(|n| !n.is_empty())
                .map(|n| format!("{n}'s view"))
                .unwrap_or_else(|| "Leader's view".into());
            d.leader_views
                .iter()
                .find(|v| &v.id == id)
                .map(|v| format!("{whose} on {}", v.question.title().to_lowercase()))
                .unwrap_or(whose)
        }
        DiscussionText::Action(_) => "Action".into(),
    }
}

/// One text field's change, through the history where both sides have its characters.
fn text_change(
    b: Option<&Chars>,
    a: &Chars,
    history: &History,
    mine: &dyn Fn(&ActorId) -> bool,
) -> Option<(Change, usize)> {
    if let (Some(Chars::Tracked(ob, eb)), Chars::Tracked(oa, ea)) = (b, a) {
        if ob == oa {
            if eb.len() == ea.len() && eb.iter().zip(ea).all(|(x, y)| x.0 == y.0) {
                return None;
            }
            let pieces = tracked::track(eb, ea, mine, history);
            if pieces.iter().all(|p| p.mark == Mark::Same) {
                return None;
            }
            let yours = pieces.iter().map(|p| p.yours).sum();
            return Some((Change::Text(pieces), yours));
        }
    }
    let (before, after) = (b.map(Chars::text).unwrap_or_default(), a.text());
    if before == after {
        return None;
    }
    Some(match words::diff(&before, &after) {
        WordDiff::Pieces(pieces) => (
            Change::Text(
                pieces
                    .into_iter()
                    .map(|p| Tracked {
                        mark: p.mark,
                        text: p.text,
                        restore: None,
                        yours: 0,
                        restored: false,
                    })
                    .collect(),
            ),
            0,
        ),
        WordDiff::Large { removed, added } => (
            Change::Large {
                removed,
                added,
                text: after,
            },
            0,
        ),
    })
}

/// What differs between two versions of the record, by content alone (no history).
pub fn compare(b: &Discussion, a: &Discussion) -> Vec<FieldChange> {
    let plain = |d: &Discussion| Snapshot {
        texts: text_fields(d)
            .into_iter()
            .filter_map(|f| Some((f.clone(), Chars::Plain(None, d.text(&f)?.to_string()))))
            .collect(),
        items: HashMap::new(),
        d: d.clone(),
    };
    compare_snapshots(&plain(b), &plain(a), &History::default(), &|_| false)
}

fn compare_snapshots(
    before: &Snapshot,
    after: &Snapshot,
    history: &History,
    mine: &dyn Fn(&ActorId) -> bool,
) -> Vec<FieldChange> {
    let (b, a) = (&before.d, &after.d);
    let mut out = Vec::new();
    let text = |field: DiscussionText, out: &mut Vec<FieldChange>| {
        let Some(now) = after.texts.get(&field) else {
            return;
        };
        if let Some((change, yours)) = text_change(before.texts.get(&field), now, history, mine) {
            out.push(FieldChange {
                key: FieldKey::of_text(&field),
                field: field_label(a, &field),
                change,
                removed_yours: yours,
                when: when_changed(before.texts.get(&field), now, history),
                text: Some(field),
            });
        }
    };
    for q in Question::ALL {
        text(DiscussionText::Answer(AnswerField::of(q)), &mut out);
    }
    text(
        DiscussionText::Answer(AnswerField::NextAssignmentTiming),
        &mut out,
    );
    value_change(
        FieldKey::Willing,
        "Willing to do what it takes",
        opt(b.willing, Willing::label),
        opt(a.willing, Willing::label),
        &mut out,
    );
    text(DiscussionText::Notes, &mut out);
    // An item removed: its words count as yours removed when this device added it and the
    // other side's change removed it.
    let removed_item = |id: &str, text: &str| -> usize {
        let Some(obj) = before.items.get(id) else {
            return 0;
        };
        let by_them = tracked_removed_by_them(history, obj, mine);
        if actor_of(obj).is_some_and(mine) && by_them {
            words::count_words(text)
        } else {
            0
        }
    };
    // Items this device added or removed itself (sent, and back with the other side's
    // changes) are not the other side's doing.
    let added_by_me = |id: &str| after.items.get(id).and_then(actor_of).is_some_and(mine);
    let removed_by_me = |id: &str| {
        before
            .items
            .get(id)
            .is_some_and(|o| history.removed_by_me(o))
    };
    for v in &a.leader_views {
        let field = DiscussionText::LeaderView(v.id.clone());
        match b.leader_views.iter().find(|old| old.id == v.id) {
            None if added_by_me(&v.id) => {}
            None => out.push(FieldChange::new(
                FieldKey::of_text(&field),
                field_label(a, &field),
                Change::Added(v.text.as_str().to_string()),
            )),
            Some(_) => text(field, &mut out),
        }
    }
    for old in &b.leader_views {
        if !a.leader_views.iter().any(|v| v.id == old.id) && !removed_by_me(&old.id) {
            let field = DiscussionText::LeaderView(old.id.clone());
            let mut c = FieldChange::new(
                FieldKey::of_text(&field),
                field_label(b, &field),
                Change::Removed(old.text.as_str().to_string()),
            );
            c.removed_yours = removed_item(&old.id, old.text.as_str());
            out.push(c);
        }
    }
    for act in &a.actions {
        let field = DiscussionText::Action(act.id.clone());
        match b.actions.iter().find(|old| old.id == act.id) {
            None if added_by_me(&act.id) => {}
            None => out.push(FieldChange::new(
                FieldKey::of_text(&field),
                "Action".into(),
                Change::Added(act.text.as_str().to_string()),
            )),
            Some(old) => {
                let name = format!("Action “{}”", act.text.as_str());
                text(field, &mut out);
                let id = || act.id.clone();
                value_change(
                    FieldKey::ActionOwner(id()),
                    &format!("{name}: owner"),
                    old.owner.label().into(),
                    act.owner.label().into(),
                    &mut out,
                );
                let day = |d: Option<crate::Day>| {
                    d.map(|d| d.human()).unwrap_or_else(|| "not set".into())
                };
                value_change(
                    FieldKey::ActionDue(id()),
                    &format!("{name}: due"),
                    day(old.due),
                    day(act.due),
                    &mut out,
                );
                let done = |d: bool| if d { "done" } else { "open" }.to_string();
                value_change(
                    FieldKey::ActionDone(id()),
                    &format!("{name}: status"),
                    done(old.done),
                    done(act.done),
                    &mut out,
                );
            }
        }
    }
    for old in &b.actions {
        if !a.actions.iter().any(|act| act.id == old.id) && !removed_by_me(&old.id) {
            let mut c = FieldChange::new(
                FieldKey::Action(old.id.clone()),
                "Action".into(),
                Change::Removed(old.text.as_str().to_string()),
            );
            c.removed_yours = removed_item(&old.id, old.text.as_str());
            out.push(c);
        }
    }
    value_change(
        FieldKey::Track,
        "Development track",
        b.track.label().into(),
        a.track.label().into(),
        &mut out,
    );
    value_change(
        FieldKey::Readiness,
        "Readiness",
        opt(b.readiness, Readiness::label),
        opt(a.readiness, Readiness::label),
        &mut out,
    );
    let day = |d: Option<crate::Day>| d.map(|d| d.human()).unwrap_or_else(|| "not set".into());
    value_change(
        FieldKey::HeldOn,
        "Held on",
        day(b.held_on),
        day(a.held_on),
        &mut out,
    );
    out
}

/// When the other side last changed a text: its latest inserted character, or its latest
/// operation on the text where the removals were read.
fn when_changed(before: Option<&Chars>, now: &Chars, history: &History) -> Option<i64> {
    let touched = now.obj().and_then(|o| history.touched(o));
    let Chars::Tracked(_, a) = now else {
        return touched.or(history.latest);
    };
    let had: std::collections::HashSet<&ObjId> = match before {
        Some(Chars::Tracked(_, b)) => b.iter().map(|(id, _)| id).collect(),
        _ => Default::default(),
    };
    a.iter()
        .filter(|(id, _)| !had.contains(id))
        .filter_map(|(id, _)| history.time_of(id))
        .chain(touched)
        .max()
}

fn tracked_removed_by_them(
    history: &History,
    obj: &ObjId,
    mine: &dyn Fn(&ActorId) -> bool,
) -> bool {
    match obj {
        ObjId::Id(ctr, actor, _) => history
            .removed_by
            .get(&(*ctr, actor.clone()))
            .is_some_and(|by| !mine(by)),
        ObjId::Root => false,
    }
}

/// Puts back words of yours the other side removed (see [`Tracked::restore`]): a new edit
/// of the text `field`, placing them where they were as of `from`.
pub fn restore(
    doc: &mut AutoCommit,
    field: &DiscussionText,
    from: &[ChangeHash],
    what: &Restore,
) -> Result<(), EditError> {
    let obj = text_obj(doc, field)?;
    tracked::restore(doc, &obj, from, what)
}

/// A single-valued field both sides set concurrently.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConflictField {
    Track,
    Readiness,
    Willing,
    HeldOn,
    ActionOwner(String),
    ActionDue(String),
    ActionDone(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub field: ConflictField,
    pub label: String,
    /// The competing values, as shown to people, in a stable order.
    pub options: Vec<String>,
    /// For each option: whether this device set it (else the other side did).
    pub yours: Vec<bool>,
    values: Vec<ScalarValue>,
}

impl ConflictField {
    /// The part of the record it is: the [`FieldChange::key`] of the same field.
    pub fn key(&self) -> FieldKey {
        match self {
            ConflictField::Track => FieldKey::Track,
            ConflictField::Readiness => FieldKey::Readiness,
            ConflictField::Willing => FieldKey::Willing,
            ConflictField::HeldOn => FieldKey::HeldOn,
            ConflictField::ActionOwner(id) => FieldKey::ActionOwner(id.clone()),
            ConflictField::ActionDue(id) => FieldKey::ActionDue(id.clone()),
            ConflictField::ActionDone(id) => FieldKey::ActionDone(id.clone()),
        }
    }

    fn location(&self, doc: &AutoCommit) -> Result<(ObjId, &'static str), EditError> {
        let action = |id: &str| -> Result<ObjId, EditError> {
            let list = obj_at(doc, &["actions"])?;
            find_item(doc, &list, id).map(|(_, obj)| obj)
        };
        Ok(match self {
            ConflictField::Track => (automerge::ROOT, "track"),
            ConflictField::Readiness => (automerge::ROOT, "readiness"),
            ConflictField::Willing => (automerge::ROOT, "willing"),
            ConflictField::HeldOn => (automerge::ROOT, "held_on"),
            ConflictField::ActionOwner(id) => (action(id)?, "owner"),
            ConflictField::ActionDue(id) => (action(id)?, "due"),
            ConflictField::ActionDone(id) => (action(id)?, "done"),
        })
    }

    fn show(&self, v: &ScalarValue) -> String {
        let s = match v {
            ScalarValue::Str(s) => s.to_string(),
            ScalarValue::Boolean(true) => return "done".into(),
            ScalarValue::Boolean(false) => return "open".into(),
            ScalarValue::Null => return "not set".into(),
            other => return other.to_string(),
        };
        // autosurgeon stores a unit enum variant as its name, which is its Debug form.
        fn find<T: std::fmt::Debug + Copy>(
            all: &[T],
            label: fn(T) -> &'static str,
            s: &str,
        ) -> String {
            all.iter()
                .find(|v| format!("{v:?}") == s)
                .map(|v| label(*v).to_string())
                .unwrap_or_else(|| s.to_string())
        }
        match self {
            ConflictField::Track => find(&Track::ALL, Track::label, &s),
            ConflictField::Readiness => find(&Readiness::ALL, Readiness::label, &s),
            ConflictField::Willing => find(&Willing::ALL, Willing::label, &s),
            ConflictField::ActionOwner(_) => {
                find(&[Owner::Employee, Owner::Manager], Owner::label, &s)
            }
            ConflictField::HeldOn | ConflictField::ActionDue(_) => s
                .parse::<crate::Day>()
                .map(|d| d.human())
                .unwrap_or(s.clone()),
            ConflictField::ActionDone(_) => s.clone(),
        }
    }
}

/// Every field that currently holds concurrent values; `mine` tells this device's actors.
pub fn conflicts(doc: &AutoCommit, mine: &dyn Fn(&ActorId) -> bool) -> Vec<Conflict> {
    let mut fields = vec![
        (ConflictField::Track, "Development track".to_string()),
        (ConflictField::Readiness, "Readiness".to_string()),
        (
            ConflictField::Willing,
            "Willing to do what it takes".to_string(),
        ),
        (ConflictField::HeldOn, "Held on".to_string()),
    ];
    if let Ok(d) = discussion::read(doc) {
        for a in &d.actions {
            let name = format!("Action “{}”", a.text.as_str());
            fields.push((
                ConflictField::ActionOwner(a.id.clone()),
                format!("{name}: owner"),
            ));
            fields.push((
                ConflictField::ActionDue(a.id.clone()),
                format!("{name}: due date"),
            ));
            fields.push((
                ConflictField::ActionDone(a.id.clone()),
                format!("{name}: status"),
            ));
        }
    }
    fields
        .into_iter()
        .filter_map(|(field, label)| {
            let (obj, prop) = field.location(doc).ok()?;
            let all = doc.get_all(&obj, prop).ok()?;
            if all.len() < 2 {
                return None;
            }
            let mut values: Vec<(ScalarValue, bool)> = all
                .into_iter()
                .filter_map(|(v, id)| match v {
                    Value::Scalar(s) => Some((s.into_owned(), actor_of(&id).is_some_and(mine))),
                    _ => None,
                })
                .collect();
            values.sort_by_key(|(v, _)| v.to_string());
            // The same value set by both sides is no conflict; keep one, "yours" if either.
            values.dedup_by(|x, y| {
                let same = x.0 == y.0;
                if same {
                    y.1 |= x.1;
                }
                same
            });
            if values.len() < 2 {
                return None;
            }
            let options = values.iter().map(|(v, _)| field.show(v)).collect();
            let yours = values.iter().map(|(_, m)| *m).collect();
            let values = values.into_iter().map(|(v, _)| v).collect();
            Some(Conflict {
                field,
                label,
                options,
                yours,
                values,
            })
        })
        .collect()
}

/// Settles a conflict with the value at `choice`: one write that supersedes both.
pub fn resolve(doc: &mut AutoCommit, conflict: &Conflict, choice: usize) -> Result<(), EditError> {
    let value = conflict
        .values
        .get(choice)
        .ok_or_else(|| EditError::Missing("that choice".into()))?
        .clone();
    let (obj, prop) = conflict.field.location(doc)?;
    doc.put(&obj, prop, value)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(field: &str, removed_yours: usize) -> FieldChange {
        FieldChange {
            removed_yours,
            ..FieldChange::new(
                FieldKey::View(field.to_lowercase()),
                field.into(),
                Change::Added("x".into()),
            )
        }
    }

    #[test]
    fn the_message_names_each_field_once_and_the_words_of_yours_removed() {
        let review = Review {
            changes: vec![
                changed("Key strengths", 0),
                changed("Key strengths", 0),
                changed("Notes", 2),
            ],
            latest: None,
        };
        assert_eq!(
            review.message("Sam"),
            "Merged Sam's changes to Key strengths and Notes. Sam removed 2 of your words in \
             Notes. “Review” above the discussion shows what changed."
        );
        assert_eq!(
            Review::default().message("Sam"),
            "Merged the changes from Sam."
        );
    }

    #[test]
    fn a_long_list_of_fields_is_cut_to_two_and_a_count() {
        let review = Review {
            changes: ["A", "B", "C", "D", "E"]
                .iter()
                .map(|f| changed(f, 0))
                .collect(),
            latest: None,
        };
        assert!(review
            .message("Sam")
            .starts_with("Merged Sam's changes to A, B and 3 more."));
    }
}
