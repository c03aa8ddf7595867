//! The live session's state, always in view while it runs: connection, who is here and
//! where, and anything the session had to drop.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::services::live::LinkStatus;
use crate::services::Live;

#[component]
pub fn LiveBar() -> impl IntoView {
    let live = expect_context::<Live>();
    view! {
        {move || live.ended.get().map(|text| view! {
            <div class="banner info" role="status" data-testid="live-ended">{text}
                <button on:click=move |_| live.ended.set(None)>"Dismiss"</button></div>
        })}
        {move || live.info.get().map(|info| {
            let (class, label) = match live.status.get() {
                LinkStatus::Live => ("live-dot on", "Live"),
                LinkStatus::Connecting => ("live-dot", "Connecting…"),
                LinkStatus::Reconnecting => ("live-dot off", "Reconnecting to the relay… your edits are kept on this device, and tabs of this browser stay in sync"),
            };
            view! {
                <div class="live-bar" role="status" data-testid="live-bar">
                    <span class=class aria-hidden="true"></span>
                    <strong data-testid="live-status">{label}</strong>
                    {info.waiting_for_document.then(|| view! { <span>" · waiting for the discussion to arrive…"</span> })}
                    <span class="live-peers" data-testid="live-peers">
                        {move || {
                            let peers = live.peers.get();
                            if peers.is_empty() {
                                " · nobody else here yet".to_string()
                            } else {
                                peers.iter().map(|p| {
                                    let side = p.side.map_or("joining", |s| s.as_str());
                                    match &p.focus {
                                        Some(f) => format!(" · {} ({side}), at {}", p.name, f.replace('_', " ")),
                                        None => format!(" · {} ({side})", p.name),
                                    }
                                }).collect::<String>()
                            }
                        }}
                    </span>
                    <A href=format!("/discussions/{}/share", info.discussion_id)>"Session"</A>
                    {move || {
                        let w = live.warnings.get();
                        (!w.is_empty()).then(|| view! {
                            <span class="live-warning" data-testid="live-warning">{w.last().cloned().unwrap_or_default()}</span>
                        })
                    }}
                </div>
            }
        })}
    }
}
