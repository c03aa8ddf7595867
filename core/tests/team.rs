//! The team picture and the calendar file built from a small team.

mod common;

use career_core::model::discussion::{self, DiscussionEdit, NewDiscussion, Readiness, Track};
use career_core::model::people::{Participant, Person, Roster};
use career_core::reports::schedule::DueStatus;
use career_core::reports::{ics, team};
use career_core::storage::index::{Index, IndexEntry};
use career_core::{AutoCommit, Day};
use common::*;

fn person(id: &str, name: &str, cadence: u64, added: &str) -> Person {
    Person {
        id: id.into(),
        name: name.into(),
        role: "Engineer".into(),
        team: "Platform".into(),
        cadence_months: cadence,
        archived: false,
        added_on: day(added),
    }
}

fn held(
    id: &str,
    person: &Person,
    on: &str,
    track: Track,
    readiness: Option<Readiness>,
) -> discussion::Discussion {
    let mut doc = AutoCommit::new();
    discussion::create(
        &mut doc,
        NewDiscussion {
            id: id.into(),
            person_id: person.id.clone(),
            employee: Participant {
                name: person.name.clone(),
                role: person.role.clone(),
            },
            manager: Participant {
                name: "Maria Lund".into(),
                role: String::new(),
            },
            created_on: day(on),
        },
    )
    .unwrap();
    for e in [
        DiscussionEdit::HeldOn(Some(day(on))),
        DiscussionEdit::Track(track),
        DiscussionEdit::Readiness(readiness),
    ] {
        discussion::apply(&mut doc, e).unwrap();
    }
    discussion::read(&doc).unwrap()
}

struct Team {
    roster: Roster,
    index: Index,
    discussions: Vec<discussion::Discussion>,
    today: Day,
}

fn team() -> Team {
    let ann = person("a", "Ann Lee", 12, "2025-06-01");
    let ben = person("b", "Ben Cho", 6, "2025-06-01");
    let cy = person("c", "Cy Park", 12, "2026-11-26");
    let discussions = vec![
        held(
            "a1",
            &ann,
            "2025-06-01",
            Track::TechnicalExpert,
            Some(Readiness::ThreeToFiveYears),
        ),
        held(
            "a2",
            &ann,
            "2026-11-20",
            Track::TechnicalExpert,
            Some(Readiness::ReadyNow),
        ),
        held(
            "b1",
            &ben,
            "2025-06-01",
            Track::SeniorLeadership,
            Some(Readiness::OneToTwoYears),
        ),
    ];
    let mut index = Index::default();
    for d in &discussions {
        index.discussions.insert(d.id.clone(), IndexEntry::of(d));
    }
    Team {
        roster: Roster {
            kind: "people".into(),
            schema: 1,
            manager: Participant {
                name: "Maria Lund".into(),
                role: String::new(),
            },
            people: vec![ann, ben, cy],
        },
        index,
        discussions,
        today: day("2026-11-26"),
    }
}

#[test]
fn people_are_placed_by_their_latest_discussion_and_ordered_by_due_date() {
    let t = team();
    let picture = team::picture(&t.roster, &t.index, &t.discussions, t.today);
    let names: Vec<&str> = picture.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ben Cho", "Cy Park", "Ann Lee"]);
    let ann = &picture[2];
    assert_eq!(
        (ann.track, ann.readiness),
        (Track::TechnicalExpert, Some(Readiness::ReadyNow))
    );
    assert_eq!(ann.next_due, day("2027-11-20"));
    assert_eq!(picture[0].status, DueStatus::Overdue(360));
    assert_eq!(picture[1].status, DueStatus::NotYetHeld);
    let cell = team::in_cell(
        &picture,
        Track::SeniorLeadership,
        Some(Readiness::OneToTwoYears),
    );
    assert_eq!(cell.len(), 1);
    assert_eq!(cell[0].name, "Ben Cho");
    assert_eq!(
        team::in_cell(&picture, Track::NotDecided, None)[0].name,
        "Cy Park"
    );
}

