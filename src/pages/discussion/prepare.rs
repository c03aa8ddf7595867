//! Step 1: the leader's five questions to themselves, private to this device.

use career_core::model::method::{Indicator, PrepField};
use career_core::model::prep::PrepEdit;
use leptos::prelude::*;

use crate::components::icon::Lock;

use super::DiscussionCtx;
use crate::components::fields::{TextArea, TextInput};
use crate::services::DocStore;

#[component]
pub fn Prepare() -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    let prep_broken = move || ctx.prep.get().err().map(|e| e.to_string());
    let field = move |f: PrepField| ctx.prep_text(f);
    let questions = [
        PrepField::Potential,
        PrepField::Path,
        PrepField::Strengths,
        PrepField::Needs,
        PrepField::NextAssignment,
    ];

    view! {
        <p class="private-note" data-testid="private-note">
            <Lock />
            " Private: your preparation stays on this device and is never part of the shared discussion. "
            "During the conversation, use “Interject” to bring an answer into the shared record as your view."
        </p>
        {move || prep_broken().map(|e| view! { <div class="banner bad" role="alert">"Your preparation cannot be read: "{e}</div> })}
        <ol class="questions">
            {questions.into_iter().enumerate().map(|(n, f)| {
                let (value, text_field) = field(f);
                view! {
                    <li class="card question">
                        // The question itself is the heading (a title above it only said it twice).
                        <h2><span class="num">{n + 1}</span>" "{f.question()}</h2>
                        <p class="help">{f.help()}</p>
                        <TextArea value=value field=text_field testid=format!("prep-{}", f.as_key()) rows=3 aria_label=f.question() />
                        {(f == PrepField::Potential).then(|| view! { <Indicators /> })}
                        {(f == PrepField::NextAssignment).then(|| {
                            let (value, text_field) = field(PrepField::Timing);
                            view! {
                                <div class="timing">
                                    <TextInput value=value field=text_field testid="prep-timing"
                                        label=PrepField::Timing.question() placeholder=PrepField::Timing.help() />
                                </div>
                            }
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn Indicators() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    view! {
        <fieldset class="indicators">
            <legend>"Indicators you have seen"</legend>
            {Indicator::ALL.map(|i| view! {
                <label class="choice-option">
                    <input type="checkbox" data-testid=format!("indicator-{}", i.as_key())
                        prop:checked=move || ctx.with_prep(|p| p.indicators.get(i))
                        on:change=move |ev| docs.edit_prep(&ctx.id.get_untracked(), PrepEdit::Indicator(i, event_target_checked(&ev))) />
                    {i.label()}
                </label>
            }).collect_view()}
        </fieldset>
    }
}
