//! The employee's *private* pre-meeting reflection: their own drafts of the eight answers,
//! kept in a separate document that never travels. Publishing an answer copies its text
//! into the shared discussion, where it merges like any other edit.

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};

use crate::am::{obj_at, set_text};
use crate::discussion::{self, Answers, DiscussionEdit};
use crate::error::{DecodeError, EditError};
use crate::method::AnswerField;
use crate::schema::{decode, SCHEMA_VERSION};

pub const KIND: &str = "career-talk/reflection";

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Reflection {
    pub kind: String,
    pub schema: u64,
    pub discussion_id: String,
    pub answers: Answers,
}

pub fn create(doc: &mut AutoCommit, discussion_id: &str) -> Result<(), EditError> {
    autosurgeon::reconcile(
        doc,
        Reflection {
            kind: KIND.into(),
            schema: SCHEMA_VERSION,
            discussion_id: discussion_id.into(),
            answers: Answers::default(),
        },
    )?;
    Ok(())
}

pub fn read(doc: &AutoCommit) -> Result<Reflection, DecodeError> {
    decode(doc, KIND)
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
