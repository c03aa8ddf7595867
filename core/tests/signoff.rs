//! Sign-off: each party signs the version they agree to; later edits are amendments.

mod common;

use career_core::model::discussion::{self, DiscussionEdit, Track};
use career_core::model::method::AnswerField;
use career_core::model::trust::{DeviceKey, Trust};
use career_core::share::review::Change;
use career_core::share::signoff::{self, Check, State};
use career_core::text::words::Mark;
use career_core::AutoCommit;
use career_core::Side;
use common::*;

fn edit(doc: &mut AutoCommit, e: DiscussionEdit) {
    discussion::apply(doc, e).unwrap();
    doc.commit();
}

fn key(party: Side) -> DeviceKey {
    DeviceKey::from_seed(match party {
        Side::Leader => [1; 32],
        Side::Employee => [2; 32],
    })
}

/// Each party's real device key, as both devices pinned it.
fn trust() -> Trust {
    Trust::confirmed(key(Side::Leader).public(), key(Side::Employee).public())
}

fn sign(doc: &mut AutoCommit, party: Side, name: &str, on: &str) {
    signoff::sign(doc, party, name, day(on), &key(party)).unwrap();
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
        signoff::status(&mut manager, &trust()).unwrap().state,
        State::Unsigned
    );

    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-26");
    let s = signoff::status(&mut manager, &trust()).unwrap();
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
        let s = signoff::status(doc, &trust()).unwrap();
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
        signoff::status(&mut manager, &trust()).unwrap().state,
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
    let s = signoff::status(&mut manager, &trust()).unwrap();
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
    let (agreed, _) = signoff::agreed_version(&mut manager, &trust())
        .unwrap()
        .unwrap();
    assert_eq!(agreed.answers.strengths.as_str(), "Calm in incidents");

    // The employee signs again: now waiting for the manager, who has not seen it signed.
    sign(&mut employee, Side::Employee, "Sam Okafor", "2026-11-28");
    sync(&mut manager, &mut employee);
    let s = signoff::status(&mut manager, &trust()).unwrap();
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
    assert!(signoff::agreed_version(&mut manager, &trust())
        .unwrap()
        .is_none());
    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-29");
    let s = signoff::status(&mut manager, &trust()).unwrap();
    assert_eq!(
        s.state,
        State::Agreed {
            on: day("2026-11-29")
        }
    );
    let (agreed, _) = signoff::agreed_version(&mut manager, &trust())
        .unwrap()
        .unwrap();
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
    let s = signoff::status(&mut manager, &trust()).unwrap();
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
            signoff::status(&mut manager, &trust()).unwrap().state,
            State::Unsigned,
            "{junk}"
        );
    }
}

