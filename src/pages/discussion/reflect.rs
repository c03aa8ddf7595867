//! The employee's reflection: the eight questions as prompts, answered privately first.
//! "Publish" puts a draft into the shared record; until then nobody else sees it. When the
//! shared answer holds words the draft does not (the leader wrote them during the talk),
//! the employee sees it in full and chooses: add theirs after it (under their name), edit
//! the shared answer (what they type is then an edit of it), or replace it after seeing
//! exactly what goes. Every choice shows the answer as it will read before it is made.

use career_core::model::method::{AnswerField, Question};
use career_core::text::words::{Mark, WordDiff};
use career_core::workspace::{Publish, PublishCheck, TextField};
use leptos::prelude::*;

use crate::components::icon::Lock;

use super::DiscussionCtx;
use crate::components::fields::TextArea;
use crate::components::sheet::Sheet;
use crate::services::{DocStore, Sharing};

/// "1 word", "5 words".
pub fn words(n: usize) -> String {
    format!("{n} {}", if n == 1 { "word" } else { "words" })
}

/// When the leader sees what the employee publishes, in words that match what happens.
pub fn when_they_see(paired: bool, leader: &str) -> String {
    if paired {
        format!("Publishing sends it to {leader} now: your devices are in sync.")
    } else {
        format!("{leader} sees it when you send it with Share.")
    }
}

#[component]
pub fn Reflect() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    let edits = Memo::new(move |_| docs.draft_edits(&ctx.id.get()));
    let paired = Memo::new(move |_| docs.is_paired(&ctx.id.get()));
    view! {
        <p class="private-note" data-testid="reflection-note">
            <Lock />
            " Your reflection is private to this device: nobody sees a draft. Publish an answer when you want "
            {move || sharing.other_party(&ctx.id.get())} " to see it. "
            {move || when_they_see(paired.get(), &sharing.other_party(&ctx.id.get()))}
        </p>
        <ol class="questions">
            {Question::ALL.into_iter().enumerate().map(|(n, q)| view! { <ReflectQuestion n=n + 1 question=q edits=edits /> }).collect_view()}
        </ol>
    }
}

/// Where a draft stands against the shared answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Empty,
    NotShared,
    /// Its own text, different from the shared answer.
    Differs,
    Published,
    /// An edit of the shared answer with something typed that is not published.
    EditPending,
    /// Published as it was, and the leader changed the shared answer since.
    ChangedSince,
}

