//! Step 3: the employee's self-view beside the leader's view.

use career_core::model::method::{AnswerField, PrepField};
use leptos::prelude::*;

use super::DiscussionCtx;

const ROWS: [(&str, AnswerField, PrepField); 4] = [
    ("Strengths", AnswerField::Strengths, PrepField::Strengths),
    (
        "Development needs",
        AnswerField::DevelopmentAreas,
        PrepField::Needs,
    ),
    (
        "Next assignment",
        AnswerField::NextAssignment,
        PrepField::NextAssignment,
    ),
    (
        "Timing",
        AnswerField::NextAssignmentTiming,
        PrepField::Timing,
    ),
];

#[component]
pub fn GapView() -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    let cell = |text: String| {
        if text.trim().is_empty() {
            view! { <td class="muted">"Not answered yet"</td> }.into_any()
        } else {
            view! { <td class="prose">{text}</td> }.into_any()
        }
    };
    view! {
        <p class="intro">"Where the two views differ is where the conversation is. The leader's column is your private preparation; it is shown here, on your device only."</p>
        <table class="gap" data-testid="gap-view">
            <thead><tr><th></th><th>"Employee's self-view"</th><th>"Leader's view " <span class="lock">"🔒"</span></th></tr></thead>
            <tbody>
                {ROWS.map(|(label, a, p)| view! {
                    <tr data-testid=format!("gap-{}", p.as_key())>
                        <th>{label}</th>
                        {move || cell(ctx.with(|d| d.answers.get(a).to_string()))}
                        {move || cell(ctx.with_prep(|pr| pr.get(p).to_string()))}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
