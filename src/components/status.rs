//! Save state and errors, always visible in the header.

use career_core::store::KvError;
use leptos::prelude::*;

use crate::state::{AppState, SaveState};

#[component]
pub fn SaveIndicator() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <span class="save-state" data-testid="save-state">
            {move || match state.save.get() {
                SaveState::Saved => view! { <span class="ok">"All changes saved on this device"</span> }.into_any(),
                SaveState::Pending => view! { <span class="pending">"Saving…"</span> }.into_any(),
                SaveState::Failed(_) => view! { <span class="bad">"Not saved"</span> }.into_any(),
            }}
        </span>
    }
}

#[component]
pub fn ErrorBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        {move || match state.save.get() {
            SaveState::Failed(KvError::QuotaExceeded) => Some(view! {
                <div class="banner bad" role="alert" data-testid="quota-banner">
                    <strong>"This browser's storage is full."</strong>
                    " Your latest changes are safe in this tab but not yet saved. Keep this tab open, "
                    "export the unsaved discussions, then free space (for example, remove other sites' data) — "
                    "saving resumes with your next edit."
                    <button on:click=move |_| state.export_unsaved()>"Export unsaved discussions"</button>
                </div>
            }.into_any()),
            SaveState::Failed(e) => Some(view! {
                <div class="banner bad" role="alert">
                    <strong>"Changes could not be saved: "</strong>{e.to_string()}
                    " They are kept in this tab. "
                    <button on:click=move |_| state.export_unsaved()>"Export unsaved discussions"</button>
                </div>
            }.into_any()),
            _ => None,
        }}
        {move || state.error.get().map(|e| view! {
            <div class="banner bad" role="alert" data-testid="error-banner">
                <strong>"Something went wrong: "</strong>{e}
                <button on:click=move |_| state.error.set(None)>"Dismiss"</button>
            </div>
        })}
    }
}

#[component]
pub fn NoticeBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.notice.get().map(|n| {
            let class = if n.ok { "banner good" } else { "banner bad" };
            view! {
                <div class=class role="status" data-testid="notice">
                    <span>{n.text}</span>
                    <button on:click=move |_| state.notice.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// App-wide reminders about this device: a new version, a backup due, storage nearly full.
#[component]
pub fn DeviceBanners() -> impl IntoView {
    let state = expect_context::<AppState>();
    let device = state.device;
    view! {
        {move || device.update_ready.get().then(|| view! {
            <div class="banner info" role="status" data-testid="update-banner">
                "A new version of Career Talk is ready. Your work is saved first."
                <button on:click=move |_| state.apply_update()>"Reload now"</button>
            </div>
        })}
        {move || (device.local_used.get() > crate::state::device::NEARLY_FULL).then(|| view! {
            <div class="banner warn" role="status" data-testid="nearly-full">
                {format!("Storage is nearly full: {:.1} of about {:.0} MB used. ", device.local_used.get() as f64 / 1e6, crate::state::device::LOCAL_LIMIT as f64 / 1e6)}
                "Export a backup, and consider exporting old discussions."
                <a href="/settings">"Storage and backups"</a>
            </div>
        })}
        {move || device.backup_overdue(state.today()).map(|days| view! {
            <div class="banner warn" role="status" data-testid="backup-reminder">
                {match device.last_backup.get() {
                    Some(_) => format!("Your last backup was {days} days ago."),
                    None => format!("You have used Career Talk for {days} days without a backup."),
                }}
                " Your discussions exist only on this device."
                <button on:click=move |_| state.export_everything()>"Export everything"</button>
            </div>
        })}
    }
}
