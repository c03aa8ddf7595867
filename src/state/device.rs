//! This device: the offline app shell's updates, whether the browser keeps our data, how
//! full local storage is, and backups (export everything / import a backup).

use career_core::backup::{missing_people, Backup};
use career_core::index::{roster_name, Index};
use career_core::local::LocalMeta;
use career_core::people::{self, RosterEdit};
use career_core::store::{stored_names, KvStore, LoadError};
use career_core::Day;
use leptos::prelude::*;

use super::app_state::describe;
use super::AppState;
use crate::infra::{clock, download, pwa};

/// Browsers give a site about 5 million characters of localStorage.
pub const LOCAL_LIMIT: usize = 5_000_000;
/// Warn when this much of it is used.
pub const NEARLY_FULL: usize = LOCAL_LIMIT * 4 / 5;
/// Remind to back up after this many days.
pub const BACKUP_EVERY_DAYS: i64 = 30;

const LAST_BACKUP_KEY: &str = "ct1:last-backup";
const FIRST_USE_KEY: &str = "ct1:first-use";
const PERSIST_ASKED_KEY: &str = "ct1:persist-asked";

#[derive(Clone, Copy)]
pub struct DeviceState {
    /// A new version of the app is installed and waits for the user's go-ahead.
    pub update_ready: RwSignal<bool>,
    /// Whether the browser promised to keep this site's data (None: not known yet).
    pub persisted: RwSignal<Option<bool>>,
    /// Characters of localStorage in use by anything on this site.
    pub local_used: RwSignal<usize>,
    pub last_backup: RwSignal<Option<Day>>,
    pub first_use: RwSignal<Option<Day>>,
}

impl DeviceState {
    pub fn new() -> DeviceState {
        DeviceState {
            update_ready: RwSignal::new(false),
            persisted: RwSignal::new(None),
            local_used: RwSignal::new(0),
            last_backup: RwSignal::new(None),
            first_use: RwSignal::new(None),
        }
    }

    /// Days since the last backup, or since first use when there was none; `None` when a
    /// reminder is not due.
    pub fn backup_overdue(&self, today: Day) -> Option<i64> {
        let since = self.last_backup.get().or(self.first_use.get())?;
        let days = since.days_until(today);
        (days > BACKUP_EVERY_DAYS).then_some(days)
    }
}

impl AppState {
    pub(super) fn start_device(&self) {
        let device = self.device;
        let today = clock::today();
        let (last, first) = self
            .repo
            .try_update_value(|r| {
                let read = |kv: &crate::infra::kv::BrowserKv, k: &str| {
                    kv.get(k).ok().flatten().and_then(|s| s.parse::<Day>().ok())
                };
                let first = read(&r.kv, FIRST_USE_KEY);
                if first.is_none() {
                    let _ = r.kv.set(FIRST_USE_KEY, &today.to_string());
                }
                (read(&r.kv, LAST_BACKUP_KEY), first.or(Some(today)))
            })
            .unwrap_or((None, None));
        device.last_backup.set(last);
        device.first_use.set(first);
        // A second after start: measuring walks all of storage, and registering the service
        // worker and asking for persistent storage need not compete with the first paint
        // or the first clicks.
        let state = *self;
        leptos::prelude::set_timeout(
            move || {
                pwa::register_service_worker(move || device.update_ready.set(true));
                leptos::task::spawn_local(async move {
                    device.persisted.set(pwa::persisted().await);
                });
                state.measure_storage();
            },
            std::time::Duration::from_millis(1000),
        );
    }

    pub(super) fn measure_storage(&self) {
        let used = self.repo.with_value(|r| r.kv.used_units());
        self.device.local_used.set(used);
    }

    /// On first real use, ask the browser to keep this site's data, once.
    pub fn ask_to_persist(&self) {
        let asked = self.repo.try_update_value(|r| {
            let asked = r.kv.get(PERSIST_ASKED_KEY).ok().flatten().is_some();
            if !asked {
                let _ = r.kv.set(PERSIST_ASKED_KEY, "1");
            }
            asked
        });
        if asked == Some(false) {
            self.request_persist();
        }
    }

    pub fn request_persist(&self) {
        let device = self.device;
        leptos::task::spawn_local(async move {
            device.persisted.set(pwa::persist().await);
        });
    }

