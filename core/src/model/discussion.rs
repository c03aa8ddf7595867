//! The *shared* discussion document: what the leader and the employee both see, and what
//! will later travel by link, file or live session. The leader's preparation is a separate
//! document ([`crate::model::prep`]) and reaches this one only through an explicit interjection.
//!
//! Merge behaviour:
//! - answers, notes, action texts and interjected leader views are Automerge text:
//!   concurrent typing in one field keeps both sides' words;
//! - actions and leader views are list items keyed by id: concurrent additions keep both,
//!   a removal removes only that item;
//! - track, readiness, "willing", held-on and due dates, owners and done flags are
//!   single-valued registers: concurrent changes keep one value and Automerge remembers
//!   the other as a conflict.

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile, Text};

use crate::error::{DecodeError, EditError};
use crate::model::am::{
    find_item, obj_at, push_item, remove_item, set_text, set_value, splice_text,
};
use crate::model::date::Day;
use crate::model::fields::{self, Answer, Proposal};
use crate::model::method::{AnswerField, PrepField, Question};
use crate::model::people::Participant;
use crate::model::schema::{decode, SCHEMA_VERSION};
use crate::text::Splice;
use crate::Side;

pub const KIND: &str = "career-talk/discussion";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum Willing {
    Yes,
    NotSure,
    No,
}

impl Willing {
    pub const ALL: [Willing; 3] = [Willing::Yes, Willing::NotSure, Willing::No];
    pub fn label(self) -> &'static str {
        match self {
            Willing::Yes => "Yes",
            Willing::NotSure => "Not sure",
            Willing::No => "No",
        }
    }
}

/// Differentiated development: the most senior roles, or a true technical expert.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum Track {
    SeniorLeadership,
    TechnicalExpert,
    #[default]
    NotDecided,
}

