//! Sharing: packages out (link, file, Markdown, JSON), packages in (merge or import),
//! the employee's private reflection, and reviewing what a merge brought.

use career_core::discussion::{Discussion, DiscussionEdit};
use career_core::index::{discussion_name, prep_name, reflection_name, IndexEntry};
use career_core::local::{from_hex, to_hex, LocalMeta, Perspective};
use career_core::method::AnswerField;
use career_core::people::{Person, RosterEdit};
use career_core::reflection::{self, Reflection};
use career_core::review::{self, Conflict, FieldChange};
use career_core::share::{merge_into, Audience, Package};
use career_core::store::LoadError;
use career_core::{export, prep, AutoCommit};
use leptos::prelude::*;

use super::app_state::describe;
use super::AppState;
use crate::infra::{clock, download};

/// What taking in a package did, to tell the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub discussion_id: String,
    pub message: String,
}

impl AppState {
    pub fn meta(&self, id: &str) -> LocalMeta {
        self.repo.with_value(|r| LocalMeta::read(&r.kv, id))
    }

    pub(super) fn write_meta(&self, id: &str, meta: &LocalMeta) {
        let result = self.repo.try_update_value(|r| meta.write(&mut r.kv, id));
        if let Some(Err(e)) = result {
            self.error
                .set(Some(format!("could not remember sharing details: {e}")));
        }
        self.revision.update(|r| *r += 1);
    }

    pub fn perspective(&self, id: &str) -> Perspective {
        self.meta(id).perspective
    }

    /// A package of the shared discussion for the other side. The employee's replies carry
    /// only what the leader lacks, unless `whole` is asked for.
    pub fn package(&self, id: &str, whole: bool) -> Result<Package, String> {
        let meta = self.meta(id);
        let audience = match meta.perspective {
            Perspective::Leader => Audience::Employee,
            Perspective::Employee => Audience::Leader,
        };
        if meta.perspective == Perspective::Leader {
            self.fill_in_manager(id);
        }
        self.flush();
        self.repo
            .try_update_value(|r| {
                let stored = r
                    .doc_same_values(&discussion_name(id))
                    .map_err(|e| describe(&e))?;
                let peer = from_hex(&meta.peer_heads);
                let package = if whole {
                    Package::whole(&mut stored.doc, audience)
                } else {
                    Package::changes_since(&mut stored.doc, audience, &peer)
                };
                package.map_err(|e| e.to_string())
            })
            .unwrap_or_else(|| Err("the app is shutting down".into()))
    }

    /// The leader's name goes into the shared record, so the employee sees who is who.
    fn fill_in_manager(&self, id: &str) {
        let manager = self.manager();
        if manager.name.trim().is_empty() {
            return;
        }
        if let Ok(d) = self.discussion(id) {
            if d.manager.name.trim().is_empty() {
                self.edit_discussion(id, DiscussionEdit::Manager(manager));
            }
        }
    }

