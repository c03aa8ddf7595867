//! This device: storage, backups, installing the app.

use career_core::reports::retention;
use career_core::storage::backup::MAX_BACKUP_BYTES;
use leptos::prelude::*;

use crate::components::file_picker::{FilePicker, Picked};
use crate::infra::guard::{self, Reading};
use crate::infra::pwa;
use crate::services::device::{BACKUP_EVERY_DAYS, LOCAL_LIMIT};
use crate::services::{Device, Messages};

fn mb(chars: f64) -> String {
    format!("{:.1} MB", chars / 1_000_000.0)
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let device = expect_context::<Device>();
    let messages = expect_context::<Messages>();
    let estimate = LocalResource::new(pwa::estimate);
    let on_backup_file = Callback::new(move |(name, bytes): Picked| {
        let result = guard::reading(Reading::Backup, || device.import_backup(&bytes));
        match result {
            Ok(message) => messages.info(message),
            Err(e) => messages.problem(format!(
                "{name} could not be imported: {e}. Nothing on this device was changed."
            )),
        }
    });

    view! {
        <h1>"This device"</h1>
        <section class="card" data-testid="storage-status">
            <h2>"Storage"</h2>
            <p>
                "Your discussions live only in this browser, on this device. "
                {move || match device.persisted.get() {
                    Some(true) => view! { <strong data-testid="persisted">"The browser has agreed to keep them."</strong> }.into_any(),
                    Some(false) => view! {
                        <span data-testid="persisted">"The browser may clear them when space runs low. "</span>
                        <button on:click=move |_| device.request_persist()>"Ask the browser to keep them"</button>
                    }.into_any(),
                    None => view! { <span data-testid="persisted">"Not yet asked whether the browser will keep them."</span> }.into_any(),
                }}
            </p>
            <p>
                "Used by Career Talk: " <strong data-testid="local-used">{move || mb(device.local_used.get() as f64)}</strong>
                " of about " {mb(LOCAL_LIMIT as f64)} " available to it."
            </p>
            <meter min="0" max=LOCAL_LIMIT.to_string() low=(LOCAL_LIMIT * 3 / 5).to_string() high=(LOCAL_LIMIT * 4 / 5).to_string()
                value=move || device.local_used.get().to_string() aria-label="Storage used"></meter>
            <p class="sub">
                {move || estimate.get().flatten().map(|(usage, quota)| format!("The browser reports {} used of {} for this site in all.", mb(usage), mb(quota)))}
            </p>
        </section>
        <section class="card" data-testid="backups">
            <h2>"Backups"</h2>
            <p data-testid="last-backup">
                {move || match device.last_backup.get() {
                    Some(d) => format!("Last backup: {}.", d.human()),
                    None => "No backup made yet on this device.".to_string(),
                }}
                {format!(" Export everything at least every {BACKUP_EVERY_DAYS} days and keep the file somewhere safe: if this browser's data is lost, the backup brings it back.")}
            </p>
            <button class="primary" data-testid="export-everything" on:click=move |_| device.export_everything()>"Export everything"</button>
            " "<FilePicker label="Import a backup" accept=".json,application/json" testid="import-backup"
                max_bytes=MAX_BACKUP_BYTES on_file=on_backup_file />
            <p class="help">"Importing merges the backup into what is here, document by document, and adds the people you lack. The backup holds your private preparation and this device's signing key too: keep it to yourself (whoever has it can sign as you). A device that imports it can still verify the signatures made here."</p>
        </section>
        <section class="card" data-testid="retention">
            <h2>"How long discussions are kept"</h2>
            <label>"Keep discussions for "
                <select data-testid="retention-years" on:change=move |ev| {
                    device.set_retention(retention::parse(Some(&event_target_value(&ev))));
                }>
                    <option value="" selected=move || device.retention.get().is_none()>"as long as I keep them (no limit)"</option>
                    {retention::YEARS.map(|y| view! {
                        <option value=y.to_string() selected=move || device.retention.get() == Some(y)>
                            {if y == 1 { "1 year".to_string() } else { format!("{y} years") }}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <p class="help">"With a period set, your people list shows the discussions held before it and offers to delete them. Nothing is deleted without your click. Your organisation's policy on keeping HR records decides the right period."</p>
        </section>
        <section class="card" data-testid="install-help">
            <h2>"Use it as an app, offline"</h2>
            <p>"After one visit with a network, Career Talk opens and works with no network at all: in a meeting room, on a plane."</p>
            <ul>
                <li><strong>"iPad and iPhone (Safari): "</strong>"tap Share, then “Add to Home Screen”. Do this: Safari deletes the data of websites you have not opened for 7 days, but not of apps on the Home Screen."</li>
                <li><strong>"Android tablets and Chrome: "</strong>"open the browser menu and choose “Install app” or “Add to Home screen”."</li>
                <li><strong>"Desktop Chrome or Edge: "</strong>"use the install icon at the right of the address bar."</li>
            </ul>
        </section>
    }
}

/// This page, loaded when first opened. A module of its own, loaded when first opened (see `components::lazy`): at build
/// time (`scripts/split.mjs`) everything only this function reaches moves into it.
#[leptos::wasm_split::wasm_split(settings, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn part() -> Result<crate::components::lazy::Part<()>, crate::components::lazy::NotLoaded> {
    Ok(|()| view! { <SettingsPage /> }.into_any())
}