#[test]
fn the_hr_record_holds_the_signed_version_only_and_is_safe_in_a_spreadsheet() {
    use career_core::reports::hr;
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
    let (agreed, status) = signoff::agreed_version(&mut manager, &trust())
        .unwrap()
        .unwrap();
    let record = sams_record(agreed, status);
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

// ----- what a signature proves ---------------------------------------------------------------

/// Sam's HR record of the agreed version.
fn sams_record(
    agreed: career_core::model::discussion::Discussion,
    status: signoff::SignOff,
) -> career_core::reports::hr::AgreedRecord {
    career_core::reports::hr::AgreedRecord {
        person: career_core::model::people::Person {
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
    }
}

fn both_signed() -> (AutoCommit, AutoCommit) {
    let (mut manager, mut employee) = two_sides();
    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-26");
    sync(&mut manager, &mut employee);
    sign(&mut employee, Side::Employee, "Sam Okafor", "2026-11-27");
    sync(&mut manager, &mut employee);
    (manager, employee)
}

#[test]
fn a_signature_written_by_the_other_party_s_device_is_not_verified() {
    let (mut manager, _) = two_sides();
    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-26");
    // The manager's device writes the employee's signature too, with its own key.
    signoff::sign(
        &mut manager,
        Side::Employee,
        "Sam Okafor",
        day("2026-11-26"),
        &key(Side::Leader),
    )
    .unwrap();
    manager.commit();
    let s = signoff::status(&mut manager, &trust()).unwrap();
    assert_eq!(s.employee.as_ref().unwrap().check, Check::UnknownKey);
    assert_eq!(
        s.state,
        State::Waiting {
            signed: Side::Leader,
            waiting_for: Side::Employee
        },
        "a forged signature never makes the record agreed"
    );
    assert!(signoff::agreed_version(&mut manager, &trust())
        .unwrap()
        .is_none());
}

#[test]
fn a_signature_made_with_a_key_nobody_pinned_is_not_verified() {
    let (mut manager, mut employee) = two_sides();
    sign(&mut manager, Side::Leader, "Maria Lund", "2026-11-26");
    sync(&mut manager, &mut employee);
    // A second browser profile (a new key) signs as the employee.
    signoff::sign(
        &mut employee,
        Side::Employee,
        "Sam Okafor",
        day("2026-11-27"),
        &DeviceKey::from_seed([99; 32]),
    )
    .unwrap();
    employee.commit();
    sync(&mut manager, &mut employee);
    let s = signoff::status(&mut manager, &trust()).unwrap();
    assert_eq!(s.employee.unwrap().check, Check::UnknownKey);
    assert!(!matches!(s.state, State::Agreed { .. }));
    // A device that has no key for the employee yet cannot verify it either.
    let none = Trust {
        leader: trust().leader,
        employee: vec![],
    };
    let s = signoff::status(&mut manager, &none).unwrap();
    assert_eq!(s.employee.unwrap().check, Check::NoKnownKey);
}

#[test]
fn tampered_heads_names_or_bytes_do_not_verify() {
    use automerge::transaction::Transactable;
    use automerge::{ReadDoc, ScalarValue, Value};
    let (mut manager, _) = both_signed();
    let Ok(Some((Value::Scalar(s), _))) = manager.get(automerge::ROOT, "signed_employee") else {
        panic!("a signature")
    };
    let ScalarValue::Str(json) = s.as_ref() else {
        panic!("a string")
    };
    let good: serde_json::Value = serde_json::from_str(json).unwrap();
    // The heads of an earlier version (one that exists: the discussion's first change).
    let first = manager.get_changes(&[]).first().unwrap().hash().to_string();
    let tamper = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        f(&mut v);
        v.to_string()
    };
    for (what, forged) in [
        (
            "heads",
            tamper(&|v| v["heads"] = serde_json::json!([first])),
        ),
        ("name", tamper(&|v| v["name"] = "Someone Else".into())),
        ("day", tamper(&|v| v["on"] = "2027-01-01".into())),
        (
            "signature",
            tamper(&|v| {
                let mut sig = v["sig"].as_str().unwrap().to_string();
                let flipped = if sig.ends_with('0') { "1" } else { "0" };
                sig.replace_range(sig.len() - 1.., flipped);
                v["sig"] = sig.into();
            }),
        ),
        ("no signature", tamper(&|v| v["sig"] = "".into())),
    ] {
        let mut doc = manager.fork();
        doc.put(automerge::ROOT, "signed_employee", forged).unwrap();
        doc.commit();
        let s = signoff::status(&mut doc, &trust()).unwrap();
        let check = s.employee.as_ref().unwrap().check;
        assert!(!check.is_verified(), "{what}: {check:?}");
        assert!(!matches!(s.state, State::Agreed { .. }), "{what}");
    }
}

#[test]
fn the_hr_record_verifies_without_the_app_and_refuses_any_change() {
    use career_core::reports::hr::{self, VerifyError};
    let (mut manager, _) = both_signed();
    let (agreed, status) = signoff::agreed_version(&mut manager, &trust())
        .unwrap()
        .unwrap();
    let record = sams_record(agreed, status);
    let json = hr::json(&[record]);
    let checked = hr::verify(&json).unwrap();
    assert_eq!(checked.len(), 1);
    assert_eq!(checked[0].employee, "Sam Okafor");
    assert_eq!(
        checked[0].employee_key,
        key(Side::Employee).public().to_hex()
    );
    // Any change to what was signed, or to who signed it, is caught.
    for (from, to) in [
        ("Calm in incidents", "Calm in all incidents"),
        ("\"Sam Okafor\"", "\"Sam Okafor-Smith\""),
        ("2026-11-27", "2026-11-28"),
        (
            &key(Side::Employee).public().to_hex(),
            &key(Side::Leader).public().to_hex(),
        ),
    ] {
        assert!(json.contains(from), "{from}");
        let altered = json.replace(from, to);
        assert!(
            matches!(hr::verify(&altered), Err(VerifyError::BadSignature { .. })),
            "{from} → {to}: {:?}",
            hr::verify(&altered)
        );
    }
    assert!(matches!(
        hr::verify("{\"format\":\"other\"}"),
        Err(VerifyError::NotARecord(_))
    ));
}

mod cutoffs {
    use super::*;
    use career_core::model::trust::{Standing, TrustedKey};
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Step {
        /// The leader's device edits the notes.
        Leader(String),
        /// The employee's old device edits its copy.
        Employee(String),
        /// The employee's old device signs the version it has.
        Sign,
        /// The two exchange everything.
        Sync,
        /// The employee's old key is replaced on the leader's device now (once).
        Cut,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            "[a-z]{1,6}".prop_map(Step::Leader),
            "[a-z]{1,6}".prop_map(Step::Employee),
            Just(Step::Sign),
            Just(Step::Sync),
            Just(Step::Cut),
        ]
    }

    fn notes(doc: &mut AutoCommit, text: &str) {
        let now = read(doc).notes.as_str().to_string();
        edit(doc, DiscussionEdit::Notes(format!("{now} {text}")));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// However the two histories interleave: the replaced key's signature counts exactly
        /// when it had reached the leader's device before the key was replaced (so every
        /// head it signs was there too); one made or arriving later never counts, whatever
        /// version it signs.
        #[test]
        fn a_replaced_key_counts_for_what_it_signed_before_its_cutoff_and_never_after(
            steps in proptest::collection::vec(step(), 1..16)
        ) {
            use std::collections::HashSet;
            let (mut leader, mut employee) = two_sides();
            let mut cut: Option<(Vec<automerge::ChangeHash>, HashSet<automerge::ChangeHash>)> = None;
            // The change that wrote the employee's latest signature.
            let mut signed_by: Option<automerge::ChangeHash> = None;
            for s in steps.iter().chain([Step::Sign, Step::Sync].iter()) {
                match s {
                    Step::Leader(t) => notes(&mut leader, t),
                    Step::Employee(t) => notes(&mut employee, t),
                    Step::Sign => {
                        sign(&mut employee, Side::Employee, "Sam Okafor", "2026-12-01");
                        signed_by = employee.get_heads().first().copied();
                    }
                    Step::Sync => sync(&mut leader, &mut employee),
                    Step::Cut if cut.is_none() => {
                        let known = leader.get_changes(&[]).iter().map(|c| c.hash()).collect();
                        cut = Some((leader.get_heads(), known));
                    }
                    Step::Cut => {}
                }
            }
            let trust = Trust {
                leader: vec![TrustedKey::confirmed(key(Side::Leader).public())],
                employee: vec![TrustedKey {
                    key: key(Side::Employee).public(),
                    standing: Standing::Confirmed,
                    until: cut.as_ref().map(|c| c.0.clone()),
                }],
            };
            let check = signoff::status(&mut leader, &trust).unwrap().employee.unwrap().check;
            let expected = match (&cut, signed_by) {
                (None, _) => Check::Verified,
                (Some((_, known)), Some(h)) if known.contains(&h) => Check::Verified,
                _ => Check::AfterCutoff,
            };
            prop_assert_eq!(check, expected);
        }
    }

    #[test]
    fn a_cutoff_this_document_does_not_hold_lets_nothing_through() {
        let (mut leader, mut employee) = two_sides();
        sign(&mut employee, Side::Employee, "Sam Okafor", "2026-12-01");
        sync(&mut leader, &mut employee);
        let mut elsewhere = new_discussion_by(7);
        notes(&mut elsewhere, "another history");
        let trust = Trust {
            leader: vec![TrustedKey::confirmed(key(Side::Leader).public())],
            employee: vec![TrustedKey {
                key: key(Side::Employee).public(),
                standing: Standing::Confirmed,
                until: Some(elsewhere.get_heads()),
            }],
        };
        let s = signoff::status(&mut leader, &trust).unwrap();
        assert_eq!(s.employee.unwrap().check, Check::AfterCutoff);
    }
}
