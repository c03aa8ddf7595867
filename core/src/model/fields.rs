//! The parts of the shared record, by name, and who may change each.
//!
//! The method makes some parts the leader's judgement — the development track, readiness,
//! when the talk was held, the leader's interjected views — and the employee's input her
//! own answers. So each part has an owner, or none:
//! - the answers, "willing" and the shared notes: either side (the leader types the
//!   employee's words during the talk; she edits them on her device);
//! - track, readiness, held on, the leader's views, the names in the record: the leader;
//! - an action: the side that added it ([`Action::by`](super::discussion::Action::by)).
//!
//! The other side *suggests* a change to a part it does not own ([`Proposal`]): the owner
//! accepts or declines it. A device never makes a change to a part its side does not own
//! (the workspace refuses it), and what arrives from the other side changing a part of this
//! side's is undone on arrival and kept as that side's suggestion (`share::ownership`).

use std::fmt;
use std::str::FromStr;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc};
use autosurgeon::{Hydrate, Reconcile};

use crate::error::EditError;
use crate::model::date::Day;
use crate::model::discussion::{
    Discussion, DiscussionEdit, DiscussionText, Owner, Readiness, Track,
};
use crate::model::method::AnswerField;
use crate::Side;

/// A part of the shared record. Its text form (`answer:short_term`, `track`,
/// `action:<id>:due`) names it in the merge review, in "mark as seen" and in suggestions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldKey {
    Answer(AnswerField),
    Willing,
    Notes,
    /// A leader's view (its text, or the view itself).
    View(String),
    /// An action (its text, or the action itself).
    Action(String),
    ActionOwner(String),
    ActionDue(String),
    ActionDone(String),
    Track,
    Readiness,
    HeldOn,
}

impl FieldKey {
    /// The key of a text field.
    pub fn of_text(text: &DiscussionText) -> FieldKey {
        match text {
            DiscussionText::Answer(f) => FieldKey::Answer(*f),
            DiscussionText::Notes => FieldKey::Notes,
            DiscussionText::LeaderView(id) => FieldKey::View(id.clone()),
            DiscussionText::Action(id) => FieldKey::Action(id.clone()),
        }
    }

    /// The side that changes this part of `d`; `None` when either may.
    pub fn owner(&self, d: &Discussion) -> Option<Side> {
        match self {
            FieldKey::Answer(_) | FieldKey::Willing | FieldKey::Notes => None,
            FieldKey::View(_) | FieldKey::Track | FieldKey::Readiness | FieldKey::HeldOn => {
                Some(Side::Leader)
            }
            FieldKey::Action(id)
            | FieldKey::ActionOwner(id)
            | FieldKey::ActionDue(id)
            | FieldKey::ActionDone(id) => d.actions.iter().find(|a| &a.id == id).map(|a| a.by),
        }
    }

    /// Whether `side` may change this part of `d` itself (else it suggests).
    pub fn changeable_by(&self, d: &Discussion, side: Side) -> bool {
        self.owner(d).is_none_or(|owner| owner == side)
    }

    /// The action or view this part belongs to, if any.
    pub fn item(&self) -> Option<&str> {
        match self {
            FieldKey::View(id)
            | FieldKey::Action(id)
            | FieldKey::ActionOwner(id)
            | FieldKey::ActionDue(id)
            | FieldKey::ActionDone(id) => Some(id),
            _ => None,
        }
    }
}

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldKey::Answer(a) => write!(f, "answer:{}", a.as_key()),
            FieldKey::Willing => f.write_str("willing"),
            FieldKey::Notes => f.write_str("notes"),
            FieldKey::View(id) => write!(f, "view:{id}"),
            FieldKey::Action(id) => write!(f, "action:{id}"),
            FieldKey::ActionOwner(id) => write!(f, "action:{id}:owner"),
            FieldKey::ActionDue(id) => write!(f, "action:{id}:due"),
            FieldKey::ActionDone(id) => write!(f, "action:{id}:done"),
            FieldKey::Track => f.write_str("track"),
            FieldKey::Readiness => f.write_str("readiness"),
            FieldKey::HeldOn => f.write_str("held_on"),
        }
    }
}

impl FromStr for FieldKey {
    type Err = ();

