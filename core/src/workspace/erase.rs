//! Deleting for real: a discussion, or a person with all their discussions, removed from
//! this device's storage so that no entry of theirs remains — the shared record, the
//! leader's preparation, the employee's drafts, this device's notes about them (metadata,
//! damaged metadata kept aside, the crash guard's notes) and their index rows. Every other
//! entry is left exactly as it was.
//!
//! A person's name also lives in the people list's history (Automerge keeps what was
//! removed), so deleting a person gives the people list a fresh history holding everyone
//! else, as [`StoredDoc::replace`] does before a first share; the other tabs of this browser
//! load it as they load any replaced document.
//!
//! localStorage has no transactions, so a deletion first writes what it is going to remove
//! (the `erasing` entry: the discussions' ids, the person's id and, for a person, the people
//! list without them), then removes the discussions' entries, then the people list's old
//! blobs, writes the new list, and removes that entry. A start that finds the entry
//! finishes the deletion before reading anything: after an interruption the person is
//! either all there or all gone, never half-readable. Other tabs see the old list's blobs
//! go before the new one comes, so they never hold the two histories together.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Change, Workspace, WorkspaceError};
use crate::model::people::{self, Roster};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::model::ids::is_valid_id;
use crate::storage::blobs::{blob_keys, stored_names, KvError, KvStore, LoadError};
use crate::storage::index::Index;
use crate::storage::keys::{blob_prefix, DocName, StorageKey};
use crate::Day;

/// What to delete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Erase {
    /// One discussion: its shared record, preparation, drafts and this device's notes.
    Discussion(String),
    /// A person (from the people list) and every discussion with them.
    Person(String),
    /// Several discussions (those past the retention period, say).
    Discussions(Vec<String>),
}

/// One discussion a deletion removes, as the confirmation lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErasedDiscussion {
    pub id: String,
    pub date: Option<Day>,
    /// The leader's private preparation is stored here.
    pub prep: bool,
    /// The employee's private drafts are stored here.
    pub drafts: bool,
    /// It left this device at least once (link, file, live session): copies exist elsewhere.
    pub shared: bool,
    /// It is paired for sync: the relay may still hold its encrypted messages.
    pub paired: bool,
    /// Its stored data cannot be read (it goes all the same).
    pub damaged: bool,
}

/// Everything a deletion removes, for the confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErasePreview {
    pub discussions: Vec<ErasedDiscussion>,
    /// Every storage key that goes (the people list's old history not counted).
    pub keys: usize,
}

/// The deletion under way, as stored in the `erasing` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Intent {
    discussions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    person: Option<String>,
    /// The people list without the person (base64 of a new document), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    roster: Option<String>,
}

/// Every key of the documents and notes of these discussions, in `all` (the store's keys).
fn keys_of(all: &[String], ids: &BTreeSet<String>) -> Vec<String> {
    all.iter()
        .filter(|k| match StorageKey::parse(k) {
            Some(StorageKey::Blob { doc, .. }) => {
                doc.discussion_id().is_some_and(|id| ids.contains(id))
            }
            Some(StorageKey::Meta(id) | StorageKey::MetaSetAside(id)) => ids.contains(&id),
            _ => false,
        })
        .cloned()
        .collect()
}

impl<K: KvStore> Workspace<K> {
    /// The discussions `what` covers: for a person, those the index lists under them and any
    /// stored one that names them and is missing from the index.
    fn erased_ids(&mut self, what: &Erase) -> Result<BTreeSet<String>, WorkspaceError> {
        match what {
            Erase::Discussion(id) => Ok(BTreeSet::from([id.clone()])),
            Erase::Discussions(ids) => Ok(ids.iter().cloned().collect()),
            Erase::Person(person) => {
                let mut ids: BTreeSet<String> = self
                    .index
                    .of_person(person)
                    .into_iter()
                    .map(|(id, _)| id.clone())
                    .collect();
                for name in stored_names(&self.kv)? {
                    let DocName::Discussion(id) = name else {
                        continue;
                    };
                    if ids.contains(&id) || self.index.discussions.contains_key(&id) {
                        continue;
                    }
                    if self.discussion(&id).is_ok_and(|d| d.person_id == *person) {
                        ids.insert(id);
                    }
                }
                Ok(ids)
            }
        }
    }

