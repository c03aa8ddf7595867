//! Step 4: the development plan: actions for the next 12 months, track, readiness, when
//! the talk was held and when the next one is due. Open actions of the previous
//! discussion can be carried over.
//!
//! Who changes what (see `career_core::model::fields`): the track, readiness and the date
//! are the leader's judgement; each action is the side's that added it. The other side
//! sees them as they are and suggests changes, which the owner accepts or declines.

use career_core::model::discussion::{
    carry_over_candidates, Action, DiscussionEdit, DiscussionText, Owner, Readiness, Track,
};
use career_core::model::fields::{FieldKey, Suggestion};
use career_core::reports::schedule::next_due_after;
use career_core::{Day, Side};
use leptos::prelude::*;

use super::suggest::{SuggestButton, Suggestions};
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
            // The workspace makes it this side's.
            by: ctx.perspective.get_untracked(),
        }))
    };
    // The last action removed here, for Undo.
    let removed = RwSignal::new(None::<Action>);
    provide_context(Removed(removed));

    let track = Memo::new(move |_| ctx.with(|d| Some(d.track)));
    let readiness = Memo::new(move |_| ctx.with(|d| d.readiness));
    let held_on = Memo::new(move |_| ctx.with(|d| d.held_on));
    let cadence = Memo::new(move |_| {
        ctx.with(|d| docs.person(&d.person_id).map(|p| p.cadence_months))
            .unwrap_or(12)
    });
    let employee_side = ctx.perspective.get_untracked() == Side::Employee;
    let leader = ctx.leader_name();
    let paired = Memo::new(move |_| docs.is_paired(&ctx.id.get()));

    view! {
        {employee_side.then(|| view! {
            <p class="intro" data-testid="plan-intro">
                {move || format!(
                    "Your development plan with {leader}. {Leader} sets the development track, the readiness and the date; you can suggest a change to them, and to {leader}'s actions. The actions you add are yours. {}",
                    if paired.get() { format!("What you change here reaches {} by itself: your devices are in sync.", leader.get()) }
                    else { format!("{} sees your changes when you send them with Share.", capitalise(&leader.get())) },
                    leader = leader.get(),
                    Leader = capitalise(&leader.get()),
                )}
            </p>
        })}
        <section class="card">
            <h2>"Actions for the next 12 months"</h2>
            <UndoRemove />
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
            {if employee_side {
                view! {
                    <p data-testid="track-shown"><strong>"Development track: "</strong>{move || track.get().map(|t| t.label()).unwrap_or("")}</p>
                    <SuggestButton part="Development track" testid="suggest-track"
                        options=Signal::derive(move || Track::ALL.into_iter().filter(|t| Some(*t) != track.get())
                            .map(|t| (t.label().to_string(), Suggestion::Track(t))).collect::<Vec<_>>()) />
                    <Suggestions keys=vec![FieldKey::Track] answered=true testid="track-suggestions" />
                    <p data-testid="readiness-shown"><strong>"Readiness for the next assignment: "</strong>{move || readiness.get().map(|r| r.label()).unwrap_or("not set yet")}</p>
                    <SuggestButton part="Readiness" testid="suggest-readiness"
                        options=Signal::derive(move || Readiness::ALL.into_iter().filter(|r| Some(*r) != readiness.get())
                            .map(|r| (r.label().to_string(), Suggestion::Readiness(Some(r)))).collect::<Vec<_>>()) />
                    <Suggestions keys=vec![FieldKey::Readiness] answered=true testid="readiness-suggestions" />
                }.into_any()
            } else {
                view! {
                    <Choice options=Track::ALL.map(|t| (t, t.label())).to_vec() value=track
                        on_change=Callback::new(move |t| edit(DiscussionEdit::Track(t))) testid="track"
                        legend="Development track" />
                    <Suggestions keys=vec![FieldKey::Track] testid="track-suggestions" />
                    <p class="help">"People aiming for the most senior roles and people who want to stay true technical experts get different plans."</p>
                    <Choice options=Readiness::ALL.map(|r| (r, r.label())).to_vec() value=readiness
                        on_change=Callback::new(move |r| edit(DiscussionEdit::Readiness(Some(r)))) testid="readiness"
                        legend="Readiness for the next assignment" />
                    <Suggestions keys=vec![FieldKey::Readiness] testid="readiness-suggestions" />
                }.into_any()
            }}
        </section>
        <section class="card">
            <h2>"When"</h2>
            {if employee_side {
                view! {
                    <HeldOnSuggest held_on=held_on />
                    <Suggestions keys=vec![FieldKey::HeldOn] answered=true testid="held-suggestions" />
                }.into_any()
            } else {
                view! {
                    <label>"Held on "
                        <input type="date" data-testid="held-on"
                            prop:value=move || held_on.get().map(|d| d.to_string()).unwrap_or_default()
                            on:change=move |ev| edit(DiscussionEdit::HeldOn(parse_day(&event_target_value(&ev)))) />
                    </label>
                    " "
                    <button class="small" data-testid="held-today" on:click=move |_| edit(DiscussionEdit::HeldOn(Some(clock::today())))>"Held today"</button>
                    <Suggestions keys=vec![FieldKey::HeldOn] testid="held-suggestions" />
                }.into_any()
            }}
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

/// The date as the employee sees it, with a suggestion of another.
#[component]
fn HeldOnSuggest(held_on: Memo<Option<Day>>) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let day = RwSignal::new(String::new());
    view! {
        <SuggestButton part="Held on" testid="suggest-held-on"
            options=Signal::derive(move || held_on.get().is_some()
                .then(|| ("It has not been held yet".to_string(), Suggestion::HeldOn(None))).into_iter().collect::<Vec<_>>())>
            <label>"Another date: "
                <input type="date" data-testid="suggest-held-on-date" on:input=move |ev| day.set(event_target_value(&ev)) />
            </label>
            " "
            <button type="submit" data-testid="suggest-held-on-submit"
                on:click=move |ev| match parse_day(&day.get_untracked()) {
                    Some(d) => docs.propose(&ctx.id.get_untracked(), &Suggestion::HeldOn(Some(d))),
                    None => ev.prevent_default(),
                }>"Suggest this date"</button>
        </SuggestButton>
    }
}

