//! Step 3, the gap view: the employee's words beside the leader's view. First the method's
//! central gap — the employee's aspirations beside the leader's view of how far they can
//! go and what it takes — then strengths, development needs, the next assignment and when.
//!
//! The leader's column holds what the leader shared (their interjected views, from any
//! question) on both devices; on the leader's device also the preparation that is still
//! private, marked as such. The employee's device has no preparation to show.

use career_core::model::method::{AnswerField, PrepField};
use career_core::Side;
use leptos::prelude::*;

use crate::components::icon::Lock;

use super::{capitalise, DiscussionCtx};

struct Row {
    /// Names the row in `data-testid="gap-{key}"`.
    key: &'static str,
    label: &'static str,
    answer: AnswerField,
    prep: PrepField,
}

const ROWS: [Row; 6] = [
    Row {
        key: "short_term",
        label: "Short-term aspirations",
        answer: AnswerField::ShortTerm,
        prep: PrepField::Path,
    },
    Row {
        key: "long_term",
        label: "Longer-term aspirations",
        answer: AnswerField::LongTerm,
        prep: PrepField::Potential,
    },
    Row {
        key: "strengths",
        label: "Strengths",
        answer: AnswerField::Strengths,
        prep: PrepField::Strengths,
    },
    Row {
        key: "needs",
        label: "Development needs",
        answer: AnswerField::DevelopmentAreas,
        prep: PrepField::Needs,
    },
    Row {
        key: "next_assignment",
        label: "Next assignment",
        answer: AnswerField::NextAssignment,
        prep: PrepField::NextAssignment,
    },
    Row {
        key: "timing",
        label: "Timing",
        answer: AnswerField::NextAssignmentTiming,
        prep: PrepField::Timing,
    },
];

#[component]
pub fn GapView() -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    let side = ctx.perspective.get_untracked();
    let leader = ctx.leader_name();
    let employee = ctx.employee_name();
    let (intro, words, view_of) = match side {
        Side::Leader => (
            Signal::derive(move || {
                format!(
                "Where the two views differ is where the conversation is. Beside the answers in the shared record: what you shared with {} \
                 and your preparation that is still private, marked “only on your device”.",
                employee.get()
            )
            }),
            Signal::derive(|| "The shared record".to_string()),
            Signal::derive(|| "Your view and your preparation".to_string()),
        ),
        Side::Employee => (
            Signal::derive(move || {
                format!(
                "Where the two views differ is where the conversation is. Beside the answers in the shared record: \
                 the views {} has shared with you.",
                leader.get()
            )
            }),
            Signal::derive(|| "The shared record".to_string()),
            Signal::derive(move || format!("{}'s shared views", capitalise(&leader.get()))),
        ),
    };
    view! {
        <p class="intro">{intro}</p>
        <table class="gap" data-testid="gap-view">
            <thead><tr><th scope="col"><span class="visually-hidden">"Topic"</span></th><th scope="col">{words}</th><th scope="col">{view_of}</th></tr></thead>
            <tbody>
                {ROWS.iter().map(|row| {
                    let answer = row.answer;
                    view! {
                        <tr data-testid=format!("gap-{}", row.key)>
                            <th scope="row">{row.label}</th>
                            {move || {
                                let text = ctx.with(|d| d.answers.get(answer).to_string());
                                if text.trim().is_empty() {
                                    view! { <td class="muted" data-testid="gap-answer">"Not answered in the shared record yet"</td> }.into_any()
                                } else {
                                    view! { <td class="prose" data-testid="gap-answer">{text}</td> }.into_any()
                                }
                            }}
                            <LeaderCell prep=row.prep />
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The leader's side of one row: the views shared from `prep`, and on the leader's device
/// the preparation itself while it says something not shared as it stands.
#[component]
fn LeaderCell(prep: PrepField) -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    let leader_device = ctx.perspective.get_untracked() == Side::Leader;
    let shared = Memo::new(move |_| {
        ctx.with(|d| {
            let mut texts: Vec<String> = Vec::new();
            for v in d.leader_views.iter().filter(|v| v.source == prep) {
                let t = v.text.as_str().trim();
                if !t.is_empty() && !texts.iter().any(|s| s == t) {
                    texts.push(t.to_string());
                }
            }
            texts
        })
    });
    let private = Memo::new(move |_| {
        if !leader_device {
            return None;
        }
        shared.with(|views| {
            ctx.with_prep(|p| {
                let text = p.interjection_text(prep);
                let as_shared = views.iter().any(|v| p.is_unedited_interjection(prep, v));
                (!text.is_empty() && !as_shared).then_some(text)
            })
        })
    });
    let leader = ctx.leader_name();
    let nothing = move || {
        if leader_device {
            "Not prepared or shared yet".to_string()
        } else {
            format!(
                "{} has not shared a view on this yet",
                capitalise(&leader.get())
            )
        }
    };
    view! {
        <td class="gap-leader" data-testid="gap-leader">
            <div class="gap-source">{prep.shared_title()}</div>
            {move || shared.get().into_iter().map(|t| view! {
                {leader_device.then(|| view! { <span class="badge ok gap-badge">"Shared"</span> })}
                <p class="prose gap-shared" data-testid="gap-shared">{t}</p>
            }).collect_view()}
            {move || private.get().map(|t| view! {
                <div class="gap-private" data-testid="gap-private">
                    <div class="gap-private-head"><Lock />" Your preparation, only on your device"</div>
                    <p class="prose">{t}</p>
                </div>
            })}
            {move || (shared.with(|s| s.is_empty()) && private.with(|p| p.is_none())).then(|| view! {
                <p class="muted" data-testid="gap-none">{nothing}</p>
            })}
        </td>
    }
}
