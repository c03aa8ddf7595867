//! After a merge: what the other party changed since you last looked, and where both sides
//! set a single-valued field at the same time.
//!
//! Changes are found by comparing the discussion at the heads you last looked at with the
//! discussion now. Conflicts are Automerge's own: when two replicas write one register
//! concurrently, Automerge keeps both values and shows one; here both are offered and the
//! user's pick overwrites them.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ObjId, ReadDoc, ScalarValue, Value};

use crate::error::{DecodeError, EditError};
use crate::model::am::{find_item, obj_at};
use crate::model::discussion::{self, Discussion, Owner, Readiness, Track, Willing};
use crate::model::method::{AnswerField, Question};

/// A run of text, marked when the other party added it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub added: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A text field: its new value, with what was added marked.
    Text(Vec<Segment>),
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
    pub field: String,
    pub change: Change,
}

fn text_change(before: &str, after: &str) -> Option<Change> {
    if before == after {
        return None;
    }
    // A character diff is quadratic in the worst case: past a few pages of text, mark the
    // one changed stretch instead.
    if before.len() + after.len() > 20_000 {
        let splice = crate::model::text::diff(before, after)?;
        let (at, inserted) = (splice.at, splice.insert.as_str());
        let tail = &after[at + inserted.len()..];
        let segments = [(&after[..at], false), (inserted, true), (tail, false)]
            .into_iter()
            .filter(|(t, _)| !t.is_empty())
            .map(|(t, added)| Segment {
                text: t.to_string(),
                added,
            })
            .collect();
        return Some(Change::Text(segments));
    }
    let mut segments: Vec<Segment> = Vec::new();
    for c in similar::TextDiff::from_chars(before, after).iter_all_changes() {
        let added = match c.tag() {
            similar::ChangeTag::Delete => continue,
            similar::ChangeTag::Insert => true,
            similar::ChangeTag::Equal => false,
        };
        match segments.last_mut() {
            Some(last) if last.added == added => last.text.push_str(c.value()),
            _ => segments.push(Segment {
                text: c.value().to_string(),
                added,
            }),
        }
    }
    Some(Change::Text(segments))
}

fn opt<T>(v: Option<T>, label: impl Fn(T) -> &'static str) -> String {
    v.map(label).unwrap_or("not set").to_string()
}

fn value_change(field: &str, before: String, after: String, out: &mut Vec<FieldChange>) {
    if before != after {
        out.push(FieldChange {
            field: field.to_string(),
            change: Change::Value { before, after },
        });
    }
}

/// What changed in the discussion from `since` to now, field by field.
pub fn changes_since(
    doc: &mut AutoCommit,
    since: &[ChangeHash],
) -> Result<Vec<FieldChange>, DecodeError> {
    let before = read_at(doc, since)?;
    Ok(compare(&before, &discussion::read(doc)?))
}

/// What changed in the discussion from `since` to `until` (heads both in the document).
pub fn changes_between(
    doc: &mut AutoCommit,
    since: &[ChangeHash],
    until: &[ChangeHash],
) -> Result<Vec<FieldChange>, DecodeError> {
    let before = read_at(doc, since)?;
    Ok(compare(&before, &read_at(doc, until)?))
}

