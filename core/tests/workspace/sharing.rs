//! Packages between the two devices; a backup on a new and an old device.

use super::*;

#[test]
fn a_package_goes_to_the_employee_and_their_answers_come_back_merged() {
    let (mut leader, id) = leader();
    type_text(
        &mut leader,
        &answer(&id, AnswerField::Strengths),
        "",
        "Calm",
    );
    let package = leader.package(&id, true, NOW).unwrap();
    assert_eq!(package.audience, Side::Employee);

    // The employee's device takes it in as theirs, with a private reflection.
    let mut employee = device(MemoryKv::default(), 3);
    let taken = employee.take_in(&package, day("2026-11-27"), NOW).unwrap();
    assert!(matches!(
        taken,
        TakenIn::Imported {
            side: Side::Employee,
            ..
        }
    ));
    assert_eq!(employee.side(&id).side, Side::Employee);
    assert!(employee.index().discussions[&id].shared_with_me);
    assert_eq!(employee.prep(&id), Err(LoadError::NotFound));

    // They draft privately, publish one answer, and reply with only what the leader lacks.
    let draft = TextField::Draft(id.clone(), AnswerField::ShortTerm);
    type_text(&mut employee, &draft, "", TEXT);
    employee
        .publish(&id, AnswerField::ShortTerm, Publish::Draft, NOW)
        .unwrap();
    // The track is the leader's judgement: the employee suggests one.
    assert!(matches!(
        employee.edit_discussion(&id, DiscussionEdit::Track(Track::TechnicalExpert)),
        Err(WorkspaceError::NotYours {
            owner: Side::Leader,
            ..
        })
    ));
    employee
        .propose(
            &id,
            &Suggestion::Track(Track::TechnicalExpert),
            "p1".into(),
            day("2026-11-27"),
        )
        .unwrap();
    let reply = employee.package(&id, false, NOW).unwrap();
    assert_eq!(reply.audience, Side::Leader);

    // Meanwhile the leader typed more; the merge keeps both.
    let strengths = answer(&id, AnswerField::Strengths);
    type_text(&mut leader, &strengths, "Calm", " in incidents");
    let merged = leader.take_in(&reply, day("2026-11-28"), NOW).unwrap();
    assert!(matches!(merged, TakenIn::Merged { new_changes, .. } if new_changes > 0));
    let d = leader.discussion(&id).unwrap();
    assert_eq!(d.answers.get(AnswerField::ShortTerm), TEXT);
    assert_eq!(d.answers.strengths.as_str(), "Calm in incidents");
    assert_eq!(
        d.track,
        Track::NotDecided,
        "a suggestion until the leader accepts it"
    );
    let suggested = leader.proposals(&id).unwrap();
    assert_eq!(suggested.len(), 1);
    assert_eq!(suggested[0].by, Side::Employee);
    // The review lists what came from the employee.
    let review = leader.review(&id).unwrap();
    assert!(!review.is_empty());
    leader.dismiss_review(&id).unwrap();
    assert!(leader.review(&id).unwrap().is_empty());
    // The same package again brings nothing new.
    assert!(matches!(
        leader.take_in(&reply, day("2026-11-28"), NOW).unwrap(),
        TakenIn::Merged { new_changes: 0, .. }
    ));
    // Saved, a reload shows the same.
    leader.save(NOW).unwrap();
    assert_eq!(reopened(&leader, 5).discussion(&id).unwrap(), d);
    // The leader accepts the suggestion: the track is the leader's change.
    leader.answer_proposal(&id, "p1", true).unwrap();
    assert_eq!(
        leader.discussion(&id).unwrap().track,
        Track::TechnicalExpert
    );
    assert_eq!(
        leader.proposals(&id).unwrap()[0].answer,
        Some(career_core::model::fields::Answer::Accepted)
    );
}

#[test]
fn a_package_of_an_unrelated_discussion_with_the_same_id_changes_nothing() {
    let (mut a, id) = leader();
    let (mut b, same_id) = leader_on(2);
    assert_eq!(id, same_id);
    type_text(
        &mut b,
        &answer(&id, AnswerField::Strengths),
        "",
        "Not yours",
    );
    let foreign = b.package(&id, true, NOW).unwrap();
    a.save(NOW).unwrap();
    let before = a.kv().clone();
    assert!(a.take_in(&foreign, day("2026-11-28"), NOW).is_err());
    assert_eq!(a.kv(), &before);
}

