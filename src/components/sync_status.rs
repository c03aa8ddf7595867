//! Where a discussion's paired sync stands, in words: "Synced with Sam 2 minutes ago",
//! "3 changes waiting to send (offline)", "Not paired". Every sentence is what the device
//! knows: "synced" only once the other device declared having everything this one has.

use career_core::live::mailbox::Phase;
use career_core::workspace::MailboxStatus;
use career_core::Side;
use leptos::prelude::*;

use crate::infra::relay::RelayStatus;
use crate::services::paired::Problem;
use crate::services::{DocStore, Paired};

/// "just now", "2 minutes ago", "3 hours ago", "5 days ago".
pub fn ago(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match seconds.max(0) {
        0..=59 => "just now".into(),
        s @ 60..=3599 => plural(s / 60, "minute"),
        s @ 3600..=86_399 => plural(s / 3600, "hour"),
        s => plural(s / 86_400, "day"),
    }
}

fn changes(n: usize) -> String {
    format!("{n} {}", if n == 1 { "change" } else { "changes" })
}

/// Why changes are not going out: the device is offline, or only the relay cannot be
/// reached.
fn unreachable() -> &'static str {
    if crate::infra::location::online() {
        "the sync service cannot be reached"
    } else {
        "offline"
    }
}

/// The sentence, and whether it is a warning.
pub fn sentence(
    status: &MailboxStatus,
    me: Side,
    other: &str,
    relay: Option<RelayStatus>,
    problem: Option<&Problem>,
    now: i64,
) -> (String, bool) {
    match status.state.phase(me) {
        Phase::NotAsked => ("Not paired".into(), false),
        Phase::OffByMe => (
            "Sync turned off by you: changes go by link or file".into(),
            false,
        ),
        Phase::OffByOther => (
            format!("{other} turned sync off: changes go by link or file"),
            false,
        ),
        Phase::Asked => (format!("{other} asks to keep your devices in sync"), false),
        // Nothing is known of the other device until it declares what it has.
        Phase::Waiting if !status.peer_known => (
            format!("Sync starts once {other} takes in what you send"),
            false,
        ),
        Phase::Waiting => (format!("Waiting for {other} to turn sync on"), false),
        Phase::Paired => {
            if let Some(p) = problem {
                let text = p
                    .text
                    .strip_prefix("a message in the mailbox was skipped: ")
                    .map_or_else(
                        || p.text.clone(),
                        |rest| format!("a message in the mailbox was skipped ({rest})"),
                    );
                // Only a relay problem keeps this device's changes from going out.
                let stay = if p.relay {
                    " Your changes stay on this device."
                } else {
                    ""
                };
                return (format!("Sync: {text}.{stay}"), true);
            }
            let online = relay == Some(RelayStatus::Connected);
            if status.unsent > 0 && status.content_waiting {
                return if online {
                    (
                        format!("Sending {} to {other}…", changes(status.unsent)),
                        false,
                    )
                } else {
                    (
                        format!(
                            "{} waiting to send ({})",
                            changes(status.unsent),
                            unreachable()
                        ),
                        true,
                    )
                };
            }
            if status.waiting > 0 && status.content_waiting {
                // No count: some of it may have gone by link too; what is known is that the
                // other device has not said it has it.
                return if status.peer_known {
                    (
                        format!("Sent; {other}'s device picks it up when it is next online"),
                        false,
                    )
                } else {
                    (
                        format!(
                            "Sent; {other}'s device gets it once {other} takes in what you shared"
                        ),
                        false,
                    )
                };
            }
            let when = status.synced_at.map(|t| ago(now - t));
            let offline = if online {
                String::new()
            } else {
                format!(" ({} now)", unreachable())
            };
            match when {
                Some(when) => (format!("Synced with {other} {when}{offline}"), false),
                None => (format!("Paired with {other}{offline}"), false),
            }
        }
    }
}

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
        let (text, warn) = sentence(
            &status,
            side.get(),
            &other.get(),
            paired.relay.get(),
            problem.as_ref(),
            paired.now_secs(),
        );
        Some(view! {
            <span class=if warn { "sync-status warn" } else { "sync-status" } data-testid="sync-status"
                role="status">{text}</span>
        })
    }
}
