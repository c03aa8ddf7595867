//! One discussion, in four steps: Prepare (private), Conversation, Gap view, Plan.

mod conversation;
mod gap;
mod plan;
mod prepare;

use career_core::discussion::Discussion;
use career_core::prep::Prep;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::state::AppState;

/// What every step of a discussion page reads.
#[derive(Clone, Copy)]
pub struct DiscussionCtx {
    pub id: Memo<String>,
    pub disc: Memo<Result<Discussion, String>>,
    pub prep: Memo<Result<Prep, String>>,
}

impl DiscussionCtx {
    /// Reads from the discussion, or a default when it is unavailable.
    pub fn with<T: Default>(&self, f: impl FnOnce(&Discussion) -> T) -> T {
        self.disc.with(|d| d.as_ref().map(f).unwrap_or_default())
    }
    pub fn with_prep<T: Default>(&self, f: impl FnOnce(&Prep) -> T) -> T {
        self.prep.with(|p| p.as_ref().map(f).unwrap_or_default())
    }
}

const TABS: [(&str, &str); 4] = [
    ("prepare", "1 · Prepare"),
    ("conversation", "2 · Conversation"),
    ("gap", "3 · Gap view"),
    ("plan", "4 · Plan"),
];

#[component]
pub fn DiscussionPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let tab = Memo::new(move |_| params.read().get("tab").unwrap_or_else(|| "prepare".into()));
    let disc = Memo::new(move |_| {
        state.revision.track();
        state.discussion(&id.get())
    });
    let prep = Memo::new(move |_| {
        state.revision.track();
        state.prep(&id.get())
    });
    let ctx = DiscussionCtx { id, disc, prep };
    provide_context(ctx);

    view! {
        {move || match disc.get() {
            Err(e) => {
                let name = AppState::discussion_storage_name(&id.get());
                view! {
                    <div class="banner bad" role="alert" data-testid="discussion-error">
                        <strong>"This discussion cannot be opened: "</strong>{e}
                        ". Its stored data is kept unchanged; your other discussions are not affected. "
                        <button on:click=move |_| state.download_raw(&name)>"Download its stored data"</button>
                        " " <A href="/">"Back to your people"</A>
                    </div>
                }.into_any()
            }
            Ok(d) => {
                // The people list has the current name; the document has the name at the time.
                let name = state.person(&d.person_id).map(|p| p.name).unwrap_or_else(|| d.employee.name.clone());
                let crumb = name.clone();
                let when = d.held_on.map(|h| format!("held on {}", h.human()))
                    .unwrap_or_else(|| format!("started {}", d.created_on.human()));
                view! {
                    <nav class="crumbs">
                        <A href="/">"People"</A>" › "
                        <A href=format!("/people/{}", d.person_id)>{crumb}</A>
                        " › Discussion"
                    </nav>
                    <div class="page-head">
                        <h1>"Career discussion with " <span data-testid="discussion-employee">{name}</span></h1>
                        <span class="sub">{when}</span>
                    </div>
                }.into_any()
            }
        }}
        <Show when=move || disc.with(|d| d.is_ok())>
            <nav class="tabs" role="tablist">
                {TABS.map(|(slug, label)| view! {
                    <A href=move || format!("/discussions/{}/{slug}", id.get())
                        attr:class=move || if tab.get() == slug { "tab active" } else { "tab" }
                        attr:data-testid=format!("tab-{slug}")>{label}</A>
                }).collect_view()}
            </nav>
            {move || match tab.get().as_str() {
                "conversation" => view! { <conversation::Conversation /> }.into_any(),
                "gap" => view! { <gap::GapView /> }.into_any(),
                "plan" => view! { <plan::Plan /> }.into_any(),
                _ => view! { <prepare::Prepare /> }.into_any(),
            }}
        </Show>
    }
}