#[component]
fn ReflectQuestion(
    n: usize,
    question: Question,
    edits: Memo<Vec<(AnswerField, bool)>>,
) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    let q = question;
    let f = AnswerField::of(q);
    let key = q.as_key();
    let field = TextField::Draft(ctx.id.get_untracked(), f);
    let draft = DiscussionCtx::value_of(&field);
    let shared = Memo::new(move |_| ctx.with(|d| d.answers.get(f).to_string()));
    let edit = Memo::new(move |_| edits.with(|e| e.iter().find(|(x, _)| *x == f).map(|(_, p)| *p)));
    let state = Memo::new(move |_| {
        let (d, s) = (draft.get(), shared.get());
        match edit.get() {
            Some(true) => State::EditPending,
            Some(false) if d == s => State::Published,
            Some(false) => State::ChangedSince,
            None if d.trim().is_empty() => State::Empty,
            None if d == s => State::Published,
            None if s.trim().is_empty() => State::NotShared,
            None => State::Differs,
        }
    });
    // The sheet, open when publishing asks for a choice or a confirmation.
    let sheet = RwSignal::new(None::<PublishCheck>);
    let confirm = RwSignal::new(false);
    // The confirmation replaces the focused button: the focus moves to its own button.
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let (true, Some(button)) = (confirm.get(), confirm_button.get()) {
            let _ = button.focus();
        }
    });
    let close = move || {
        sheet.set(None);
        confirm.set(false);
    };
    let publish = move |_| {
        let id = ctx.id.get_untracked();
        if state.get_untracked() == State::ChangedSince {
            docs.rebase_draft(&id, f);
            return;
        }
        match docs.publish_check(&id, f) {
            // An edit that removes words of the shared answer: confirmed first.
            Ok(check) if check.edits_shared && check.removed_words > 0 => {
                confirm.set(true);
                sheet.set(Some(check));
            }
            Ok(check) if !check.edits_shared && check.removed_words > 0 => sheet.set(Some(check)),
            _ => docs.publish(&id, f, Publish::Draft),
        }
    };
    // The sheet closes itself after a submit button's handler (see `Sheet`).
    let choose = move |how: Option<Publish>| {
        let id = ctx.id.get_untracked();
        match how {
            Some(how) => docs.publish(&id, f, how),
            None => docs.draft_from_shared(&id, f),
        }
    };
    let other = move || sharing.other_party(&ctx.id.get());
    view! {
        <li class="card question">
            <h2><span class="num">{n}</span>" "{q.title()}</h2>
            <p class="prompt">{q.prompt()}</p>
            <TextArea value=draft field=field testid=format!("reflect-{key}") rows=3 aria_label=format!("Your private draft: {}", q.prompt()) />
            <Show when=move || { let s = shared.get(); !s.trim().is_empty() && s != draft.get() }>
                <div class="shared-answer" data-testid=format!("shared-answer-{key}")>
                    <div class="snippet-title">"In the shared record now"</div>
                    <p class="prose">{move || shared.get()}</p>
                </div>
            </Show>
            <div class="publish-row">
                <button data-testid=format!("publish-{key}")
                    disabled=move || matches!(state.get(), State::Empty | State::Published)
                    on:click=publish>{move || if state.get() == State::ChangedSince { "Update my draft" } else { "Publish" }}</button>
                <span class="sub" data-testid=format!("publish-state-{key}")>
                    {move || match state.get() {
                        State::Empty | State::NotShared => "Not shared yet".to_string(),
                        State::Published => "Published".to_string(),
                        State::Differs => "Your draft differs from the shared answer".to_string(),
                        State::EditPending => "Your edit of the shared answer is not published yet".to_string(),
                        State::ChangedSince => format!("{} changed the shared answer since you published", other()),
                    }}
                </span>
            </div>
            {move || sheet.with(Option::is_some).then(|| {
                let title = format!("publish-sheet-title-{key}");
                let check = sheet.get().expect("open");
                let editing = check.edits_shared;
                view! {
                    <Sheet labelled_by=title.clone() testid=format!("publish-sheet-{key}") on_close=Callback::new(move |_| close())>
                        <h2 id=title>{if editing { "Your edit removes words of the shared answer" } else { "The shared answer has words your draft does not" }}</h2>
                        <Show when=move || !confirm.get() fallback=move || sheet.get().map(|check| view! {
                            <div class="confirm" data-testid="publish-confirm">
                                <p><strong>{format!("{} {} of the shared answer:", if check.edits_shared { "Publishing your edit removes" } else { "Replacing removes" }, words(check.removed_words))}</strong></p>
                                <p class="prose tracked">{removed_view(&check.removes)}</p>
                                <p class="help">"The shared answer will then read:"</p>
                                <p class="prose result" data-testid="publish-result">{check.as_is.clone()}</p>
                                <p class="help">{format!("When {} takes in what you share, their review shows these words struck through.", other())}</p>
                                <div class="sheet-actions">
                                    {(!check.edits_shared).then(|| view! {
                                        <button type="button" class="secondary" data-testid="publish-back" on:click=move |_| confirm.set(false)>"Back"</button>
                                    })}
                                    {check.edits_shared.then(|| view! {
                                        <button type="submit" value="cancel" class="secondary" data-testid="publish-cancel">"Cancel"</button>
                                    })}
                                    <button type="submit" class="danger" data-testid="publish-replace-confirm" node_ref=confirm_button
                                        on:click=move |_| choose(Some(if editing { Publish::Draft } else { Publish::Replace }))>
                                        {if check.edits_shared { "Publish my edit" } else { "Replace the shared answer" }}
                                    </button>
                                </div>
                            </div>
                        })>
                            <p class="help">"In the shared record now:"</p>
                            <p class="prose shared-now">{move || shared.get()}</p>
                            <p class="help">"Your draft:"</p>
                            <p class="prose" data-testid="publish-draft">{check.draft.clone()}</p>
                            <p>"How should your draft go in? Nothing is removed unless you choose to replace."</p>
                            <div class="publish-choice">
                                <button type="submit" class="primary" autofocus data-testid="publish-add" on:click=move |_| choose(Some(Publish::AddMine))>"Add mine after it"</button>
                                <p class="help">"The shared answer will read:"</p>
                                <p class="prose result" data-testid="publish-add-result">{check.add_mine.clone()}</p>
                            </div>
                            <div class="sheet-actions">
                                <button type="submit" data-testid="publish-edit" on:click=move |_| choose(None)>"Edit the shared answer"</button>
                                <button type="button" data-testid="publish-replace" on:click=move |_| confirm.set(true)>"Replace it…"</button>
                                <button type="submit" value="cancel" data-testid="publish-cancel">"Cancel"</button>
                            </div>
                        </Show>
                    </Sheet>
                }
            })}
        </li>
    }
}

/// The shared answer with the words a replacement removes struck through.
fn removed_view(removes: &WordDiff) -> AnyView {
    match removes {
        WordDiff::Pieces(pieces) => pieces
            .iter()
            .filter(|p| p.mark != Mark::Added)
            .map(|p| match p.mark {
                Mark::Removed => {
                    view! { <del data-testid="publish-removes">{p.text.clone()}</del> }.into_any()
                }
                _ => view! { <span>{p.text.clone()}</span> }.into_any(),
            })
            .collect_view()
            .into_any(),
        WordDiff::Large { removed, .. } => {
            view! { <span>{format!("a long stretch of {}", words(*removed))}</span> }.into_any()
        }
    }
}
