//! Panels shown above a discussion after a merge: what the other side changed since you
//! last looked, and fields both sides set at once (pick one; neither is dropped silently).

use career_core::review::{Change, FieldChange};
use leptos::prelude::*;

use super::DiscussionCtx;
use crate::state::AppState;

#[component]
pub fn MergeReview() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<DiscussionCtx>();
    let changes = Memo::new(move |_| {
        // The revision, not the hydrated discussion: a merge or a pick can leave the shown
        // values equal while the history underneath changed.
        state.revision.track();
        state.review(&ctx.id.get())
    });
    let other = move || state.other_party(&ctx.id.get());
    move || {
        let list = changes.get();
        (!list.is_empty()).then(|| view! {
            <section class="card review" data-testid="merge-review">
                <h3>{other}" changed since you last looked"</h3>
                <ChangeList changes=list />
                <button data-testid="dismiss-review" on:click=move |_| state.dismiss_review(&ctx.id.get_untracked())>"Mark as seen"</button>
            </section>
        })
    }
}

/// Field-by-field changes, with added text marked.
#[component]
pub fn ChangeList(changes: Vec<FieldChange>) -> impl IntoView {
    view! {
        <ul>
            {changes.into_iter().map(|c| view! {
                <li data-testid="review-item">
                    <strong>{c.field}</strong>": "
                    {match c.change {
                        Change::Text(segments) => view! {
                            <span class="prose">{segments.into_iter().map(|s| if s.added {
                                view! { <mark data-testid="review-added">{s.text}</mark> }.into_any()
                            } else {
                                view! { <span>{s.text}</span> }.into_any()
                            }).collect_view()}</span>
                        }.into_any(),
                        Change::Value { before, after } => view! { <span>{before}" → "<strong>{after}</strong></span> }.into_any(),
                        Change::Added(text) => view! { <span>"added "<mark>{text}</mark></span> }.into_any(),
                        Change::Removed(text) => view! { <span>"removed "<del>{text}</del></span> }.into_any(),
                    }}
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn Conflicts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<DiscussionCtx>();
    let conflicts = Memo::new(move |_| {
        state.revision.track();
        state.conflicts(&ctx.id.get())
    });
    move || {
        let list = conflicts.get();
        (!list.is_empty()).then(|| view! {
            <section class="card conflicts" data-testid="conflicts">
                <h3>"Both of you set these at the same time: which one stands?"</h3>
                {list.into_iter().map(|c| {
                    let options = c.options.clone();
                    view! {
                        <div class="conflict" data-testid="conflict">
                            <strong>{c.label.clone()}</strong>": "
                            {options.into_iter().enumerate().map(|(i, label)| {
                                let c = c.clone();
                                view! {
                                    <button class="small" data-testid="conflict-choice"
                                        on:click=move |_| state.resolve(&ctx.id.get_untracked(), &c, i)>{label}</button>
                                    " "
                                }
                            }).collect_view()}
                        </div>
                    }
                }).collect_view()}
            </section>
        })
    }
}
