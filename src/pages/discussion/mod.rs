//! One discussion, in four steps: Prepare (private), Conversation, Gap view, Plan.

mod conversation;
mod gap;
mod meeting;
mod plan;
mod prepare;
mod record;
mod reflect;
mod review;
pub mod share;

use career_core::discussion::Discussion;
use career_core::local::Perspective;
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
    /// Whose device this is: the leader's (with private prep) or the employee's.
    pub perspective: Memo<Perspective>,
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

const LEADER_TABS: [(&str, &str); 6] = [
    ("prepare", "1 · Prepare"),
    ("conversation", "2 · Conversation"),
    ("gap", "3 · Gap view"),
    ("plan", "4 · Plan"),
    ("share", "Share"),
    ("record", "Record"),
];

const EMPLOYEE_TABS: [(&str, &str); 5] = [
    ("reflect", "1 · Reflect"),
    ("conversation", "2 · Discussion"),
    ("plan", "3 · Plan"),
    ("share", "Share"),
    ("record", "Record"),
];

#[component]
pub fn DiscussionPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let perspective = Memo::new(move |_| {
        state.revision.track();
        state.perspective(&id.get())
    });
    let tab = Memo::new(move |_| {
        params
            .read()
            .get("tab")
            .unwrap_or_else(|| match perspective.get() {
                Perspective::Leader => "prepare".into(),
                Perspective::Employee => "reflect".into(),
            })
    });
    // Both read hydrated copies kept in step with the documents (typing patches them), so
    // re-running on every keystroke costs a copy, not a read of the document.
    let disc = Memo::new(move |_| {
        state.revision.track();
        state.typed.track();
        state.discussion(&id.get())
    });
    let prep = Memo::new(move |_| {
        state.revision.track();
        state.typed.track();
        match perspective.get() {
            Perspective::Leader => state.prep(&id.get()),
            Perspective::Employee => Err("the leader's preparation is not on this device".into()),
        }
    });
    let ctx = DiscussionCtx {
        id,
        disc,
        prep,
        perspective,
    };
    provide_context(ctx);

    // The heading, apart from the document's text: it is rebuilt when it changes, not on
    // every keystroke.
    let head = Memo::new(move |_| {
        disc.with(|d| {
            d.as_ref().map_err(Clone::clone).map(|d| {
                // The people list has the current name; the document has the name at the time.
                let name = state
                    .person(&d.person_id)
                    .map(|p| p.name)
                    .unwrap_or_else(|| d.employee.name.clone());
                let when = d
                    .held_on
                    .map(|h| format!("held on {}", h.human()))
                    .unwrap_or_else(|| format!("started {}", d.created_on.human()));
                (d.person_id.clone(), name, d.manager.name.clone(), when)
            })
        })
    });

    view! {
        {move || match head.get() {
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
            Ok(_) if tab.get() == "meeting" => ().into_any(),
            Ok((person_id, name, manager, when)) => {
                let employee_side = perspective.get() == Perspective::Employee;
                let title = if employee_side {
                    format!("Your career discussion with {}", if manager.is_empty() { "your leader" } else { &manager })
                } else {
                    "Career discussion with ".to_string()
                };
                let crumb = name.clone();
                view! {
                    <nav class="crumbs">
                        <A href="/">"People"</A>" › "
                        {(!employee_side).then(|| view! { <A href=format!("/people/{person_id}")>{crumb}</A>" › " })}
                        "Discussion"
                    </nav>
                    <div class="page-head">
                        <h1>{title}{(!employee_side).then(|| view! { <span data-testid="discussion-employee">{name}</span> })}</h1>
                        <span class="sub">{when}</span>
                    </div>
                }.into_any()
            }
        }}
                <Show when=move || disc.with(|d| d.is_ok()) && tab.get() != "meeting">
            <A href=move || format!("/discussions/{}/meeting?q=1", id.get()) attr:class="meeting-start" attr:data-testid="start-meeting">"Start the meeting on this device (one question per screen)"</A>
            <review::Conflicts />
            <review::MergeReview />
                        <nav class="tabs" aria-label="Steps of the discussion">
                {move || {
                    let tabs: &[(&str, &str)] = match perspective.get() {
                        Perspective::Leader => &LEADER_TABS,
                        Perspective::Employee => &EMPLOYEE_TABS,
                    };
                    tabs.iter().map(|&(slug, label)| view! {
                        <A href=move || format!("/discussions/{}/{slug}", id.get())
                                                        attr:class=move || if tab.get() == slug { "tab active" } else { "tab" }
                            attr:aria-current=move || (tab.get() == slug).then_some("page")
                            attr:data-testid=format!("tab-{slug}")>{label}</A>
                    }).collect_view()
                }}
            </nav>
                    </Show>
        <Show when=move || disc.with(|d| d.is_ok()) && tab.get() == "meeting">
            <meeting::Meeting />
        </Show>
        <Show when=move || disc.with(|d| d.is_ok()) && tab.get() != "meeting">
            {move || match (tab.get().as_str(), perspective.get()) {
                ("conversation", _) => view! { <conversation::Conversation /> }.into_any(),
                ("gap", Perspective::Leader) => view! { <gap::GapView /> }.into_any(),
                ("plan", _) => view! { <plan::Plan /> }.into_any(),
                ("share", _) => view! { <share::Share /> }.into_any(),
                ("record", _) => view! { <record::Record /> }.into_any(),
                (_, Perspective::Employee) => view! { <reflect::Reflect /> }.into_any(),
                _ => view! { <prepare::Prepare /> }.into_any(),
            }}
        </Show>
    }
}
