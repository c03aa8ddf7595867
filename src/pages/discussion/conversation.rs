//! Step 2: the eight questions for the employee. Beside each, the leader's matching
//! preparation (private) with "Interject", which brings it into the shared record.

use career_core::model::discussion::{DiscussionEdit, DiscussionText, LeaderView, Willing};
use career_core::model::method::{AnswerField, PrepField, Question};
use career_core::Side;
use leptos::prelude::*;

use super::DiscussionCtx;
use crate::components::fields::{Choice, TextArea, TextInput};
use crate::infra::{clock, random};
use crate::services::{DocStore, Live};

#[component]
pub fn Conversation() -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    let (notes, notes_field) = ctx.text(DiscussionText::Notes);

    view! {
        <p class="intro">"Ask each question and listen. Refer to your preparation on the right and interject your view where it helps; interjected views become part of the shared record."</p>
        <ol class="questions">
            {Question::ALL.into_iter().enumerate().map(|(n, q)| view! { <QuestionCard n=n + 1 question=q /> }).collect_view()}
        </ol>
        <section class="card notes">
            <h3>"Shared notes"</h3>
            <p class="help">"Free-form notes from the conversation. Shared with the employee."</p>
            <TextArea value=notes field=notes_field testid="notes" rows=6 aria_label="Shared notes" />
        </section>
    }
}

#[component]
fn QuestionCard(n: usize, question: Question) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let live = expect_context::<Live>();
    let ctx = expect_context::<DiscussionCtx>();
    let (value, field) = ctx.text(DiscussionText::Answer(AnswerField::of(question)));
    let q = question.as_key();

    let answer = match question {
        Question::Willing => {
            let willing = Memo::new(move |_| ctx.with(|d| d.willing));
            let set = Callback::new(move |w: Willing| {
                docs.edit_discussion(&ctx.id.get_untracked(), DiscussionEdit::Willing(Some(w)))
            });
            view! {
                <Choice options=Willing::ALL.map(|w| (w, w.label())).to_vec() value=willing on_change=set testid="willing" legend="Answer" />
                <TextArea value=value field=field testid=format!("answer-{q}") label="Notes" rows=2 />
            }.into_any()
        }
        Question::NextAssignment => {
            let (timing, timing_field) = ctx.text(DiscussionText::Answer(AnswerField::NextAssignmentTiming));
            view! {
                <TextArea value=value field=field testid=format!("answer-{q}") rows=3 aria_label=question.prompt() />
                <TextInput value=timing field=timing_field testid="answer-next_assignment_timing" label="When would you like it?" placeholder="e.g. within a year" />
            }.into_any()
        }
        _ => {
            view! { <TextArea value=value field=field testid=format!("answer-{q}") rows=3 aria_label=question.prompt() /> }
                .into_any()
        }
    };

    let view_ids = Memo::new(move |_| {
        ctx.with(|d| {
            d.views_for(question)
                .map(|v| v.id.clone())
                .collect::<Vec<_>>()
        })
    });

    view! {
                <li class="card question conversation" data-testid=format!("question-{q}")
            on:focusin=move |_| live.focus(Some(q.to_string()))>
            <div class="employee-side">
                <h3><span class="num">{n}</span>" "{question.title()}</h3>
                <p class="prompt">{question.prompt()}</p>
                {answer}
                <For each=move || view_ids.get() key=|id| id.clone() let(vid)>
                    <LeaderViewItem id=vid />
                </For>
            </div>
                        {(ctx.perspective.get_untracked() == Side::Leader).then(|| view! {
                <aside class="leader-side" data-testid=format!("prep-aside-{q}")>
                    <h4><span class="lock">"🔒"</span>" Your preparation"</h4>
                    {question.leader_sources().iter().map(|f| view! { <PrepSnippet question=question field=*f /> }).collect_view()}
                </aside>
            })}
        </li>
    }
}

#[component]
pub fn PrepSnippet(question: Question, field: PrepField) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let text = Memo::new(move |_| ctx.with_prep(|p| p.interjection_text(field)));
    let already = Memo::new(move |_| {
        let t = text.get();
        ctx.with(|d| {
            d.views_for(question)
                .any(|v| v.source == field && v.text.as_str() == t)
        })
    });
    let interject = move |_| {
        let t = text.get_untracked();
        if t.trim().is_empty() {
            return;
        }
        docs.edit_discussion(
            &ctx.id.get_untracked(),
            DiscussionEdit::Interject(LeaderView {
                id: random::new_id(),
                question,
                source: field,
                text: t.into(),
                added_on: clock::today(),
            }),
        );
    };
    view! {
        <div class="prep-snippet">
            <div class="snippet-title">{field.title()}</div>
            {move || {
                let t = text.get();
                if t.trim().is_empty() {
                    view! { <p class="muted">"Not prepared yet."</p> }.into_any()
                } else {
                    view! { <p class="snippet-text">{t}</p> }.into_any()
                }
            }}
            <button class="small" data-testid=format!("interject-{}-{}", question.as_key(), field.as_key())
                disabled=move || text.with(|t| t.trim().is_empty()) || already.get()
                on:click=interject>
                {move || if already.get() { "Interjected" } else { "Interject" }}
            </button>
        </div>
    }
}

#[component]
fn LeaderViewItem(id: String) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let vid = StoredValue::new(id.clone());
    let find = move || {
        vid.with_value(|id| ctx.with(|d| d.leader_views.iter().find(|v| &v.id == id).cloned()))
    };
    let (text, field) = ctx.text(DiscussionText::LeaderView(id));
    let source = move || find().map(|v| v.source.title()).unwrap_or_default();
    view! {
        <div class="leader-view" data-testid="leader-view">
            <div class="leader-view-head">
                <span class="badge leader">"Leader's view"</span>
                <span class="sub">{source}</span>
                <button class="link" on:click=move |_| docs.edit_discussion(&ctx.id.get_untracked(), DiscussionEdit::RemoveLeaderView { id: vid.get_value() })>"Withdraw"</button>
            </div>
             <TextArea value=text field=field testid="leader-view-text" rows=2 aria_label="Leader's view" />
        </div>
    }
}
