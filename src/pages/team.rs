//! The team picture: people placed by development track and readiness, and a 12-month
//! timeline of who is due when. Drawn as SVG by the app; each drawing has a table with the
//! same facts for screen readers (and for anyone who prefers a table).

use career_core::model::discussion::{Readiness, Track};
use career_core::reports::schedule::DueStatus;
use career_core::reports::team::{self, Placement};
use career_core::Day;
use leptos::prelude::*;
// The reactive `Track` trait, shadowed by the development track below.
use leptos_router::components::A;

use crate::components::calendar::CalendarDownload;
use crate::infra::clock;
use crate::services::{DocStore, Reports};

const READINESS: [Option<Readiness>; 4] = [
    Some(Readiness::ReadyNow),
    Some(Readiness::OneToTwoYears),
    Some(Readiness::ThreeToFiveYears),
    None,
];

fn readiness_label(r: Option<Readiness>) -> &'static str {
    r.map(|r| r.label()).unwrap_or("Not set")
}

fn status_class(s: DueStatus) -> &'static str {
    match s {
        DueStatus::Overdue(_) => "overdue",
        DueStatus::DueSoon(_) => "soon",
        DueStatus::NotYetHeld => "new",
        DueStatus::OnTrack => "ok",
    }
}

fn status_text(p: &Placement) -> String {
    match p.status {
        DueStatus::Overdue(days) => format!("overdue by {days} days (due {})", p.next_due.human()),
        DueStatus::DueSoon(days) => format!("due in {days} days ({})", p.next_due.human()),
        DueStatus::NotYetHeld => format!("no discussion yet (due {})", p.next_due.human()),
        DueStatus::OnTrack => format!("due {}", p.next_due.human()),
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let reports = expect_context::<Reports>();
    let picture = Memo::new(move |_| {
        let Ok(roster) = docs.roster() else {
            return vec![];
        };
        let discussions = reports.discussions_of(None);
        docs.with_index(|i| team::picture(&roster, i, &discussions, clock::today()))
    });
    let today = clock::today();
    view! {
        <nav class="crumbs"><A href="/">"People"</A>" › Team picture"</nav>
        <p class="print-only"><strong>{format!("Team picture, {}", today.human())}</strong></p>
        <div class="page-head">
            <h1>"Team picture"</h1>
            <span class="sub">{format!("As of {}", today.human())}</span>
            <button class="no-print" on:click=move |_| {
                // A browser without printing has nothing to report.
                let _ = window().print();
            }>"Print"</button>
        </div>
        {move || {
            let p = picture.get();
            if p.is_empty() {
                return view! { <p class="empty">"No one here yet. Add the people you manage first."</p> }.into_any();
            }
            view! {
                <Grid picture=p.clone() />
                <Timeline picture=p today=today />
                <CalendarDownload filename=career_core::reports::file_names::TEAM_CALENDAR.to_string() />
            }.into_any()
        }}
    }
}

/// Track (rows) × readiness (columns), a chip per person: a table, so it reads the same to
/// a screen reader, and its names keep their size and wrap on a tablet.
#[component]
fn Grid(picture: Vec<Placement>) -> impl IntoView {
    let rows = Track::ALL.iter().map(|&t| view! {
        <tr>
            <th scope="row">{t.label()}</th>
            {READINESS.iter().map(|&r| {
                let people = team::in_cell(&picture, t, r);
                let label = format!("{}, readiness {}", t.label(), readiness_label(r).to_lowercase());
                view! {
                    <td>
                        {if people.is_empty() {
                            view! { <span class="empty-cell" aria-label=format!("{label}: no one")>"—"</span> }.into_any()
                        } else {
                            view! {
                                <ul class="chips" aria-label=label>
                                    {people.into_iter().map(|p| view! {
                                        <li class=format!("chip {}", status_class(p.status)) data-testid="team-chip"
                                            data-name=p.name.clone() data-track=t.label() data-readiness=readiness_label(r)>
                                            <span class="dot" aria-hidden="true"></span>{p.name.clone()}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </td>
                }
            }).collect_view()}
        </tr>
    }).collect_view();
    view! {
        <section class="card team-figure">
            <h2 id="grid-title">"Development track and readiness"</h2>
            <p class="sub">"From each person's latest discussion."</p>
            <table class="team-grid" data-testid="team-grid" aria-labelledby="grid-title">
                <thead><tr><th scope="col">"Track"</th>
                    {READINESS.iter().map(|&r| view! { <th scope="col">{readiness_label(r)}</th> }).collect_view()}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The next 12 months, a row per person, a dot on the due date; overdue at the left edge.
#[component]
fn Timeline(picture: Vec<Placement>, today: Day) -> impl IntoView {
    // Text sized for the drawing shrunk to a tablet's width (about two thirds).
    const LEFT: f64 = 250.0;
    const WIDTH: f64 = 760.0;
    const ROW: f64 = 42.0;
    const TOP: f64 = 60.0;
    /// Room after the last month line for its label and a dot on it.
    const RIGHT: f64 = 56.0;
    let height = TOP + ROW * picture.len() as f64 + 12.0;
    let months = (0..=12)
        .map(|m| {
            let day = today.add_months(m);
            let x = LEFT + WIDTH * team::timeline_position(today, day).unwrap_or(1.0);
            // The month in the browser's language; the year above it where it starts or
            // changes.
            let month = clock::month_name(day);
            let year = (m == 0 || day.month() == 1).then(|| day.year().to_string());
            view! {
                <g class="month">
                    <line x1=x y1=TOP - 8.0 x2=x y2=height - 8.0 />
                    <text x=x + 3.0 y=TOP - 14.0>{month}</text>
                    {year.map(|y| view! { <text class="year" x=x + 3.0 y=TOP - 34.0>{y}</text> })}
                </g>
            }
        })
        .collect_view();
    let rows = picture.iter().enumerate().map(|(i, p)| {
        let y = TOP + ROW * i as f64 + ROW / 2.0;
        let pos = team::timeline_position(today, p.next_due);
        let marker = match pos {
            Some(f) => {
                let x = LEFT + WIDTH * f;
                let note = match p.status {
                    DueStatus::Overdue(days) => Some(format!("overdue by {days} days")),
                    DueStatus::NotYetHeld => Some("no discussion yet".to_string()),
                    _ => None,
                };
                view! {
                    <circle class=format!("due {}", status_class(p.status)) cx=x cy=y r="10" />
                    {note.map(|n| view! { <text class=format!("note {}", status_class(p.status)) x=x + 14.0 y=y + 5.0>{n}</text> })}
                }.into_any()
            }
            None => view! { <text class="later" x=LEFT + WIDTH - 4.0 y=y + 5.0 text-anchor="end">"later →"</text> }.into_any(),
        };
        let name: String = p.name.chars().take(19).collect();
        view! {
            <g data-testid="timeline-row" data-name=p.name.clone() data-status=status_class(p.status)>
                <text class="row-head" x="8" y=y + 5.0>{name}</text>
                {marker}
            </g>
        }
    }).collect_view();
    let desc = picture
        .iter()
        .map(|p| format!("{}: {}.", p.name, status_text(p)))
        .collect::<Vec<_>>()
        .join(" ");
    let table_rows = picture
        .iter()
        .map(|p| {
            view! {
                <tr><th scope="row">{p.name.clone()}</th><td>{status_text(p)}</td></tr>
            }
        })
        .collect_view();
    view! {
        <figure class="card team-figure">
            <figcaption><h2>"Who is due when"</h2>
                <p class="sub">
                    "The next 12 months. "
                    <span class="key overdue">"●"</span>" overdue (shown at today) "
                    <span class="key soon">"●"</span>" due within 30 days "
                    <span class="key new">"●"</span>" no discussion yet "
                    <span class="key ok">"●"</span>" on track"
                </p>
            </figcaption>
            <svg class="team-timeline" data-testid="team-timeline" viewBox=format!("0 0 {} {height}", LEFT + WIDTH + RIGHT) width="100%"
                role="img" aria-labelledby="timeline-title" aria-describedby="timeline-desc" preserveAspectRatio="xMinYMin meet">
                <title id="timeline-title">"When each next discussion is due"</title>
                <desc id="timeline-desc">{desc}</desc>
                {months}
                {rows}
            </svg>
            <details class="as-table">
                <summary>"Show as a table"</summary>
                <table data-testid="team-timeline-table">
                    <thead><tr><th scope="col">"Person"</th><th scope="col">"Next discussion"</th></tr></thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

/// This page, loaded when first opened. A module of its own, loaded when first opened (see `components::lazy`): at build
/// time (`scripts/split.mjs`) everything only this function reaches moves into it.
#[leptos::wasm_split::wasm_split(team, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn part() -> Result<crate::components::lazy::Part<()>, crate::components::lazy::NotLoaded> {
    Ok(|()| view! { <TeamPage /> }.into_any())
}
