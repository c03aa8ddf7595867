//! One discussion, in four steps: Prepare (private), Conversation, Gap view, Plan.

mod conversation;
mod gap;
pub mod meeting;
mod plan;
mod prepare;
pub mod record;
mod reflect;
mod review;
pub mod share;
mod suggest;

use career_core::model::discussion::{Discussion, DiscussionText};
use career_core::model::method::PrepField;
use career_core::model::prep::Prep;
use career_core::storage::blobs::LoadError;
use career_core::storage::keys::DocName;
use career_core::workspace::{Erase, TextField};
use career_core::Side;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::components::erase::EraseButton;
use crate::components::lazy::lazy;
use crate::components::sync_status::SyncStatus;
use crate::services::DocStore;

/// The parts of a discussion page, one per route segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Prepare,
    Reflect,
    Conversation,
    Gap,
    Plan,
    Share,
    Record,
    /// Facilitation mode: one question per screen.
    Meeting,
}

impl Tab {
    /// The numbered steps of the method, per side.
    const LEADER: [Tab; 4] = [Tab::Prepare, Tab::Conversation, Tab::Gap, Tab::Plan];
    const EMPLOYEE: [Tab; 4] = [Tab::Reflect, Tab::Conversation, Tab::Gap, Tab::Plan];
    /// What is done with the record, beside the steps (not steps of the method).
    const ACTIONS: [Tab; 2] = [Tab::Share, Tab::Record];

    pub fn slug(self) -> &'static str {
        match self {
            Tab::Prepare => "prepare",
            Tab::Reflect => "reflect",
            Tab::Conversation => "conversation",
            Tab::Gap => "gap",
            Tab::Plan => "plan",
            Tab::Share => "share",
            Tab::Record => "record",
            Tab::Meeting => "meeting",
        }
    }

    pub fn parse(slug: &str) -> Option<Tab> {
        [Tab::Meeting, Tab::Reflect]
            .into_iter()
            .chain(Tab::LEADER)
            .chain(Tab::ACTIONS)
            .find(|t| t.slug() == slug)
    }

    /// The steps a side goes through, in order.
    pub fn of(side: Side) -> &'static [Tab] {
        match side {
            Side::Leader => &Tab::LEADER,
            Side::Employee => &Tab::EMPLOYEE,
        }
    }

    /// Where a side starts: preparing, or reflecting.
    pub fn first(side: Side) -> Tab {
        Tab::of(side)[0]
    }

    /// The label of a tab on a side's device (steps are numbered per side).
    pub fn label(self, side: Side) -> &'static str {
        match (self, side) {
            (Tab::Prepare, _) => "1 · Prepare",
            (Tab::Reflect, _) => "1 · Reflect",
            (Tab::Conversation, Side::Leader) => "2 · Conversation",
            (Tab::Conversation, Side::Employee) => "2 · Discussion",
            (Tab::Gap, _) => "3 · Gap view",
            (Tab::Plan, _) => "4 · Plan",
            (Tab::Share, _) => "Share",
            (Tab::Record, _) => "Record",
            (Tab::Meeting, _) => "Meeting",
        }
    }

    /// Where a discussion just taken in opens: the first step of this device's side.
    pub fn after_opening(opened: &crate::services::sharing::Opened) -> String {
        let tab = match opened.side {
            Side::Employee => Tab::Reflect,
            Side::Leader => Tab::Conversation,
        };
        tab.route(&opened.discussion_id)
    }

    pub fn route(self, discussion_id: &str) -> String {
        format!("/discussions/{discussion_id}/{}", self.slug())
    }
}

pub use career_core::text::capitalise;

/// What every step of a discussion page reads.
#[derive(Clone, Copy)]
pub struct DiscussionCtx {
    pub id: Memo<String>,
    pub disc: Memo<Result<Discussion, LoadError>>,
    pub prep: Memo<Result<Prep, LoadError>>,
    /// Whose device this is: the leader's (with private prep) or the employee's.
    pub perspective: Memo<Side>,
}

impl DiscussionCtx {
    /// A text field of the shared record: its value, and where typing into it goes.
    /// Its value follows the keystrokes into it alone: typing into one field re-reads no
    /// other (see [`DocStore::text`]).
    pub fn text(&self, field: DiscussionText) -> (Signal<String>, TextField) {
        let field = TextField::Discussion(self.id.get_untracked(), field);
        (Self::value_of(&field), field)
    }

    /// A text field of the leader's preparation.
    pub fn prep_text(&self, field: PrepField) -> (Signal<String>, TextField) {
        let field = TextField::Prep(self.id.get_untracked(), field);
        (Self::value_of(&field), field)
    }

    /// What a text field holds, as it changes.
    pub fn value_of(field: &TextField) -> Signal<String> {
        let docs = expect_context::<DocStore>();
        let field = field.clone();
        Memo::new(move |_| docs.text(&field)).into()
    }

    /// The leader's name as the record carries it, or "your leader" (for sentences on the
    /// employee's device, where it never starts the sentence).
    pub fn leader_name(&self) -> Memo<String> {
        self.name_or(|d| &d.manager.name, "your leader")
    }

    /// The employee's name as the record carries it, or "the employee".
    pub fn employee_name(&self) -> Memo<String> {
        self.name_or(|d| &d.employee.name, "the employee")
    }

    fn name_or(&self, name: fn(&Discussion) -> &String, fallback: &'static str) -> Memo<String> {
        let ctx = *self;
        Memo::new(move |_| {
            let name = ctx.with(|d| name(d).trim().to_string());
            if name.is_empty() {
                fallback.to_string()
            } else {
                name
            }
        })
    }