    fn from_str(s: &str) -> Result<FieldKey, ()> {
        Ok(match s {
            "willing" => FieldKey::Willing,
            "notes" => FieldKey::Notes,
            "track" => FieldKey::Track,
            "readiness" => FieldKey::Readiness,
            "held_on" => FieldKey::HeldOn,
            _ => {
                if let Some(key) = s.strip_prefix("answer:") {
                    return AnswerField::from_key(key).map(FieldKey::Answer).ok_or(());
                }
                if let Some(id) = s.strip_prefix("view:") {
                    return Ok(FieldKey::View(id.to_string()));
                }
                let rest = s.strip_prefix("action:").ok_or(())?;
                match rest.split_once(':') {
                    None => FieldKey::Action(rest.to_string()),
                    Some((id, "owner")) => FieldKey::ActionOwner(id.to_string()),
                    Some((id, "due")) => FieldKey::ActionDue(id.to_string()),
                    Some((id, "done")) => FieldKey::ActionDone(id.to_string()),
                    Some(_) => return Err(()),
                }
            }
        })
    }
}

/// What the owner made of a suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub enum Answer {
    Accepted,
    Declined,
}

/// A change one side suggests to a part of the record the other side owns. The proposer
/// adds it (and may withdraw it); the owner answers it, and accepting makes the change as
/// the owner's own edit. Kept in the record, so both devices see where it stands.
///
/// Each suggestion is a root property of its own (`proposal:<id>`), not an item of a list:
/// a record of an earlier version has no list, and two devices making one at once would
/// make two lists, of which a merge keeps one.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Proposal {
    #[key]
    pub id: String,
    /// Who suggests it.
    pub by: Side,
    /// The part, as [`FieldKey`]'s text form.
    pub field: String,
    /// The suggested value, in the form [`Suggestion`] reads it.
    pub value: String,
    /// The part (an action, a view) is suggested to go.
    pub remove: bool,
    pub made_on: Day,
    pub answer: Option<Answer>,
}

/// A suggestion, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suggestion {
    Track(Track),
    Readiness(Option<Readiness>),
    HeldOn(Option<Day>),
    ActionText { id: String, text: String },
    ActionOwner { id: String, owner: Owner },
    ActionDue { id: String, due: Option<Day> },
    ActionDone { id: String, done: bool },
    RemoveAction { id: String },
    ViewText { id: String, text: String },
    RemoveView { id: String },
}

fn variant<T: fmt::Debug + Copy>(all: &[T], s: &str) -> Option<T> {
    all.iter().copied().find(|v| format!("{v:?}") == s)
}

impl Suggestion {
    pub fn field(&self) -> FieldKey {
        match self {
            Suggestion::Track(_) => FieldKey::Track,
            Suggestion::Readiness(_) => FieldKey::Readiness,
            Suggestion::HeldOn(_) => FieldKey::HeldOn,
            Suggestion::ActionText { id, .. } | Suggestion::RemoveAction { id } => {
                FieldKey::Action(id.clone())
            }
            Suggestion::ActionOwner { id, .. } => FieldKey::ActionOwner(id.clone()),
            Suggestion::ActionDue { id, .. } => FieldKey::ActionDue(id.clone()),
            Suggestion::ActionDone { id, .. } => FieldKey::ActionDone(id.clone()),
            Suggestion::ViewText { id, .. } | Suggestion::RemoveView { id } => {
                FieldKey::View(id.clone())
            }
        }
    }

    fn encoded(&self) -> (String, bool) {
        let day = |d: &Option<Day>| d.map(|d| d.to_string()).unwrap_or_default();
        match self {
            Suggestion::Track(t) => (format!("{t:?}"), false),
            Suggestion::Readiness(r) => (r.map(|r| format!("{r:?}")).unwrap_or_default(), false),
            Suggestion::HeldOn(d) => (day(d), false),
            Suggestion::ActionText { text, .. } | Suggestion::ViewText { text, .. } => {
                (text.clone(), false)
            }
            Suggestion::ActionOwner { owner, .. } => (format!("{owner:?}"), false),
            Suggestion::ActionDue { due, .. } => (day(due), false),
            Suggestion::ActionDone { done, .. } => (done.to_string(), false),
            Suggestion::RemoveAction { .. } | Suggestion::RemoveView { .. } => {
                (String::new(), true)
            }
        }
    }

    /// The suggestion as `by` makes it.
    pub fn proposal(&self, id: String, by: Side, made_on: Day) -> Proposal {
        let (value, remove) = self.encoded();
        Proposal {
            id,
            by,
            field: self.field().to_string(),
            value,
            remove,
            made_on,
            answer: None,
        }
    }

