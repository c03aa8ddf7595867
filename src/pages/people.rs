//! The people list: who is due for a career discussion, soonest first.

use career_core::model::discussion::Owner;
use career_core::model::people::{validate_person, Person, RosterEdit, RosterText, CADENCES};
use career_core::reports::retention;
use career_core::reports::schedule::{schedule, DueStatus, Schedule};
use career_core::share::signoff::State;
use career_core::storage::index::IndexEntry;
use career_core::storage::keys::DocName;
use career_core::workspace::{Erase, TextField};
use career_core::Side;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::calendar::CalendarDownload;
use crate::components::erase::EraseButton;
use crate::components::fields::TextInput;
use crate::infra::{clock, random};
use crate::pages::discussion::{capitalise, Tab};
use crate::services::link::PendingLink;
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

/// Home. A leader's device lists their people; a device that received discussions as the
/// employee lists those; a device that is both (a leader who is also someone's report)
/// shows both. An employee-only device offers the people list behind "I lead people too".
#[component]
pub fn PeoplePage() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let has_shared =
        Memo::new(move |_| docs.with_index(|i| i.discussions.values().any(|e| e.shared_with_me)));
    // A leader here: people in the list (or a list that cannot be read), a name as the
    // leader, or a discussion this device started.
    let leads = Memo::new(move |_| {
        let roster = docs
            .roster()
            .map(|r| !r.people.is_empty() || !r.manager.name.trim().is_empty())
            .unwrap_or(true);
        roster || docs.with_index(|i| i.discussions.values().any(|e| !e.shared_with_me))
    });
    let employee_only = Memo::new(move |_| has_shared.get() && !leads.get());
    let lead_too = RwSignal::new(false);
    // A link for the employee is being asked about on a device that leads no one: what
    // sits behind the question is the employee's page, not a manager's people list.
    let pending = use_context::<PendingLink>();
    let landing = Memo::new(move |_| {
        !leads.get()
            && pending.is_some_and(|p| p.0.with(|q| q.as_ref().is_some_and(|q| q.for_employee)))
    });
    let empty = Memo::new(move |_| !leads.get() && !has_shared.get());

    view! {
        <Show when=move || landing.get()>
            <section class="shared-home" data-testid="employee-landing">
                <div class="page-head"><h1>"Your career discussion"</h1></div>
                <p>"A career discussion was shared with you. Answer the question on the screen to open it; nothing is saved on this device before you do."</p>
            </section>
        </Show>
        <Show when=move || empty.get() && !landing.get()>
            <Welcome />
        </Show>
        <Show when=move || !landing.get()>
        <RetentionNotice />
        <Show when=move || employee_only.get()>
            <section class="shared-home" data-testid="shared-with-me">
                <div class="page-head"><h1>"Discussions shared with you"</h1></div>
                <SharedWithMe />
                <p class="lead-too">
                    <button class="small" data-testid="lead-too"
                        aria-expanded=move || lead_too.get().to_string()
                        on:click=move |_| lead_too.update(|on| *on = !*on)>
                        {move || if lead_too.get() { "Hide the people list" } else { "I lead people too" }}
                    </button>
                </p>
            </section>
        </Show>
        <Show when=move || !employee_only.get() || lead_too.get()>
            <YourPeople main=Signal::derive(move || !employee_only.get()) />
        </Show>
        <Show when=move || !employee_only.get() && has_shared.get()>
            <section class="card shared-with-me" data-testid="shared-with-me">
                <h2>"Discussions shared with you"</h2>
                <SharedWithMe />
            </section>
        </Show>
        <p class="open-file-row">
            "Someone sent you a Career Talk file? "
            <crate::pages::discussion::share::OpenFile />
        </p>
        </Show>
    }
}

/// Whether this is Safari on an iPad or iPhone (an iPad reports itself as a Mac with touch).
fn apple_touch() -> bool {
    let navigator = window().navigator();
    let agent = navigator.user_agent().unwrap_or_default();
    agent.contains("iPad")
        || agent.contains("iPhone")
        || (agent.contains("Macintosh") && navigator.max_touch_points() > 1)
}

