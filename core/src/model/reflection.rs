//! The employee's *private* pre-meeting reflection: their own drafts of the eight answers,
//! kept in a separate document that never travels. Publishing an answer copies its text
//! into the shared discussion, where it merges like any other edit.

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};

use crate::error::{DecodeError, EditError};
use crate::model::am::{obj_at, set_text, splice_text};
use crate::model::discussion::{self, Answers, Discussion, DiscussionEdit};
use crate::model::method::AnswerField;
use crate::model::schema::{decode, SCHEMA_VERSION};
use crate::model::text::Splice;

pub const KIND: &str = "career-talk/reflection";

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Reflection {
    pub kind: String,
    pub schema: u64,
    pub discussion_id: String,
    pub answers: Answers,
}

pub fn create(doc: &mut AutoCommit, discussion_id: &str) -> Result<(), EditError> {
    autosurgeon::reconcile(doc, Reflection::empty(discussion_id))?;
    Ok(())
}

pub fn read(doc: &AutoCommit) -> Result<Reflection, DecodeError> {
    decode(doc, KIND)
}

impl Reflection {
    /// An empty reflection: what the employee sees before typing anything. Not stored
    /// until they do.
    pub fn empty(discussion_id: &str) -> Reflection {
        Reflection {
            kind: KIND.into(),
            schema: SCHEMA_VERSION,
            discussion_id: discussion_id.into(),
            answers: Answers::default(),
        }
    }

    /// The answers drafted here that the shared record does not carry as they are: what
    /// "Publish" would still send. An empty draft is nothing to publish.
    pub fn unpublished(&self, shared: &Discussion) -> Vec<AnswerField> {
        AnswerField::ALL
            .into_iter()
            .filter(|f| {
                let draft = self.answers.get(*f);
                !draft.trim().is_empty() && draft != shared.answers.get(*f)
            })
            .collect()
    }

    /// Applies what was typed to `doc` and to this copy of it in one step (see
    /// `Discussion::splice`).
    pub fn splice(
        &mut self,
        doc: &mut AutoCommit,
        field: AnswerField,
        splice: &Splice,
    ) -> Result<(), EditError> {
        let answers = obj_at(doc, &["answers"])?;
        splice_text(
            doc,
            &answers,
            field.as_key(),
            self.answers.get(field),
            splice,
        )?;
        let slot = self.answers.get_mut(field);
        let mut value = slot.as_str().to_string();
        splice.apply(&mut value)?;
        *slot = autosurgeon::Text::with_value(value);
        Ok(())
    }
}

pub fn set_draft(doc: &mut AutoCommit, field: AnswerField, text: &str) -> Result<bool, EditError> {
    let answers = obj_at(doc, &["answers"])?;
    set_text(doc, &answers, field.as_key(), text)
}

/// Copies one private draft answer into the shared discussion.
pub fn publish(
    reflection: &AutoCommit,
    shared: &mut AutoCommit,
    field: AnswerField,
) -> Result<bool, EditError> {
    let draft = read(reflection).map_err(|e| EditError::Missing(e.to_string()))?;
    discussion::apply(
        shared,
        DiscussionEdit::Answer(field, draft.answers.get(field).to_string()),
    )
}
