//! Sign-off: each party signs the version they agree to; later edits are amendments.

mod common;

use career_core::model::discussion::{self, DiscussionEdit, Track};
use career_core::model::method::AnswerField;
use career_core::model::signoff::{self, State};
use career_core::share::review::Change;
use career_core::share::words::Mark;
use career_core::AutoCommit;
use career_core::Side;
use common::*;

fn edit(doc: &mut AutoCommit, e: DiscussionEdit) {
    discussion::apply(doc, e).unwrap();
    doc.commit();
}

fn sign(doc: &mut AutoCommit, party: Side, name: &str, on: &str) {
    signoff::sign(doc, party, name, day(on)).unwrap();
    doc.commit();
}

/// Manager and employee each with a replica holding some answers.
fn two_sides() -> (AutoCommit, AutoCommit) {
    let mut manager = new_discussion();
    edit(
        &mut manager,
        DiscussionEdit::Answer(AnswerField::Strengths, "Calm in incidents".into()),
    );
    let employee = replica(&mut manager, 2);
    (manager, employee)
}

#[test]
fn both_sign_on_their_own_devices_and_the_merge_is_agreed() {
    let (mut manager, mut employee) = two_sides();
    assert_eq!(
        signoff::status(&mut manager).unwrap().state,
        State::Unsigned
    );

    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-26");
    let s = signoff::status(&mut manager).unwrap();
    assert_eq!(
        s.state,
        State::Waiting {
            signed: Side::Leader,
            waiting_for: Side::Employee
        }
    );
    assert_eq!(s.leader.as_ref().unwrap().name, "Maria Lund");
    assert!(s.amendments.is_empty());
    // The manager has nothing left to sign; the record waits for the employee.
    assert!(s.covers(Side::Leader) && !s.waits_for(Side::Leader));
    assert!(s.waits_for(Side::Employee));

    // The employee signs the same version at the same time, on their device.
    sign(&mut employee, Side::Employee, "Sam Okafor", "2026-11-27");
    sync(&mut manager, &mut employee);
    for doc in [&mut manager, &mut employee] {
        let s = signoff::status(doc).unwrap();
        assert_eq!(
            s.state,
            State::Agreed {
                on: day("2026-11-27")
            }
        );
        assert!(s.amendments.is_empty(), "{:?}", s.amendments);
        assert!(Side::BOTH
            .into_iter()
            .all(|p| s.covers(p) && !s.waits_for(p)));
        let s = s.employee.unwrap();
        assert_eq!((s.name.as_str(), s.on), ("Sam Okafor", day("2026-11-27")));
    }
}

#[test]
fn an_edit_after_signing_is_an_amendment_by_its_author_and_signing_again_covers_it() {
    let (mut manager, mut employee) = two_sides();
    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-26");
    sync(&mut manager, &mut employee);
    sign(&mut employee, Side::Employee, "Sam Okafor", "2026-11-26");
    sync(&mut manager, &mut employee);
    assert!(matches!(
        signoff::status(&mut manager).unwrap().state,
        State::Agreed { .. }
    ));

    // The employee amends the record afterwards; the manager gets it in a merge.
    edit(
        &mut employee,
        DiscussionEdit::Answer(
            AnswerField::Strengths,
            "Calm in incidents; mentoring".into(),
        ),
    );
    sync(&mut manager, &mut employee);
    let s = signoff::status(&mut manager).unwrap();
    assert!(
        matches!(s.state, State::Agreed { .. }),
        "the signed version is still agreed"
    );
    assert_eq!(s.amendments.len(), 1, "{:?}", s.amendments);
    assert_eq!(s.amendments[0].field, "Key strengths");
    let Change::Text(segments) = &s.amendments[0].change else {
        panic!("a text change")
    };
    assert!(segments
        .iter()
        .any(|g| g.mark == Mark::Added && g.text == "; mentoring"));
    assert_eq!(s.amended_by, vec!["Sam Okafor".to_string()]);
    // Signing again is asked of both: neither signature covers the amended record.
    assert!(Side::BOTH.into_iter().all(|p| s.waits_for(p)));
    // The agreed version (for HR) is the signed one, without the amendment.
    let (agreed, _) = signoff::agreed_version(&mut manager).unwrap().unwrap();
    assert_eq!(agreed.answers.strengths.as_str(), "Calm in incidents");

    // The employee signs again: now waiting for the manager, who has not seen it signed.
    sign(&mut employee, Side::Employee, "Sam Okafor", "2026-11-28");
    sync(&mut manager, &mut employee);
    let s = signoff::status(&mut manager).unwrap();
    assert_eq!(
        s.state,
        State::Waiting {
            signed: Side::Employee,
            waiting_for: Side::Leader
        }
    );
    assert!(
        s.amendments.is_empty(),
        "the newest signature covers the amendment"
    );
    assert!(signoff::agreed_version(&mut manager).unwrap().is_none());
    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-29");
    let s = signoff::status(&mut manager).unwrap();
    assert_eq!(
        s.state,
        State::Agreed {
            on: day("2026-11-29")
        }
    );
    let (agreed, _) = signoff::agreed_version(&mut manager).unwrap().unwrap();
    assert_eq!(
        agreed.answers.strengths.as_str(),
        "Calm in incidents; mentoring"
    );
}

