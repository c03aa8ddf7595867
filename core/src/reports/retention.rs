//! Keeping discussions only as long as needed: with a retention period set (off by
//! default), which discussions are past it. Nothing here deletes: the people list shows
//! these and the person decides.

use std::collections::BTreeMap;

use crate::storage::index::Index;
use crate::Day;

/// The periods offered, in years.
pub const YEARS: [u8; 6] = [1, 2, 3, 5, 7, 10];

/// Parses a stored setting: a number of years from [`YEARS`]; anything else is off.
pub fn parse(setting: Option<&str>) -> Option<u8> {
    let years = setting?.trim().parse::<u8>().ok()?;
    YEARS.contains(&years).then_some(years)
}

/// The day before which a discussion is past a retention of `years` on `today`.
pub fn cutoff(today: Day, years: u8) -> Day {
    today.add_months(-12 * i32::from(years))
}

/// A person's discussions past the period, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastRetention {
    pub person_id: String,
    pub discussions: Vec<(String, Day)>,
}

/// Every discussion whose date (held, or started when not held yet) is before the cutoff,
/// grouped by person; people in the order of their oldest such discussion.
pub fn past(index: &Index, today: Day, years: u8) -> Vec<PastRetention> {
    let cutoff = cutoff(today, years);
    let mut by_person: BTreeMap<&str, Vec<(String, Day)>> = BTreeMap::new();
    for (id, entry) in &index.discussions {
        if entry.date() < cutoff {
            by_person
                .entry(&entry.person_id)
                .or_default()
                .push((id.clone(), entry.date()));
        }
    }
    let mut out: Vec<PastRetention> = by_person
        .into_iter()
        .map(|(person, mut discussions)| {
            discussions.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
            PastRetention {
                person_id: person.to_string(),
                discussions,
            }
        })
        .collect();
    out.sort_by(|a, b| a.discussions[0].1.cmp(&b.discussions[0].1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::index::IndexEntry;

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn entry(person: &str, created: &str, held: Option<&str>) -> IndexEntry {
        IndexEntry {
            person_id: person.into(),
            created_on: day(created),
            held_on: held.map(day),
            open_actions: 0,
            shared_with_me: false,
        }
    }

    #[test]
    fn only_discussions_before_the_cutoff_are_past_it() {
        let mut index = Index::default();
        index
            .discussions
            .insert("a1".into(), entry("ann", "2019-05-01", Some("2019-05-10")));
        // Started long ago, held within the period: kept (the date is the day it was held).
        index
            .discussions
            .insert("a2".into(), entry("ann", "2020-01-01", Some("2023-06-01")));
        index
            .discussions
            .insert("a3".into(), entry("ann", "2018-02-01", None));
        index
            .discussions
            .insert("b1".into(), entry("bo", "2021-12-02", None));
        // Exactly on the cutoff: not before it.
        index
            .discussions
            .insert("b2".into(), entry("bo", "2021-12-03", None));
        let today = day("2026-12-03");
        assert_eq!(cutoff(today, 5), day("2021-12-03"));
        let past = past(&index, today, 5);
        assert_eq!(
            past,
            vec![
                PastRetention {
                    person_id: "ann".into(),
                    discussions: vec![
                        ("a3".into(), day("2018-02-01")),
                        ("a1".into(), day("2019-05-10"))
                    ],
                },
                PastRetention {
                    person_id: "bo".into(),
                    discussions: vec![("b1".into(), day("2021-12-02"))],
                },
            ]
        );
        assert!(super::past(&index, today, 10).is_empty());
    }

    #[test]
    fn a_setting_is_one_of_the_offered_periods_or_off() {
        assert_eq!(parse(Some("5")), Some(5));
        assert_eq!(parse(Some("4")), None);
        assert_eq!(parse(Some("")), None);
        assert_eq!(parse(Some("-1")), None);
        assert_eq!(parse(None), None);
    }
}