/// The discussion as it was at `heads`. Reading the document in isolation at `heads` costs
/// a tenth of forking it there (a fork replays the history up to `heads`), which made the
/// review after a merge of 10,000 changes cost more than the merge itself.
pub fn read_at(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Result<Discussion, DecodeError> {
    // Heads come from this device's notes on the discussion: unknown ones are an error,
    // as they were for a fork.
    if let Some(unknown) = heads
        .iter()
        .find(|h| doc.get_change_meta_by_hash(h).is_none())
    {
        return Err(DecodeError::Malformed(format!(
            "the document has no change {unknown}"
        )));
    }
    doc.isolate(heads);
    let read = discussion::read(doc);
    doc.integrate();
    read
}

pub fn compare(b: &Discussion, a: &Discussion) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for q in Question::ALL {
        let f = AnswerField::of(q);
        if let Some(change) = text_change(b.answers.get(f), a.answers.get(f)) {
            out.push(FieldChange {
                field: q.title().into(),
                change,
            });
        }
    }
    if let Some(change) = text_change(
        b.answers.get(AnswerField::NextAssignmentTiming),
        a.answers.get(AnswerField::NextAssignmentTiming),
    ) {
        out.push(FieldChange {
            field: "Timing of the next assignment".into(),
            change,
        });
    }
    value_change(
        "Willing to do what it takes",
        opt(b.willing, Willing::label),
        opt(a.willing, Willing::label),
        &mut out,
    );
    if let Some(change) = text_change(b.notes.as_str(), a.notes.as_str()) {
        out.push(FieldChange {
            field: "Shared notes".into(),
            change,
        });
    }
    for v in &a.leader_views {
        match b.leader_views.iter().find(|old| old.id == v.id) {
            None => out.push(FieldChange {
                field: format!("Leader's view on {}", v.question.title().to_lowercase()),
                change: Change::Added(v.text.as_str().to_string()),
            }),
            Some(old) => {
                if let Some(change) = text_change(old.text.as_str(), v.text.as_str()) {
                    out.push(FieldChange {
                        field: format!("Leader's view on {}", v.question.title().to_lowercase()),
                        change,
                    });
                }
            }
        }
    }
    for act in &a.actions {
        match b.actions.iter().find(|old| old.id == act.id) {
            None => out.push(FieldChange {
                field: "Action".into(),
                change: Change::Added(act.text.as_str().to_string()),
            }),
            Some(old) => {
                let name = format!("Action “{}”", act.text.as_str());
                if let Some(change) = text_change(old.text.as_str(), act.text.as_str()) {
                    out.push(FieldChange {
                        field: "Action".into(),
                        change,
                    });
                }
                value_change(
                    &format!("{name}: owner"),
                    old.owner.label().into(),
                    act.owner.label().into(),
                    &mut out,
                );
                let day = |d: Option<crate::Day>| {
                    d.map(|d| d.human()).unwrap_or_else(|| "not set".into())
                };
                value_change(
                    &format!("{name}: due"),
                    day(old.due),
                    day(act.due),
                    &mut out,
                );
                let done = |d: bool| if d { "done" } else { "open" }.to_string();
                value_change(
                    &format!("{name}: status"),
                    done(old.done),
                    done(act.done),
                    &mut out,
                );
            }
        }
    }
    for old in &b.actions {
        if !a.actions.iter().any(|act| act.id == old.id) {
            out.push(FieldChange {
                field: "Action".into(),
                change: Change::Removed(old.text.as_str().to_string()),
            });
        }
    }
    value_change(
        "Development track",
        b.track.label().into(),
        a.track.label().into(),
        &mut out,
    );
    value_change(
        "Readiness",
        opt(b.readiness, Readiness::label),
        opt(a.readiness, Readiness::label),
        &mut out,
    );
    let day = |d: Option<crate::Day>| d.map(|d| d.human()).unwrap_or_else(|| "not set".into());
    value_change("Held on", day(b.held_on), day(a.held_on), &mut out);
    out
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
    values: Vec<ScalarValue>,
}

impl ConflictField {
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

/// Every field that currently holds concurrent values.
pub fn conflicts(doc: &AutoCommit) -> Vec<Conflict> {
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
            let mut values: Vec<ScalarValue> = all
                .into_iter()
                .filter_map(|(v, _)| match v {
                    Value::Scalar(s) => Some(s.into_owned()),
                    _ => None,
                })
                .collect();
            values.sort_by_key(|v| v.to_string());
            values.dedup();
            if values.len() < 2 {
                return None;
            }
            let options = values.iter().map(|v| field.show(v)).collect();
            Some(Conflict {
                field,
                label,
                options,
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
