//! Step 2: the eight questions for the employee, answered in the shared record.
//!
//! On the leader's device each question has the matching preparation beside it (private)
//! with "Interject", which shows the text that would be shared, lets the leader edit it,
//! and only then adds it to the shared record as the leader's view. On the employee's
//! device the leader's views are read-only text and nothing of the preparation exists.

use career_core::model::discussion::{DiscussionEdit, DiscussionText, LeaderView, Willing};
use career_core::model::method::{AnswerField, PrepField, Question};
use career_core::model::prep::with_line;
use career_core::Side;
use leptos::prelude::*;

use crate::components::icon::Lock;

use super::{capitalise, DiscussionCtx};
use crate::components::fields::{fit_height, Choice, TextArea, TextInput};
use crate::components::sheet::Sheet;
use crate::infra::{clock, random};
use crate::services::{DocStore, Live};

#[component]
pub fn Conversation() -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    let (notes, notes_field) = ctx.text(DiscussionText::Notes);
    let leader = ctx.leader_name();
    let employee = ctx.employee_name();
    let side = ctx.perspective.get_untracked();
    let docs = expect_context::<DocStore>();
    let paired = Memo::new(move |_| docs.is_paired(&ctx.id.get()));

    let intro = move || {
        match side {
        Side::Leader => "Ask each question and listen. Your preparation is on the right, on this device only. \
             Interject shows what would be shared and lets you edit it; only what you then add becomes part of the shared record."
            .to_string(),
        Side::Employee => format!(
            "The questions of your career discussion. What you write here goes into the shared record: {} \
             {}'s views appear under the question they belong to. To draft an answer privately first, use Reflect.",
            if paired.get() {
                format!("it reaches {}'s device by itself, as your devices are in sync.", leader.get())
            } else {
                format!("{} sees it when you send it with Share or work together live.", capitalise(&leader.get()))
            },
            capitalise(&leader.get()),
        ),
    }
    };
    let notes_help = move || match side {
        Side::Leader => format!(
            "Free-form notes from the conversation. Shared with {}.",
            employee.get()
        ),
        Side::Employee => format!(
            "Free-form notes from the conversation. Shared with {}.",
            leader.get()
        ),
    };

    view! {
        <p class="intro" data-testid="conversation-intro">{intro}</p>
        <ol class="questions">
            {Question::ALL.into_iter().enumerate().map(|(n, q)| view! { <QuestionCard n=n + 1 question=q /> }).collect_view()}
        </ol>
        <section class="card notes">
            <h2>"Shared notes"</h2>
            <p class="help" data-testid="notes-help">{notes_help}</p>
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
            class:solo=ctx.perspective.get_untracked() == Side::Employee
            on:focusin=move |_| live.focus(Some(q.to_string()))>
            <div class="employee-side">
                <h2><span class="num">{n}</span>" "{question.title()}</h2>
                <p class="prompt">{question.prompt()}</p>
                {answer}
                <For each=move || view_ids.get() key=|id| id.clone() let(vid)>
                    <LeaderViewItem id=vid />
                </For>
            </div>
            {(ctx.perspective.get_untracked() == Side::Leader).then(|| view! {
                <aside class="leader-side" data-testid=format!("prep-aside-{q}") aria-label=format!("Your preparation for: {}", question.title())>
                    <h3><Lock label="Private:" />" Your preparation"</h3>
                    {question.leader_sources().iter().map(|f| view! { <PrepSnippet question=question field=*f /> }).collect_view()}
                </aside>
            })}
        </li>
    }
}

/// One preparation answer beside a question, on the leader's device, with "Interject".
#[component]
pub fn PrepSnippet(question: Question, field: PrepField) -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    let text = Memo::new(move |_| ctx.with_prep(|p| p.interjection_text(field)));
    // The views already brought in from this answer for this question.
    let shared = Memo::new(move |_| {
        ctx.with(|d| {
            d.views_for(question)
                .filter(|v| v.source == field)
                .map(|v| v.text.as_str().to_string())
                .collect::<Vec<_>>()
        })
    });
    // "Interjected" only while a shared view says what the preparation says: after an
    // edit (there or in the preparation) the leader may bring it in again.
    let already = Memo::new(move |_| {
        shared.with(|views| {
            ctx.with_prep(|p| views.iter().any(|v| p.is_unedited_interjection(field, v)))
        })
    });
    let open = RwSignal::new(false);
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
                aria-haspopup="dialog"
                disabled=move || text.with(|t| t.trim().is_empty()) || already.get()
                on:click=move |_| open.set(true)>
                {move || if already.get() {
                    "Interjected"
                } else if shared.with(|s| !s.is_empty()) {
                    "Interject again…"
                } else {
                    "Interject…"
                }}
            </button>
            <Show when=move || open.get()>
                <InterjectSheet question=question field=field on_close=Callback::new(move |_| open.set(false)) />
            </Show>
        </div>
    }
}