    /// The edit accepting it makes.
    pub fn edit(&self) -> DiscussionEdit {
        match self.clone() {
            Suggestion::Track(t) => DiscussionEdit::Track(t),
            Suggestion::Readiness(r) => DiscussionEdit::Readiness(r),
            Suggestion::HeldOn(d) => DiscussionEdit::HeldOn(d),
            Suggestion::ActionText { id, text } => DiscussionEdit::ActionText { id, text },
            Suggestion::ActionOwner { id, owner } => DiscussionEdit::ActionOwner { id, owner },
            Suggestion::ActionDue { id, due } => DiscussionEdit::ActionDue { id, due },
            Suggestion::ActionDone { id, done } => DiscussionEdit::ActionDone { id, done },
            Suggestion::RemoveAction { id } => DiscussionEdit::RemoveAction { id },
            Suggestion::ViewText { id, text } => DiscussionEdit::LeaderViewText { id, text },
            Suggestion::RemoveView { id } => DiscussionEdit::RemoveLeaderView { id },
        }
    }

    /// What it suggests, in words ("Technical expert", "remove it", "due 3 Mar 2027").
    pub fn shown(&self) -> String {
        let day = |d: &Option<Day>| d.map(|d| d.human()).unwrap_or_else(|| "not set".into());
        match self {
            Suggestion::Track(t) => t.label().to_string(),
            Suggestion::Readiness(r) => r.map(|r| r.label()).unwrap_or("not set").to_string(),
            Suggestion::HeldOn(d) => day(d),
            Suggestion::ActionText { text, .. } | Suggestion::ViewText { text, .. } => {
                format!("“{text}”")
            }
            Suggestion::ActionOwner { owner, .. } => owner.label().to_string(),
            Suggestion::ActionDue { due, .. } => day(due),
            Suggestion::ActionDone { done: true, .. } => "done".into(),
            Suggestion::ActionDone { done: false, .. } => "not done yet".into(),
            Suggestion::RemoveAction { .. } | Suggestion::RemoveView { .. } => "remove it".into(),
        }
    }
}

impl Proposal {
    /// The suggestion, when this build can read it.
    pub fn suggestion(&self) -> Option<Suggestion> {
        let key: FieldKey = self.field.parse().ok()?;
        let v = self.value.as_str();
        let day = || -> Option<Option<Day>> {
            if v.is_empty() {
                Some(None)
            } else {
                v.parse().ok().map(Some)
            }
        };
        Some(match key {
            FieldKey::Track => Suggestion::Track(variant(&Track::ALL, v)?),
            FieldKey::Readiness if v.is_empty() => Suggestion::Readiness(None),
            FieldKey::Readiness => Suggestion::Readiness(Some(variant(&Readiness::ALL, v)?)),
            FieldKey::HeldOn => Suggestion::HeldOn(day()?),
            FieldKey::Action(id) if self.remove => Suggestion::RemoveAction { id },
            FieldKey::Action(id) => Suggestion::ActionText {
                id,
                text: v.to_string(),
            },
            FieldKey::ActionOwner(id) => Suggestion::ActionOwner {
                id,
                owner: variant(&[Owner::Employee, Owner::Manager], v)?,
            },
            FieldKey::ActionDue(id) => Suggestion::ActionDue { id, due: day()? },
            FieldKey::ActionDone(id) => Suggestion::ActionDone {
                id,
                done: v.parse().ok()?,
            },
            FieldKey::View(id) if self.remove => Suggestion::RemoveView { id },
            FieldKey::View(id) => Suggestion::ViewText {
                id,
                text: v.to_string(),
            },
            FieldKey::Answer(_) | FieldKey::Willing | FieldKey::Notes => return None,
        })
    }

    /// Still waiting for the owner's answer.
    pub fn open(&self) -> bool {
        self.answer.is_none()
    }
}

const PROPOSAL_PREFIX: &str = "proposal:";

/// Every suggestion in the record, oldest first (those this build cannot read left out).
pub fn proposals(doc: &AutoCommit) -> Vec<Proposal> {
    let mut out: Vec<Proposal> = doc
        .keys(automerge::ROOT)
        .filter(|k| k.starts_with(PROPOSAL_PREFIX))
        .filter_map(|k| autosurgeon::hydrate_prop(doc, automerge::ROOT, k.as_str()).ok())
        .collect();
    out.sort_by(|a: &Proposal, b: &Proposal| a.made_on.cmp(&b.made_on).then(a.id.cmp(&b.id)));
    out
}

pub(crate) fn write_proposal(doc: &mut AutoCommit, p: &Proposal) -> Result<(), EditError> {
    let key = format!("{PROPOSAL_PREFIX}{}", p.id);
    autosurgeon::reconcile_prop(doc, automerge::ROOT, key.as_str(), p)?;
    Ok(())
}

