//! The team picture: where each person stands (development track × readiness, from their
//! latest discussion) and when each next discussion is due over the coming 12 months.

use crate::model::discussion::{Discussion, Readiness, Track};
use crate::model::people::Roster;
use crate::reports::schedule::{schedule, DueStatus};
use crate::storage::index::Index;
use crate::Day;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub person_id: String,
    pub name: String,
    pub role: String,
    pub track: Track,
    pub readiness: Option<Readiness>,
    /// The discussion the placement comes from (held-on date, or started date).
    pub from: Option<Day>,
    pub next_due: Day,
    pub status: DueStatus,
}

/// The newest of a person's discussions: by held-on date, else by start date.
pub fn latest<'a>(discussions: &'a [Discussion], person_id: &str) -> Option<&'a Discussion> {
    discussions
        .iter()
        .filter(|d| d.person_id == person_id)
        .max_by_key(|d| {
            (
                d.held_on.is_some(),
                d.held_on.unwrap_or(d.created_on),
                d.created_on,
            )
        })
}

/// Everyone not archived, in the roster's order of due dates (most urgent first).
pub fn picture(
    roster: &Roster,
    index: &Index,
    discussions: &[Discussion],
    today: Day,
) -> Vec<Placement> {
    let mut out: Vec<Placement> = roster
        .people
        .iter()
        .filter(|p| !p.archived)
        .map(|p| {
            let s = schedule(p.added_on, p.cadence_months, index.held_dates(&p.id), today);
            let last = latest(discussions, &p.id);
            Placement {
                person_id: p.id.clone(),
                name: p.name.clone(),
                role: p.role.clone(),
                track: last.map(|d| d.track).unwrap_or_default(),
                readiness: last.and_then(|d| d.readiness),
                from: last.map(|d| d.held_on.unwrap_or(d.created_on)),
                next_due: s.next_due,
                status: s.status,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.next_due, &a.name).cmp(&(b.next_due, &b.name)));
    out
}

/// The people in one cell of the track × readiness grid.
pub fn in_cell(
    picture: &[Placement],
    track: Track,
    readiness: Option<Readiness>,
) -> Vec<&Placement> {
    let mut v: Vec<&Placement> = picture
        .iter()
        .filter(|p| p.track == track && p.readiness == readiness)
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// Where a day falls on a 12-month timeline starting at `start`: 0.0 at the start, 1.0 at
/// the end; `None` past the end. Days before the start (overdue) give 0.0.
pub fn timeline_position(start: Day, day: Day) -> Option<f64> {
    let end = start.add_months(12);
    let span = start.days_until(end) as f64;
    let at = start.days_until(day) as f64;
    if at > span {
        return None;
    }
    Some((at / span).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeline_places_days_in_the_year_and_clamps_overdue_ones_to_the_start() {
        let start: Day = "2026-11-26".parse().unwrap();
        assert_eq!(timeline_position(start, start), Some(0.0));
        assert_eq!(
            timeline_position(start, "2025-12-01".parse().unwrap()),
            Some(0.0)
        );
        let mid = timeline_position(start, "2027-05-27".parse().unwrap()).unwrap();
        assert!((mid - 0.5).abs() < 0.01, "{mid}");
        assert_eq!(
            timeline_position(start, "2027-11-26".parse().unwrap()),
            Some(1.0)
        );
        assert_eq!(
            timeline_position(start, "2027-11-27".parse().unwrap()),
            None
        );
    }
}
