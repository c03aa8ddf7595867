//! Save state, messages and device reminders, always in view.

use career_core::storage::blobs::KvError;
use leptos::prelude::*;

use crate::infra::clock;
use crate::services::device::{LOCAL_LIMIT, NEARLY_FULL};
use crate::services::{Device, DocStore, Messages, SaveState};

#[component]
pub fn SaveIndicator() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    view! {
        <span class="save-state" data-testid="save-state">
            {move || match docs.save.get() {
                SaveState::Saved => view! { <span class="ok">"All changes saved on this device"</span> }.into_any(),
                SaveState::Pending => view! { <span class="pending">"Saving…"</span> }.into_any(),
                SaveState::Failed(_) => view! { <span class="bad">"Not saved"</span> }.into_any(),
            }}
        </span>
    }
}

/// Saving failed: the edits are in this tab only.
#[component]
pub fn SaveBanner() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    move || {
        match docs.save.get() {
        SaveState::Failed(KvError::QuotaExceeded) => Some(view! {
            <div class="banner bad" role="alert" data-testid="quota-banner">
                <strong>"This browser's storage is full."</strong>
                " Your latest changes are safe in this tab but not yet saved. Keep this tab open, "
                "export the unsaved discussions, then free space (for example, remove other sites' data) — "
                "saving resumes with your next edit."
                <button on:click=move |_| docs.export_unsaved()>"Export unsaved discussions"</button>
            </div>
        }.into_any()),
        SaveState::Failed(e) => Some(view! {
            <div class="banner bad" role="alert">
                <strong>"Changes could not be saved: "</strong>{e.to_string()}
                " They are kept in this tab. "
                <button on:click=move |_| docs.export_unsaved()>"Export unsaved discussions"</button>
            </div>
        }.into_any()),
        _ => None,
    }
    }
}

/// The queue of messages: what an action did and what went wrong, newest last, each until
/// dismissed.
#[component]
pub fn MessageList() -> impl IntoView {
    let messages = expect_context::<Messages>();
    // The newest two show; older ones fold behind one line.
    const SHOWN: usize = 2;
    let all = RwSignal::new(false);
    let hidden = move || messages.list().with(|l| l.len().saturating_sub(SHOWN));
    let shown = move || {
        let list = messages.list().get();
        let skip = if all.get() {
            0
        } else {
            list.len().saturating_sub(SHOWN)
        };
        list.into_iter().skip(skip).collect::<Vec<_>>()
    };
    view! {
        <div class="messages" data-testid="messages">
            {move || (hidden() > 0).then(|| view! {
                <button class="link more-messages" data-testid="more-messages" on:click=move |_| all.update(|a| *a = !*a)>
                    {move || if all.get() { "Show fewer messages".to_string() } else {
                        let n = hidden();
                        format!("{n} earlier {}", if n == 1 { "message" } else { "messages" })
                    }}
                </button>
            })}
            <For each=shown key=|m| m.id let:m>
                <div class=if m.ok { "banner good" } else { "banner bad" }
                    role=if m.ok { "status" } else { "alert" } data-testid="notice">
                    <span>{m.text.clone()}</span>
                    <button on:click=move |_| messages.dismiss(m.id)>"Dismiss"</button>
                </div>
            </For>
        </div>
    }
}

/// App-wide reminders about this device: a new version, a backup due, storage nearly full.
#[component]
pub fn DeviceBanners() -> impl IntoView {
    let device = expect_context::<Device>();
    view! {
        {move || device.update_ready.get().then(|| view! {
            <div class="banner info" role="status" data-testid="update-banner">
                "A new version of Career Talk is ready. Your work is saved first."
                <button on:click=move |_| device.apply_update()>"Reload now"</button>
            </div>
        })}
        {move || (device.local_used.get() > NEARLY_FULL).then(|| view! {
            <div class="banner warn" role="status" data-testid="nearly-full">
                {format!("Storage is nearly full: {:.1} of about {:.0} MB used. ", device.local_used.get() as f64 / 1e6, LOCAL_LIMIT as f64 / 1e6)}
                "Export a backup, and consider exporting old discussions."
                <a href="/settings">"Storage and backups"</a>
            </div>
        })}
        {move || device.backup_overdue(clock::today()).map(|days| view! {
            <div class="banner warn" role="status" data-testid="backup-reminder">
                {match device.last_backup.get() {
                    Some(_) => format!("Your last backup was {days} days ago."),
                    None => format!("You have used Career Talk for {days} days without a backup."),
                }}
                " Your discussions exist only on this device."
                <button on:click=move |_| device.export_everything()>"Export everything"</button>
            </div>
        })}
    }
}