impl Track {
    pub const ALL: [Track; 3] = [
        Track::SeniorLeadership,
        Track::TechnicalExpert,
        Track::NotDecided,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Track::SeniorLeadership => "Senior leadership",
            Track::TechnicalExpert => "Technical expert",
            Track::NotDecided => "Not decided yet",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum Readiness {
    ReadyNow,
    OneToTwoYears,
    ThreeToFiveYears,
}

impl Readiness {
    pub const ALL: [Readiness; 3] = [
        Readiness::ReadyNow,
        Readiness::OneToTwoYears,
        Readiness::ThreeToFiveYears,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Readiness::ReadyNow => "Ready now",
            Readiness::OneToTwoYears => "In 1–2 years",
            Readiness::ThreeToFiveYears => "In 3–5 years",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum Owner {
    Employee,
    Manager,
}

impl Owner {
    /// Who it is in `d`, by name where the record has one.
    pub fn name_in(self, d: &Discussion) -> String {
        let (name, or) = match self {
            Owner::Employee => (&d.employee.name, "The employee"),
            Owner::Manager => (&d.manager.name, "The leader"),
        };
        Some(name.trim())
            .filter(|n| !n.is_empty())
            .unwrap_or(or)
            .to_string()
    }

    pub fn label(self) -> &'static str {
        match self {
            Owner::Employee => "Employee",
            Owner::Manager => "Manager",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Answers {
    pub short_term: Text,
    pub long_term: Text,
    pub knows_what_it_takes: Text,
    pub willing_notes: Text,
    pub strengths: Text,
    pub development_areas: Text,
    pub next_12_months: Text,
    pub next_assignment: Text,
    pub next_assignment_timing: Text,
}

impl Answers {
    pub fn get(&self, field: AnswerField) -> &str {
        match field {
            AnswerField::ShortTerm => self.short_term.as_str(),
            AnswerField::LongTerm => self.long_term.as_str(),
            AnswerField::KnowsWhatItTakes => self.knows_what_it_takes.as_str(),
            AnswerField::WillingNotes => self.willing_notes.as_str(),
            AnswerField::Strengths => self.strengths.as_str(),
            AnswerField::DevelopmentAreas => self.development_areas.as_str(),
            AnswerField::Next12Months => self.next_12_months.as_str(),
            AnswerField::NextAssignment => self.next_assignment.as_str(),
            AnswerField::NextAssignmentTiming => self.next_assignment_timing.as_str(),
        }
    }

    pub(crate) fn get_mut(&mut self, field: AnswerField) -> &mut Text {
        match field {
            AnswerField::ShortTerm => &mut self.short_term,
            AnswerField::LongTerm => &mut self.long_term,
            AnswerField::KnowsWhatItTakes => &mut self.knows_what_it_takes,
            AnswerField::WillingNotes => &mut self.willing_notes,
            AnswerField::Strengths => &mut self.strengths,
            AnswerField::DevelopmentAreas => &mut self.development_areas,
            AnswerField::Next12Months => &mut self.next_12_months,
            AnswerField::NextAssignment => &mut self.next_assignment,
            AnswerField::NextAssignmentTiming => &mut self.next_assignment_timing,
        }
    }
}

/// A preparation answer the leader brought into the shared conversation.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct LeaderView {
    #[key]
    pub id: String,
    pub question: Question,
    pub source: PrepField,
    pub text: Text,
    pub added_on: Day,
}

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Action {
    #[key]
    pub id: String,
    pub text: Text,
    pub owner: Owner,
    pub due: Option<Day>,
    pub done: bool,
    /// The action of an earlier discussion this one continues, if carried over.
    pub carried_from: Option<String>,
    /// Who added it: the only side that changes it (the other side suggests; see
    /// [`FieldKey::owner`]). Actions of earlier versions, which noted no one, are the
    /// leader's.
    #[autosurgeon(missing = "Side::default")]
    pub by: Side,
}

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Discussion {
    pub kind: String,
    pub schema: u64,
    pub id: String,
    pub person_id: String,
    pub employee: Participant,
    pub manager: Participant,
    pub created_on: Day,
    pub held_on: Option<Day>,
    pub answers: Answers,
    pub willing: Option<Willing>,
    pub leader_views: Vec<LeaderView>,
    pub notes: Text,
    pub actions: Vec<Action>,
    pub track: Track,
    pub readiness: Option<Readiness>,
}

impl Discussion {
    /// The other person's name as `me` sees it, for sentences ("Merged Sam's changes");
    /// "the other side" while the record has no name for them.
    pub fn other_party(&self, me: Side) -> String {
        let person = match me {
            Side::Leader => &self.employee,
            Side::Employee => &self.manager,
        };
        let name = person.name.trim();
        if name.is_empty() {
            "the other side".into()
        } else {
            name.to_string()
        }
    }

    pub fn open_actions(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(|a| !a.done)
    }

    pub fn views_for(&self, question: Question) -> impl Iterator<Item = &LeaderView> {
        self.leader_views
            .iter()
            .filter(move |v| v.question == question)
    }

    /// The current text of a field people type into, or `None` for an item this copy
    /// does not have.
    pub fn text(&self, field: &DiscussionText) -> Option<&str> {
        match field {
            DiscussionText::Answer(f) => Some(self.answers.get(*f)),
            DiscussionText::Notes => Some(self.notes.as_str()),
            DiscussionText::LeaderView(id) => self
                .leader_views
                .iter()
                .find(|v| &v.id == id)
                .map(|v| v.text.as_str()),
            DiscussionText::Action(id) => self
                .actions
                .iter()
                .find(|a| &a.id == id)
                .map(|a| a.text.as_str()),
        }
    }

    fn text_mut(&mut self, field: &DiscussionText) -> Option<&mut Text> {
        match field {
            DiscussionText::Answer(f) => Some(self.answers.get_mut(*f)),
            DiscussionText::Notes => Some(&mut self.notes),
            DiscussionText::LeaderView(id) => self
                .leader_views
                .iter_mut()
                .find(|v| &v.id == id)
                .map(|v| &mut v.text),
            DiscussionText::Action(id) => self
                .actions
                .iter_mut()
                .find(|a| &a.id == id)
                .map(|a| &mut a.text),
        }
    }

    /// Applies what was typed to `doc` and to this copy of it in one step (the copy must be
    /// in step with `doc`), so a view can follow typing without reading the document again.
    pub fn splice(
        &mut self,
        doc: &mut AutoCommit,
        field: &DiscussionText,
        splice: &Splice,
    ) -> Result<(), EditError> {
        let missing = || EditError::NoSuchItem(format!("{field:?}"));
        let current = self.text(field).ok_or_else(missing)?;
        let (obj, prop) = field.location(doc)?;
        splice_text(doc, &obj, prop, current, splice)?;
        let slot = self.text_mut(field).ok_or_else(missing)?;
        let mut value = slot.as_str().to_string();
        splice.apply(&mut value)?;
        *slot = Text::with_value(value);
        Ok(())
    }
}

/// A field of the shared record that people type into.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DiscussionText {
    Answer(AnswerField),
    Notes,
    /// The text of an interjected leader's view, by its id.
    LeaderView(String),
    /// The text of an action, by its id.
    Action(String),
}

impl DiscussionText {
    /// The object and property holding this text in a discussion document.
    pub(crate) fn location(
        &self,
        doc: &AutoCommit,
    ) -> Result<(automerge::ObjId, &'static str), EditError> {
        Ok(match self {
            DiscussionText::Answer(f) => (obj_at(doc, &["answers"])?, f.as_key()),
            DiscussionText::Notes => (automerge::ROOT, "notes"),
            DiscussionText::LeaderView(id) => (
                find_item(doc, &obj_at(doc, &["leader_views"])?, id)?.1,
                "text",
            ),
            DiscussionText::Action(id) => {
                (find_item(doc, &obj_at(doc, &["actions"])?, id)?.1, "text")
            }
        })
    }
}

pub struct NewDiscussion {
    pub id: String,
    pub person_id: String,
    pub employee: Participant,
    pub manager: Participant,
    pub created_on: Day,
}

pub fn create(doc: &mut AutoCommit, new: NewDiscussion) -> Result<(), EditError> {
    autosurgeon::reconcile(
        doc,
        Discussion {
            kind: KIND.into(),
            schema: SCHEMA_VERSION,
            id: new.id,
            person_id: new.person_id,
            employee: new.employee,
            manager: new.manager,
            created_on: new.created_on,
            held_on: None,
            answers: Answers::default(),
            willing: None,
            leader_views: vec![],
            notes: Text::default(),
            actions: vec![],
            track: Track::NotDecided,
            readiness: None,
        },
    )?;
    Ok(())
}

/// Writes a whole discussion into a new, empty document (a fresh history of it).
pub fn write_whole(doc: &mut AutoCommit, d: &Discussion) -> Result<(), EditError> {
    // A text read from a document is tied to that document's history: each one is made
    // anew from its value.
    let mut d = d.clone();
    let fresh = |t: &mut Text| *t = Text::with_value(t.as_str());
    for f in AnswerField::ALL {
        fresh(d.answers.get_mut(f));
    }
    fresh(&mut d.notes);
    d.leader_views.iter_mut().for_each(|v| fresh(&mut v.text));
    d.actions.iter_mut().for_each(|a| fresh(&mut a.text));
    autosurgeon::reconcile(doc, &d)?;
    Ok(())
}

pub fn read(doc: &AutoCommit) -> Result<Discussion, DecodeError> {
    decode(doc, KIND)
}

#[derive(Clone, Debug, PartialEq)]
pub enum DiscussionEdit {
    Answer(AnswerField, String),
    Willing(Option<Willing>),
    Notes(String),
    /// Brings a preparation answer into the shared record, marked as the leader's view.
    Interject(LeaderView),
    LeaderViewText {
        id: String,
        text: String,
    },
    RemoveLeaderView {
        id: String,
    },
    AddAction(Action),
    ActionText {
        id: String,
        text: String,
    },
    ActionOwner {
        id: String,
        owner: Owner,
    },
    ActionDue {
        id: String,
        due: Option<Day>,
    },
    ActionDone {
        id: String,
        done: bool,
    },
    RemoveAction {
        id: String,
    },
    Track(Track),
    Readiness(Option<Readiness>),
    HeldOn(Option<Day>),
    Employee(Participant),
    Manager(Participant),
    /// A suggestion for a part of the record the other side owns.
    Propose(Proposal),
    /// The owner's answer to a suggestion (accepting also makes the change: see
    /// `Workspace::answer_proposal`).
    AnswerProposal {
        id: String,
        answer: Answer,
    },
    WithdrawProposal {
        id: String,
    },
}

/// Applies one user edit; returns whether the document changed. Text edits here set a
/// whole value (publishing a draft, naming someone); typing goes through
/// [`Discussion::splice`].
pub fn apply(doc: &mut AutoCommit, edit: DiscussionEdit) -> Result<bool, EditError> {
    let root = automerge::ROOT;
    let item = |doc: &AutoCommit, list: &str, id: &str| {
        let list = obj_at(doc, &[list])?;
        find_item(doc, &list, id).map(|(_, obj)| obj)
    };
    match edit {
        DiscussionEdit::Answer(field, text) => {
            let answers = obj_at(doc, &["answers"])?;
            set_text(doc, &answers, field.as_key(), &text)
        }
        DiscussionEdit::Willing(w) => set_value(doc, &root, "willing", &w),
        DiscussionEdit::Notes(text) => set_text(doc, &root, "notes", &text),
        DiscussionEdit::Interject(view) => {
            push_item(doc, &["leader_views"], &view)?;
            Ok(true)
        }
        DiscussionEdit::LeaderViewText { id, text } => {
            let obj = item(doc, "leader_views", &id)?;
            set_text(doc, &obj, "text", &text)
        }
        DiscussionEdit::RemoveLeaderView { id } => {
            remove_item(doc, &["leader_views"], &id)?;
            Ok(true)
        }
        DiscussionEdit::AddAction(action) => {
            push_item(doc, &["actions"], &action)?;
            Ok(true)
        }
        DiscussionEdit::ActionText { id, text } => {
            let obj = item(doc, "actions", &id)?;
            set_text(doc, &obj, "text", &text)
        }
        DiscussionEdit::ActionOwner { id, owner } => {
            let obj = item(doc, "actions", &id)?;
            set_value(doc, &obj, "owner", &owner)
        }
        DiscussionEdit::ActionDue { id, due } => {
            let obj = item(doc, "actions", &id)?;
            set_value(doc, &obj, "due", &due)
        }
        DiscussionEdit::ActionDone { id, done } => {
            let obj = item(doc, "actions", &id)?;
            set_value(doc, &obj, "done", &done)
        }
        DiscussionEdit::RemoveAction { id } => {
            remove_item(doc, &["actions"], &id)?;
            Ok(true)
        }
        DiscussionEdit::Track(track) => set_value(doc, &root, "track", &track),
        DiscussionEdit::Readiness(r) => set_value(doc, &root, "readiness", &r),
        DiscussionEdit::HeldOn(day) => set_value(doc, &root, "held_on", &day),
        DiscussionEdit::Employee(p) => set_participant(doc, "employee", &p),
        DiscussionEdit::Manager(p) => set_participant(doc, "manager", &p),
        DiscussionEdit::Propose(p) => {
            fields::write_proposal(doc, &p)?;
            Ok(true)
        }
        DiscussionEdit::AnswerProposal { id, answer } => fields::answer_proposal(doc, &id, answer),
        DiscussionEdit::WithdrawProposal { id } => fields::remove_proposal(doc, &id),
    }
}

fn set_participant(doc: &mut AutoCommit, key: &str, p: &Participant) -> Result<bool, EditError> {
    let obj = obj_at(doc, &[key])?;
    let name = set_value(doc, &obj, "name", &p.name)?;
    let role = set_value(doc, &obj, "role", &p.role)?;
    Ok(name || role)
}

/// Open actions of `previous` that are not yet carried into `current`.
pub fn carry_over_candidates<'a>(
    previous: &'a Discussion,
    current: &Discussion,
) -> Vec<&'a Action> {
    previous
        .open_actions()
        .filter(|a| {
            !current
                .actions
                .iter()
                .any(|c| c.carried_from.as_deref() == Some(a.id.as_str()))
        })
        .collect()
}
