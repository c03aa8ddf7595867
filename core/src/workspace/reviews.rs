//! What merges brought, for the person to look through: the review since the last one was dismissed (cached by its range), fields marked as seen, words put back, conflicting values, and the suggestions set back on arrival.

use crate::error::EditError;
use crate::model::discussion::DiscussionText;
use crate::model::fields::FieldKey;
use crate::share::review::{self, Conflict, Review};
use crate::share::tracked::Restore;
use crate::storage::blobs::{KvStore, LoadError};
use crate::storage::keys::DocName;
use automerge::ActorId;
use automerge::ChangeHash;

use super::{Workspace, WorkspaceError};

/// A computed review and the range it covers: (discussion, from, to).
pub(super) type Reviewed = (String, Vec<ChangeHash>, Option<Vec<ChangeHash>>, Review);

/// Suggestions made on arrival per discussion and session, beyond which what arrives is
/// merged as it comes (see `Workspace::may_keep_out`).
pub(super) const KEPT_OUT_LIMIT: usize = 50;

impl<K: KvStore> Workspace<K> {
    /// Whether `actor` is one of this device's (every tab's actor starts with the device's
    /// prefix): the words it inserted are "yours" in a review.
    pub(super) fn mine(&self) -> impl Fn(&ActorId) -> bool + 'static {
        let prefix: Vec<u8> = self.actor.to_bytes().iter().take(8).copied().collect();
        move |actor: &ActorId| actor.to_bytes().starts_with(&prefix)
    }

    /// What the merges since the last review brought, field by field, less the fields
    /// marked as seen.
    pub fn review(&mut self, id: &str) -> Result<Review, WorkspaceError> {
        let Some(meta) = self.meta(id)? else {
            return Ok(Review::default());
        };
        let Some(from) = meta.review_from.as_ref() else {
            return Ok(Review::default());
        };
        let cached = self.reviewed.as_ref().filter(|(i, f, t, _)| {
            i == id && f == from && t.as_ref() == meta.review_to.as_ref() && t.is_some()
        });
        let mut review = match cached {
            Some((.., review)) => review.clone(),
            None => {
                let heads = from.clone();
                let to = meta.review_to.clone();
                let mine = self.mine();
                let stored = self.stored(&DocName::Discussion(id.into()))?;
                let review = match &to {
                    Some(to) => review::changes_between(&mut stored.doc, &heads, to, &mine)?,
                    None => review::changes_since(&mut stored.doc, &heads, &mine)?,
                };
                self.reviewed = Some((
                    id.to_string(),
                    from.clone(),
                    meta.review_to.clone(),
                    review.clone(),
                ));
                review
            }
        };
        review.changes.retain(|c| !meta.seen.contains(&c.key));
        self.drop_kept_out(id, &mut review);
        for c in &mut review.changes {
            if let review::Change::Text(pieces) = &mut c.change {
                for p in pieces {
                    if p.restore
                        .as_ref()
                        .is_some_and(|r| meta.restored.contains(&r.key))
                    {
                        p.restored = true;
                    }
                }
            }
        }
        Ok(review)
    }

    /// One field of the review is seen: it leaves the review.
    pub fn mark_seen(&mut self, id: &str, key: &FieldKey) {
        let mut meta = self.meta_to_change(id);
        if !meta.seen.contains(key) {
            meta.seen.push(key.clone());
        }
        self.write_meta(id, meta);
    }

    /// Puts back words of this device that the other side removed (from the review's
    /// [`Tracked::restore`](crate::share::tracked::Tracked::restore)), as a new edit the
    /// other side receives like any other.
    pub fn restore(
        &mut self,
        id: &str,
        field: &DiscussionText,
        what: &Restore,
    ) -> Result<(), WorkspaceError> {
        let meta = self.meta_to_change(id);
        let Some(from) = meta.review_from.as_ref() else {
            return Err(WorkspaceError::Edit(Box::new(EditError::Missing(
                "the merge review".into(),
            ))));
        };
        if meta.restored.contains(&what.key) {
            return Ok(());
        }
        let from = from.clone();
        self.change_discussion(id, |doc| {
            review::restore(doc, field, &from, what)?;
            Ok((true, ()))
        })?;
        let mut meta = self.meta_to_change(id);
        meta.restored.push(what.key.clone());
        self.write_meta(id, meta);
        Ok(())
    }

    /// Whether what arrives for a discussion is still set back this session. Two devices
    /// of one person that are not linked each take the other for the other side and would
    /// set each other's changes back for ever: after [`KEPT_OUT_LIMIT`] suggestions made on
    /// arrival in one session, a discussion is merged as it comes until the next start.
    pub(super) fn may_keep_out(&self, id: &str) -> bool {
        self.kept_out.get(id).copied().unwrap_or(0) < KEPT_OUT_LIMIT
    }

    pub(super) fn counted_kept_out(&mut self, id: &str, n: usize) {
        if n > 0 {
            *self.kept_out.entry(id.to_string()).or_default() += n;
        }
    }

    /// A review lists what the other side changed; a part of this side's that they changed
    /// was set back on arrival (their change is a suggestion now), so it is not listed.
    pub(super) fn drop_kept_out(&mut self, id: &str, review: &mut Review) {
        let side = self.side(id).side;
        if let Ok(d) = self.discussion_copy(id) {
            review.changes.retain(|c| c.key.owner(d) != Some(side));
        }
    }

    /// Single values both sides set at once, with each side's value: those this side
    /// decides (a part the other side owns is theirs to settle).
    pub fn conflicts(&mut self, id: &str) -> Result<Vec<Conflict>, LoadError> {
        let mine = self.mine();
        let side = self.side(id).side;
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        let mut list = review::conflicts(&stored.doc, &mine);
        let d = self.discussion_copy(id)?;
        list.retain(|c| c.field.key().changeable_by(d, side));
        Ok(list)
    }

    /// Keeps the value at `choice` of a conflict.
    pub fn resolve(
        &mut self,
        id: &str,
        conflict: &Conflict,
        choice: usize,
    ) -> Result<(), WorkspaceError> {
        let side = self.side(id).side;
        if let Some(owner) = conflict
            .field
            .key()
            .owner(self.discussion_copy(id)?)
            .filter(|o| *o != side)
        {
            return Err(WorkspaceError::NotYours {
                part: conflict.label.clone(),
                owner,
            });
        }
        self.change_discussion(id, |doc| {
            review::resolve(doc, conflict, choice)?;
            Ok((true, ()))
        })
    }

    /// The merge review is done.
    pub fn dismiss_review(&mut self, id: &str) -> Result<(), WorkspaceError> {
        let mut meta = self.meta_to_change(id);
        meta.review_from = None;
        meta.review_to = None;
        meta.seen.clear();
        meta.restored.clear();
        self.write_meta(id, meta);
        Ok(())
    }
}
