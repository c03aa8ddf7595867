//! Calendar reminders as an iCalendar file (RFC 5545): the next discussion with each person,
//! and optionally the due dates of open actions.
//!
//! Events are all-day (`DTSTART;VALUE=DATE`). UIDs are stable — derived from the person or
//! action id, never from the date — so importing a newer file updates the events instead of
//! adding copies; `SEQUENCE` grows with the export time so the newer file wins. Lines are
//! folded at 75 octets on character boundaries and end in CRLF; text is escaped.

use crate::model::discussion::Discussion;
use crate::model::people::Roster;
use crate::reports::schedule::{schedule, DueStatus};
use crate::storage::index::Index;
use crate::Day;

const DOMAIN: &str = "career-talk.local";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub uid: String,
    pub day: Day,
    pub summary: String,
    pub description: String,
    /// Days before the event to remind (an alarm), if any.
    pub remind_days_before: Option<u32>,
}

/// The next discussion with each listed person (not archived ones). An overdue discussion
/// is put on `today`, since a reminder in the past reminds no one.
pub fn next_discussions(
    roster: &Roster,
    index: &Index,
    person_ids: &[String],
    today: Day,
) -> Vec<Event> {
    roster
        .people
        .iter()
        .filter(|p| !p.archived && person_ids.contains(&p.id))
        .map(|p| {
            let s = schedule(p.added_on, p.cadence_months, index.held_dates(&p.id), today);
            let every = if p.cadence_months == 6 {
                "every six months"
            } else {
                "once a year"
            };
            let last = s
                .last_held
                .map(|d| format!("Last held on {}.", d.human()))
                .unwrap_or_else(|| "No discussion held yet.".into());
            let (day, note) = match s.status {
                DueStatus::Overdue(days) => (
                    today.max(s.next_due),
                    format!(
                        " Overdue: it was due on {} ({days} days ago).",
                        s.next_due.human()
                    ),
                ),
                DueStatus::NotYetHeld if s.next_due < today => (today, String::new()),
                _ => (s.next_due, String::new()),
            };
            // A week ahead, but never at a moment already past: an all-day event's alarm
            // goes off at the start of a day, so one due today or tomorrow gets none earlier
            // than tomorrow's start.
            let ahead = today.days_until(day);
            Event {
                uid: format!("next-discussion-{}@{DOMAIN}", p.id),
                day,
                summary: format!("Career discussion with {}", p.name),
                description: format!("Career aspiration discussion, held {every}. {last}{note}"),
                remind_days_before: (ahead > 0).then(|| (ahead - 1).min(7) as u32),
            }
        })
        .collect()
}

/// Open actions with a due date, from the given discussions. An action carried over into a
/// later discussion continues there, so only the later one counts.
pub fn action_dues(discussions: &[Discussion]) -> Vec<Event> {
    let carried: std::collections::HashSet<&str> = discussions
        .iter()
        .flat_map(|d| d.actions.iter().filter_map(|a| a.carried_from.as_deref()))
        .collect();
    discussions
        .iter()
        .flat_map(|d| {
            let carried = &carried;
            d.open_actions().filter_map(move |a| {
                if carried.contains(a.id.as_str()) {
                    return None;
                }
                let due = a.due?;
                let text: String = a.text.as_str().chars().take(200).collect();
                Some(Event {
                    uid: format!("action-{}@{DOMAIN}", a.id),
                    day: due,
                    summary: format!("Action ({}): {}", d.employee.name, first_line(&text)),
                    description: format!(
                        "{text}\nOwner: {}. From the career discussion with {}.",
                        a.owner.name_in(d),
                        d.employee.name
                    ),
                    remind_days_before: None,
                })
            })
        })
        .collect()
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// The file: `now_secs` (UTC) stamps the events and orders re-exports.
pub fn calendar(events: &[Event], now_secs: i64) -> String {
    let mut out = String::new();
    let mut line = |s: &str| fold(s, &mut out);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Career Talk//Career discussions//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:Career discussions");
    let stamp = utc_stamp(now_secs);
    let sequence = (now_secs / 60).max(0);
    for e in events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape(&e.uid)));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("SEQUENCE:{sequence}"));
        line(&format!("DTSTART;VALUE=DATE:{}", compact(e.day)));
        line(&format!("DTEND;VALUE=DATE:{}", compact(e.day.add_days(1))));
        line(&format!("SUMMARY:{}", escape(&e.summary)));
        line(&format!("DESCRIPTION:{}", escape(&e.description)));
        line("TRANSP:TRANSPARENT");
        if let Some(days) = e.remind_days_before {
            line("BEGIN:VALARM");
            line("ACTION:DISPLAY");
            line(&format!("DESCRIPTION:{}", escape(&e.summary)));
            line(&format!("TRIGGER:-P{days}D"));
            line("END:VALARM");
        }
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

fn compact(d: Day) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

fn utc_stamp(secs: i64) -> String {
    let day = Day::new(1970, 1, 1)
        .expect("valid")
        .add_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}{:02}{:02}Z",
        compact(day),
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

/// TEXT escaping (RFC 5545 3.3.11); control characters other than newline are dropped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded to lines of at most 75 octets (continuations start with a space).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_on_character_boundaries_within_75_octets() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "日本".repeat(40)), &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "日本".repeat(40)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\r\ne\u{7}"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn a_reminder_is_never_set_in_the_past() {
        let today: Day = "2026-12-06".parse().unwrap();
        let person = |id: &str, added: &str| crate::model::people::Person {
            id: id.into(),
            name: id.into(),
            role: String::new(),
            team: String::new(),
            cadence_months: 12,
            archived: false,
            added_on: added.parse().unwrap(),
        };
        let roster = Roster {
            kind: crate::model::people::KIND.into(),
            schema: 1,
            manager: Default::default(),
            people: vec![
                person("due-now", "2025-01-01"),
                person("tomorrow", "2026-12-07"),
                person("in-four-days", "2026-12-10"),
                person("later", "2027-03-01"),
            ],
        };
        let ids: Vec<String> = roster.people.iter().map(|p| p.id.clone()).collect();
        let events = next_discussions(&roster, &Index::default(), &ids, today);
        let remind = |uid: &str| {
            events
                .iter()
                .find(|e| e.uid.contains(&format!("-{uid}@")))
                .map(|e| (e.day, e.remind_days_before))
                .unwrap()
        };
        assert_eq!(remind("due-now"), (today, None));
        assert_eq!(remind("tomorrow").1, Some(0));
        assert_eq!(remind("in-four-days").1, Some(3));
        assert_eq!(remind("later").1, Some(7));
    }

    #[test]
    fn stamps_are_utc() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(1_795_696_489), "20261126T123449Z");
    }
}
