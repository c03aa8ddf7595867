//! When the next career discussion with a person is due. Discussions are held at least
//! once a year, some teams every six months; the next one is due a cadence after the last
//! one held. Someone with no discussion yet is due from the day they were added.

use crate::model::date::Day;

/// How close "due soon" is.
pub const DUE_SOON_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DueStatus {
    /// No discussion held yet.
    NotYetHeld,
    /// Past the due date by this many days.
    Overdue(i64),
    /// Due within [`DUE_SOON_DAYS`]; days left.
    DueSoon(i64),
    OnTrack,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Schedule {
    pub last_held: Option<Day>,
    pub next_due: Day,
    pub status: DueStatus,
}

/// The next discussion date after one held on `held`.
pub fn next_due_after(held: Day, cadence_months: u64) -> Day {
    held.add_months(cadence_months.clamp(1, 24) as i32)
}

pub fn schedule(
    added_on: Day,
    cadence_months: u64,
    held: impl IntoIterator<Item = Day>,
    today: Day,
) -> Schedule {
    let last_held = held.into_iter().max();
    let Some(last) = last_held else {
        return Schedule {
            last_held: None,
            next_due: added_on,
            status: DueStatus::NotYetHeld,
        };
    };
    let next_due = next_due_after(last, cadence_months);
    let left = today.days_until(next_due);
    let status = if left < 0 {
        DueStatus::Overdue(-left)
    } else if left <= DUE_SOON_DAYS {
        DueStatus::DueSoon(left)
    } else {
        DueStatus::OnTrack
    };
    Schedule {
        last_held,
        next_due,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        s.parse().unwrap()
    }

    #[test]
    fn a_yearly_discussion_held_13_months_ago_is_overdue() {
        let s = schedule(d("2024-01-01"), 12, [d("2025-10-26")], d("2026-11-26"));
        assert_eq!(s.next_due, d("2026-10-26"));
        assert_eq!(s.status, DueStatus::Overdue(31));
    }

    #[test]
    fn six_monthly_cadence_and_due_soon() {
        let s = schedule(
            d("2024-01-01"),
            6,
            [d("2026-01-01"), d("2026-06-10")],
            d("2026-11-26"),
        );
        assert_eq!(s.last_held, Some(d("2026-06-10")));
        assert_eq!(s.next_due, d("2026-12-10"));
        assert_eq!(s.status, DueStatus::DueSoon(14));
        let s = schedule(d("2024-01-01"), 12, [d("2026-06-10")], d("2026-11-26"));
        assert_eq!(s.status, DueStatus::OnTrack);
    }

    #[test]
    fn nobody_talked_to_yet_is_due_from_when_they_were_added() {
        let s = schedule(d("2026-11-01"), 12, [], d("2026-11-26"));
        assert_eq!(s.status, DueStatus::NotYetHeld);
        assert_eq!(s.next_due, d("2026-11-01"));
    }
}