#[test]
fn a_concurrent_edit_merged_after_signing_shows_as_an_amendment() {
    let (mut manager, mut employee) = two_sides();
    // The employee edits offline while the manager signs; then they merge.
    edit(&mut employee, DiscussionEdit::Track(Track::TechnicalExpert));
    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-26");
    sync(&mut manager, &mut employee);
    let s = signoff::status(&mut manager).unwrap();
    assert_eq!(s.amendments.len(), 1, "{:?}", s.amendments);
    assert_eq!(s.amendments[0].field, "Development track");
    assert_eq!(s.amended_by, vec!["another device".to_string()]);
}

#[test]
fn a_signature_that_cannot_be_read_counts_as_none() {
    use automerge::transaction::Transactable;
    let (mut manager, _) = two_sides();
    for junk in [
        "not json",
        r#"{"name":"X","on":"2026-11-26","heads":["00"],"device":""}"#,
        r#"{"name":"X","on":"2026-11-26","heads":["0000000000000000000000000000000000000000000000000000000000000000"],"device":""}"#,
        r#"{"name":"X","on":"yesterday","heads":[],"device":""}"#,
    ] {
        manager.put(automerge::ROOT, "signed_leader", junk).unwrap();
        manager.commit();
        assert_eq!(
            signoff::status(&mut manager).unwrap().state,
            State::Unsigned,
            "{junk}"
        );
    }
}

#[test]
fn the_hr_record_holds_the_signed_version_only_and_is_safe_in_a_spreadsheet() {
    use career_core::model::people::Person;
    use career_core::reports::hr::{self, AgreedRecord};
    let (mut manager, mut employee) = two_sides();
    edit(
        &mut manager,
        DiscussionEdit::Answer(
            AnswerField::LongTerm,
            "=HYPERLINK(\"http://x\") \"Staff\", later".into(),
        ),
    );
    sync(&mut manager, &mut employee);
    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-26");
    sync(&mut manager, &mut employee);
    sign(&mut employee, Side::Employee, "Sam Okafor", "2026-11-27");
    sync(&mut manager, &mut employee);
    // Edited after both signed: not in the record until signed again.
    edit(
        &mut manager,
        DiscussionEdit::Answer(AnswerField::Strengths, "UNSIGNED amendment".into()),
    );
    let (agreed, status) = signoff::agreed_version(&mut manager).unwrap().unwrap();
    let record = AgreedRecord {
        person: Person {
            id: "p1".into(),
            name: "Sam Okafor".into(),
            role: "Engineer".into(),
            team: "Platform".into(),
            cadence_months: 12,
            archived: false,
            added_on: day("2026-01-01"),
        },
        discussion: agreed,
        leader: status.leader.unwrap(),
        employee: status.employee.unwrap(),
    };
    let csv = hr::csv(std::slice::from_ref(&record));
    assert!(csv.contains("\"Calm in incidents\""), "{csv}");
    assert!(!csv.contains("UNSIGNED"));
    // A formula is made inert and quotes are doubled.
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x\"\") \"\"Staff\"\", later\""),
        "{csv}"
    );
    assert!(
        csv.contains("\"2026-11-26\",\"Sam Okafor\",\"2026-11-27\""),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 2);
    let json: serde_json::Value = serde_json::from_str(&hr::json(&[record])).unwrap();
    assert_eq!(json["records"][0]["employee"]["signed_on"], "2026-11-27");
    assert!(!json.to_string().contains("UNSIGNED"));
}
