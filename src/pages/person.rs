//! One person: their details, cadence, and discussions (newest first).

use career_core::model::people::{Person, RosterEdit, RosterText, CADENCES};
use career_core::reports::schedule::schedule;
use career_core::storage::keys::DocName;
use career_core::workspace::{Erase, TextField};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::components::calendar::CalendarDownload;
use crate::components::erase::EraseButton;
use crate::components::fields::TextInput;
use crate::components::handover::HandOverButton;
use crate::components::lazy::lazy;
use crate::infra::clock;
use crate::pages::discussion::Tab;
use crate::pages::people::{cadence_label, DueBadge};
use crate::services::DocStore;

#[component]
pub fn PersonPage() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let person = Memo::new(move |_| docs.person(&id.get()));
    // The page is rebuilt when these change, not when a name is typed (the fields would
    // lose the caret).
    let shell = Memo::new(move |_| {
        person.with(|p| {
            p.as_ref()
                .map(|p| (p.id.clone(), p.archived, p.cadence_months, p.added_on))
        })
    });
    let problem = RwSignal::new(None::<String>);

    view! {
        {move || match shell.get() {
            None => view! {
                <p class="empty" data-testid="no-person">"This person is not in your people list. " <A href="/">"Back to your people"</A></p>
            }.into_any(),
            Some((pid, archived, cadence_months, added_on)) => {
                let text = move |get: fn(&Person) -> String| {
                    Signal::derive(move || person.with(|p| p.as_ref().map(get).unwrap_or_default()))
                };
                let name = text(|p| p.name.clone());
                let field = |make: fn(String) -> RosterText| TextField::Roster(make(pid.clone()));
                let pid2 = pid.clone();
                let pid3 = pid.clone();
                let sched = docs.with_index(|i| schedule(added_on, cadence_months, i.held_dates(&pid), clock::today()));
                let navigate = use_navigate();
                let start = move |_| {
                    let Some(person) = docs.person(&pid3) else { return };
                    match docs.new_discussion(&person) {
                        Ok(did) => navigate(&Tab::Prepare.route(&did), Default::default()),
                        Err(e) => problem.set(Some(format!("The discussion could not be started: {e}."))),
                    }
                };
                view! {
                    <nav class="crumbs"><A href="/">"People"</A>" › "{name}</nav>
                    <section class="person card">
                        <div class="page-head">
                            <h1 data-testid="person-name">{name}</h1>
                            <DueBadge schedule=sched />
                        </div>
                        <div class="row">
                            <div><TextInput value=name field=field(RosterText::Name) testid="edit-name" trim=true label="Name" /></div>
                            <div><TextInput value=text(|p| p.role.clone()) field=field(RosterText::Role) testid="edit-role" trim=true label="Role" /></div>
                            <div><TextInput value=text(|p| p.team.clone()) field=field(RosterText::Team) testid="edit-team" trim=true label="Team" /></div>
                            <label>"Cadence"
                                <select data-testid="edit-cadence" on:change=move |ev| {
                                    if let Ok(months) = event_target_value(&ev).parse() {
                                        docs.edit_roster(RosterEdit::Cadence { id: pid2.clone(), months });
                                    }
                                }>
                                    {CADENCES.map(|m| view! { <option value=m.to_string() selected=cadence_months == m as u64>{cadence_label(m as u64)}</option> }).collect_view()}
                                </select>
                            </label>
                        </div>
                        <p class="sub">
                            {match sched.last_held {
                                None => view! { "No discussion held yet: " <strong data-testid="person-next-due">"the first one is due now"</strong> }.into_any(),
                                Some(last) => view! {
                                    "Next discussion due " <strong data-testid="person-next-due">{sched.next_due.human()}</strong>
                                    {format!(" · last held {}", last.human())}
                                }.into_any(),
                            }}
                        </p>
                        <div class="actions">
                            <button class="primary" data-testid="start-discussion" on:click=start>"Start a new discussion"</button>
                            <button data-testid="archive-person" on:click={
                                let pid = pid.clone();
                                move |_| docs.edit_roster(RosterEdit::Archived { id: pid.clone(), archived: !archived })
                            }>
                                {if archived { "Restore from archive" } else { "Archive" }}
                            </button>
                        </div>
                        {move || problem.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                        <CalendarDownload person_id=pid.clone() filename=career_core::reports::file_names::person_calendar(&name.get_untracked()) />
                    </section>
                    <DiscussionList person_id=pid.clone() />
                    {lazy("the comparison of discussions", crate::pages::compare::part, pid.clone())}
                    <section class="erase-zone" aria-label="Hand over or delete">
                        <HandOverButton person_id=pid.clone() name=name.get_untracked() />
                        <EraseButton what=Erase::Person(pid.clone()) label=format!("Delete {} and their discussions from this device…", name.get_untracked()) whose=name.get_untracked() testid="erase-person" />
                    </section>
                }.into_any()
            }
        }}
    }
}

