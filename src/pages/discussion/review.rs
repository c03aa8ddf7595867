//! Panels shown above a discussion after a merge: what the other side changed since you
//! last looked, and fields both sides set at once (pick one; neither is dropped silently).

use career_core::share::review::{Change, FieldChange};
use leptos::prelude::*;

use super::DiscussionCtx;
use crate::services::{DocStore, Sharing};

#[component]
pub fn MergeReview() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    // Follows merges and the review's range, not the shown values: a merge or a pick can
    // leave them equal while the history underneath changed.
    let changes = Memo::new(move |_| docs.review(&ctx.id.get()).map_err(|e| e.to_string()));
    let other = move || sharing.other_party(&ctx.id.get());
    move || {
        let list = match changes.get() {
            Ok(list) => list,
            Err(e) => {
                return Some(view! {
                    <p class="banner bad" role="alert" data-testid="review-error">
                        "What the last merge changed cannot be shown: "{e}". The merged text is in the discussion below."
                    </p>
                }.into_any())
            }
        };
        (!list.is_empty()).then(|| view! {
            <section class="card review" data-testid="merge-review">
                <h3>{other}" changed since you last looked"</h3>
                <ChangeList changes=list />
                <button data-testid="dismiss-review" on:click=move |_| docs.dismiss_review(&ctx.id.get_untracked())>"Mark as seen"</button>
            </section>
        }.into_any())
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
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let conflicts = Memo::new(move |_| docs.conflicts(&ctx.id.get()).map_err(|e| e.to_string()));
    move || {
        let list = match conflicts.get() {
            Ok(list) => list,
            Err(e) => {
                return Some(
                    view! {
                        <p class="banner bad" role="alert" data-testid="conflicts-error">
                            "Values both of you set at once cannot be shown: "{e}"."
                        </p>
                    }
                    .into_any(),
                )
            }
        };
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
                                        on:click=move |_| docs.resolve(&ctx.id.get_untracked(), &c, i)>{label}</button>
                                    " "
                                }
                            }).collect_view()}
                        </div>
                    }
                }).collect_view()}
            </section>
        }.into_any())
    }
}