    /// Reads from the discussion, or a default when it is unavailable.
    pub fn with<T: Default>(&self, f: impl FnOnce(&Discussion) -> T) -> T {
        self.disc.with(|d| d.as_ref().map(f).unwrap_or_default())
    }
    pub fn with_prep<T: Default>(&self, f: impl FnOnce(&Prep) -> T) -> T {
        self.prep.with(|p| p.as_ref().map(f).unwrap_or_default())
    }
}

#[component]
pub fn DiscussionPage() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let perspective = Memo::new(move |_| docs.side(&id.get()));
    let tab = Memo::new(move |_| {
        params
            .read()
            .get("tab")
            .and_then(|t| Tab::parse(&t))
            .unwrap_or_else(|| Tab::first(perspective.get()))
    });
    // Both read copies the store keeps in step with the documents (typing patches them),
    // so re-running on every keystroke costs a copy, not a read of the document.
    let disc = Memo::new(move |_| docs.discussion(&id.get()));
    let prep = Memo::new(move |_| match perspective.get() {
        Side::Leader => docs.prep(&id.get()),
        Side::Employee => Err(LoadError::NotFound),
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
            d.as_ref().map_err(|e| e.to_string()).map(|d| {
                // The people list has the current name; the document has the name at the time.
                let name = docs
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
                let name = DocName::Discussion(id.get());
                view! {
                    <div class="banner bad" role="alert" data-testid="discussion-error">
                        <strong>"This discussion cannot be opened: "</strong>{e}
                        ". Its stored data is kept unchanged; your other discussions are not affected. "
                        <button on:click=move |_| docs.download_raw(&name)>"Download its stored data"</button>
                        " " <A href="/">"Back to the start"</A>
                    </div>
                    <section class="erase-zone">
                        <EraseButton what=Erase::Discussion(id.get()) label="Delete this discussion from this device…" whose=String::new() testid="erase-discussion" />
                    </section>
                }.into_any()
            }
            Ok(_) if tab.get() == Tab::Meeting => ().into_any(),
            Ok((person_id, name, manager, when)) => {
                let employee_side = perspective.get() == Side::Employee;
                let title = if employee_side {
                    format!("Your career discussion with {}", if manager.is_empty() { "your leader" } else { &manager })
                } else {
                    "Career discussion with ".to_string()
                };
                let crumb = name.clone();
                let other = if employee_side {
                    if manager.is_empty() { "your leader".to_string() } else { manager.clone() }
                } else {
                    name.clone()
                };
                view! {
                    <nav class="crumbs">
                        <A href="/">{if employee_side { "Home" } else { "People" }}</A>" › "
                        {(!employee_side).then(|| view! { <A href=format!("/people/{person_id}")>{crumb}</A>" › " })}
                        "Discussion"
                    </nav>
                    <div class="page-head">
                        <h1>{title}{(!employee_side).then(|| view! { <span data-testid="discussion-employee">{name}</span> })}</h1>
                        <span class="sub">{when}</span>
                        <SyncStatus id=id side=perspective other=other />
                    </div>
                }.into_any()
            }
        }}
        <Show when=move || disc.with(|d| d.is_ok()) && tab.get() != Tab::Meeting>
            <review::Conflicts />
            <review::MergeReview />
            <nav class="tabs" aria-label="Steps of the discussion">
                {move || {
                    let side = perspective.get();
                    let link = move |t: Tab, class: &'static str| view! {
                        <A href=move || t.route(&id.get())
                            attr:class=move || if tab.get() == t { format!("{class} active") } else { class.to_string() }
                            attr:aria-current=move || (tab.get() == t).then_some("page")
                            attr:data-testid=format!("tab-{}", t.slug())>{t.label(side)}</A>
                    };
                    view! {
                        <div class="steps">{Tab::of(side).iter().map(|&t| link(t, "tab")).collect_view()}</div>
                        <div class="tab-actions">{Tab::ACTIONS.iter().map(|&t| link(t, "tab action")).collect_view()}</div>
                    }
                }}
            </nav>
            // The meeting happens around the questions: offered there, never printed.
            <Show when=move || tab.get() == Tab::Conversation>
                <A href=move || format!("{}?q=1", Tab::Meeting.route(&id.get())) attr:class="meeting-start no-print" attr:data-testid="start-meeting">{move || if perspective.get() == Side::Leader {
                    "Start the meeting on this device (one question per screen)"
                } else {
                    "Go through the questions one per screen (for the meeting)"
                }}</A>
            </Show>
        </Show>
        <Show when=move || disc.with(|d| d.is_ok()) && tab.get() == Tab::Meeting>
            // Keyed by the discussion: its fields are bound to this discussion's id.
            {move || id.with(|_| lazy("the meeting mode", meeting::part, ()))}
        </Show>
        <Show when=move || disc.with(|d| d.is_ok()) && tab.get() != Tab::Meeting>
            // Keyed by the discussion too: its fields are bound to this discussion's id.
            {move || match (id.with(|_| tab.get()), perspective.get()) {
                (Tab::Conversation, _) => view! { <conversation::Conversation /> }.into_any(),
                (Tab::Gap, _) => view! { <gap::GapView /> }.into_any(),
                (Tab::Plan, _) => view! { <plan::Plan /> }.into_any(),
                (Tab::Share, _) => lazy("sharing", share::part, ()).into_any(),
                (Tab::Record, _) => lazy("the record", record::part, ()).into_any(),
                (_, Side::Employee) => view! { <reflect::Reflect /> }.into_any(),
                _ => view! { <prepare::Prepare /> }.into_any(),
            }}
        </Show>
    }
}
