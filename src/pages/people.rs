//! The people list: who is due for a career discussion, soonest first.

use career_core::model::people::{validate_person, Person, RosterEdit, RosterText, CADENCES};
use career_core::reports::schedule::{schedule, DueStatus, Schedule};
use career_core::storage::keys::DocName;
use career_core::storage::workspace::TextField;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::calendar::CalendarDownload;
use crate::components::fields::TextInput;
use crate::infra::{clock, random};
use crate::services::{Device, DocStore};

pub fn cadence_label(months: u64) -> String {
    match months {
        12 => "Every 12 months".into(),
        6 => "Every 6 months".into(),
        n => format!("Every {n} months"),
    }
}

/// The badge for a person's schedule.
#[component]
pub fn DueBadge(schedule: Schedule) -> impl IntoView {
    let (class, text) = match schedule.status {
        DueStatus::Overdue(days) => ("badge overdue", format!("Overdue by {days} days")),
        DueStatus::DueSoon(0) => ("badge due-soon", "Due today".to_string()),
        DueStatus::DueSoon(days) => ("badge due-soon", format!("Due in {days} days")),
        DueStatus::NotYetHeld => ("badge new", "No discussion yet".to_string()),
        DueStatus::OnTrack => ("badge ok", "On track".to_string()),
    };
    view! { <span class=class data-testid="due-badge">{text}</span> }
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let show_archived = RwSignal::new(false);

    let rows = Memo::new(move |_| {
        let today = clock::today();
        let index = docs.index();
        let roster = docs.roster();
        let mut rows: Vec<(Person, Schedule)> = roster
            .map(|r| r.people)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| show_archived.get() || !p.archived)
            .map(|p| {
                let s = schedule(p.added_on, p.cadence_months, index.held_dates(&p.id), today);
                (p, s)
            })
            .collect();
        rows.sort_by(|a, b| {
            a.1.next_due
                .cmp(&b.1.next_due)
                .then(a.0.name.cmp(&b.0.name))
        });
        rows
    });

    view! {
        <section class="people">
            <div class="page-head">
                <h1>"Your people"</h1>
                <ManagerName />
            </div>
            {move || docs.roster().err().map(|e| e.to_string()).map(|e| view! {
                <div class="banner bad" role="alert" data-testid="roster-damaged">
                    <strong>"Your people list could not be read. "</strong>{e}
                    " Its data is kept unchanged. "
                    <button on:click=move |_| docs.download_raw(&DocName::Roster)>"Download its stored data"</button>
                </div>
            })}
                        <SharedWithMe />
            <AddPerson />
            <label class="toggle">
                <input type="checkbox" data-testid="show-archived"
                    prop:checked=move || show_archived.get()
                    on:change=move |ev| show_archived.set(event_target_checked(&ev)) />
                "Show archived people"
            </label>
            <Show when=move || !rows.with(|r| r.is_empty()) fallback=|| view! {
                <p class="empty">"No one here yet. Add the people you manage to plan their career discussions."</p>
            }>
                <table class="people-table" data-testid="people-list">
                    <thead><tr>
                        <th>"Name"</th><th>"Last discussion"</th><th>"Cadence"</th><th>"Next due"</th><th>"Status"</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || rows.get() key=|(p, s)| (p.clone(), *s) let((person, sched))>
                            <tr data-testid="person-row" class:archived=person.archived>
                                <td>
                                    // A plain link (the router still handles the click): the
                                    // router's <A> adds reactive work per row, for 100 rows at start-up.
                                    <a href=format!("/people/{}", person.id) data-testid="person-link">{person.name.clone()}</a>
                                    <div class="sub">{[person.role.clone(), person.team.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}</div>
                                    {person.archived.then(|| view! { <span class="badge muted">"Archived"</span> })}
                                </td>
                                <td data-testid="last-held">{sched.last_held.map(|d| d.human()).unwrap_or_else(|| "—".into())}</td>
                                <td>{cadence_label(person.cadence_months)}</td>
                                <td data-testid="next-due">{sched.next_due.human()}</td>
                                <td><DueBadge schedule=sched /></td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                <div class="team-tools">
                    <A href="/team" attr:class="button" attr:data-testid="open-team">"Team picture"</A>
                    <A href="/hr" attr:class="button" attr:data-testid="open-hr">"Record for HR"</A>
                    <CalendarDownload filename="career-talk-team.ics".to_string() />
                </div>
            </Show>
        </section>
    }
}

