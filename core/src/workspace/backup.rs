//! Backups of the whole device, out and in.

use crate::model::people::{self, RosterEdit};
use crate::model::trust::DeviceKeys;
use crate::share::join::{first, join, Refused};
use crate::storage::backup::{check_kind, missing_people, Backup, BackupError};
use crate::storage::blobs::{stored_names, KvStore, LoadError};
use crate::storage::index::IndexEntry;
use crate::storage::keys::DocName;
use crate::storage::meta::LocalMeta;
use crate::{Day, Side};
use automerge::AutoCommit;

use super::{Change, Workspace, WorkspaceError};

/// What importing a backup did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupReport {
    pub created_on: Day,
    pub merged: usize,
    pub people_added: usize,
    /// Documents left alone, with why.
    pub skipped: Vec<String>,
}

impl<K: KvStore> Workspace<K> {
    /// Every document of this device, private ones included, and the per-device metadata.
    /// Damaged documents are left out (their raw data has its own download).
    /// Built from the documents in memory: unsaved edits (storage full) are in it too.
    pub fn export_backup(&mut self, today: Day) -> Result<Backup, WorkspaceError> {
        let mut backup = Backup::new(today);
        backup.device_keys = Some(self.keys.to_stored());
        for name in stored_names(&self.kv)? {
            match self.stored(&name) {
                Ok(stored) => backup.add(&name.key(), &stored.to_bytes()),
                Err(LoadError::Damaged(_)) => {}
                Err(e) => return Err(e.into()),
            }
            if let DocName::Discussion(id) = &name {
                if let Ok(Some(meta)) = self.meta(id) {
                    backup.meta.insert(id.clone(), meta);
                }
            }
        }
        Ok(backup)
    }

    /// Merges a backup into this device: nothing here is replaced or removed. A backup
    /// that cannot be read is refused before anything changes; after that, a document that
    /// cannot be taken in is listed in the report and the rest go on. What is merged is
    /// written by the next save.
    pub fn import_backup(
        &mut self,
        bytes: &[u8],
        now: i64,
    ) -> Result<BackupReport, WorkspaceError> {
        let (backup, mut docs) = Backup::parse(bytes)?;
        // One history per document, as everywhere else things come in: a document carrying
        // two of its own refuses the whole backup, before anything changes. (One that is
        // another history than the copy here is left out below, and listed.)
        for (key, incoming) in docs.iter_mut() {
            if first(incoming, |_| Ok::<_, ()>(())).is_err() {
                return Err(BackupError::SecondHistory(key.clone()).into());
            }
        }
        if let Some(keys) = backup
            .device_keys
            .as_deref()
            .and_then(DeviceKeys::from_stored)
        {
            self.keys.adopt(&keys);
            self.keys_unsaved = true;
            self.note(Change::Keys);
        }
        let mut report = BackupReport {
            created_on: backup.created_on,
            merged: 0,
            people_added: 0,
            skipped: vec![],
        };
        let mut discussions = Vec::new();
        for (key, mut incoming) in docs {
            let Some(name) = DocName::parse(&key) else {
                report.skipped.push(key);
                continue;
            };
            if name == DocName::Roster {
                if let Err(e) = self.merge_people(&incoming, &mut report) {
                    report.skipped.push(format!("people list ({e})"));
                }
                continue;
            }
            let outcome = match self.changing(&name) {
                Ok(stored) => {
                    // The copy here changes only when the result is still a document of
                    // its kind.
                    let joined = join(
                        &mut stored.doc,
                        |doc| doc.merge(&mut incoming).map_err(|e| e.to_string()),
                        |doc| check_kind(&key, doc).map_err(|e| e.to_string()),
                    );
                    match joined {
                        Ok((_, j)) => {
                            if j.new_changes > 0 {
                                self.mark_dirty(&name);
                            }
                            Ok(())
                        }
                        Err(Refused::AnotherHistory) => {
                            Err("another history of it; the copy here is kept".into())
                        }
                        Err(Refused::Because(e)) => Err(e),
                    }
                }
                Err(LoadError::NotFound) => {
                    let doc = incoming.with_actor(self.actor.clone());
                    self.create(&name, doc, now).map_err(|e| e.to_string())
                }
                Err(e) => Err(e.to_string()),
            };
            match outcome {
                Ok(()) => {
                    report.merged += 1;
                    if let DocName::Discussion(id) = name {
                        discussions.push(id);
                    }
                }
                Err(e) => report.skipped.push(format!("{key} ({e})")),
            }
        }
        for (id, meta) in backup.meta {
            if matches!(self.meta(&id), Ok(None)) {
                self.note(Change::Notes(id.clone()));
                self.notes.put(&id, meta);
            }
        }
        for id in discussions {
            // A discussion that cannot be read after the merge shows as damaged.
            if let Ok(d) = self.discussion(&id) {
                let mut entry = IndexEntry::updated(&d, self.index.discussions.get(&id));
                entry.shared_with_me = matches!(
                    self.meta(&id),
                    Ok(Some(LocalMeta {
                        perspective: Side::Employee,
                        ..
                    }))
                );
                self.index.discussions.insert(id.clone(), entry);
                self.index_changed_for(&id);
            }
        }
        Ok(report)
    }

    /// People of a backup's list that this device lacks, added one by one (two devices'
    /// lists are separate documents whose histories never met).
    pub(super) fn merge_people(
        &mut self,
        incoming: &AutoCommit,
        report: &mut BackupReport,
    ) -> Result<(), WorkspaceError> {
        let incoming = people::read(incoming)?;
        let local = self.roster()?;
        for person in missing_people(&local, &incoming) {
            self.edit_roster(RosterEdit::AddPerson(person))?;
            report.people_added += 1;
        }
        if local.manager.name.is_empty() && !incoming.manager.name.is_empty() {
            self.edit_roster(RosterEdit::ManagerName(incoming.manager.name.clone()))?;
        }
        Ok(())
    }
}