/// A first visit: what the app does, where the notes live, and how to keep them.
#[component]
fn Welcome() -> impl IntoView {
    let ios = apple_touch();
    view! {
        <section class="card welcome" data-testid="welcome">
            <h2>"Welcome to Career Talk"</h2>
            <p>"Career Talk carries a career aspiration discussion between a leader and the people they lead, in four steps:"</p>
            <ol class="welcome-steps">
                <li><strong>"Prepare"</strong>" — the leader's five questions to themself, private to the leader's device."</li>
                <li><strong>"Conversation"</strong>" — the eight questions for the employee, with the leader's view where it helps."</li>
                <li><strong>"Gap view"</strong>" — the employee's aspirations beside the leader's view of what it takes."</li>
                <li><strong>"Plan"</strong>" — actions for the next 12 months, the development track, and the next discussion."</li>
            </ol>
            <p><strong>"Your notes stay in this browser, on this device."</strong>" No server keeps them: a discussion leaves this device only when you share it, by a link, a file or a live session."</p>
            {ios.then(|| view! {
                <p data-testid="welcome-home-screen"><strong>"On an iPad or iPhone, add Career Talk to your Home Screen"</strong>" (Share, then “Add to Home Screen”): Safari deletes a website's data after 7 days without a visit, but not that of an app on the Home Screen."</p>
            })}
            <p>"Keep a backup now and then: "<a href="/settings">"This device"</a>" → “Export everything”. Start by adding the people you lead below; if someone shared a discussion with you, open their link or file."</p>
        </section>
    }
}

