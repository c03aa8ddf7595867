//! Typing, saving and reopening; the people list; the reflection.

use super::*;

#[test]
fn a_discussion_typed_saved_and_reopened_holds_every_character() {
    let (mut ws, id) = leader();
    let strengths = answer(&id, AnswerField::Strengths);
    type_text(&mut ws, &strengths, "", TEXT);
    let prep = TextField::Prep(id.clone(), PrepField::Potential);
    type_text(&mut ws, &prep, "", "Could lead the platform team");
    // A selection replaced by a paste, in the middle of multi-byte text.
    let naive = TEXT.find("naïve").unwrap();
    ws.splice(
        &strengths,
        &Splice {
            at: naive,
            delete: "naïve".len(),
            insert: "calm".into(),
        },
        NOW,
    )
    .unwrap();
    let expected = TEXT.replace("naïve", "calm");
    assert_eq!(
        ws.discussion(&id).unwrap().answers.strengths.as_str(),
        expected
    );
    assert!(ws.has_unsaved());
    ws.save(NOW).unwrap();
    assert!(!ws.has_unsaved());

    let mut next = reopened(&ws, 2);
    let d = next.discussion(&id).unwrap();
    assert_eq!(d.answers.strengths.as_str(), expected);
    assert_eq!(
        next.prep(&id).unwrap().get(PrepField::Potential),
        "Could lead the platform team"
    );
    assert_eq!(next.index().discussions[&id].person_id, d.person_id);
    assert_eq!(next.side(&id).side, Side::Leader);
}

#[test]
fn splices_that_do_not_fit_change_nothing() {
    let (mut ws, id) = leader();
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    ws.splice(&notes, &Splice::insert(0, "naïve"), NOW).unwrap();
    let before = ws.discussion(&id).unwrap();
    // Inside "ï", past the end, and an action that does not exist.
    assert!(ws.splice(&notes, &Splice::delete(3, 1), NOW).is_err());
    assert!(ws.splice(&notes, &Splice::insert(99, "x"), NOW).is_err());
    let missing = TextField::Discussion(id.clone(), DiscussionText::Action("nope".into()));
    assert!(ws.splice(&missing, &Splice::insert(0, "x"), NOW).is_err());
    assert_eq!(ws.discussion(&id).unwrap(), before);
    ws.save(NOW).unwrap();
    assert_eq!(reopened(&ws, 2).discussion(&id).unwrap(), before);
}

#[test]
fn names_on_the_people_list_edit_by_splice() {
    let (mut ws, _) = leader();
    let sam = "0000000000000000000000000000005a".to_string();
    let role = TextField::Roster(RosterText::Role(sam.clone()));
    // "Engineer" → "Senior Engineer", typed at the start.
    ws.splice(&role, &Splice::insert(0, "Senior "), NOW)
        .unwrap();
    assert_eq!(
        ws.roster().unwrap().person(&sam).unwrap().role,
        "Senior Engineer"
    );
    ws.save(NOW).unwrap();
    assert_eq!(
        reopened(&ws, 2)
            .roster()
            .unwrap()
            .person(&sam)
            .unwrap()
            .role,
        "Senior Engineer"
    );
}

#[test]
fn reading_a_reflection_stores_nothing_until_the_employee_types() {
    let (mut leader, id) = leader();
    let package = leader.package(&id, true, NOW).unwrap();
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-27"), NOW).unwrap();
    let stored = employee.kv().clone();
    let r = employee.reflection(&id).unwrap();
    assert_eq!(r.answers.get(AnswerField::ShortTerm), "");
    assert_eq!(employee.kv(), &stored, "a read wrote to storage");
    let draft = TextField::Draft(id.clone(), AnswerField::ShortTerm);
    type_text(&mut employee, &draft, "", "Lead a project");
    employee.save(NOW).unwrap();
    assert_eq!(
        reopened(&employee, 4)
            .reflection(&id)
            .unwrap()
            .answers
            .get(AnswerField::ShortTerm),
        "Lead a project"
    );
}