/// Who does an action, as this device says it: "You", or the other person by name.
fn owner_label(ctx: DiscussionCtx, owner: Owner, leader: &str, employee: &str) -> String {
    match (ctx.perspective.get_untracked(), owner) {
        (Side::Leader, Owner::Manager) | (Side::Employee, Owner::Employee) => "You".to_string(),
        (Side::Leader, Owner::Employee) => capitalise(employee),
        (Side::Employee, Owner::Manager) => capitalise(leader),
    }
}

/// The action removed last on this page, for Undo.
#[derive(Clone, Copy)]
struct Removed(RwSignal<Option<Action>>);

/// "Removed “…”. Undo": puts the action back as it was.
#[component]
fn UndoRemove() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let Removed(removed) = expect_context::<Removed>();
    move || {
        removed.get().map(|a| {
            let back = a.clone();
            view! {
                <p class="undo-row" role="status" data-testid="action-removed">
                    {format!("Removed “{}”. ", a.text.as_str())}
                    <button class="small" data-testid="undo-remove" on:click=move |_| {
                        docs.edit_discussion(&ctx.id.get_untracked(), DiscussionEdit::AddAction(Action {
                            text: back.text.as_str().into(),
                            ..back.clone()
                        }));
                        removed.set(None);
                    }>"Undo"</button>
                    <button class="link" data-testid="undo-dismiss" on:click=move |_| removed.set(None)>"Dismiss"</button>
                </p>
            }
        })
    }
}

