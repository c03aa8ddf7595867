//! Facilitation mode for the meeting itself, made for a tablet: one question per screen in
//! large type, the leader's preparation a tap away, progress, a quiet elapsed timer, and
//! large buttons or a swipe to move on.

use std::time::Duration;

use career_core::model::discussion::{DiscussionEdit, DiscussionText, Willing};
use career_core::model::method::{AnswerField, Question};
use career_core::Side;
use leptos::prelude::*;

use crate::components::icon::Lock;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::conversation::PrepSnippet;
use super::{capitalise, DiscussionCtx};
use crate::components::fields::{Choice, TextArea, TextInput};
use crate::services::DocStore;

#[component]
pub fn Meeting() -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    let query = use_query_map();
    let navigate = use_navigate();
    let index = Memo::new(move |_| {
        query
            .read()
            .get("q")
            .and_then(|q| q.parse::<usize>().ok())
            .map(|n| n.clamp(1, Question::ALL.len()) - 1)
            .unwrap_or(0)
    });
    let question = Memo::new(move |_| Question::ALL[index.get()]);
    let go = move |to: usize| {
        navigate(
            &format!(
                "/discussions/{}/meeting?q={}",
                ctx.id.get_untracked(),
                to + 1
            ),
            Default::default(),
        )
    };
    let go2 = go.clone();
    let prev = move || {
        let i = index.get_untracked();
        if i > 0 {
            go(i - 1)
        }
    };
    let next = move || {
        let i = index.get_untracked();
        if i + 1 < Question::ALL.len() {
            go2(i + 1)
        }
    };
    let (prev2, next2) = (prev.clone(), next.clone());

    // A quiet timer: minutes since the meeting screen opened.
    let started = js_sys::Date::now();
    let elapsed = RwSignal::new(0u64);
    if let Ok(handle) = set_interval_with_handle(
        move || elapsed.set(((js_sys::Date::now() - started) / 1000.0) as u64),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }

    let show_prep = RwSignal::new(false);
    let reminder = RwSignal::new(true);
    let touch_x = StoredValue::new(None::<(i32, i32)>);
    let on_touch_start = move |ev: leptos::ev::TouchEvent| {
        let t = ev.changed_touches().get(0);
        touch_x.set_value(t.map(|t| (t.client_x(), t.client_y())));
    };
    let on_touch_end = move |ev: leptos::ev::TouchEvent| {
        let (Some((x0, y0)), Some(t)) = (touch_x.get_value(), ev.changed_touches().get(0)) else {
            return;
        };
        let (dx, dy) = (t.client_x() - x0, t.client_y() - y0);
        // A clear horizontal swipe; vertical movement is scrolling.
        if dx.abs() > 60 && dx.abs() > 2 * dy.abs() {
            if dx < 0 {
                next2()
            } else {
                prev2()
            }
        }
    };

    let leader = move || ctx.perspective.get() == Side::Leader;
    view! {
        <div class="meeting" data-testid="meeting" on:touchstart=on_touch_start on:touchend=on_touch_end>
            <header class="meeting-bar">
                <span class="meeting-progress" data-testid="meeting-progress">
                    {move || format!("Question {} of {}", index.get() + 1, Question::ALL.len())}
                </span>
                <progress max=Question::ALL.len().to_string() value=move || (index.get() + 1).to_string() aria-label="Progress through the questions"></progress>
                <span class="meeting-timer" aria-label="Time elapsed" data-testid="meeting-timer">
                    {move || format!("{}:{:02}", elapsed.get() / 60, elapsed.get() % 60)}
                </span>
                <A href=move || format!("/discussions/{}/conversation", ctx.id.get()) attr:class="meeting-exit">"Exit"</A>
            </header>
            <Show when=move || reminder.get()>
                <p class="meeting-reminder" data-testid="meeting-reminder">
                    <span>"Keep this conversation uninterrupted: silence phones and notifications, and give it your full attention."</span>
                    <button class="small" on:click=move |_| reminder.set(false)>"OK"</button>
                </p>
            </Show>
            {move || {
                let q = question.get();
                view! { <MeetingQuestion question=q /> }
            }}
            <Show when=leader>
                <div class="meeting-prep">
                    <button class="big" data-testid="toggle-prep" aria-expanded=move || show_prep.get().to_string()
                        on:click=move |_| show_prep.update(|s| *s = !*s)>
                        <Lock />{move || if show_prep.get() { " Hide my preparation" } else { " Show my preparation (private)" }}
                    </button>
                    <Show when=move || show_prep.get()>
                        <div class="leader-side" data-testid="meeting-prep">
                            {move || {
                                let q = question.get();
                                q.leader_sources().iter().map(|f| view! { <PrepSnippet question=q field=*f /> }).collect_view()
                            }}
                        </div>
                    </Show>
                </div>
            </Show>
            <nav class="meeting-nav">
                <button class="big" data-testid="meeting-prev" disabled=move || index.get() == 0 on:click=move |_| prev()>"‹ Previous"</button>
                {move || if index.get() + 1 < Question::ALL.len() {
                    let next = next.clone();
                    view! { <button class="big primary" data-testid="meeting-next" on:click=move |_| next()>"Next ›"</button> }.into_any()
                } else {
                    let id = ctx.id.get();
                    view! { <A href=format!("/discussions/{id}/plan") attr:class="big-link primary" attr:data-testid="meeting-plan">"On to the plan ›"</A> }.into_any()
                }}
            </nav>
            <p class="sub meeting-hint">"Swipe left or right to move between questions."</p>

        </div>
    }
}