    pub fn download_package(&self, id: &str, whole: bool) {
        match self.package(id, whole) {
            Ok(p) => {
                let who = self
                    .discussion(id)
                    .map(|d| d.employee.name.replace(' ', "-"))
                    .unwrap_or_default();
                let name = format!("career-talk-{who}-{}.ctalk", clock::today());
                if let Err(e) = download::download(&name, &p.to_bytes(), "application/octet-stream")
                {
                    self.error.set(Some(e));
                }
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    pub fn download_markdown(&self, id: &str) {
        if let Ok(d) = self.discussion(id) {
            let name = format!("career-discussion-{}.md", d.employee.name.replace(' ', "-"));
            if let Err(e) =
                download::download(&name, export::markdown(&d).as_bytes(), "text/markdown")
            {
                self.error.set(Some(e));
            }
        }
    }

    pub fn download_json(&self, id: &str) {
        if let Ok(d) = self.discussion(id) {
            let name = format!(
                "career-discussion-{}.json",
                d.employee.name.replace(' ', "-")
            );
            let json = serde_json::to_vec_pretty(&export::json(&d)).unwrap_or_default();
            if let Err(e) = download::download(&name, &json, "application/json") {
                self.error.set(Some(e));
            }
        }
    }

    /// Takes in a package from a link or file: merges it into the local copy, or imports
    /// it as a new discussion. On any error nothing local changes.
    pub fn take_in(&self, package: Package) -> Result<Imported, String> {
        let id = package.discussion_id.clone();
        let exists =
            self.repo
                .try_update_value(|r| match r.doc_same_values(&discussion_name(&id)) {
                    Ok(_) => Ok(true),
                    Err(LoadError::NotFound) => Ok(false),
                    Err(e) => Err(format!(
                    "Your copy of this discussion is damaged ({e}), so nothing was merged into it."
                )),
                });
        let exists = exists.unwrap_or(Ok(false))?;
        let mut meta = self.meta(&id);
        if exists {
            let merged = self
                .change_discussion(&id, |doc| {
                    let merged = merge_into(doc, &package).map_err(|e| e.to_string())?;
                    Ok((merged.new_changes > 0, merged))
                })
                .map_err(|e| format!("Nothing was changed: {e}"))?;
            meta.peer_heads = to_hex(&package.sender_heads);
            if merged.new_changes > 0 {
                if meta.review_from.is_none() {
                    meta.review_from = Some(to_hex(&merged.before));
                    meta.review_to = Some(to_hex(&merged.before));
                }
                // What the review covers: all merged so far, not this device's later edits.
                let to = meta.review_to.get_or_insert_with(Vec::new);
                for h in to_hex(&package.sender_heads) {
                    if !to.contains(&h) {
                        to.push(h);
                    }
                }
            }
            self.write_meta(&id, &meta);
            self.flush();
            let other = self.other_party(&id);
            let message = if merged.new_changes == 0 {
                format!("You already had everything from {other}.")
            } else {
                format!("Merged the changes from {other}. Nothing of yours was replaced.")
            };
            return Ok(Imported {
                discussion_id: id,
                message,
            });
        }

        let (mut doc, d) = package.whole_document().map_err(|e| e.to_string())?;
        let perspective = match package.audience {
            Audience::Employee => Perspective::Employee,
            Audience::Leader => Perspective::Leader,
        };
        doc = doc.with_actor(crate::infra::random::new_actor());
        self.import_new(doc, &d, perspective)?;
        meta.perspective = perspective;
        meta.peer_heads = to_hex(&package.sender_heads);
        meta.review_from = None;
        meta.review_to = None;
        self.write_meta(&id, &meta);
        let message = match perspective {
            Perspective::Employee => format!(
                "{} shared your career discussion with you. Reflect privately first; publish answers when you are ready.",
                if d.manager.name.is_empty() { "Your leader".to_string() } else { d.manager.name.clone() }
            ),
            Perspective::Leader => format!("Imported the discussion with {}.", d.employee.name),
        };
        Ok(Imported {
            discussion_id: id,
            message,
        })
    }

    pub(super) fn import_new(
        &self,
        doc: AutoCommit,
        d: &Discussion,
        perspective: Perspective,
    ) -> Result<(), String> {
        let id = d.id.clone();
        if perspective == Perspective::Leader && self.person(&d.person_id).is_none() {
            self.edit_roster(RosterEdit::AddPerson(Person {
                id: d.person_id.clone(),
                name: d.employee.name.clone(),
                role: d.employee.role.clone(),
                team: String::new(),
                cadence_months: 12,
                archived: false,
                added_on: clock::today(),
            }));
        }
        let mut entry = IndexEntry::of(d);
        entry.shared_with_me = perspective == Perspective::Employee;
        let result = self.repo.try_update_value(|r| -> Result<(), String> {
            let actor = r.actor.clone();
            let private = match perspective {
                Perspective::Leader => {
                    let mut p = AutoCommit::new().with_actor(actor);
                    prep::create(&mut p, &id).map_err(|e| e.to_string())?;
                    (prep_name(&id), p)
                }
                Perspective::Employee => {
                    let mut p = AutoCommit::new().with_actor(actor);
                    reflection::create(&mut p, &id).map_err(|e| e.to_string())?;
                    (reflection_name(&id), p)
                }
            };
            let storage = |e: career_core::store::KvError| format!("Could not store it: {e}.");
            if r.doc(&private.0).is_err() {
                r.create(&private.0, private.1).map_err(storage)?;
            }
            r.create(&discussion_name(&id), doc).map_err(storage)?;
            r.index.discussions.insert(id.clone(), entry.clone());
            r.index_changed.insert(id.clone());
            Ok(())
        });
        result.unwrap_or_else(|| Err("the app is shutting down".into()))?;
        self.index.update(|i| {
            i.discussions.insert(id.clone(), entry);
        });
        self.flush();
        Ok(())
    }

    /// The name of the other party, from this device's side.
    pub fn other_party(&self, id: &str) -> String {
        let d = self.discussion(id).ok();
        let name = match self.perspective(id) {
            Perspective::Leader => d.map(|d| d.employee.name),
            Perspective::Employee => d.map(|d| d.manager.name),
        };
        name.filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "the other side".into())
    }

    // ----- the employee's private reflection -----------------------------------------

    pub fn reflection(&self, id: &str) -> Result<Reflection, String> {
        self.repo
            .try_update_value(|r| {
                let name = reflection_name(id);
                if matches!(r.doc(&name), Err(LoadError::NotFound)) {
                    let mut doc = AutoCommit::new().with_actor(r.actor.clone());
                    reflection::create(&mut doc, id).map_err(|e| e.to_string())?;
                    r.create(&name, doc).map_err(|e| e.to_string())?;
                }
                let stored = r.doc(&name).map_err(|e| describe(&e))?;
                reflection::read(&stored.doc).map_err(|e| e.to_string())
            })
            .unwrap_or_else(|| Err("the app is shutting down".into()))
    }

    pub fn edit_reflection(&self, id: &str, field: AnswerField, text: String) {
        let name = reflection_name(id);
        let result = self.repo.try_update_value(|r| -> Result<bool, String> {
            let stored = r.doc(&name).map_err(|e| describe(&e))?;
            reflection::set_draft(&mut stored.doc, field, &text).map_err(|e| e.to_string())
        });
        match result {
            Some(Ok(true)) => {
                self.mark_dirty(&name);
                self.typed.update(|t| *t += 1);
            }
            Some(Err(e)) => self.error.set(Some(e)),
            _ => {}
        }
    }

    /// Copies one private draft answer into the shared discussion.
    pub fn publish(&self, id: &str, field: AnswerField) {
        match self.reflection(id) {
            Ok(r) => self.edit_discussion(
                id,
                DiscussionEdit::Answer(field, r.answers.get(field).to_string()),
            ),
            Err(e) => self.error.set(Some(e)),
        }
    }

    // ----- after a merge ---------------------------------------------------------------

    pub fn review(&self, id: &str) -> Vec<FieldChange> {
        let Some(from) = self.meta(id).review_from else {
            return vec![];
        };
        let from = from_hex(&from);
        let to = self.meta(id).review_to.map(|to| from_hex(&to));
        self.repo
            .try_update_value(|r| {
                let stored = r.doc_same_values(&discussion_name(id)).ok()?;
                match &to {
                    Some(to) => review::changes_between(&mut stored.doc, &from, to).ok(),
                    None => review::changes_since(&mut stored.doc, &from).ok(),
                }
            })
            .flatten()
            .unwrap_or_default()
    }

    pub fn dismiss_review(&self, id: &str) {
        let mut meta = self.meta(id);
        meta.review_from = None;
        meta.review_to = None;
        self.write_meta(id, &meta);
    }

    pub fn conflicts(&self, id: &str) -> Vec<Conflict> {
        self.repo
            .try_update_value(|r| {
                r.doc_same_values(&discussion_name(id))
                    .ok()
                    .map(|s| review::conflicts(&s.doc))
            })
            .flatten()
            .unwrap_or_default()
    }

    pub fn resolve(&self, id: &str, conflict: &Conflict, choice: usize) {
        let result = self.change_discussion(id, |doc| {
            review::resolve(doc, conflict, choice)
                .map(|_| (true, ()))
                .map_err(|e| e.to_string())
        });
        if let Err(e) = result {
            self.error.set(Some(e));
        }
    }
}
