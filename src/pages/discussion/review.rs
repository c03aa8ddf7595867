//! Panels shown above a discussion after a merge: what the other side changed since you
//! last looked, as tracked changes (added words underlined, removed words struck through,
//! *Restore* for words of yours they removed), and fields both sides set at once (each
//! side's choice named; pick one, neither is dropped silently).

use career_core::model::fields::FieldKey;
use career_core::share::review::{Change, Conflict, FieldChange};
use career_core::text::words::Mark;
use leptos::prelude::*;

use super::suggest::Suggestions;
use super::DiscussionCtx;
use crate::infra::clock;
use crate::services::{DocStore, Sharing};

/// Above a discussion after a merge: one compact line — "3 changes from Zoë — Review",
/// and the suggestions waiting for this side's answer — that opens the tracked changes.
#[component]
pub fn MergeReview() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    // Follows merges and the review's range, not the shown values: a merge or a pick can
    // leave them equal while the history underneath changed.
    let review = Memo::new(move |_| docs.review(&ctx.id.get()).map_err(|e| e.to_string()));
    let conflicts = Memo::new(move |_| docs.conflicts(&ctx.id.get()).unwrap_or_default());
    let waiting = Memo::new(move |_| {
        let me = ctx.perspective.get();
        docs.proposals(&ctx.id.get())
            .iter()
            .filter(|p| p.open() && p.by != me && p.suggestion().is_some())
            .count()
    });
    let other = Signal::derive(move || sharing.other_party(&ctx.id.get()));
    let open = RwSignal::new(false);
    let all_parts: Vec<career_core::model::fields::FieldKey> = Vec::new();
    let all_parts = StoredValue::new(all_parts);
    move || {
        let review = match review.get() {
            Ok(review) => review,
            Err(e) => {
                return Some(view! {
                    <p class="banner bad" role="alert" data-testid="review-error">
                        "What the last merge changed cannot be shown: "{e}". The merged text is in the discussion below."
                    </p>
                }.into_any())
            }
        };
        let (changes, suggestions) = (review.changes.len(), waiting.get());
        if changes == 0 && suggestions == 0 {
            return None;
        }
        let mut parts = Vec::new();
        if changes > 0 {
            parts.push(format!(
                "{changes} {} from {}",
                if changes == 1 { "change" } else { "changes" },
                other.get()
            ));
        }
        if suggestions > 0 {
            parts.push(format!(
                "{suggestions} {} for you to answer",
                if suggestions == 1 {
                    "suggestion"
                } else {
                    "suggestions"
                }
            ));
        }
        let undecided: Vec<FieldKey> = conflicts.get().iter().map(|c| c.field.key()).collect();
        let when = review.latest.and_then(clock::human_time);
        Some(view! {
            <div class="review-marker" data-testid="review-marker">
                <span>{parts.join(" · ")}</span>
                <button class="small" data-testid="open-review" aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>{move || if open.get() { "Hide" } else { "Review" }}</button>
            </div>
            <Show when=move || open.get()>
                <section class="card review" data-testid="merge-review" aria-labelledby="review-title">
                    <div class="review-top">
                        <h2 id="review-title">"What "{other}" changed"
                            {when.clone().map(|w| view! { <span class="sub">" · last change "{w}</span> })}
                        </h2>
                        {(changes > 0).then(|| view! {
                            <button class="secondary" data-testid="dismiss-review"
                                on:click=move |_| { docs.dismiss_review(&ctx.id.get_untracked()); open.set(false); }>"Mark all as seen"</button>
                        })}
                    </div>
                    <Suggestions keys=all_parts.get_value() testid="review-suggestions" />
                    {(changes > 0).then(|| view! { <p class="help">"Added words are underlined, removed words struck through."</p> })}
                    <ul class="review-list">
                        {review.changes.clone().into_iter().map(|c| {
                            let key = c.key.clone();
                            let data_key = c.key.to_string();
                            let open = undecided.contains(&c.key);
                            view! {
                                <li class="review-item" data-testid="review-item" data-key=data_key>
                                    <div class="review-head">
                                        <strong>{c.field.clone()}</strong>
                                        <span class="sub">" · "{other}{c.when.and_then(clock::human_time).map(|w| format!(", {w}"))}</span>
                                        <button class="link seen" data-testid="seen-field" aria-label=format!("Mark as seen: {}", c.field)
                                            on:click=move |_| docs.mark_seen(&ctx.id.get_untracked(), &key)>"Mark as seen"</button>
                                    </div>
                                    {(c.removed_yours > 0).then(|| view! {
                                        <p class="removed-yours" data-testid="removed-yours">
                                            {format!("{} removed {} of your {}.", other.get_untracked(), c.removed_yours, if c.removed_yours == 1 { "word" } else { "words" })}
                                        </p>
                                    })}
                                    <ChangeBody change=c undecided=open restorable=true />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
        }.into_any())
    }
}

/// Field-by-field changes (the record's amendments since signing).
#[component]
pub fn ChangeList(changes: Vec<FieldChange>) -> impl IntoView {
    view! {
        <ul class="review-list">
            {changes.into_iter().map(|c| view! {
                <li class="review-item" data-testid="review-item">
                    <strong>{c.field.clone()}</strong>
                    <ChangeBody change=c undecided=false restorable=false />
                </li>
            }).collect_view()}
        </ul>
    }
}

/// One field's change: tracked text, a large change's summary, or a value before → after.
#[component]
fn ChangeBody(change: FieldChange, undecided: bool, restorable: bool) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = use_context::<DiscussionCtx>();
    let field = change.text.clone();
    match change.change {
        Change::Text(pieces) => view! {
            <p class="prose tracked">
                {pieces.into_iter().map(|p| match p.mark {
                    Mark::Same => view! { <span>{p.text}</span> }.into_any(),
                    Mark::Added => view! { <ins data-testid="review-added">{p.text}</ins> }.into_any(),
                    Mark::Removed => {
                        let restore = p.restore.clone().filter(|_| restorable);
                        let field = field.clone();
                        let label = format!("Restore “{}”", p.text.trim());
                        view! {
                            <del data-testid="review-removed">{p.text}</del>
                            {match (restore, p.restored) {
                                (Some(_), true) => Some(view! { <span class="restored" data-testid="restored">" (restored) "</span> }.into_any()),
                                (Some(what), false) => field.zip(ctx).map(|(field, ctx)| view! {
                                    " "<button class="small restore" data-testid="restore" aria-label=label.clone()
                                        on:click=move |_| docs.restore(&ctx.id.get_untracked(), &field, &what)>"Restore"</button>" "
                                }.into_any()),
                                _ => None,
                            }}
                        }.into_any()
                    }
                }).collect_view()}
            </p>
        }.into_any(),
        Change::Large { removed, added, text } => view! {
            <p data-testid="review-large">{format!("A large change: a stretch of {removed} words was replaced by one of {added} words. The text now:")}</p>
            <p class="prose">{text}</p>
        }.into_any(),
        Change::Value { before, after } if undecided => view! {
            <span data-testid="review-undecided">" undecided — both of you chose, see above ("{before}" / "{after}")"</span>
        }.into_any(),
        Change::Value { before, after } => view! { <span>" "{before}" → "<strong>{after}</strong></span> }.into_any(),
        Change::Added(text) => view! { <span>" added "<ins data-testid="review-added">{text}</ins></span> }.into_any(),
        Change::Removed(text) => view! { <span>" removed "<del data-testid="review-removed">{text}</del></span> }.into_any(),
    }
}

#[component]
pub fn Conflicts() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    let conflicts = Memo::new(move |_| docs.conflicts(&ctx.id.get()).map_err(|e| e.to_string()));
    let other = Signal::derive(move || sharing.other_party(&ctx.id.get()));
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
                <h2>"You and "{other}" chose differently: which one stands?"</h2>
                {list.into_iter().map(|c| view! { <ConflictRow conflict=c other=other /> }).collect_view()}
            </section>
        }.into_any())
    }
}

#[component]
fn ConflictRow(conflict: Conflict, other: Signal<String>) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let who = move |yours: bool| {
        if yours {
            "You".to_string()
        } else {
            other.get()
        }
    };
    let said = conflict
        .options
        .iter()
        .zip(&conflict.yours)
        .map(|(label, &yours)| format!("{} chose {label}", who(yours)))
        .collect::<Vec<_>>()
        .join(" · ");
    let choices = conflict.options.clone();
    let yours = conflict.yours.clone();
    view! {
        <div class="conflict" data-testid="conflict" role="group" aria-label=conflict.label.clone()>
            <p><strong>{conflict.label.clone()}</strong>": "<span data-testid="conflict-said">{said}</span></p>
            <div class="conflict-choices">
                {choices.into_iter().zip(yours).enumerate().map(|(i, (label, mine))| {
                    let c = conflict.clone();
                    let text = if mine { format!("Keep mine: {label}") } else { format!("Use {}'s: {label}", other.get_untracked()) };
                    view! {
                        <button class="conflict-pick" data-testid="conflict-choice"
                            on:click=move |_| docs.resolve(&ctx.id.get_untracked(), &c, i)>{text}</button>
                    }
                }).collect_view()}
            </div>
        </div>
    }
}
