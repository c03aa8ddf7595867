//! The record for HR: agreed (signed by both) discussions only, as signed.

use career_core::model::method::Question;
use career_core::reports::hr;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::infra::clock;
use crate::services::Reports;

#[component]
pub fn HrPage() -> impl IntoView {
    let reports = expect_context::<Reports>();
    // Not a memo: the overview has no cheap equality, and is read once per change.
    let overview = move || reports.hr_overview();
    view! {
        <nav class="crumbs no-print"><A href="/">"People"</A>" › Record for HR"</nav>
        <p class="print-only"><strong>{format!("Career discussions: record for HR, {}", clock::today().human())}</strong></p>
        <div class="page-head">
            <h1>"Record for HR"</h1>
            <span class="sub">{format!("As of {}", clock::today().human())}</span>
        </div>
        <p class="hint no-print">
            "Only discussions both of you signed, exactly as signed. Your private preparation, the employee's private drafts and anything changed after signing are never included."
        </p>
        <div class="actions no-print">
            // A browser without printing has nothing to report.
            <button on:click=move |_| { let _ = window().print(); }>"Print"</button>
            <button data-testid="hr-csv" on:click=move |_| reports.download_hr(true)>"Download CSV"</button>
            <button data-testid="hr-json" on:click=move |_| reports.download_hr(false)>"Download JSON"</button>
        </div>
        {move || {
            let o = overview();
            let empty = o.records.is_empty().then(|| view! { <p class="empty">"No discussion has been signed by both sides yet."</p> });
            view! {
                {empty}
                {o.records.into_iter().map(|r| {
                    let d = r.discussion.clone();
                    view! {
                        <article class="card record hr-record" data-testid="hr-record" data-person=r.person.name.clone()>
                            <h2>{r.person.name.clone()}</h2>
                            <p class="sub">{[r.person.role.clone(), r.person.team.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}
                                {d.held_on.map(|h| format!(" · held on {}", h.human()))}</p>
                            <p class="signed" data-testid="hr-signed">{format!("Agreed: {} (leader) signed on {}; {} (employee) signed on {}.",
                                r.leader.name, r.leader.on.human(), r.employee.name, r.employee.on.human())}</p>
                            // "Willing" once: its answer, then its notes.
                            {hr::answers(&d).into_iter().filter(|(q, a)| !a.trim().is_empty() || (q == Question::Willing.title() && d.willing.is_some())).map(|(q, a)| {
                                let willing = (q == Question::Willing.title()).then_some(d.willing).flatten();
                                view! {
                                    <h4>{q}</h4>
                                    {willing.map(|w| view! { <p data-testid="hr-willing">{w.label()}</p> })}
                                    {(!a.trim().is_empty()).then(|| view! { <p class="prose">{a}</p> })}
                                }
                            }).collect_view()}
                            {(!d.leader_views.is_empty()).then(|| view! {
                                <h4>"Leader's views"</h4>
                                <ul>{d.leader_views.iter().map(|v| view! { <li class="prose">{format!("{}: {}", v.question.title(), v.text.as_str())}</li> }).collect_view()}</ul>
                            })}
                            <h4>"Plan"</h4>
                            <p>{format!("Track: {} · Readiness: {}", d.track.label(), d.readiness.map(|r| r.label()).unwrap_or("—"))}</p>
                            <ul>{d.actions.iter().map(|a| view! {
                                <li>{format!("{} — {}{}{}", a.text.as_str(), a.owner.name_in(&d), a.due.map(|d| format!(", due {}", d.human())).unwrap_or_default(), if a.done { " (done)" } else { "" })}</li>
                            }).collect_view()}</ul>
                            {(!d.notes.as_str().trim().is_empty()).then(|| view! { <h4>"Notes"</h4><p class="prose">{d.notes.as_str().to_string()}</p> })}
                        </article>
                    }
                }).collect_view()}
                {(!o.left_out.is_empty()).then(|| view! {
                    <section class="card left-out no-print" data-testid="hr-left-out">
                        <h2>"Not in the record"</h2>
                        <ul>{o.left_out.into_iter().map(|(name, day, why)| view! {
                            <li>{format!("{name}, discussion of {}: {why}", day.human())}</li>
                        }).collect_view()}</ul>
                    </section>
                })}
            }
        }}
    }
}

/// This page, loaded when first opened. A module of its own, loaded when first opened (see `components::lazy`): at build
/// time (`scripts/split.mjs`) everything only this function reaches moves into it.
#[leptos::wasm_split::wasm_split(hr, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn part() -> Result<crate::components::lazy::Part<()>, crate::components::lazy::NotLoaded> {
    Ok(|()| view! { <HrPage /> }.into_any())
}