/// What an interjection will share, shown before it is shared: the preparation text in an
/// editable box, the ticked indicators only when the leader includes them.
#[component]
fn InterjectSheet(question: Question, field: PrepField, on_close: Callback<()>) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let (plain, indicators) = untrack(|| {
        ctx.with_prep(|p| {
            (
                p.interjection_text(field),
                p.indicators_line()
                    .filter(|_| field == PrepField::Potential),
            )
        })
    });
    let employee = untrack(|| ctx.employee_name().get());
    let draft = RwSignal::new(plain);
    let include = RwSignal::new(false);
    let node = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        draft.track();
        if let Some(el) = node.get() {
            fit_height(&el);
        }
    });
    let add = move |ev: leptos::ev::MouseEvent| {
        let text = draft.get_untracked().trim().to_string();
        if text.is_empty() {
            // Keeps the sheet open: there is nothing to add.
            ev.prevent_default();
            return;
        }
        docs.edit_discussion(
            &ctx.id.get_untracked(),
            DiscussionEdit::Interject(LeaderView {
                id: random::new_id(),
                question,
                source: field,
                text: text.into(),
                added_on: clock::today(),
            }),
        );
    };
    let key = format!("{}-{}", question.as_key(), field.as_key());
    let title_id = format!("interject-title-{key}");
    let text_id = format!("interject-text-{key}");
    view! {
        <Sheet labelled_by=title_id.clone() testid="interject-sheet" on_close=on_close>
            <h2 id=title_id>"Share your view: "{field.title()}</h2>
            <p class="help">
                {format!("What you add becomes part of the shared record, under “{}”, and {employee} will see it. ", question.title())}
                "Edit it first if you like. Your preparation itself stays private and unchanged."
            </p>
            <label class="field-label" for=text_id.clone()>{format!("The text {employee} will see")}</label>
            <textarea id=text_id class="grow" rows=4 autofocus data-testid="interject-text" node_ref=node
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
            {indicators.map(|line| {
                let offered = line.clone();
                view! {
                    <label class="toggle interject-indicators">
                        <input type="checkbox" data-testid="interject-indicators"
                            prop:checked=move || include.get()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                include.set(on);
                                draft.update(|t| *t = with_line(t, &line, on));
                            } />
                        "Include indicators"
                        <span class="sub">{format!("(adds “{offered}”)")}</span>
                    </label>
                }
            })}
            <div class="sheet-actions">
                <button type="submit" value="cancel" data-testid="interject-cancel">"Cancel"</button>
                <button type="submit" value="add" class="primary" data-testid="interject-add"
                    disabled=move || draft.with(|t| t.trim().is_empty())
                    on:click=add>"Add to the shared record"</button>
            </div>
        </Sheet>
    }
}

/// A view the leader brought in: theirs to edit or withdraw on their device, read-only
/// text on the employee's.
#[component]
fn LeaderViewItem(id: String) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let ctx = expect_context::<DiscussionCtx>();
    let vid = StoredValue::new(id.clone());
    let source = Memo::new(move |_| {
        vid.with_value(|id| {
            ctx.with(|d| {
                d.leader_views
                    .iter()
                    .find(|v| &v.id == id)
                    .map(|v| v.source.shared_title())
                    .unwrap_or_default()
            })
        })
    });
    let (text, field) = ctx.text(DiscussionText::LeaderView(id));
    let body = match ctx.perspective.get_untracked() {
        Side::Leader => view! {
            <div class="leader-view-head">
                <span class="badge leader">"Your view, shared"</span>
                <span class="sub">{source}</span>
                <button class="link" data-testid="withdraw-view"
                    on:click=move |_| docs.edit_discussion(&ctx.id.get_untracked(), DiscussionEdit::RemoveLeaderView { id: vid.get_value() })>"Withdraw"</button>
            </div>
            <TextArea value=text field=field testid="leader-view-text" rows=2 grow=true aria_label="Your shared view" />
        }
        .into_any(),
        Side::Employee => {
            let leader = ctx.leader_name();
            view! {
                <div class="leader-view-head">
                    <span class="badge leader">{move || format!("{}'s view", capitalise(&leader.get()))}</span>
                    <span class="sub">{source}</span>
                </div>
                <p class="prose leader-view-text" data-testid="leader-view-text">{text}</p>
            }
            .into_any()
        }
    };
    view! { <div class="leader-view" data-testid="leader-view">{body}</div> }
}
