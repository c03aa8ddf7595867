//! The shared record on one page, for reading and printing.

use career_core::method::{AnswerField, Question};
use leptos::prelude::*;

use super::DiscussionCtx;

#[component]
pub fn Record() -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    move || {
        ctx.disc.get().ok().map(|d| {
            let when = d.held_on.map(|h| format!("Held on {}", h.human())).unwrap_or_else(|| "Not held yet".into());
            view! {
                <article class="record" data-testid="record">
                    <p class="no-print"><button on:click=move |_| { let _ = leptos::prelude::window().print(); }>"Print"</button></p>
                    <h2>"Career discussion: " {d.employee.name.clone()}</h2>
                    <p class="sub">{format!("{} · Leader: {} · {}", d.employee.role, if d.manager.name.is_empty() { "—" } else { &d.manager.name }, when)}</p>
                    {Question::ALL.into_iter().enumerate().map(|(n, q)| {
                        let answer = d.answers.get(AnswerField::of(q)).to_string();
                        let views: Vec<String> = d.views_for(q).map(|v| v.text.as_str().to_string()).collect();
                        view! {
                            <section class="record-q">
                                <h4>{format!("{}. {}", n + 1, q.title())}</h4>
                                {(q == Question::Willing).then(|| view! { <p><strong>{d.willing.map(|w| w.label()).unwrap_or("—")}</strong></p> })}
                                <p class="prose">{if answer.trim().is_empty() { "—".to_string() } else { answer }}</p>
                                {(q == Question::NextAssignment).then(|| view! { <p>"When: " {d.answers.get(AnswerField::NextAssignmentTiming).to_string()}</p> })}
                                {views.into_iter().map(|v| view! { <blockquote class="leader-view"><span class="badge leader">"Leader's view"</span>" "{v}</blockquote> }).collect_view()}
                            </section>
                        }
                    }).collect_view()}
                    <h3>"Notes"</h3>
                    <p class="prose">{d.notes.as_str().to_string()}</p>
                    <h3>"Plan"</h3>
                    <p>{format!("Track: {} · Readiness: {}", d.track.label(), d.readiness.map(|r| r.label()).unwrap_or("—"))}</p>
                    <ul>
                        {d.actions.iter().map(|a| view! {
                            <li>{format!("[{}] {} — {}{}", if a.done { "x" } else { " " }, a.text.as_str(), a.owner.label(), a.due.map(|d| format!(", due {}", d.human())).unwrap_or_default())}</li>
                        }).collect_view()}
                    </ul>
                </article>
            }
        })
    }
}