#[component]
fn ActionRow(id: String) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let Removed(removed) = expect_context::<Removed>();
    let aid = StoredValue::new(id);
    let action = Memo::new(move |_| {
        aid.with_value(|id| ctx.with(|d| d.actions.iter().find(|a| &a.id == id).cloned()))
    });
    let get = move || action.get();
    let mine = Memo::new(move |_| get().is_none_or(|a| a.by == ctx.perspective.get()));
    let (text, field) = ctx.text(DiscussionText::Action(aid.get_value()));
    let edit = move |e: DiscussionEdit| docs.edit_discussion(&ctx.id.get_untracked(), e);
    let id = move || aid.get_value();
    let leader = ctx.leader_name();
    let employee = ctx.employee_name();
    let owner_label =
        move |o| owner_label(ctx, o, &leader.get_untracked(), &employee.get_untracked());
    let remove = move |_| {
        if let Some(a) = get() {
            removed.set(Some(a));
        }
        edit(DiscussionEdit::RemoveAction { id: id() })
    };
    let keys = Signal::derive(move || {
        let id = aid.get_value();
        vec![
            FieldKey::Action(id.clone()),
            FieldKey::ActionOwner(id.clone()),
            FieldKey::ActionDue(id.clone()),
            FieldKey::ActionDone(id),
        ]
    });
    let whose = move || {
        get().map(|a| match (a.by, ctx.perspective.get()) {
            (by, me) if by == me => String::new(),
            (Side::Leader, _) => format!("Added by {}", capitalise(&leader.get())),
            (Side::Employee, _) => format!("Added by {}", capitalise(&employee.get())),
        })
    };
    view! {
        // A card per action: its text wraps at any width, the rest sits below it.
        <li class="action-card" data-testid="action-row">
            {move || if mine.get() {
                view! { <TextArea value=text field=field.clone() testid="action-text" placeholder="What will be done" aria_label="Action" rows=1 grow=true /> }.into_any()
            } else {
                view! { <p class="prose action-text" data-testid="action-text">{move || text.get()}</p> }.into_any()
            }}
            {move || get().and_then(|a| a.carried_from).map(|_| view! { <span class="badge muted">"Carried over"</span> })}
            {move || (!mine.get()).then(|| view! { <span class="sub" data-testid="action-by">{whose}</span> })}
            {move || if mine.get() {
                view! {
                    <div class="action-meta">
                        <label class="check">
                            <input type="checkbox" data-testid="action-done"
                                prop:checked=move || get().is_some_and(|a| a.done)
                                on:change=move |ev| edit(DiscussionEdit::ActionDone { id: id(), done: event_target_checked(&ev) }) />
                            "Done"
                        </label>
                        <label class="inline">"Who "
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
                        <button class="link remove" data-testid="action-remove" on:click=remove>"Remove"</button>
                    </div>
                    <Suggestions keys=keys testid="action-suggestions" />
                }.into_any()
            } else {
                view! {
                    <p class="action-meta" data-testid="action-shown">
                        {move || get().map(|a| format!("{} · {}{}",
                            owner_label(a.owner),
                            a.due.map(|d| format!("due {}", d.human())).unwrap_or_else(|| "no due date".into()),
                            if a.done { " · done" } else { "" }))}
                    </p>
                    <ActionSuggest id=aid.get_value() />
                    <Suggestions keys=keys answered=true testid="action-suggestions" />
                }.into_any()
            }}
        </li>
    }
}

/// The changes one may suggest to the other side's action.
#[component]
fn ActionSuggest(id: String) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let aid = StoredValue::new(id);
    let action = Memo::new(move |_| {
        aid.with_value(|id| ctx.with(|d| d.actions.iter().find(|a| &a.id == id).cloned()))
    });
    let options = Signal::derive(move || {
        let Some(a) = action.get() else {
            return vec![];
        };
        let id = a.id.clone();
        vec![
            (
                if a.done { "Not done yet" } else { "It is done" }.to_string(),
                Suggestion::ActionDone {
                    id: id.clone(),
                    done: !a.done,
                },
            ),
            ("Remove it".to_string(), Suggestion::RemoveAction { id }),
        ]
    });
    let words = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let part = untrack(move || {
        action
            .get()
            .map(|a| format!("“{}”", a.text.as_str()))
            .unwrap_or_default()
    });
    view! {
        <SuggestButton part=part testid="suggest-action" options=options>
            <label class="field-label">"Other words: "
                <input type="text" data-testid="suggest-action-text" on:input=move |ev| words.set(event_target_value(&ev)) />
            </label>
            <button type="submit" data-testid="suggest-action-text-submit"
                on:click=move |ev| {
                    let text = words.get_untracked().trim().to_string();
                    if text.is_empty() { ev.prevent_default(); return; }
                    docs.propose(&ctx.id.get_untracked(), &Suggestion::ActionText { id: aid.get_value(), text });
                }>"Suggest these words"</button>
            <label class="field-label">"Another due date: "
                <input type="date" data-testid="suggest-action-due" on:input=move |ev| due.set(event_target_value(&ev)) />
            </label>
            <button type="submit" data-testid="suggest-action-due-submit"
                on:click=move |ev| match parse_day(&due.get_untracked()) {
                    Some(d) => docs.propose(&ctx.id.get_untracked(), &Suggestion::ActionDue { id: aid.get_value(), due: Some(d) }),
                    None => ev.prevent_default(),
                }>"Suggest this date"</button>
        </SuggestButton>
    }
}

/// Open actions of this person's previous discussion, offered for carrying over.
#[component]
fn CarryOver() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let leader = ctx.leader_name();
    let employee = ctx.employee_name();
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
                // A date set for it still holds.
                due: a.due,
                done: false,
                carried_from: Some(a.id.clone()),
                by: ctx.perspective.get_untracked(),
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
                                <span class="sub">{owner_label(ctx, a.owner, &leader.get_untracked(), &employee.get_untracked())}
                                    {a.due.map(|d| format!(", due {}", d.human()))}</span>" "
                                <button class="small" data-testid="carry-over-action" on:click=move |_| carry(a2.clone())>"Carry over"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        })}
    }
}
