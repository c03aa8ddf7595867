//! The employee's reflection: the eight questions as prompts, answered privately first.
//! "Publish" copies a draft into the shared record; until then nobody else sees it.

use career_core::model::method::{AnswerField, Question};
use leptos::prelude::*;

use career_core::storage::workspace::TextField;

use super::DiscussionCtx;
use crate::components::fields::TextArea;
use crate::services::{DocStore, Sharing};

#[component]
pub fn Reflect() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    // Reading never stores anything: an employee who has typed nothing has no document yet.
    let reflection = Memo::new(move |_| docs.reflection(&ctx.id.get()));
    view! {
        <p class="private-note" data-testid="reflection-note">
            <span class="lock">"🔒"</span>
            " Your reflection is private to this device. Publish an answer when you want "
            {move || sharing.other_party(&ctx.id.get())} " to see it; send it with Share."
        </p>
        <ol class="questions">
            {Question::ALL.into_iter().enumerate().map(|(n, q)| {
                let f = AnswerField::of(q);
                let draft = Memo::new(move |_| reflection.with(|r| r.as_ref().map(|r| r.answers.get(f).to_string()).unwrap_or_default()));
                let shared = Memo::new(move |_| ctx.with(|d| d.answers.get(f).to_string()));
                let field = TextField::Draft(ctx.id.get_untracked(), f);
                view! {
                    <li class="card question">
                        <h3><span class="num">{n + 1}</span>" "{q.title()}</h3>
                        <p class="prompt">{q.prompt()}</p>
                        <TextArea value=draft field=field testid=format!("reflect-{}", q.as_key()) rows=3 aria_label=format!("Your private draft: {}", q.prompt()) />
                        <div class="publish-row">
                            <button class="small" data-testid=format!("publish-{}", q.as_key())
                                disabled=move || draft.get().trim().is_empty() || draft.get() == shared.get()
                                on:click=move |_| docs.publish(&ctx.id.get_untracked(), f)>"Publish"</button>
                            <span class="sub" data-testid=format!("publish-state-{}", q.as_key())>
                                {move || if shared.get().is_empty() { "Not shared yet".to_string() }
                                    else if shared.get() == draft.get() { "Published".to_string() }
                                    else { format!("Shared answer: {}", shared.get()) }}
                            </span>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