#[component]
fn MeetingQuestion(question: Question) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let field = AnswerField::of(question);
    let (value, text_field) = ctx.text(DiscussionText::Answer(field));
    let side = ctx.perspective.get_untracked();
    let leader = ctx.leader_name();
    let (answer_label, view_badge) = match side {
        Side::Leader => (
            "Answer, in the employee's words".to_string(),
            Signal::derive(|| "Your view".to_string()),
        ),
        Side::Employee => (
            "Your answer, in your words".to_string(),
            Signal::derive(move || format!("{}'s view", capitalise(&leader.get()))),
        ),
    };
    let views = Memo::new(move |_| {
        ctx.with(|d| {
            d.views_for(question)
                .map(|v| v.text.as_str().to_string())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="meeting-question">
            <h1 data-testid="meeting-title">{question.title()}</h1>
            <p class="meeting-prompt">{question.prompt()}</p>
            {(question == Question::Willing).then(|| {
                let willing = Memo::new(move |_| ctx.with(|d| d.willing));
                let set = Callback::new(move |w: Willing| docs.edit_discussion(&ctx.id.get_untracked(), DiscussionEdit::Willing(Some(w))));
                view! { <Choice options=Willing::ALL.map(|w| (w, w.label())).to_vec() value=willing on_change=set testid="meeting-willing" legend="Answer" /> }
            })}
            <TextArea value=value field=text_field testid="meeting-answer" label=answer_label rows=7 />
            {(question == Question::NextAssignment).then(|| {
                let (timing, timing_field) = ctx.text(DiscussionText::Answer(AnswerField::NextAssignmentTiming));
                view! { <TextInput value=timing field=timing_field testid="meeting-timing" label="When?" /> }
            })}
            {move || views.get().into_iter().map(|v| view! {
                <blockquote class="leader-view"><span class="badge leader">{view_badge}</span>" "{v}</blockquote>
            }).collect_view()}
        </section>
    }
}

/// Facilitation mode: one question per screen. A module of its own, loaded when first opened (see `components::lazy`): at build
/// time (`scripts/split.mjs`) everything only this function reaches moves into it.
#[leptos::wasm_split::wasm_split(meeting, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn part() -> Result<crate::components::lazy::Part<()>, crate::components::lazy::NotLoaded> {
    Ok(|()| view! { <Meeting /> }.into_any())
}