#[test]
fn the_calendar_has_one_event_per_person_with_stable_ids() {
    let t = team();
    let ids: Vec<String> = t.roster.people.iter().map(|p| p.id.clone()).collect();
    let events = ics::next_discussions(&t.roster, &t.index, &ids, t.today);
    assert_eq!(events.len(), 3);
    let ben = events
        .iter()
        .find(|e| e.summary.contains("Ben Cho"))
        .unwrap();
    // Overdue: reminded today, and the description says since when.
    assert_eq!(ben.day, t.today);
    assert!(ben.description.contains("Overdue"), "{}", ben.description);
    let file = ics::calendar(&events, 1_795_696_489);
    assert!(file.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(file.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(file.matches("BEGIN:VEVENT").count(), 3);

    // A year later, with a discussion held: the same UIDs, a later date, a higher sequence.
    let mut later = team();
    let ben_p = later.roster.people[1].clone();
    let d = held("b2", &ben_p, "2026-11-26", Track::SeniorLeadership, None);
    later
        .index
        .discussions
        .insert(d.id.clone(), IndexEntry::of(&d));
    let again = ics::next_discussions(&later.roster, &later.index, &ids, later.today);
    let uids = |e: &[ics::Event]| e.iter().map(|e| e.uid.clone()).collect::<Vec<_>>();
    assert_eq!(uids(&again), uids(&events));
    let ben2 = again
        .iter()
        .find(|e| e.summary.contains("Ben Cho"))
        .unwrap();
    assert_eq!(ben2.day, day("2027-05-26"));
}

#[test]
fn two_discussions_compare_side_by_side_with_actions_followed_up() {
    use career_core::model::discussion::{Action, Owner};
    use career_core::model::method::AnswerField;
    use career_core::reports::over_time::{self, Outcome};
    let ann = person("a", "Ann Lee", 12, "2025-06-01");
    let edit = |d: &mut AutoCommit, e| {
        discussion::apply(d, e).unwrap();
    };
    let doc = |id: &str, on: &str| {
        let mut doc = AutoCommit::new();
        discussion::create(
            &mut doc,
            NewDiscussion {
                id: id.into(),
                person_id: ann.id.clone(),
                employee: Participant {
                    name: ann.name.clone(),
                    role: String::new(),
                },
                manager: Participant::default(),
                created_on: day(on),
            },
        )
        .unwrap();
        doc
    };
    let action = |id: &str, text: &str, done: bool, from: Option<&str>| Action {
        id: id.into(),
        text: text.into(),
        owner: Owner::Employee,
        due: None,
        done,
        carried_from: from.map(str::to_string),
        by: career_core::Side::Leader,
    };
    let mut first = doc("d1", "2025-06-01");
    edit(
        &mut first,
        DiscussionEdit::Answer(AnswerField::LongTerm, "Staff engineer".into()),
    );
    edit(
        &mut first,
        DiscussionEdit::Readiness(Some(Readiness::ThreeToFiveYears)),
    );
    for a in [
        action("x1", "Present at the guild", true, None),
        action("x2", "Lead an incident review", false, None),
        action("x3", "Pair with design", false, None),
    ] {
        edit(&mut first, DiscussionEdit::AddAction(a));
    }
    let mut second = doc("d2", "2026-06-01");
    edit(
        &mut second,
        DiscussionEdit::Answer(AnswerField::LongTerm, "Principal engineer".into()),
    );
    edit(
        &mut second,
        DiscussionEdit::Readiness(Some(Readiness::ReadyNow)),
    );
    edit(
        &mut second,
        DiscussionEdit::AddAction(action("y2", "Lead an incident review", true, Some("x2"))),
    );
    let (a, b) = (
        discussion::read(&first).unwrap(),
        discussion::read(&second).unwrap(),
    );

    let rows = over_time::compare(&a, &b);
    let long = rows
        .iter()
        .find(|r| r.label == "Longer-term aspirations")
        .unwrap();
    assert!(!long.same);
    assert!(long.earlier.iter().any(|r| r.changed && r.text == "Staff"));
    assert!(long
        .later
        .iter()
        .any(|r| r.changed && r.text == "Principal"));
    let readiness = rows.iter().find(|r| r.label == "Readiness").unwrap();
    assert_eq!(
        readiness
            .later
            .iter()
            .map(|r| r.text.as_str())
            .collect::<String>(),
        "Ready now"
    );
    assert!(
        rows.iter()
            .find(|r| r.label == "Key strengths")
            .unwrap()
            .same
    );

    let outcomes: Vec<(&str, Outcome)> = over_time::earlier_actions(&a, &b)
        .into_iter()
        .map(|(a, o)| (a.text.as_str(), o))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("Present at the guild", Outcome::Done),
            (
                "Lead an incident review",
                Outcome::CarriedOver { done: true }
            ),
            ("Pair with design", Outcome::StillOpen),
        ]
    );
}

#[test]
fn calendar_actions_are_open_ones_with_a_due_date_not_carried_over() {
    use career_core::model::discussion::{Action, Owner};
    let ann = person("a", "Ann Lee", 12, "2025-06-01");
    let mut first = AutoCommit::new();
    discussion::create(
        &mut first,
        NewDiscussion {
            id: "d1".into(),
            person_id: ann.id.clone(),
            employee: Participant {
                name: ann.name.clone(),
                role: String::new(),
            },
            manager: Participant::default(),
            created_on: day("2025-06-01"),
        },
    )
    .unwrap();
    let mut second = first.fork();
    let action = |id: &str, due: Option<&str>, done: bool, from: Option<&str>| {
        DiscussionEdit::AddAction(Action {
            id: id.into(),
            text: format!("Action {id}").as_str().into(),
            owner: Owner::Employee,
            due: due.map(day),
            done,
            carried_from: from.map(str::to_string),
            by: career_core::Side::Leader,
        })
    };
    for e in [
        action("open", Some("2026-12-15"), false, None),
        action("done", Some("2026-12-15"), true, None),
        action("undated", None, false, None),
        action("carried", Some("2026-12-15"), false, None),
    ] {
        discussion::apply(&mut first, e).unwrap();
    }
    discussion::apply(
        &mut second,
        action("continued", Some("2027-01-10"), false, Some("carried")),
    )
    .unwrap();
    let events = ics::action_dues(&[
        discussion::read(&first).unwrap(),
        discussion::read(&second).unwrap(),
    ]);
    let summaries: Vec<&str> = events.iter().map(|e| e.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Action (Ann Lee): Action open",
            "Action (Ann Lee): Action continued"
        ]
    );
}
