//! This device: the offline app shell's updates, whether the browser keeps our data, how
//! full local storage is, and backups (export everything / import a backup).

use career_core::reports::file_names;
use career_core::storage::keys::StorageKey;
use career_core::Day;
use leptos::prelude::*;

use super::docs::{DocEvent, DocStore};
use super::messages::Messages;
use crate::error::AppResult;
use crate::infra::{clock, download, pwa};

/// Browsers give a site about 5 million characters of localStorage.
pub const LOCAL_LIMIT: usize = 5_000_000;
/// Warn when this much of it is used.
pub const NEARLY_FULL: usize = LOCAL_LIMIT * 4 / 5;
/// Remind to back up after this many days.
pub const BACKUP_EVERY_DAYS: i64 = 30;

#[derive(Clone, Copy)]
pub struct Device {
    docs: DocStore,
    messages: Messages,
    /// A new version of the app is installed and waits for the user's go-ahead.
    pub update_ready: RwSignal<bool>,
    /// Whether the browser promised to keep this site's data (None: not known yet).
    pub persisted: RwSignal<Option<bool>>,
    /// Characters of localStorage in use by anything on this site.
    pub local_used: RwSignal<usize>,
    pub last_backup: RwSignal<Option<Day>>,
    pub first_use: RwSignal<Option<Day>>,
    /// Years discussions are kept (`None`: no limit, the default).
    pub retention: RwSignal<Option<u8>>,
}

impl Device {
    /// Starts following this device: first use, the last backup, and (a second after
    /// start) the service worker, persistence and the storage measure.
    pub fn start(docs: DocStore, messages: Messages) -> Device {
        let device = Device {
            docs,
            messages,
            update_ready: RwSignal::new(false),
            persisted: RwSignal::new(None),
            local_used: RwSignal::new(0),
            last_backup: RwSignal::new(None),
            first_use: RwSignal::new(None),
            retention: RwSignal::new(None),
        };
        device.retention.set(career_core::reports::retention::parse(
            docs.setting(StorageKey::Retention)
                .ok()
                .flatten()
                .as_deref(),
        ));
        let day = |key| {
            docs.setting(key)
                .map(|s| s.and_then(|s| s.parse::<Day>().ok()))
        };
        let today = clock::today();
        // Unreadable: no reminder is computed from it, and nothing is written over it.
        let first = day(StorageKey::FirstUse);
        if let Ok(None) = first {
            messages.check(
                "This device's first use could not be noted",
                docs.set_setting(StorageKey::FirstUse, &today.to_string()),
            );
        }
        device
            .last_backup
            .set(day(StorageKey::LastBackup).ok().flatten());
        device.first_use.set(match first {
            Ok(first) => first.or(Some(today)),
            Err(_) => None,
        });
        docs.subscribe(move |event| {
            if *event == DocEvent::Saved {
                device.measure_storage();
            }
        });
        // A second after start: measuring walks all of storage, and registering the service
        // worker and asking for persistent storage need not compete with the first paint
        // or the first clicks.
        set_timeout(
            move || {
                pwa::register_service_worker(move || device.update_ready.set(true));
                leptos::task::spawn_local(async move {
                    device.persisted.set(pwa::persisted().await);
                });
                device.measure_storage();
            },
            std::time::Duration::from_millis(1000),
        );
        device
    }

    /// Days since the last backup, or since first use when there was none; `None` when a
    /// reminder is not due.
    /// Keeps discussions for `years` (`None`: no limit). Nothing is deleted by this: the
    /// people list shows what is past the period.
    pub fn set_retention(&self, years: Option<u8>) {
        let value = years.map(|y| y.to_string()).unwrap_or_default();
        if self
            .messages
            .check(
                "The retention period could not be saved",
                self.docs.set_setting(StorageKey::Retention, &value),
            )
            .is_some()
        {
            self.retention.set(years);
        }
    }

    pub fn backup_overdue(&self, today: Day) -> Option<i64> {
        let since = self.last_backup.get().or(self.first_use.get())?;
        let days = since.days_until(today);
        (days > BACKUP_EVERY_DAYS).then_some(days)
    }

    fn measure_storage(&self) {
        self.local_used.set(self.docs.used_units());
    }

    /// On first real use, ask the browser to keep this site's data, once.
    pub fn ask_to_persist(&self) {
        // Asked before, or not readable: the browser is not asked again now.
        if !matches!(self.docs.setting(StorageKey::PersistAsked), Ok(None)) {
            return;
        }
        // If this cannot be noted, the browser is asked again next time: harmless.
        if self.docs.set_setting(StorageKey::PersistAsked, "1").is_ok() {
            self.request_persist();
        }
    }

    pub fn request_persist(&self) {
        let persisted = self.persisted;
        leptos::task::spawn_local(async move {
            persisted.set(pwa::persist().await);
        });
    }

    pub fn apply_update(&self) {
        self.docs.flush();
        pwa::activate_update();
    }

    /// Downloads every document of this device, private layers included, as one file.
    pub fn export_everything(&self) {
        let today = clock::today();
        let result = self.docs.export_backup(today).and_then(|backup| {
            let name = file_names::backup(today);
            download::download(&name, backup.to_json().as_bytes(), "application/json")
        });
        if self
            .messages
            .check("The backup could not be made", result)
            .is_some()
        {
            self.last_backup.set(Some(today));
            self.messages.check(
                "The backup's date could not be noted",
                self.docs
                    .set_setting(StorageKey::LastBackup, &today.to_string()),
            );
        }
    }

    /// Merges a backup into this device: nothing here is replaced or removed. Returns what
    /// to tell the user.
    pub fn import_backup(&self, bytes: &[u8]) -> AppResult<String> {
        let report = self.docs.import_backup(bytes)?;
        let mut message = format!(
            "Backup of {} taken in: {} documents merged, {} people added.",
            report.created_on.human(),
            report.merged,
            report.people_added
        );
        if !report.skipped.is_empty() {
            message.push_str(&format!(
                " Left alone (they belong to other discussions with the same name): {}.",
                report.skipped.join(", ")
            ));
        }
        Ok(message)
    }
}