#[test]
fn a_backup_brings_everything_to_a_new_device_and_merges_on_an_old_one() {
    let (mut laptop, id) = leader();
    type_text(&mut laptop, &answer(&id, AnswerField::Strengths), "", TEXT);
    let backup = laptop.export_backup(day("2026-11-30")).unwrap();
    let json = backup.to_json();

    let mut tablet = device(MemoryKv::default(), 6);
    tablet.create_roster(NOW).unwrap();
    let report = tablet.import_backup(json.as_bytes(), NOW).unwrap();
    assert_eq!(report.people_added, 1);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(
        tablet.discussion(&id).unwrap().answers.strengths.as_str(),
        TEXT
    );
    assert_eq!(tablet.prep(&id).unwrap().discussion_id, id);
    assert_eq!(tablet.roster().unwrap().manager.name, "Maria Lund");

    // Importing it again merges: nothing is duplicated or replaced.
    let again = tablet.import_backup(json.as_bytes(), NOW).unwrap();
    assert_eq!(again.people_added, 0);
    assert_eq!(tablet.roster().unwrap().people.len(), 1);

    // A damaged backup is refused before anything changes.
    let before = tablet.kv().clone();
    assert!(tablet
        .import_backup(&json.as_bytes()[..json.len() / 2], NOW)
        .is_err());
    assert_eq!(tablet.kv(), &before);
}

#[test]
fn both_typing_in_one_answer_at_once_settle_on_every_word_of_both() {
    let (leader, id) = leader();
    let mut two = TwoDevices::shared(leader, &id);
    let field = answer(&id, AnswerField::Strengths);
    type_text(&mut two.leader, &field, "", "Calm under pressure.");
    type_text(&mut two.employee, &field, "", TEXT);
    two.until_quiet();
    let on_leader = two.leader.discussion(&id).unwrap().answers.strengths;
    let on_employee = two.employee.discussion(&id).unwrap().answers.strengths;
    assert_eq!(on_leader.as_str(), on_employee.as_str());
    assert!(on_leader.as_str().contains("Calm under pressure."));
    assert!(on_leader.as_str().contains(TEXT));
}

/// A person with two devices (a phone and a laptop) that have not seen each other's changes:
/// what the leader's device sends next is taken in by either, and every word reaches both.
#[test]
fn a_package_after_replies_from_two_devices_of_the_employee_fits_either() {
    let (mut leader, id) = leader();
    let link = leader.package(&id, true, NOW).unwrap();
    let (mut phone, mut laptop) = (
        device(MemoryKv::default(), 3),
        device(MemoryKv::default(), 4),
    );
    for d in [&mut phone, &mut laptop] {
        d.take_in(&link, day("2026-11-27"), NOW).unwrap();
    }
    for (d, field, words) in [
        (&mut phone, AnswerField::Strengths, "phone-words"),
        (&mut laptop, AnswerField::ShortTerm, "laptop-words"),
    ] {
        d.edit_discussion(&id, DiscussionEdit::Answer(field, words.into()))
            .unwrap();
        let reply = d.package(&id, false, NOW).unwrap();
        leader.take_in(&reply, day("2026-11-28"), NOW).unwrap();
    }
    type_text(
        &mut leader,
        &TextField::Discussion(id.clone(), DiscussionText::Notes),
        "",
        "leader-words",
    );
    // Only what the two devices lack, computed against what both declared.
    let next = leader.package(&id, false, NOW).unwrap();
    assert!(
        !matches!(next.contents, career_core::share::Contents::Whole),
        "changes only"
    );
    for d in [&mut phone, &mut laptop] {
        d.take_in(&next, day("2026-11-29"), NOW).unwrap();
        let all = format!("{:?}", d.discussion(&id).unwrap());
        for words in ["phone-words", "laptop-words", "leader-words"] {
            assert!(all.contains(words), "{words}: {all}");
        }
    }
}
