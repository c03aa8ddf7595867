//! Where a discussion's paired sync stands, in words: "Synced with Sam 2 minutes ago",
//! "3 changes waiting to send (offline)", "Not paired". Every sentence is what the device
//! knows: "synced" only once the other device declared having everything this one has.

use career_core::workspace::Reach;
use career_core::Side;
use leptos::prelude::*;

use crate::infra::relay::RelayStatus;
use crate::services::{DocStore, Paired};

/// One line about the discussion's sync, for the heading.
#[component]
pub fn SyncStatus(
    #[prop(into)] id: Signal<String>,
    #[prop(into)] side: Signal<Side>,
    #[prop(into)] other: Signal<String>,
) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let paired = expect_context::<Paired>();
    move || {
        let id = id.get();
        paired.saved.track();
        let status = docs.mailbox_status(&id)?;
        let problem = paired.problems.with(|p| p.get(&id).cloned());
        let reach = match paired.relay.get() {
            Some(RelayStatus::Connected) => Reach::Connected,
            _ if crate::infra::location::online() => Reach::Unreachable,
            _ => Reach::Offline,
        };
        let (text, warn) = status.sentence(
            side.get(),
            &other.get(),
            reach,
            problem.as_ref(),
            paired.now_secs(),
        );
        Some(view! {
            <span class=if warn { "sync-status warn" } else { "sync-status" } data-testid="sync-status"
                role="status">{text}</span>
        })
    }
}