fn proposal_obj(doc: &AutoCommit, id: &str) -> Result<automerge::ObjId, EditError> {
    match doc.get(automerge::ROOT, format!("{PROPOSAL_PREFIX}{id}"))? {
        Some((automerge::Value::Object(automerge::ObjType::Map), obj)) => Ok(obj),
        _ => Err(EditError::NoSuchItem(id.to_string())),
    }
}

pub(crate) fn answer_proposal(
    doc: &mut AutoCommit,
    id: &str,
    answer: Answer,
) -> Result<bool, EditError> {
    let obj = proposal_obj(doc, id)?;
    crate::model::am::set_value(doc, &obj, "answer", &Some(answer))
}

pub(crate) fn remove_proposal(doc: &mut AutoCommit, id: &str) -> Result<bool, EditError> {
    proposal_obj(doc, id)?;
    doc.delete(automerge::ROOT, format!("{PROPOSAL_PREFIX}{id}"))?;
    Ok(true)
}

/// The side that may make `edit` on `d` (whose suggestions are `proposals`); `None` when
/// either may.
pub fn who_may(d: &Discussion, proposals: &[Proposal], edit: &DiscussionEdit) -> Option<Side> {
    let action = |id: &str| FieldKey::Action(id.to_string()).owner(d);
    match edit {
        DiscussionEdit::Answer(..) | DiscussionEdit::Willing(_) | DiscussionEdit::Notes(_) => None,
        DiscussionEdit::Interject(_)
        | DiscussionEdit::LeaderViewText { .. }
        | DiscussionEdit::RemoveLeaderView { .. }
        | DiscussionEdit::Track(_)
        | DiscussionEdit::Readiness(_)
        | DiscussionEdit::HeldOn(_)
        | DiscussionEdit::Employee(_)
        | DiscussionEdit::Manager(_) => Some(Side::Leader),
        DiscussionEdit::AddAction(a) => Some(a.by),
        DiscussionEdit::ActionText { id, .. }
        | DiscussionEdit::ActionOwner { id, .. }
        | DiscussionEdit::ActionDue { id, .. }
        | DiscussionEdit::ActionDone { id, .. }
        | DiscussionEdit::RemoveAction { id } => action(id),
        DiscussionEdit::Propose(p) => Some(p.by),
        DiscussionEdit::AnswerProposal { id, .. } => {
            proposals.iter().find(|p| &p.id == id).map(|p| p.by.other())
        }
        DiscussionEdit::WithdrawProposal { id } => {
            proposals.iter().find(|p| &p.id == id).map(|p| p.by)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_as_written() {
        let keys = [
            FieldKey::Answer(AnswerField::NextAssignmentTiming),
            FieldKey::Willing,
            FieldKey::Notes,
            FieldKey::View("ab12".into()),
            FieldKey::Action("cd34".into()),
            FieldKey::ActionOwner("cd34".into()),
            FieldKey::ActionDue("cd34".into()),
            FieldKey::ActionDone("cd34".into()),
            FieldKey::Track,
            FieldKey::Readiness,
            FieldKey::HeldOn,
        ];
        for k in keys {
            assert_eq!(k.to_string().parse::<FieldKey>(), Ok(k.clone()), "{k}");
        }
        assert!("answer:nope".parse::<FieldKey>().is_err());
        assert!("action:x:colour".parse::<FieldKey>().is_err());
    }

    #[test]
    fn suggestions_read_back_as_made() {
        let day = Day::new(2027, 3, 1);
        for s in [
            Suggestion::Track(Track::TechnicalExpert),
            Suggestion::Readiness(Some(Readiness::ReadyNow)),
            Suggestion::Readiness(None),
            Suggestion::HeldOn(day),
            Suggestion::HeldOn(None),
            Suggestion::ActionText {
                id: "a1".into(),
                text: "Zoë 👩🏽‍💻 naïve — 日本".into(),
            },
            Suggestion::ActionOwner {
                id: "a1".into(),
                owner: Owner::Manager,
            },
            Suggestion::ActionDue {
                id: "a1".into(),
                due: day,
            },
            Suggestion::ActionDone {
                id: "a1".into(),
                done: true,
            },
            Suggestion::RemoveAction { id: "a1".into() },
            Suggestion::ViewText {
                id: "v1".into(),
                text: "x".into(),
            },
            Suggestion::RemoveView { id: "v1".into() },
        ] {
            let p = s.proposal("p".into(), Side::Employee, Day::new(2027, 1, 1).unwrap());
            assert_eq!(p.suggestion(), Some(s.clone()), "{s:?}");
        }
    }
}
