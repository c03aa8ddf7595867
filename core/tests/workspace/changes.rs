//! What each operation says it changed.

use super::*;

#[test]
fn each_operation_says_what_it_changed() {
    use career_core::workspace::Change;
    let (mut leader, id) = leader();
    let doc = DocName::Discussion(id.clone());
    leader.take_changes();
    // Typing: only that text of that document.
    let strengths = answer(&id, AnswerField::Strengths);
    type_text(&mut leader, &strengths, "", "Calm");
    assert_eq!(
        leader.take_changes(),
        vec![Change::Typed(strengths.clone())]
    );
    assert_eq!(strengths.doc(), doc);
    // What a view of that field reads, and reading it changes nothing.
    assert_eq!(leader.text(&strengths).as_deref(), Some("Calm"));
    assert_eq!(leader.take_changes(), vec![]);
    // A choice: the document, and its index entry.
    leader
        .edit_discussion(&id, DiscussionEdit::HeldOn(Some(day("2026-11-27"))))
        .unwrap();
    let changes = leader.take_changes();
    assert!(changes.contains(&Change::Doc(doc.clone())), "{changes:?}");
    assert!(changes.contains(&Change::Index), "{changes:?}");
    leader.save(NOW).unwrap();
    assert!(leader.take_changes().contains(&Change::Saved));
    // Reading changes nothing.
    leader.discussion(&id).unwrap();
    leader.review(&id).unwrap();
    assert_eq!(leader.take_changes(), vec![]);
    // A merge from the other side: the document and this device's notes about it.
    let mut employee = device(MemoryKv::default(), 3);
    employee
        .take_in(
            &leader.package(&id, true, NOW).unwrap(),
            day("2026-11-27"),
            NOW,
        )
        .unwrap();
    type_text(
        &mut employee,
        &answer(&id, AnswerField::ShortTerm),
        "",
        "Lead",
    );
    leader.take_changes();
    leader
        .take_in(
            &employee.package(&id, false, NOW).unwrap(),
            day("2026-11-28"),
            NOW,
        )
        .unwrap();
    let changes = leader.take_changes();
    assert!(changes.contains(&Change::Doc(doc.clone())), "{changes:?}");
    assert!(changes.contains(&Change::Notes(id.clone())), "{changes:?}");
    assert!(
        !changes.contains(&Change::Arrived(id.clone())),
        "a link is not a live session"
    );
}