#[component]
fn DiscussionList(person_id: String) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let entries = Memo::new(move |_| {
        docs.with_index(|i| {
            i.of_person(&person_id)
                .into_iter()
                .map(|(id, e)| (id.clone(), e.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="discussions">
            <h2>"Discussions"</h2>
            <Show when=move || !entries.with(|e| e.is_empty()) fallback=|| view! { <p class="empty">"No discussions yet."</p> }>
                <ul class="discussion-list" data-testid="discussion-list">
                    <For each=move || entries.get() key=|(id, e)| (id.clone(), e.clone()) let((id, entry))>
                        {
                            let readable = docs.discussion(&id);
                            let label = match entry.held_on {
                                Some(d) => format!("Held on {}", d.human()),
                                None => format!("Started {} · not held yet", entry.created_on.human()),
                            };
                            match readable {
                                Ok(d) => view! {
                                    <li data-testid="discussion-item">
                                        <A href=Tab::Prepare.route(&id)>{label}</A>
                                        <span class="sub">{format!(" · {} · {} open action{}", d.track.label(), entry.open_actions, if entry.open_actions == 1 { "" } else { "s" })}</span>
                                        {signed_badge(docs, &id)}
                                    </li>
                                }.into_any(),
                                Err(e) => {
                                    let name = DocName::Discussion(id.clone());
                                    view! {
                                        <li data-testid="discussion-damaged" class="damaged">
                                            <span class="badge overdue">"Damaged"</span>" "{label}
                                            <div class="sub">{format!("{e}. Its stored data is kept unchanged.")}</div>
                                            <button on:click=move |_| docs.download_raw(&name)>"Download its stored data"</button>
                                        </li>
                                    }.into_any()
                                }
                            }
                        }
                    </For>
                </ul>
            </Show>
        </section>
    }
}

/// "Agreed" or "Signed by one" next to a discussion in the list.
fn signed_badge(docs: DocStore, id: &str) -> Option<impl IntoView> {
    use career_core::share::signoff::State;
    let s = docs.sign_off(id).ok()?;
    // Signatures that match the keys they came with, not yet confirmed on this device.
    let pending = [&s.leader, &s.employee]
        .into_iter()
        .flatten()
        .any(|sig| sig.check.is_pending());
    let (class, text) = match s.state {
        State::Unsigned | State::Waiting { .. } if pending => {
            ("badge due-soon", "Signed, not confirmed here".to_string())
        }
        State::Unsigned => return None,
        State::Agreed { on } if s.amendments.is_empty() => {
            ("badge ok", format!("Agreed {}", on.human()))
        }
        State::Agreed { .. } => ("badge due-soon", "Agreed, amended since".to_string()),
        State::Waiting { .. } => ("badge due-soon", "Signed by one side".to_string()),
    };
    Some(view! { " " <span class=class data-testid="signed-badge">{text}</span> })
}
