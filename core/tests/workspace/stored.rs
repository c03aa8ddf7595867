//! Damaged or unreadable storage: reported, kept, never moving a device to the other side.

use super::*;

#[test]
fn a_damaged_blob_is_reported_kept_and_leaves_the_rest_working() {
    let (mut ws, id) = leader();
    type_text(&mut ws, &answer(&id, AnswerField::Strengths), "", "Calm");
    ws.save(NOW).unwrap();
    let mut kv = ws.kv().clone();
    let name = DocName::Discussion(id.clone());
    let blob = kv
        .keys()
        .unwrap()
        .into_iter()
        .find(|k| StorageKey::parse(k).and_then(|k| k.doc().cloned()) == Some(name.clone()))
        .unwrap();
    kv.set(&blob, "not base64 !").unwrap();
    let mut damaged = device(kv.clone(), 7);
    assert!(matches!(
        damaged.discussion(&id),
        Err(LoadError::Damaged(_))
    ));
    // Its raw data can be downloaded, the people list still works, and nothing was removed.
    assert!(!damaged.raw_entries(&name).unwrap().is_empty());
    assert_eq!(damaged.roster().unwrap().people.len(), 1);
    assert!(damaged
        .edit_discussion(&id, DiscussionEdit::Track(Track::TechnicalExpert))
        .is_err());
    damaged.save(NOW).unwrap();
    assert_eq!(damaged.kv(), &kv);
    // A package for it is refused rather than merged into a copy that cannot be read.
    let (mut other, _) = leader();
    let p = other.package(&id, true, NOW).unwrap();
    assert!(damaged.take_in(&p, day("2026-11-28"), NOW).is_err());
    assert_eq!(damaged.kv(), &kv);
}

#[test]
fn unreadable_metadata_never_switches_an_employee_to_the_leaders_side() {
    let (mut leader, id) = leader();
    let package = leader.package(&id, true, NOW).unwrap();
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-27"), NOW).unwrap();
    employee
        .set_value(&StorageKey::Meta(id.clone()), "{not json")
        .unwrap();
    let side = employee.side(&id);
    assert_eq!(side.side, Side::Employee);
    assert!(side.problem.is_some());
    // Writing metadata again (with the next save) keeps the unreadable one aside.
    employee.dismiss_review(&id).unwrap();
    employee.save(NOW).unwrap();
    assert_kept_aside_on_the_employees_side(&employee, &id);
    assert_eq!(employee.side(&id).problem, None);
}

#[test]
fn notes_left_unreadable_are_kept_aside_when_a_link_brings_their_discussion_new() {
    let (mut leader, id) = leader();
    let package = leader.package(&id, true, NOW).unwrap();
    let mut kv = MemoryKv::default();
    kv.set(&StorageKey::Meta(id.clone()).key(), "{not json")
        .unwrap();
    let mut employee = device(kv, 3);
    employee.take_in(&package, day("2026-11-27"), NOW).unwrap();
    employee.save(NOW).unwrap();
    assert_kept_aside_on_the_employees_side(&employee, &id);
}

/// The unreadable notes are kept aside, and the device is still on the employee's side.
fn assert_kept_aside_on_the_employees_side(employee: &Workspace<MemoryKv>, id: &str) {
    assert_eq!(
        employee
            .get_value(&StorageKey::MetaSetAside(id.to_string()))
            .unwrap()
            .as_deref(),
        Some("{not json")
    );
    assert_eq!(employee.side(id).side, Side::Employee);
}
