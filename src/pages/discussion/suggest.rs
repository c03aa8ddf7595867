//! Suggestions: one side's proposed change to a part of the record the other side owns.
//! The proposer sees where each stands (waiting, accepted, declined) and may withdraw it;
//! the owner accepts (the change is then the owner's own edit) or declines.

use career_core::model::fields::{Answer, FieldKey, Proposal, Suggestion};
use career_core::Side;
use leptos::prelude::*;

use super::DiscussionCtx;
use crate::components::sheet::Sheet;
use crate::services::{DocStore, Sharing};

/// The part a suggestion is for, in words ("Development track", "Action “Write the RFC”").
pub fn part_label(ctx: &DiscussionCtx, key: &FieldKey) -> String {
    let action = |id: &str| {
        ctx.with(|d| {
            d.actions
                .iter()
                .find(|a| a.id == id)
                .map(|a| format!("Action “{}”", a.text.as_str()))
        })
        .unwrap_or_else(|| "An action".into())
    };
    match key {
        FieldKey::Track => "Development track".into(),
        FieldKey::Readiness => "Readiness".into(),
        FieldKey::HeldOn => "Held on".into(),
        FieldKey::Action(id) => action(id),
        FieldKey::ActionOwner(id) => format!("{}: who does it", action(id)),
        FieldKey::ActionDue(id) => format!("{}: due", action(id)),
        FieldKey::ActionDone(id) => format!("{}: status", action(id)),
        FieldKey::View(_) => "A leader's view".into(),
        _ => "Part of the record".into(),
    }
}

/// Suggestions for the parts `keys` (all of them when `keys` is empty), as this device's
/// side sees them: the other side's to answer, this side's with where they stand.
#[component]
pub fn Suggestions(
    #[prop(into)] keys: Signal<Vec<FieldKey>>,
    /// Show answered ones too (where the proposer looks).
    #[prop(optional)]
    answered: bool,
    #[prop(into, optional)] testid: Option<String>,
) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    let list = Memo::new(move |_| {
        let wanted = keys.get();
        docs.proposals(&ctx.id.get())
            .into_iter()
            .filter(|p| {
                wanted.is_empty()
                    || p.field
                        .parse::<FieldKey>()
                        .is_ok_and(|k| wanted.contains(&k))
            })
            .filter(|p| answered || p.open())
            .filter(|p| p.suggestion().is_some())
            .collect::<Vec<Proposal>>()
    });
    let testid = testid.unwrap_or_else(|| "suggestions".into());
    move || {
        let list = list.get();
        (!list.is_empty()).then(|| {
            let me = ctx.perspective.get();
            let other = sharing.other_party(&ctx.id.get());
            view! {
                <ul class="suggestions" data-testid=testid.clone()>
                    {list.into_iter().map(|p| view! { <SuggestionRow p=p me=me other=other.clone() /> }).collect_view()}
                </ul>
            }
        })
    }
}

#[component]
fn SuggestionRow(p: Proposal, me: Side, other: String) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let s = p.suggestion().expect("filtered");
    let key = s.field();
    let part = part_label(&ctx, &key);
    let what = s.shown();
    let mine = p.by == me;
    let id = StoredValue::new(p.id.clone());
    let when = p.made_on.human();
    let said = if mine {
        format!("You suggested {what} ({when})")
    } else {
        format!("{other} suggests {what} ({when})")
    };
    let status = match (p.answer, mine) {
        (None, true) => format!(" — waiting for {other}"),
        (Some(Answer::Accepted), true) => format!(" — {other} accepted it"),
        (Some(Answer::Declined), true) => format!(" — {other} declined it"),
        (Some(Answer::Accepted), false) => " — you accepted it".into(),
        (Some(Answer::Declined), false) => " — you declined it".into(),
        (None, false) => String::new(),
    };
    let open = p.open();
    view! {
        <li class="suggestion" data-testid="suggestion" data-field=p.field.clone()>
            <span><strong>{part}</strong>": "<span data-testid="suggestion-text">{said}{status}</span></span>
            {(open && !mine).then(|| view! {
                <span class="suggestion-actions">
                    <button class="small primary" data-testid="suggestion-accept"
                        on:click=move |_| docs.answer_proposal(&ctx.id.get_untracked(), &id.get_value(), true)>"Accept"</button>
                    <button class="small" data-testid="suggestion-decline"
                        on:click=move |_| docs.answer_proposal(&ctx.id.get_untracked(), &id.get_value(), false)>"Decline"</button>
                </span>
            })}
            {(open && mine).then(|| view! {
                <button class="link" data-testid="suggestion-withdraw"
                    on:click=move |_| docs.withdraw_proposal(&ctx.id.get_untracked(), &id.get_value())>"Withdraw"</button>
            })}
        </li>
    }
}

/// "Suggest a change…": a sheet with the changes this side may suggest for one part.
#[component]
pub fn SuggestButton(
    /// What the part is, for the sheet's heading.
    #[prop(into)]
    part: String,
    /// The choices: a label and the suggestion it makes.
    #[prop(into)]
    options: Signal<Vec<(String, Suggestion)>>,
    #[prop(into)] testid: String,
    /// An extra way to suggest, such as a date or a text to type (its own view).
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    let open = RwSignal::new(false);
    let title = format!("{testid}-title");
    let other = move || sharing.other_party(&ctx.id.get());
    let children = StoredValue::new(children);
    view! {
        <button type="button" class="small" data-testid=testid.clone() aria-haspopup="dialog"
            on:click=move |_| open.set(true)>"Suggest a change…"</button>
        <Show when=move || open.get()>
            {
                let title = title.clone();
                let part = part.clone();
                view! {
                    <Sheet labelled_by=title.clone() testid="suggest-sheet" on_close=Callback::new(move |_| open.set(false))>
                        <h2 id=title>{format!("Suggest a change: {part}")}</h2>
                        <p class="help">{move || format!("This is for {} to decide. Your suggestion goes into the shared record; {} accepts or declines it.", other(), other())}</p>
                        <div class="suggest-options">
                            {move || options.get().into_iter().map(|(label, s)| view! {
                                <button type="submit" data-testid="suggest-option"
                                    on:click=move |_| docs.propose(&ctx.id.get_untracked(), &s)>{label}</button>
                            }).collect_view()}
                        </div>
                        {children.with_value(|c| c.as_ref().map(|c| c()))}
                        <div class="sheet-actions">
                            <button type="submit" value="cancel" data-testid="suggest-cancel">"Cancel"</button>
                        </div>
                    </Sheet>
                }
            }
        </Show>
    }
}