    pub fn apply_update(&self) {
        self.flush();
        pwa::activate_update();
    }

    /// Downloads every document of this device, private layers included, as one file.
    pub fn export_everything(&self) {
        self.flush();
        let today = clock::today();
        let backup = self.repo.try_update_value(|r| -> Result<Backup, String> {
            let mut backup = Backup::new(today);
            for name in stored_names(&r.kv).map_err(|e| e.to_string())? {
                match r.doc_same_values(&name) {
                    Ok(stored) => backup.add(&name, &stored.to_bytes()),
                    // A damaged document is kept as it is; its raw data has its own download.
                    Err(LoadError::Damaged(_)) => {}
                    Err(e) => return Err(describe(&e)),
                }
                if let Some(id) = name.strip_prefix("d.") {
                    backup
                        .meta
                        .insert(id.to_string(), LocalMeta::read(&r.kv, id));
                }
            }
            let _ = r.kv.set(LAST_BACKUP_KEY, &today.to_string());
            Ok(backup)
        });
        match backup {
            Some(Ok(backup)) => {
                let name = format!("career-talk-backup-{today}.json");
                match download::download(&name, backup.to_json().as_bytes(), "application/json") {
                    Ok(()) => self.device.last_backup.set(Some(today)),
                    Err(e) => self.error.set(Some(e)),
                }
            }
            Some(Err(e)) => self.error.set(Some(e)),
            None => {}
        }
    }

    /// Merges a backup into this device: nothing here is replaced or removed.
    pub fn import_backup(&self, bytes: &[u8]) -> Result<String, String> {
        let (backup, docs) = Backup::parse(bytes).map_err(|e| e.to_string())?;
        let mut merged = 0;
        let mut added = 0;
        let mut skipped = Vec::new();
        for (name, mut incoming) in docs {
            if name == roster_name() {
                let incoming = people::read(&incoming).map_err(|e| e.to_string())?;
                let local = self
                    .roster
                    .get_untracked()
                    .map_err(|e| format!("your people list is damaged: {e}"))?;
                for person in missing_people(&local, &incoming) {
                    self.edit_roster(RosterEdit::AddPerson(person));
                    added += 1;
                }
                if local.manager.name.is_empty() && !incoming.manager.name.is_empty() {
                    self.edit_roster(RosterEdit::ManagerName(incoming.manager.name.clone()));
                }
                continue;
            }
            let outcome = self.repo.try_update_value(|r| -> Result<bool, String> {
                match r.doc(&name) {
                    Ok(stored) => {
                        use career_core::share::origin;
                        if origin(&mut stored.doc) != origin(&mut incoming) {
                            return Ok(false);
                        }
                        stored.doc.merge(&mut incoming).map_err(|e| e.to_string())?;
                        r.dirty.insert(name.clone());
                        Ok(true)
                    }
                    Err(LoadError::NotFound) => {
                        let doc = incoming.with_actor(r.actor.clone());
                        r.create(&name, doc).map_err(|e| e.to_string())?;
                        Ok(true)
                    }
                    Err(e) => Err(describe(&e)),
                }
            });
            match outcome {
                Some(Ok(true)) => merged += 1,
                Some(Ok(false)) => skipped.push(name),
                Some(Err(e)) => skipped.push(format!("{name} ({e})")),
                None => {}
            }
        }
        let metas = backup.meta;
        let index = self.repo.try_update_value(|r| {
            for (id, meta) in &metas {
                if r.kv.get(&format!("ct1:meta:{id}")).ok().flatten().is_none() {
                    let _ = meta.write(&mut r.kv, id);
                }
            }
            let _ = r.flush();
            let rebuilt = Index::rebuild(&r.kv, Some(&r.index)).unwrap_or_default();
            r.index = rebuilt.clone();
            r.index_changed.extend(rebuilt.discussions.keys().cloned());
            let _ = r.flush();
            rebuilt
        });
        if let Some(index) = index {
            self.index.set(index);
        }
        self.revision.update(|r| *r += 1);
        self.flush();
        let mut message = format!(
            "Backup of {} taken in: {merged} documents merged, {added} people added. Nothing was replaced.",
            backup.created_on.human()
        );
        if !skipped.is_empty() {
            message.push_str(&format!(
                " Left alone (they belong to other discussions with the same name): {}.",
                skipped.join(", ")
            ));
        }
        Ok(message)
    }
}
