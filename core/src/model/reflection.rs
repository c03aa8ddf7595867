//! The employee's *private* pre-meeting reflection: their own drafts of the eight answers,
//! kept in a separate document that never travels. Publishing an answer copies its text
//! into the shared discussion, where it merges like any other edit.

use automerge::{AutoCommit, ChangeHash};
use autosurgeon::{Hydrate, Reconcile};

use crate::error::{DecodeError, EditError};
use crate::model::am::{obj_at, set_text, splice_text};
use crate::model::discussion::{self, Answers, Discussion, DiscussionEdit};
use crate::model::method::AnswerField;
use crate::model::schema::{decode, SCHEMA_VERSION};
use crate::text::Splice;

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

/// Where a draft that edits the shared answer started: the shared record's heads when the
/// draft was made its copy, and the reflection's heads just after. What the employee typed
/// since is the reflection's own history from there, and publishing applies exactly those
/// splices to the shared answer as it was then (so the leader's words since stay, merged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    pub shared: Vec<ChangeHash>,
    pub draft: Vec<ChangeHash>,
}

/// A base is a root property of its own per answer (not a map: a reflection of an earlier
/// version has none, and two devices making one at once would keep only one).
fn base_key(field: AnswerField) -> String {
    format!("base:{}", field.as_key())
}

fn heads_text(heads: &[ChangeHash]) -> String {
    heads
        .iter()
        .map(|h| h.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn heads_of(text: &str) -> Option<Vec<ChangeHash>> {
    text.split(',')
        .filter(|h| !h.is_empty())
        .map(|h| h.parse().ok())
        .collect()
}

/// The base of `field`'s draft, if it edits the shared answer.
pub fn base(doc: &AutoCommit, field: AnswerField) -> Option<Base> {
    let value = crate::model::am::get_str(doc, &automerge::ROOT, &base_key(field))?;
    let (shared, draft) = value.split_once(';')?;
    Some(Base {
        shared: heads_of(shared)?,
        draft: heads_of(draft)?,
    })
}

pub fn set_base(doc: &mut AutoCommit, field: AnswerField, base: &Base) -> Result<(), EditError> {
    use automerge::transaction::Transactable;
    let value = format!("{};{}", heads_text(&base.shared), heads_text(&base.draft));
    doc.put(automerge::ROOT, base_key(field), value)?;
    Ok(())
}

/// The splices typed into `field`'s draft since `since` (in order, each on the text the
/// ones before it left), or `None` when `since` is not in this document's history.
pub fn edits_since(
    doc: &mut AutoCommit,
    field: AnswerField,
    since: &[ChangeHash],
) -> Option<Vec<Splice>> {
    use automerge::{ObjType, PatchAction, ReadDoc, Value};
    if since
        .iter()
        .any(|h| doc.get_change_meta_by_hash(h).is_none())
    {
        return None;
    }
    let answers = obj_at(doc, &["answers"]).ok()?;
    let text = match doc.get(&answers, field.as_key()).ok()?? {
        (Value::Object(ObjType::Text), text) => text,
        _ => return None,
    };
    let now = doc.get_heads();
    let mut out = Vec::new();
    for patch in doc.diff_obj(&text, since, &now, false).ok()? {
        match patch.action {
            PatchAction::SpliceText { index, value, .. } => out.push(Splice {
                at: index,
                delete: 0,
                insert: value.make_string(),
            }),
            PatchAction::DeleteSeq { index, length } => out.push(Splice {
                at: index,
                delete: length,
                insert: String::new(),
            }),
            _ => {}
        }
    }
    Some(out)
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
