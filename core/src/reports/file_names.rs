//! Every file the app offers to save, named in one place, and a person's name in a file
//! name by one rule ([`slug`]): `career-talk-<what>[-<who>][-<day>].<ext>`.

use crate::doc::DocName;
use crate::model::date::Day;
use crate::share::FILE_EXTENSION;

/// A person's name as part of a file name: lower-case letters and digits of any script,
/// words joined by hyphens ("Zoë Nakamura" → "zoë-nakamura"); "person" when nothing is left.
pub fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    if words.is_empty() {
        "person".into()
    } else {
        words.join("-")
    }
}

/// A discussion for the other person, as a file (`.ctalk`).
pub fn package(employee: &str, today: Day) -> String {
    format!("career-talk-{}-{today}.{FILE_EXTENSION}", slug(employee))
}

/// A person handed over to a new manager.
pub fn handover(person: &str) -> String {
    format!("career-talk-handover-{}.json", slug(person))
}

/// The next discussion with one person, for a calendar.
pub fn person_calendar(person: &str) -> String {
    format!("career-talk-{}.ics", slug(person))
}

/// Everyone's next discussion, for a calendar.
pub const TEAM_CALENDAR: &str = "career-talk-team.ics";

/// The shared record as a text document.
pub fn markdown(employee: &str) -> String {
    format!("career-discussion-{}.md", slug(employee))
}

/// The shared record as data for other tools.
pub fn json(employee: &str) -> String {
    format!("career-discussion-{}.json", slug(employee))
}

/// The record for HR (`csv`, else JSON).
pub fn hr(today: Day, csv: bool) -> String {
    format!(
        "career-talk-hr-{today}.{}",
        if csv { "csv" } else { "json" }
    )
}

/// Everything on this device.
pub fn backup(today: Day) -> String {
    format!("career-talk-backup-{today}.json")
}

/// A document whose edits storage refused, as Automerge bytes.
pub fn unsaved(doc: &DocName) -> String {
    format!("career-talk-{doc}.automerge")
}

/// The stored data of a document that cannot be read.
pub fn raw(doc: &DocName) -> String {
    format!("career-talk-{doc}-raw.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_people_write_them_and_never_leave_a_folder() {
        assert_eq!(slug("Sam Okafor"), "sam-okafor");
        assert_eq!(slug("Zoë 👩🏽‍💻 naïve — 日本"), "zoë-naïve-日本");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("  "), "person");
        let day: Day = "2026-12-07".parse().unwrap();
        assert_eq!(
            package("Sam Okafor", day),
            "career-talk-sam-okafor-2026-12-07.ctalk"
        );
        assert_eq!(
            handover("Sam Okafor"),
            "career-talk-handover-sam-okafor.json"
        );
        assert_eq!(hr(day, true), "career-talk-hr-2026-12-07.csv");
    }
}
