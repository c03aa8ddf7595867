//! Edits of this side's: the people list, a new discussion, the record, the preparation, typing into any text field, and suggestions for the other side's parts.

use crate::error::EditError;
use crate::model::discussion::{self, DiscussionEdit, DiscussionText, NewDiscussion};
use crate::model::fields::{self, FieldKey, Proposal, Suggestion};
use crate::model::method::{AnswerField, PrepField};
use crate::model::people::{self, Roster, RosterEdit, RosterText};
use crate::model::prep::{self, PrepEdit};
use crate::model::reflection::{self};
use crate::storage::blobs::{KvStore, LoadError};
use crate::storage::index::IndexEntry;
use crate::storage::keys::DocName;
use crate::text::Splice;
use crate::Day;
use automerge::AutoCommit;

use super::{Workspace, WorkspaceError};

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

/// The part an edit changes, for a refusal.
pub(super) fn edit_part(edit: &DiscussionEdit) -> String {
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

pub(super) fn text_part(text: &DiscussionText) -> &'static str {
    match text {
        DiscussionText::LeaderView(_) => "A leader's view",
        DiscussionText::Action(_) => "That action",
        _ => "That answer",
    }
}

impl<K: KvStore> Workspace<K> {
    /// The suggestions in the record, oldest first.
    pub fn proposals(&mut self, id: &str) -> Result<Vec<Proposal>, LoadError> {
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        Ok(fields::proposals(&stored.doc))
    }

    /// Refuses an edit this side may not make (a part the other side owns).
    pub(super) fn check_may(
        &mut self,
        id: &str,
        edit: &DiscussionEdit,
    ) -> Result<(), WorkspaceError> {
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
    pub(super) fn change_discussion<T>(
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

    pub(super) fn update_index(&mut self, id: &str) -> Result<(), LoadError> {
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

    /// What a text field holds now, read from the document's copy without copying the rest
    /// of it (a view of one field reads this on every keystroke into it). `None` when its
    /// document cannot be read or holds no such field; an empty draft when the employee has
    /// typed none.
    pub fn text(&mut self, field: &TextField) -> Option<String> {
        match field {
            TextField::Discussion(id, text) => {
                Some(self.discussion_copy(id).ok()?.text(text)?.to_string())
            }
            TextField::Prep(id, f) => Some(self.prep_copy(id).ok()?.get(*f).to_string()),
            TextField::Draft(id, f) => match self.copies.reflections.get(id) {
                Some(r) => Some(r.answers.get(*f).to_string()),
                None => Some(self.reflection(id).ok()?.answers.get(*f).to_string()),
            },
            TextField::Roster(text) => Some(self.roster().ok()?.text(text)?.to_string()),
        }
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

    pub(super) fn splice_into(
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
        self.mark_typed(field);
        Ok(true)
    }
}
