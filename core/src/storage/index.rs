//! A small summary of every discussion, kept beside the documents so the people list does
//! not have to load each one. It is derived data: written after a discussion's summary
//! fields change, and rebuilt from the documents when it is missing or unreadable. An entry
//! outlives damage to its document, so a damaged discussion still shows under its person.

use std::collections::{BTreeMap, BTreeSet};

use automerge::ActorId;
use serde::{Deserialize, Serialize};

use crate::model::date::Day;
use crate::model::discussion::{self, Discussion};
use crate::storage::blobs::{stored_names, KvError, KvStore, StoredDoc};
use crate::storage::keys::{DocName, StorageKey};
use crate::storage::meta::LocalMeta;
use crate::Side;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexEntry {
    pub person_id: String,
    pub created_on: Day,
    pub held_on: Option<Day>,
    pub open_actions: u32,
    /// This device is the employee's: the discussion was shared with them.
    #[serde(default)]
    pub shared_with_me: bool,
}

impl IndexEntry {
    pub fn of(d: &Discussion) -> IndexEntry {
        IndexEntry {
            person_id: d.person_id.clone(),
            created_on: d.created_on,
            held_on: d.held_on,
            open_actions: d.open_actions().count() as u32,
            shared_with_me: false,
        }
    }

    /// The entry for `d`, keeping this device's own flags from `previous`.
    pub fn updated(d: &Discussion, previous: Option<&IndexEntry>) -> IndexEntry {
        IndexEntry {
            shared_with_me: previous.is_some_and(|p| p.shared_with_me),
            ..IndexEntry::of(d)
        }
    }

    /// The date a list shows and sorts by.
    pub fn date(&self) -> Day {
        self.held_on.unwrap_or(self.created_on)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub discussions: BTreeMap<String, IndexEntry>,
}

impl Index {
    /// A person's discussions, newest first.
    pub fn of_person(&self, person_id: &str) -> Vec<(&String, &IndexEntry)> {
        let mut list: Vec<_> = self
            .discussions
            .iter()
            .filter(|(_, e)| e.person_id == person_id)
            .collect();
        list.sort_by(|a, b| {
            b.1.date()
                .cmp(&a.1.date())
                .then(b.1.created_on.cmp(&a.1.created_on))
        });
        list
    }

    pub fn held_dates(&self, person_id: &str) -> impl Iterator<Item = Day> + '_ {
        let person_id = person_id.to_string();
        self.discussions
            .values()
            .filter(move |e| e.person_id == person_id)
            .filter_map(|e| e.held_on)
    }

    pub fn read(kv: &dyn KvStore) -> Result<Option<Index>, KvError> {
        Ok(kv
            .get(&StorageKey::Index.key())?
            .and_then(|json| serde_json::from_str(&json).ok()))
    }

    pub fn write(&self, kv: &mut dyn KvStore) -> Result<(), KvError> {
        let json = serde_json::to_string(self).expect("index serialises");
        kv.set(&StorageKey::Index.key(), &json)
    }

    /// Writes this tab's entries for the discussions in `changed` into the stored index,
    /// keeping every other entry as stored (another tab may have added or changed it), and
    /// takes the result as this tab's index.
    pub fn write_merged(
        &mut self,
        kv: &mut dyn KvStore,
        changed: &BTreeSet<String>,
    ) -> Result<(), KvError> {
        let mut merged = Index::read(kv)?.unwrap_or_else(|| self.clone());
        for id in changed {
            if let Some(entry) = self.discussions.get(id) {
                merged.discussions.insert(id.clone(), entry.clone());
            }
        }
        merged.write(kv)?;
        *self = merged;
        Ok(())
    }

    /// Rebuilds entries from the stored discussions. Entries of `previous` whose document
    /// cannot be read are kept, so damaged discussions stay listed under their person.
    pub fn rebuild(kv: &dyn KvStore, previous: Option<&Index>) -> Result<Index, KvError> {
        let mut index = Index::default();
        for name in stored_names(kv)? {
            let DocName::Discussion(id) = &name else {
                continue;
            };
            let loaded = StoredDoc::load(kv, &name, ActorId::from(&[0u8; 16][..]), "index")
                .ok()
                .and_then(|s| discussion::read(&s.doc).ok());
            match loaded {
                Some(d) => {
                    let mut entry = IndexEntry::of(&d);
                    // Unreadable metadata says nothing: the entry keeps the leader's view.
                    entry.shared_with_me = matches!(
                        LocalMeta::read(kv, id),
                        Ok(Some(LocalMeta {
                            perspective: Side::Employee,
                            ..
                        }))
                    );
                    index.discussions.insert(id.to_string(), entry);
                }
                None => {
                    if let Some(e) = previous.and_then(|p| p.discussions.get(id)) {
                        index.discussions.insert(id.to_string(), e.clone());
                    }
                }
            }
        }
        Ok(index)
    }
}
