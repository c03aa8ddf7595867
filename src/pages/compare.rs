//! Year over year on a person's page: two of their discussions side by side.

use career_core::model::discussion::Discussion;
use career_core::reports::over_time::{self, Outcome, Run};
use leptos::prelude::*;

use crate::services::Reports;

fn label(d: &Discussion) -> String {
    match d.held_on {
        Some(h) => format!("Held {}", h.human()),
        None => format!("Started {} (not held)", d.created_on.human()),
    }
}

fn runs(v: Vec<Run>, class: &'static str) -> impl IntoView {
    if v.iter().all(|r| r.text.trim().is_empty()) {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    v.into_iter()
        .map(|r| {
            if r.changed {
                view! { <mark class=class>{r.text}</mark> }.into_any()
            } else {
                view! { <span>{r.text}</span> }.into_any()
            }
        })
        .collect_view()
        .into_any()
}

/// Shown when a person has at least two readable discussions.
#[component]
pub fn CompareDiscussions(person_id: String) -> impl IntoView {
    let reports = expect_context::<Reports>();
    let pid = person_id.clone();
    let discussions = Memo::new(move |_| {
        let mut list = reports.discussions_of(Some(std::slice::from_ref(&pid)));
        list.sort_by_key(|d| (d.held_on.unwrap_or(d.created_on), d.created_on));
        list
    });
    // Indices into the (oldest first) list; by default the two latest.
    let earlier = RwSignal::new(None::<usize>);
    let later = RwSignal::new(None::<usize>);
    move || {
        let list = discussions.get();
        if list.len() < 2 {
            return None;
        }
        let n = list.len();
        let e = earlier.get().filter(|&i| i < n).unwrap_or(n - 2);
        let l = later.get().filter(|&i| i < n).unwrap_or(n - 1);
        let (a, b) = (&list[e], &list[l]);
        let options = |selected: usize| {
            list.iter()
                .enumerate()
                .map(|(i, d)| view! { <option value=i.to_string() selected=i == selected>{label(d)}</option> })
                .collect_view()
        };
        let rows = over_time::compare(a, b);
        let actions = over_time::earlier_actions(a, b)
            .into_iter()
            .map(|(act, outcome)| {
                let (class, text) = match outcome {
                    Outcome::Done => ("done", "Done".to_string()),
                    Outcome::CarriedOver { done: true } => ("done", "Carried over, done since".to_string()),
                    Outcome::CarriedOver { done: false } => ("open", "Carried over, still open".to_string()),
                    Outcome::StillOpen => ("open", "Not done".to_string()),
                };
                view! {
                    <li data-testid="compare-action">
                        <span class=format!("badge {class}")>{text}</span>" "{act.text.as_str().to_string()}
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="card compare" data-testid="compare">
                <h2>"Year over year"</h2>
                <div class="row no-print">
                    <label>"Earlier"
                        <select data-testid="compare-earlier" on:change=move |ev| earlier.set(event_target_value(&ev).parse().ok())>{options(e)}</select>
                    </label>
                    <label>"Later"
                        <select data-testid="compare-later" on:change=move |ev| later.set(event_target_value(&ev).parse().ok())>{options(l)}</select>
                    </label>
                </div>
                <table class="compare-table">
                    <thead><tr><th scope="col"><span class="visually-hidden">"Topic"</span></th><th scope="col">{label(a)}</th><th scope="col">{label(b)}</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr data-testid="compare-row" data-label=r.label class:same=r.same>
                                <th scope="row">{r.label}</th>
                                <td class="prose" data-testid="compare-earlier-text">{if r.earlier.is_empty() { view! { <span class="muted">"Not answered"</span> }.into_any() } else { runs(r.earlier, "was").into_any() }}</td>
                                <td class="prose" data-testid="compare-later-text">{if r.later.is_empty() { view! { <span class="muted">"Not answered"</span> }.into_any() } else { runs(r.later, "now").into_any() }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="hint">"Words only in the earlier discussion are struck through; words new in the later one are highlighted."</p>
                <h3>{format!("Actions from the earlier discussion ({})", label(a))}</h3>
                <ul class="compare-actions">{actions}</ul>
            </section>
        })
    }
}

/// One person's discussions year over year. A module of its own, loaded when first opened (see `components::lazy`): at build
/// time (`scripts/split.mjs`) everything only this function reaches moves into it.
#[leptos::wasm_split::wasm_split(compare, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn part() -> Result<crate::components::lazy::Part<String>, crate::components::lazy::NotLoaded> {
    Ok(|person_id| view! { <CompareDiscussions person_id /> }.into_any())
}