    /// What deleting `what` would remove, for the confirmation. Reads only.
    pub fn erase_preview(&mut self, what: &Erase) -> Result<ErasePreview, WorkspaceError> {
        let ids = self.erased_ids(what)?;
        let all = self.kv.keys()?;
        let keys = keys_of(&all, &ids);
        let has = |doc: DocName| keys.iter().any(|k| k.starts_with(&blob_prefix(&doc)));
        let mut discussions = Vec::new();
        for id in &ids {
            let read = self.discussion(id);
            let paired = self.pairing(id).is_ok_and(|p| p.pairing.is_some());
            let meta = self.meta(id).ok().flatten();
            discussions.push(ErasedDiscussion {
                id: id.clone(),
                date: self.index.discussions.get(id).map(|e| e.date()).or(read
                    .as_ref()
                    .ok()
                    .map(|d| d.held_on.unwrap_or(d.created_on))),
                prep: has(DocName::Prep(id.clone())),
                drafts: has(DocName::Reflection(id.clone())),
                shared: meta.is_some_and(|m| m.shared || !m.peer_heads.is_empty())
                    || self
                        .index
                        .discussions
                        .get(id)
                        .is_some_and(|e| e.shared_with_me),
                paired,
                damaged: read.is_err(),
            });
        }
        discussions.sort_by_key(|d| std::cmp::Reverse(d.date));
        Ok(ErasePreview {
            discussions,
            keys: keys.len(),
        })
    }

    /// Deletes `what` from this device — exactly the discussions `expected` lists (the ones
    /// the confirmation showed), or nothing if that changed meanwhile. When the `erasing`
    /// entry cannot be written nothing is deleted; after that, an error leaves the entry, and
    /// the next start finishes the deletion.
    pub fn erase(
        &mut self,
        what: &Erase,
        expected: &[String],
        now: i64,
    ) -> Result<(), WorkspaceError> {
        let ids = self.erased_ids(what)?;
        if ids.iter().ne(expected.iter().collect::<BTreeSet<_>>()) {
            return Err(WorkspaceError::EraseChanged);
        }
        let mut intent = Intent {
            discussions: ids.iter().cloned().collect(),
            ..Intent::default()
        };
        if let Erase::Person(person) = what {
            intent.person = Some(person.clone());
            match self.stored(&DocName::Roster) {
                Ok(_) => {
                    let Some(Ok(stored)) = self.docs.get_mut(&DocName::Roster) else {
                        unreachable!("loaded above")
                    };
                    // What other tabs saved, and this tab's edits not saved yet, are kept.
                    if let Err(LoadError::Storage(e)) = stored.refresh(&self.kv) {
                        return Err(e.into());
                    }
                    stored.commit(now);
                    let roster = people::read(&stored.doc)?;
                    let roster = Roster {
                        people: roster
                            .people
                            .into_iter()
                            .filter(|p| p.id != *person)
                            .collect(),
                        ..roster
                    };
                    let mut doc = self.new_doc();
                    people::create(&mut doc)?;
                    autosurgeon::reconcile(&mut doc, &roster)
                        .map_err(crate::error::EditError::from)?;
                    doc.commit_with(
                        automerge::transaction::CommitOptions::default().with_time(now),
                    );
                    intent.roster = Some(B64.encode(doc.save()));
                }
                // No people list here (an employee's device): only the discussions go.
                Err(LoadError::NotFound) => {}
                // A list that cannot be read cannot lose the person: nothing is deleted.
                Err(e) => return Err(e.into()),
            }
        }
        let text = serde_json::to_string(&intent).expect("an intent serialises");
        self.kv.set(&StorageKey::Erasing.key(), &text)?;
        self.finish(intent, now)
    }

    /// Finishes a deletion a previous start left under way; `true` when there was one.
    /// Called when the workspace opens, before anything is read. An entry this app did not
    /// write is left alone.
    pub fn finish_erasing(&mut self) -> Result<bool, WorkspaceError> {
        let Some(text) = self.kv.get(&StorageKey::Erasing.key())? else {
            return Ok(false);
        };
        let Ok(intent) = serde_json::from_str::<Intent>(&text) else {
            return Ok(false);
        };
        if intent
            .discussions
            .iter()
            .chain(&intent.person)
            .any(|id| !is_valid_id(id))
        {
            return Ok(false);
        }
        self.finish(intent, 0)?;
        Ok(true)
    }

