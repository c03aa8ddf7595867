//! The leader's *private* preparation for one discussion: a separate Automerge document,
//! stored under its own key, that is never part of the shared discussion. Text reaches the
//! shared record only when the leader interjects it ([`crate::model::discussion::DiscussionEdit::Interject`]).
//!
//! Merge behaviour: answers are Automerge text; indicator flags are registers.

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile, Text};

use crate::error::{DecodeError, EditError};
use crate::model::am::{obj_at, set_text, set_value, splice_text};
use crate::model::method::{Indicator, PrepField};
use crate::model::schema::{decode, SCHEMA_VERSION};
use crate::model::text::Splice;

pub const KIND: &str = "career-talk/prep";

#[derive(Clone, Debug, Default, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Indicators {
    pub drive: bool,
    pub willingness: bool,
    pub performance: bool,
}

impl Indicators {
    pub fn get(&self, i: Indicator) -> bool {
        match i {
            Indicator::Drive => self.drive,
            Indicator::Willingness => self.willingness,
            Indicator::Performance => self.performance,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Prep {
    pub kind: String,
    pub schema: u64,
    pub discussion_id: String,
    pub potential: Text,
    pub indicators: Indicators,
    pub path: Text,
    pub strengths: Text,
    pub needs: Text,
    pub next_assignment: Text,
    pub timing: Text,
}

impl Prep {
    fn get_mut(&mut self, field: PrepField) -> &mut Text {
        match field {
            PrepField::Potential => &mut self.potential,
            PrepField::Path => &mut self.path,
            PrepField::Strengths => &mut self.strengths,
            PrepField::Needs => &mut self.needs,
            PrepField::NextAssignment => &mut self.next_assignment,
            PrepField::Timing => &mut self.timing,
        }
    }

    /// Applies what was typed to `doc` and to this copy of it in one step (see
    /// `Discussion::splice`).
    pub fn splice(
        &mut self,
        doc: &mut AutoCommit,
        field: PrepField,
        splice: &Splice,
    ) -> Result<(), EditError> {
        splice_text(
            doc,
            &automerge::ROOT,
            field.as_key(),
            self.get(field),
            splice,
        )?;
        let slot = self.get_mut(field);
        let mut value = slot.as_str().to_string();
        splice.apply(&mut value)?;
        *slot = Text::with_value(value);
        Ok(())
    }

    pub fn get(&self, field: PrepField) -> &str {
        match field {
            PrepField::Potential => self.potential.as_str(),
            PrepField::Path => self.path.as_str(),
            PrepField::Strengths => self.strengths.as_str(),
            PrepField::Needs => self.needs.as_str(),
            PrepField::NextAssignment => self.next_assignment.as_str(),
            PrepField::Timing => self.timing.as_str(),
        }
    }

    /// The text an interjection of `field` brings into the shared record. The potential
    /// answer carries the indicators the leader ticked, since they are its evidence.
    pub fn interjection_text(&self, field: PrepField) -> String {
        let text = self.get(field).trim().to_string();
        if field != PrepField::Potential {
            return text;
        }
        let seen: Vec<&str> = Indicator::ALL
            .into_iter()
            .filter(|i| self.indicators.get(*i))
            .map(|i| i.label())
            .collect();
        if seen.is_empty() {
            text
        } else {
            format!("{text}\n(Indicators seen: {})", seen.join(", "))
        }
    }
}

pub fn create(doc: &mut AutoCommit, discussion_id: &str) -> Result<(), EditError> {
    autosurgeon::reconcile(
        doc,
        Prep {
            kind: KIND.into(),
            schema: SCHEMA_VERSION,
            discussion_id: discussion_id.into(),
            potential: Text::default(),
            indicators: Indicators::default(),
            path: Text::default(),
            strengths: Text::default(),
            needs: Text::default(),
            next_assignment: Text::default(),
            timing: Text::default(),
        },
    )?;
    Ok(())
}

pub fn read(doc: &AutoCommit) -> Result<Prep, DecodeError> {
    decode(doc, KIND)
}

#[derive(Clone, Debug, PartialEq)]
pub enum PrepEdit {
    Field(PrepField, String),
    Indicator(Indicator, bool),
}

/// Applies one edit; returns whether the document changed. Typing goes through
/// [`Prep::splice`].
pub fn apply(doc: &mut AutoCommit, edit: PrepEdit) -> Result<bool, EditError> {
    match edit {
        PrepEdit::Field(field, text) => set_text(doc, &automerge::ROOT, field.as_key(), &text),
        PrepEdit::Indicator(i, on) => {
            let obj = obj_at(doc, &["indicators"])?;
            set_value(doc, &obj, i.as_key(), &on)
        }
    }
}
