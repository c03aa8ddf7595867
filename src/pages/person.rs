//! One person: their details, cadence, and discussions (newest first).

use career_core::people::{RosterEdit, CADENCES};
use career_core::schedule::schedule;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::components::calendar::CalendarDownload;
use crate::pages::compare::CompareDiscussions;
use crate::pages::people::{cadence_label, DueBadge};
use crate::state::AppState;

#[component]
pub fn PersonPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let person = Memo::new(move |_| state.person(&id.get()));
    let problem = RwSignal::new(None::<String>);

    view! {
        {move || match person.get() {
            None => view! {
                <p class="empty" data-testid="no-person">"This person is not in your people list. " <A href="/">"Back to your people"</A></p>
            }.into_any(),
            Some(p) => {
                let pid = p.id.clone();
                let edit = move |make: fn(String, String) -> RosterEdit| {
                    let pid = pid.clone();
                    move |ev: leptos::ev::Event| state.edit_roster(make(pid.clone(), event_target_value(&ev).trim().to_string()))
                };
                let pid = p.id.clone();
                let pid2 = p.id.clone();
                let pid3 = p.id.clone();
                let archived = p.archived;
                let sched = state.index.with(|i| schedule(p.added_on, p.cadence_months, i.held_dates(&p.id), state.today()));
                let navigate = use_navigate();
                let start = move |_| {
                    let Some(person) = state.person(&pid3) else { return };
                    match state.new_discussion(&person) {
                        Ok(did) => navigate(&format!("/discussions/{did}/prepare"), Default::default()),
                        Err(e) => problem.set(Some(e)),
                    }
                };
                view! {
                    <nav class="crumbs"><A href="/">"People"</A>" › "{p.name.clone()}</nav>
                    <section class="person card">
                        <div class="page-head">
                            <h1 data-testid="person-name">{p.name.clone()}</h1>
                            <DueBadge schedule=sched />
                        </div>
                        <div class="row">
                            <label>"Name" <input type="text" data-testid="edit-name" prop:value=p.name.clone()
                                on:change=edit(|id, name| RosterEdit::Name { id, name }) /></label>
                            <label>"Role" <input type="text" data-testid="edit-role" prop:value=p.role.clone()
                                on:change=edit(|id, role| RosterEdit::Role { id, role }) /></label>
                            <label>"Team" <input type="text" data-testid="edit-team" prop:value=p.team.clone()
                                on:change=edit(|id, team| RosterEdit::Team { id, team }) /></label>
                            <label>"Cadence"
                                <select data-testid="edit-cadence" on:change=move |ev| {
                                    if let Ok(months) = event_target_value(&ev).parse() {
                                        state.edit_roster(RosterEdit::Cadence { id: pid.clone(), months });
                                    }
                                }>
                                    {CADENCES.map(|m| view! { <option value=m.to_string() selected=p.cadence_months == m as u64>{cadence_label(m as u64)}</option> }).collect_view()}
                                </select>
                            </label>
                        </div>
                        <p class="sub">
                            "Next discussion due " <strong data-testid="person-next-due">{sched.next_due.human()}</strong>
                            {sched.last_held.map(|d| format!(" · last held {}", d.human()))}
                        </p>
                        <div class="actions">
                            <button class="primary" data-testid="start-discussion" on:click=start>"Start a new discussion"</button>
                            <button data-testid="archive-person" on:click=move |_| state.edit_roster(RosterEdit::Archived { id: pid2.clone(), archived: !archived })>
                                {if archived { "Restore from archive" } else { "Archive" }}
                            </button>
                        </div>
                        {move || problem.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                        <CalendarDownload person_id=p.id.clone() filename=format!("career-talk-{}.ics", file_slug(&p.name)) />
                    </section>
                    <DiscussionList person_id=p.id.clone() />
                    <CompareDiscussions person_id=p.id.clone() />
                }.into_any()
            }
        }}
    }
}

#[component]
fn DiscussionList(person_id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let entries = Memo::new(move |_| {
        state.index.with(|i| {
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
                            let readable = state.discussion(&id);
                            let label = match entry.held_on {
                                Some(d) => format!("Held on {}", d.human()),
                                None => format!("Started {} · not held yet", entry.created_on.human()),
                            };
                            match readable {
                                Ok(d) => view! {
                                    <li data-testid="discussion-item">
                                        <A href=format!("/discussions/{id}/prepare")>{label}</A>
                                        <span class="sub">{format!(" · {} · {} open action{}", d.track.label(), entry.open_actions, if entry.open_actions == 1 { "" } else { "s" })}</span>
                                        {signed_badge(state, &id)}
                                    </li>
                                }.into_any(),
                                Err(e) => {
                                    let name = AppState::discussion_storage_name(&id);
                                    view! {
                                        <li data-testid="discussion-damaged" class="damaged">
                                            <span class="badge overdue">"Damaged"</span>" "{label}
                                            <div class="sub">{format!("{e}. Its stored data is kept unchanged.")}</div>
                                            <button on:click=move |_| state.download_raw(&name)>"Download its stored data"</button>
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

/// A person's name as part of a file name.
pub fn file_slug(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "person".into()
    } else {
        slug
    }
}

/// "Agreed" or "Signed by one" next to a discussion in the list.
fn signed_badge(state: AppState, id: &str) -> Option<impl IntoView> {
    use career_core::signoff::State;
    let s = state.sign_off(id).ok()?;
    let (class, text) = match s.state {
        State::Unsigned => return None,
        State::Agreed { on } if s.amendments.is_empty() => {
            ("badge ok", format!("Agreed {}", on.human()))
        }
        State::Agreed { .. } => ("badge due-soon", "Agreed, amended since".to_string()),
        State::Waiting { .. } => ("badge due-soon", "Signed by one side".to_string()),
    };
    Some(view! { " " <span class=class data-testid="signed-badge">{text}</span> })
}