    /// Removes what `intent` names (every step can run again), then the intent itself.
    fn finish(&mut self, intent: Intent, now: i64) -> Result<(), WorkspaceError> {
        let ids: BTreeSet<String> = intent.discussions.iter().cloned().collect();
        for id in &ids {
            self.forget_discussion(id);
        }
        // Their keys as stored now: another tab's blobs written meanwhile go too.
        for key in keys_of(&self.kv.keys()?, &ids) {
            self.kv.remove(&key)?;
        }
        // The index as stored (another tab may have changed other rows), with this tab's
        // rows not written yet, without them.
        let mut index = Index::read(&self.kv)
            .ok()
            .flatten()
            .unwrap_or_else(|| self.index.clone());
        for id in &self.index_changed {
            if let Some(mine) = self.index.discussions.get(id) {
                index.discussions.insert(id.clone(), mine.clone());
            }
        }
        index.discussions.retain(|id, _| !ids.contains(id));
        index.write(&mut self.kv)?;
        self.index = index;
        self.forget_in_notes(&ids)?;
        if let Some(roster) = &intent.roster {
            let bytes = B64
                .decode(roster)
                .map_err(|_| LoadError::Damaged("the new people list cannot be read".into()))?;
            let doc = crate::model::schema::load_strict(&bytes)
                .map_err(|e| LoadError::Damaged(e.to_string()))?;
            people::read(&doc)?;
            // The old history goes first, then the new one comes: no tab ever loads both.
            self.docs.remove(&DocName::Roster);
            self.dirty.remove(&DocName::Roster);
            self.copies.forget(&DocName::Roster);
            for (_, key) in blob_keys(&self.kv, &DocName::Roster)? {
                self.kv.remove(&key)?;
            }
            let doc = doc.with_actor(self.actor.clone());
            self.create(&DocName::Roster, doc, now)?;
        }
        self.kv.remove(&StorageKey::Erasing.key())?;
        Ok(())
    }

    /// The crash guard's notes naming these discussions (documents set aside, mailbox
    /// messages to skip) lose those lines; entries that cannot be read are left as they are.
    fn forget_in_notes(&mut self, ids: &BTreeSet<String>) -> Result<(), KvError> {
        let named = |name: &str| {
            DocName::parse(name)
                .and_then(|d| d.discussion_id().map(|id| ids.contains(id)))
                .unwrap_or(false)
        };
        let key = StorageKey::Unreadable.key();
        if let Some(text) = self.kv.get(&key)? {
            if let Ok(mut map) =
                serde_json::from_str::<std::collections::BTreeMap<String, String>>(&text)
            {
                let before = map.len();
                map.retain(|name, _| !named(name));
                if map.len() != before {
                    self.kv.set(
                        &key,
                        &serde_json::to_string(&map).expect("a map serialises"),
                    )?;
                }
            }
        }
        let key = StorageKey::MailboxSkip.key();
        if let Some(text) = self.kv.get(&key)? {
            if let Ok(mut list) = serde_json::from_str::<Vec<(String, String, u64)>>(&text) {
                let before = list.len();
                list.retain(|(id, _, _)| !ids.contains(id));
                if list.len() != before {
                    self.kv.set(
                        &key,
                        &serde_json::to_string(&list).expect("a list serialises"),
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Drops everything this tab holds of a discussion, written or not, and never writes
    /// its metadata again (unless it comes back whole: a link or file taken in anew).
    pub(super) fn forget_discussion(&mut self, id: &str) {
        for name in [
            DocName::Discussion(id.into()),
            DocName::Prep(id.into()),
            DocName::Reflection(id.into()),
        ] {
            self.docs.remove(&name);
            self.dirty.remove(&name);
            self.copies.forget(&name);
        }
        self.index_changed.remove(id);
        self.index.discussions.remove(id);
        self.notes.erase(id);
        self.travelled.remove(id);
        self.in_flight.remove(id);
        if self.reviewed.as_ref().is_some_and(|r| r.0 == id) {
            self.reviewed = None;
        }
        self.read_positions.remove(id);
        self.note(Change::Erased(id.to_string()));
        self.note(Change::Doc(DocName::Discussion(id.to_string())));
        self.note(Change::Index);
    }
}