#[component]
fn ManagerName() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let name = Signal::derive(move || docs.manager().name);
    view! {
        <div class="manager-name">
            <TextInput value=name field=TextField::Roster(RosterText::ManagerName)
                testid="manager-name" trim=true label="You (the leader):" placeholder="Your name" />
        </div>
    }
}

#[component]
fn AddPerson() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let device = expect_context::<Device>();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let team = RwSignal::new(String::new());
    let cadence = RwSignal::new(12u8);
    let problem = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match validate_person(&name.get_untracked(), cadence.get_untracked()) {
            Ok(valid) => {
                device.ask_to_persist();
                docs.edit_roster(RosterEdit::AddPerson(Person {
                    id: random::new_id(),
                    name: valid,
                    role: role.get_untracked().trim().to_string(),
                    team: team.get_untracked().trim().to_string(),
                    cadence_months: cadence.get_untracked() as u64,
                    archived: false,
                    added_on: clock::today(),
                }));
                name.set(String::new());
                role.set(String::new());
                team.set(String::new());
                problem.set(None);
            }
            Err(e) => problem.set(Some(e.to_string())),
        }
    };

    view! {
        <form class="add-person card" on:submit=submit data-testid="add-person">
            <h2>"Add a person"</h2>
            <div class="row">
                <label>"Name" <input type="text" required data-testid="new-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></label>
                <label>"Role" <input type="text" data-testid="new-role" prop:value=move || role.get() on:input=move |ev| role.set(event_target_value(&ev)) /></label>
                <label>"Team" <input type="text" data-testid="new-team" prop:value=move || team.get() on:input=move |ev| team.set(event_target_value(&ev)) /></label>
                <label>"Cadence"
                    <select data-testid="new-cadence" on:change=move |ev| cadence.set(event_target_value(&ev).parse().unwrap_or(12))>
                        {CADENCES.map(|m| view! { <option value=m.to_string() selected=move || cadence.get() == m>{cadence_label(m as u64)}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="primary" data-testid="add-person-submit">"Add person"</button>
            </div>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </form>
    }
}

/// Discussions someone shared with the person using this device (the employee's side).
#[component]
fn SharedWithMe() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let shared = Memo::new(move |_| {
        docs.with_index(|i| {
            let mut list: Vec<(String, career_core::Day)> = i
                .discussions
                .iter()
                .filter(|(_, e)| e.shared_with_me)
                .map(|(id, e)| (id.clone(), e.date()))
                .collect();
            list.sort_by_key(|item| std::cmp::Reverse(item.1));
            list
        })
    });
    view! {
        <Show when=move || !shared.with(|s| s.is_empty())>
            <section class="card" data-testid="shared-with-me">
                <h2>"Shared with you"</h2>
                <ul class="discussion-list">
                    {move || shared.get().into_iter().map(|(id, date)| {
                        let with = docs.discussion(&id).map(|d| d.manager.name).unwrap_or_default();
                        let with = if with.is_empty() { "your leader".to_string() } else { with };
                        view! {
                            <li data-testid="shared-item">
                                <A href=format!("/discussions/{id}/reflect")>{format!("Your career discussion with {with}")}</A>
                                <span class="sub">{format!(" · {}", date.human())}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
        <p class="open-file-row">
            "Someone sent you a Career Talk file? "
            <crate::pages::discussion::share::OpenFile />
        </p>
    }
}
