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
                <CalendarDownload filename="career-talk-team.ics".to_string() />
            }.into_any()
        }}
    }
}

/// Track (rows) × readiness (columns), a chip per person.
#[component]
fn Grid(picture: Vec<Placement>) -> impl IntoView {
    // Sized so that text stays readable when the drawing shrinks to a tablet's width.
    const LEFT: f64 = 190.0;
    const TOP: f64 = 48.0;
    const COL: f64 = 215.0;
    const CHIP: f64 = 34.0;
    let rows: Vec<(Track, f64, f64)> = {
        let mut y = TOP;
        Track::ALL
            .iter()
            .map(|&t| {
                let most = READINESS
                    .iter()
                    .map(|&r| team::in_cell(&picture, t, r).len())
                    .max()
                    .unwrap_or(0);
                let h = 24.0 + CHIP * most.max(1) as f64;
                let row = (t, y, h);
                y += h;
                row
            })
            .collect()
    };
    let height = rows.last().map(|(_, y, h)| y + h).unwrap_or(TOP) + 8.0;
    let desc = Track::ALL
        .iter()
        .flat_map(|&t| READINESS.iter().map(move |&r| (t, r)))
        .filter_map(|(t, r)| {
            let names: Vec<String> = team::in_cell(&picture, t, r)
                .iter()
                .map(|p| p.name.clone())
                .collect();
            (!names.is_empty()).then(|| {
                format!(
                    "{}, readiness {}: {}.",
                    t.label(),
                    readiness_label(r).to_lowercase(),
                    names.join(", ")
                )
            })
        })
        .collect::<Vec<_>>()
        .join(" ");
    let width = LEFT + COL * READINESS.len() as f64;
    let pic = &picture;
    let chips = rows.iter().flat_map(|&(t, y, _)| {
        READINESS.iter().enumerate().flat_map(move |(c, &r)| {
            team::in_cell(pic, t, r)
                .into_iter()
                .enumerate()
                .map(move |(i, p)| {
                    let x = LEFT + COL * c as f64 + 12.0;
                    let cy = y + 22.0 + CHIP * i as f64;
                    let name: String = p.name.chars().take(18).collect();
                    view! {
                        <g class=format!("chip {}", status_class(p.status)) data-testid="team-chip"
                            data-name=p.name.clone() data-track=t.label() data-readiness=readiness_label(r)>
                            <circle cx=x + 9.0 cy=cy r="8" />
                            <text x=x + 24.0 y=cy + 6.0>{name}</text>
                        </g>
                    }
                })
                .collect::<Vec<_>>()
        })
    }).collect_view();
    let table_rows = Track::ALL.iter().map(|&t| view! {
        <tr>
            <th scope="row">{t.label()}</th>
            {READINESS.iter().map(|&r| {
                let names: Vec<String> = team::in_cell(&picture, t, r).iter().map(|p| p.name.clone()).collect();
                view! { <td>{if names.is_empty() { "—".to_string() } else { names.join(", ") }}</td> }
            }).collect_view()}
        </tr>
    }).collect_view();
    view! {
        <figure class="card team-figure">
            <figcaption><h2>"Development track and readiness"</h2>
                <p class="sub">"From each person's latest discussion."</p></figcaption>
            <svg class="team-grid" data-testid="team-grid" viewBox=format!("0 0 {width} {height}") width="100%"
                role="img" aria-labelledby="grid-title" aria-describedby="grid-desc" preserveAspectRatio="xMinYMin meet">
                <title id="grid-title">"People by development track and readiness"</title>
                <desc id="grid-desc">{desc}</desc>
                {READINESS.iter().enumerate().map(|(c, &r)| view! {
                    <text class="col-head" x=LEFT + COL * c as f64 + 12.0 y="28">{readiness_label(r)}</text>
                }).collect_view()}
                {rows.iter().map(|&(t, y, h)| view! {
                    <g>
                        <rect class="row-band" x="0" y=y width=width height=h />
                        <text class="row-head" x="8" y=y + 22.0>{t.label()}</text>
                    </g>
                }).collect_view()}
                {(1..READINESS.len()).map(|c| view! {
                    <line class="col-rule" x1=LEFT + COL * c as f64 y1=TOP x2=LEFT + COL * c as f64 y2=height - 8.0 />
                }).collect_view()}
                {chips}
            </svg>
            <details class="as-table">
                <summary>"Show as a table"</summary>
                <table data-testid="team-grid-table">
                    <thead><tr><th scope="col">"Track"</th>
                        {READINESS.iter().map(|&r| view! { <th scope="col">{readiness_label(r)}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

/// The next 12 months, a row per person, a dot on the due date; overdue at the left edge.
#[component]
fn Timeline(picture: Vec<Placement>, today: Day) -> impl IntoView {
    const LEFT: f64 = 190.0;
    const WIDTH: f64 = 760.0;
    const ROW: f64 = 34.0;
    const TOP: f64 = 60.0;
    let height = TOP + ROW * picture.len() as f64 + 12.0;
    let months = (0..=12)
        .map(|m| {
            let day = today.add_months(m);
            let x = LEFT + WIDTH * team::timeline_position(today, day).unwrap_or(1.0);
            // "Nov 2026", then "Dec", … "Jan 2027": the year only where it starts or changes.
            let human = day.human();
            let mut parts = human.split(' ').skip(1);
            let (month, year) = (
                parts.next().unwrap_or_default().to_string(),
                parts.next().unwrap_or_default(),
            );
            // The year above the month where it starts or changes.
            let year = (m == 0 || day.month() == 1).then(|| year.to_string());
            view! {
                <g class="month">
                    <line x1=x y1=TOP - 8.0 x2=x y2=height - 8.0 />
                    {(m < 12).then(|| view! { <text x=x + 3.0 y=TOP - 14.0>{month}</text> })}
                    {year.filter(|_| m < 12).map(|y| view! { <text class="year" x=x + 3.0 y=TOP - 34.0>{y}</text> })}
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
                    <circle class=format!("due {}", status_class(p.status)) cx=x cy=y r="8" />
                    {note.map(|n| view! { <text class=format!("note {}", status_class(p.status)) x=x + 14.0 y=y + 5.0>{n}</text> })}
                }.into_any()
            }
            None => view! { <text class="later" x=LEFT + WIDTH - 4.0 y=y + 5.0 text-anchor="end">"later →"</text> }.into_any(),
        };
        let name: String = p.name.chars().take(22).collect();
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
            <svg class="team-timeline" data-testid="team-timeline" viewBox=format!("0 0 {} {height}", LEFT + WIDTH + 10.0) width="100%"
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
