//! Step 4: the development plan: actions for the next 12 months, track, readiness, when
//! the talk was held and when the next one is due. Open actions of the previous
//! discussion can be carried over.

use career_core::model::discussion::{
    carry_over_candidates, Action, DiscussionEdit, DiscussionText, Owner, Readiness, Track,
};
use career_core::reports::schedule::next_due_after;
use career_core::{Day, Side};
use leptos::prelude::*;

use super::{capitalise, DiscussionCtx};
use crate::components::fields::{Choice, TextArea};
use crate::infra::{clock, random};
use crate::services::DocStore;

fn parse_day(s: &str) -> Option<Day> {
    s.parse().ok()
}

#[component]
pub fn Plan() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let edit = move |e: DiscussionEdit| docs.edit_discussion(&ctx.id.get_untracked(), e);

    let action_ids = Memo::new(move |_| {
        ctx.with(|d| d.actions.iter().map(|a| a.id.clone()).collect::<Vec<_>>())
    });
    let add_action = move |_| {
        edit(DiscussionEdit::AddAction(Action {
            id: random::new_id(),
            text: "".into(),
            owner: Owner::Employee,
            due: None,
            done: false,
            carried_from: None,
            by: career_core::Side::Leader,
        }))
    };

    let track = Memo::new(move |_| ctx.with(|d| Some(d.track)));
    let readiness = Memo::new(move |_| ctx.with(|d| d.readiness));
    let held_on = Memo::new(move |_| ctx.with(|d| d.held_on));
    let cadence = Memo::new(move |_| {
        ctx.with(|d| docs.person(&d.person_id).map(|p| p.cadence_months))
            .unwrap_or(12)
    });
    let employee_side = ctx.perspective.get_untracked() == Side::Employee;
    let leader = ctx.leader_name();

    view! {
        {employee_side.then(|| view! {
            <p class="intro" data-testid="plan-intro">
                {move || format!(
                    "Your development plan with {}. It is part of the shared record: both of you can change it, and Share sends your changes.",
                    leader.get()
                )}
            </p>
        })}
        <section class="card">
            <h2>"Actions for the next 12 months"</h2>
            <Show when=move || !action_ids.with(|a| a.is_empty()) fallback=|| view! { <p class="muted">"No actions yet."</p> }>
                <ul class="action-cards" data-testid="actions">
                    <For each=move || action_ids.get() key=|id| id.clone() let(aid)>
                        <ActionRow id=aid />
                    </For>
                </ul>
            </Show>
            <button data-testid="add-action" on:click=add_action>"Add action"</button>
            <CarryOver />
        </section>
        <section class="card">
            <h2>"Development"</h2>
            <Choice options=Track::ALL.map(|t| (t, t.label())).to_vec() value=track
                on_change=Callback::new(move |t| edit(DiscussionEdit::Track(t))) testid="track"
                legend="Development track" />
            <p class="help">"People aiming for the most senior roles and people who want to stay true technical experts get different plans."</p>
            <Choice options=Readiness::ALL.map(|r| (r, r.label())).to_vec() value=readiness
                on_change=Callback::new(move |r| edit(DiscussionEdit::Readiness(Some(r)))) testid="readiness"
                legend="Readiness for the next assignment" />
        </section>
        <section class="card">
            <h2>"When"</h2>
            <label>"Held on "
                <input type="date" data-testid="held-on"
                    prop:value=move || held_on.get().map(|d| d.to_string()).unwrap_or_default()
                    on:change=move |ev| edit(DiscussionEdit::HeldOn(parse_day(&event_target_value(&ev)))) />
            </label>
            " "
            <button class="small" data-testid="held-today" on:click=move |_| edit(DiscussionEdit::HeldOn(Some(clock::today())))>"Held today"</button>
            <p data-testid="next-discussion">
                {move || match (held_on.get(), employee_side) {
                    // How often the leader meets this person is in the leader's people list,
                    // which this device does not have.
                    (Some(h), true) => format!("Held on {}.", h.human()),
                    (None, true) => "Not held yet.".to_string(),
                    (Some(h), false) => format!("Next discussion due {} (every {} months).", next_due_after(h, cadence.get()).human(), cadence.get()),
                    (None, false) => "Set the date it was held to schedule the next discussion.".to_string(),
                }}
            </p>
        </section>
    }
}

