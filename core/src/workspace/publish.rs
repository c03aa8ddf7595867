//! The employee's private drafts going into the shared record: what publishing would do, and doing it without removing the leader's words.

use crate::error::EditError;
use crate::model::discussion::{self, DiscussionEdit};
use crate::model::method::AnswerField;
use crate::model::reflection::{self};
use crate::storage::blobs::{KvStore, LoadError};
use crate::storage::keys::DocName;
use crate::text::words::{self, WordDiff};
use crate::text::Splice;
use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit, ChangeHash};

use super::{TextField, Workspace, WorkspaceError};

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
pub(super) fn answer_text_at(
    doc: &AutoCommit,
    field: AnswerField,
    heads: &[ChangeHash],
) -> Option<String> {
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
pub(super) fn apply_edit(
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

impl<K: KvStore> Workspace<K> {
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
    pub(super) fn edit_of_shared(
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
    pub(super) fn publish_actor(
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

    pub(super) fn set_draft(
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
}