/// With a retention period set: the discussions past it, per person, each group with its
/// deletion (nothing goes without the click and the confirmation).
#[component]
fn RetentionNotice() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let device = expect_context::<Device>();
    let past = Memo::new(move |_| {
        let years = device.retention.get()?;
        let today = clock::today();
        let list = docs.with_index(|i| retention::past(i, today, years));
        (!list.is_empty()).then(|| (years, retention::cutoff(today, years), list))
    });
    move || {
        past.get().map(|(years, cutoff, list)| {
            let roster = docs.roster().ok();
            let period = if years == 1 { "year".to_string() } else { format!("{years} years") };
            view! {
                <section class="card past-retention" data-testid="past-retention">
                    <h2>{format!("Past the {period} you keep discussions for")}</h2>
                    <p class="sub">{format!("Held (or started, if not held) before {}. Nothing is deleted until you choose to.", cutoff.human())}</p>
                    <ul>
                        {list.into_iter().map(|p| {
                            let shared = docs.with_index(|i| i.discussions.get(&p.discussions[0].0).is_some_and(|e| e.shared_with_me));
                            let name = roster.as_ref().and_then(|r| r.person(&p.person_id)).map(|p| p.name.clone())
                                .unwrap_or_else(|| if shared { "your leader".to_string() } else { "someone no longer on your people list".to_string() });
                            let n = p.discussions.len();
                            let oldest = p.discussions[0].1;
                            let ids: Vec<String> = p.discussions.into_iter().map(|(id, _)| id).collect();
                            view! {
                                <li data-testid="past-retention-row">
                                    <strong>{name.clone()}</strong>
                                    {format!(": {n} discussion{}, the oldest from {}. ", if n == 1 { "" } else { "s" }, oldest.human())}
                                    <EraseButton what=Erase::Discussions(ids) label=if n == 1 { "Delete it…" } else { "Delete them…" } whose=name testid="erase-past" />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

/// The leader's part of home: who is due for a career discussion, soonest first. `main`:
/// it is the page's heading (not below the employee's part).
#[component]
fn YourPeople(#[prop(into)] main: Signal<bool>) -> impl IntoView {
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
        <section class="people" id="your-people" data-testid="your-people">
            <div class="page-head">
                {move || if main.get() {
                    view! { <h1>"Your people"</h1> }.into_any()
                } else {
                    view! { <h2>"Your people"</h2> }.into_any()
                }}
                <ManagerName />
            </div>
            {move || docs.roster().err().map(|e| e.to_string()).map(|e| view! {
                <div class="banner bad" role="alert" data-testid="roster-damaged">
                    <strong>"Your people list could not be read. "</strong>{e}
                    " Its data is kept unchanged. "
                    <button on:click=move |_| docs.download_raw(&DocName::Roster)>"Download its stored data"</button>
                </div>
            })}
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
                                <td data-testid="last-held" data-label="Last discussion">{sched.last_held.map(|d| d.human()).unwrap_or_else(|| "—".into())}</td>
                                <td data-label="Cadence">{cadence_label(person.cadence_months)}</td>
                                <td data-testid="next-due" data-label="Next due">{match sched.last_held {
                                    // Due from the day they were added: no date to plan around.
                                    None => "Now".to_string(),
                                    Some(_) => sched.next_due.human(),
                                }}</td>
                                <td class="status-cell"><DueBadge schedule=sched /></td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                <div class="team-tools">
                    <A href="/team" attr:class="button" attr:data-testid="open-team">"Team picture"</A>
                    <A href="/hr" attr:class="button" attr:data-testid="open-hr">"Record for HR"</A>
                    <CalendarDownload filename=career_core::reports::file_names::TEAM_CALENDAR.to_string() />
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

/// One discussion shared with this device, as its home lists it.
#[derive(Clone, PartialEq, Eq, Hash)]
struct SharedRow {
    id: String,
    leader: String,
    when: String,
    signed: String,
    /// What waits for the employee, as computed from their documents.
    waiting: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn shared_row(docs: DocStore, id: &str, entry: &IndexEntry) -> SharedRow {
    let when = match entry.held_on {
        Some(d) => format!("Held on {}", d.human()),
        None => format!("Started {} · not held yet", entry.created_on.human()),
    };
    let Ok(d) = docs.discussion(id) else {
        return SharedRow {
            id: id.to_string(),
            leader: "your leader".into(),
            when,
            signed: "This discussion cannot be read on this device".into(),
            waiting: vec![],
        };
    };
    let named = d.manager.name.trim().to_string();
    let leader = if named.is_empty() {
        "your leader".to_string()
    } else {
        named
    };
    let mut waiting = Vec::new();
    let unpublished = docs
        .reflection(id)
        .map(|r| r.unpublished(&d).len())
        .unwrap_or(0);
    if unpublished > 0 {
        waiting.push(format!(
            "{} in your private reflection not published yet (Reflect)",
            plural(unpublished, "answer", "answers")
        ));
    }
    let sign_off = docs.sign_off(id).ok();
    // A signature of the leader that matches the key that came with it, not compared yet.
    let leader_pending = sign_off
        .as_ref()
        .is_some_and(|s| s.leader.as_ref().is_some_and(|sig| sig.check.is_pending()));
    if leader_pending
        && sign_off
            .as_ref()
            .is_some_and(|s| s.state == State::Unsigned && s.employee.is_none())
    {
        waiting.push(format!(
            "{} signed the record: your signature is waiting (Record)",
            capitalise(&leader)
        ));
    }
    if leader_pending {
        waiting.push(format!(
            "Compare the safety code with {leader} so their signature counts (Record)"
        ));
    }
    if let Some(s) = sign_off.as_ref().filter(|s| s.waits_for(Side::Employee)) {
        waiting.push(match s.state {
            State::Waiting {
                waiting_for: Side::Employee,
                ..
            } if s.amendments.is_empty() => format!(
                "{} signed the record: your signature is waiting (Record)",
                capitalise(&leader)
            ),
            _ => "Changed since it was signed: your signature is waiting (Record)".to_string(),
        });
    }
    let yours = d
        .open_actions()
        .filter(|a| a.owner == Owner::Employee)
        .count();
    if yours > 0 {
        waiting.push(format!(
            "{} of yours (Plan)",
            plural(yours, "open action", "open actions")
        ));
    }
    let signed = match sign_off {
        None => "Sign-off cannot be read".to_string(),
        Some(s) => match s.state {
            State::Unsigned if leader_pending => format!("Signed by {leader}, code not compared"),
            State::Unsigned => "Not signed yet".to_string(),
            State::Agreed { on } if s.amendments.is_empty() => format!("Agreed on {}", on.human()),
            State::Agreed { .. } => "Agreed, changed since".to_string(),
            State::Waiting {
                signed: Side::Employee,
                ..
            } => "Signed by you".to_string(),
            State::Waiting { .. } => format!("Signed by {leader}"),
        },
    };
    SharedRow {
        id: id.to_string(),
        leader,
        when,
        signed,
        waiting,
    }
}

/// Discussions someone shared with the person using this device (the employee's side),
/// newest first, each with what waits for them.
#[component]
fn SharedWithMe() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let rows = Memo::new(move |_| {
        let mut entries: Vec<(String, IndexEntry)> = docs.with_index(|i| {
            i.discussions
                .iter()
                .filter(|(_, e)| e.shared_with_me)
                .map(|(id, e)| (id.clone(), e.clone()))
                .collect()
        });
        entries.sort_by_key(|(_, e)| std::cmp::Reverse(e.date()));
        entries
            .iter()
            .map(|(id, e)| shared_row(docs, id, e))
            .collect::<Vec<_>>()
    });
    view! {
        <ul class="discussion-list shared-list">
            <For each=move || rows.get() key=|row| row.clone() let(row)>
                <li data-testid="shared-item">
                    <div class="shared-head">
                        <A href=Tab::Reflect.route(&row.id)>
                            "Your career discussion with "<span data-testid="shared-leader">{row.leader.clone()}</span>
                        </A>
                        <span class="sub" data-testid="shared-when">{row.when.clone()}</span>
                        <span class="badge muted" data-testid="shared-signed">{row.signed.clone()}</span>
                    </div>
                    {(!row.waiting.is_empty()).then(|| view! {
                        <div class="shared-waiting">
                            <span class="waiting-title">"Waiting for you:"</span>
                            <ul data-testid="shared-waiting">
                                {row.waiting.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                            </ul>
                        </div>
                    })}
                </li>
            </For>
        </ul>
    }
}