/// Who owns an action, as this device says it: on the employee's, "You" or their leader.
fn owner_label(ctx: DiscussionCtx, owner: Owner, leader: &str) -> String {
    match (ctx.perspective.get_untracked(), owner) {
        (Side::Leader, o) => o.label().to_string(),
        (Side::Employee, Owner::Employee) => "You".to_string(),
        (Side::Employee, Owner::Manager) => capitalise(leader),
    }
}

#[component]
fn ActionRow(id: String) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let aid = StoredValue::new(id);
    let action = Memo::new(move |_| {
        aid.with_value(|id| ctx.with(|d| d.actions.iter().find(|a| &a.id == id).cloned()))
    });
    let get = move || action.get();
    let (text, field) = ctx.text(DiscussionText::Action(aid.get_value()));
    let edit = move |e: DiscussionEdit| docs.edit_discussion(&ctx.id.get_untracked(), e);
    let id = move || aid.get_value();
    let leader = ctx.leader_name();
    let owner_label = move |o| owner_label(ctx, o, &leader.get_untracked());
    view! {
        // A card per action: its text wraps at any width, the rest sits below it.
        <li class="action-card" data-testid="action-row">
            <TextArea value=text field=field testid="action-text" placeholder="What will be done" aria_label="Action" rows=1 grow=true />
            {move || get().and_then(|a| a.carried_from).map(|_| view! { <span class="badge muted">"Carried over"</span> })}
            <div class="action-meta">
                <label class="check">
                    <input type="checkbox" data-testid="action-done"
                        prop:checked=move || get().is_some_and(|a| a.done)
                        on:change=move |ev| edit(DiscussionEdit::ActionDone { id: id(), done: event_target_checked(&ev) }) />
                    "Done"
                </label>
                <label class="inline">"Owner "
                    <select data-testid="action-owner" on:change=move |ev| {
                        let owner = if event_target_value(&ev) == "manager" { Owner::Manager } else { Owner::Employee };
                        edit(DiscussionEdit::ActionOwner { id: id(), owner })
                    }>
                        <option value="employee" selected=move || get().is_some_and(|a| a.owner == Owner::Employee)>{owner_label(Owner::Employee)}</option>
                        <option value="manager" selected=move || get().is_some_and(|a| a.owner == Owner::Manager)>{owner_label(Owner::Manager)}</option>
                    </select>
                </label>
                <label class="inline">"Due "
                    <input type="date" data-testid="action-due"
                        prop:value=move || get().and_then(|a| a.due).map(|d| d.to_string()).unwrap_or_default()
                        on:change=move |ev| edit(DiscussionEdit::ActionDue { id: id(), due: parse_day(&event_target_value(&ev)) }) />
                </label>
                <button class="link remove" data-testid="action-remove" on:click=move |_| edit(DiscussionEdit::RemoveAction { id: id() })>"Remove"</button>
            </div>
        </li>
    }
}

/// Open actions of this person's previous discussion, offered for carrying over.
#[component]
fn CarryOver() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let leader = ctx.leader_name();
    let previous = Memo::new(move |_| {
        let current = ctx.disc.get().ok()?;
        let prev_id = docs.with_index(|i| {
            i.of_person(&current.person_id)
                .into_iter()
                .filter(|(id, e)| **id != current.id && e.created_on <= current.created_on)
                .map(|(id, _)| id.clone())
                .next()
        })?;
        let prev = docs.discussion(&prev_id).ok()?;
        let offered: Vec<Action> = carry_over_candidates(&prev, &current)
            .into_iter()
            .cloned()
            .collect();
        Some((prev.held_on.unwrap_or(prev.created_on), offered))
    });
    let carry = move |a: Action| {
        docs.edit_discussion(
            &ctx.id.get_untracked(),
            DiscussionEdit::AddAction(Action {
                id: random::new_id(),
                text: a.text.as_str().into(),
                owner: a.owner,
                due: None,
                done: false,
                carried_from: Some(a.id.clone()),
                by: career_core::Side::Leader,
            }),
        )
    };
    view! {
        {move || previous.get().filter(|(_, offered)| !offered.is_empty()).map(|(when, offered)| view! {
            <div class="carry-over" data-testid="carry-over">
                <h3>{format!("Open actions from the discussion of {}", when.human())}</h3>
                <ul>
                    {offered.into_iter().map(|a| {
                        let a2 = a.clone();
                        view! {
                            <li>
                                <span>{a.text.as_str().to_string()}</span>" "
                                <span class="sub">{owner_label(ctx, a.owner, &leader.get_untracked())}</span>" "
                                <button class="small" data-testid="carry-over-action" on:click=move |_| carry(a2.clone())>"Carry over"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        })}
    }
}
