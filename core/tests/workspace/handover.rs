//! Handing a person over (issue #20).

use super::*;

const SAM_ID: &str = "0000000000000000000000000000005a";

/// The new manager's device: Jo Park, with nobody on the people list yet.
fn new_manager() -> Workspace<MemoryKv> {
    let mut ws = device(MemoryKv::default(), 9);
    ws.create_roster(NOW).unwrap();
    ws.edit_roster(RosterEdit::ManagerName("Jo Park".into()))
        .unwrap();
    ws.save(NOW).unwrap();
    ws
}

/// Maria's and Sam's devices after both signed, with an open action and Maria's private
/// preparation.
fn signed_with_prep() -> (Workspace<MemoryKv>, Workspace<MemoryKv>, String) {
    let (mut leader, mut employee, id) = talked();
    reply(&mut employee, &mut leader, &id);
    let prep = TextField::Prep(id.clone(), PrepField::Potential);
    type_text(&mut leader, &prep, "", "private: could lead platform");
    leader
        .edit_discussion(
            &id,
            DiscussionEdit::AddAction(career_core::model::discussion::Action {
                id: "a1".into(),
                text: "Lead the on-call redesign".into(),
                owner: career_core::model::discussion::Owner::Employee,
                due: None,
                done: false,
                carried_from: None,
                by: career_core::Side::Leader,
            }),
        )
        .unwrap();
    both_sign(&mut leader, &mut employee, &id);
    leader.save(NOW).unwrap();
    (leader, employee, id)
}

/// Whether the leader's signature on discussion `id` verifies on this device.
fn leader_verified(ws: &mut Workspace<MemoryKv>, id: &str) -> bool {
    ws.sign_off(id).unwrap().leader.unwrap().check.is_verified()
}

#[test]
fn a_handover_carries_the_history_signatures_and_actions_and_no_preparation_unless_chosen() {
    let (mut maria, mut sam, id) = signed_with_prep();
    let made = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap();
    assert_eq!((made.discussions, made.damaged), (1, 0));
    assert_eq!(
        made.handover.documents.keys().collect::<Vec<_>>(),
        [&format!("d.{id}")],
        "no preparation"
    );
    let file = made.handover.to_json();

    let mut jo = new_manager();
    let taken = jo.take_handover(file.as_bytes(), NOW).unwrap();
    assert_eq!((taken.added, taken.merged, taken.preps), (1, 0, 0));
    assert_eq!(
        (taken.name.as_str(), taken.from.as_str()),
        ("Sam Okafor", "Maria Lund")
    );
    let person = jo.roster().unwrap().person(SAM_ID).cloned().unwrap();
    assert_eq!(
        (person.name.as_str(), person.team.as_str()),
        ("Sam Okafor", "Payments")
    );
    assert_eq!(jo.discussion(&id).unwrap(), maria.discussion(&id).unwrap());
    assert_eq!(
        jo.prep(&id).unwrap().potential.as_str(),
        "",
        "Jo's own preparation starts empty"
    );
    assert_eq!(jo.side(&id).side, Side::Leader);
    assert_eq!(jo.index().discussions[&id].open_actions, 1);
    // Both signatures still verify on Jo's device: Maria's as the leader's.
    let s = jo.sign_off(&id).unwrap();
    assert!(matches!(s.state, State::Agreed { .. }), "{:?}", s.state);
    assert!(s.leader.unwrap().check.is_verified());
    assert!(s.employee.unwrap().check.is_verified());
    // Stored: the next start reads the same.
    jo.save(NOW).unwrap();
    let mut again = device(jo.kv().clone(), 10);
    assert!(leader_verified(&mut again, &id));

    // Jo continues with Sam: Sam's device sees the leader's new key as a change to confirm.
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    type_text(&mut jo, &notes, "", "From Jo");
    let package = jo.package(&id, false, NOW).unwrap();
    sam.take_in(&package, day("2026-12-02"), NOW).unwrap();
    assert_eq!(sam.discussion(&id).unwrap().notes.as_str(), "From Jo");
    assert!(
        sam.keys_of(&id).unwrap().changed(),
        "a new leader's key is confirmed, never taken silently"
    );
    sam.accept_key(&id).unwrap();
    assert!(!sam.keys_of(&id).unwrap().changed());
    // Maria's signature still counts on Sam's device after he accepted Jo's key.
    assert!(leader_verified(&mut sam, &id));
    // The record still says who led it.
    assert_eq!(sam.discussion(&id).unwrap().manager.name, "Maria Lund");

    // Taken in twice: nothing new, nothing lost.
    let taken = jo.take_handover(file.as_bytes(), NOW).unwrap();
    assert_eq!((taken.added, taken.merged), (0, 1));
    assert_eq!(jo.discussion(&id).unwrap().notes.as_str(), "From Jo");

    // Jo hands Sam over again, to Kim: Maria's signature still verifies there.
    jo.save(NOW).unwrap();
    let file2 = jo
        .handover(SAM_ID, false, day("2026-12-02"), NOW)
        .unwrap()
        .handover
        .to_json();
    let mut kim = new_manager();
    kim.take_handover(file2.as_bytes(), NOW).unwrap();
    assert!(leader_verified(&mut kim, &id));

    // With the preparation ticked, it travels too.
    let made = maria
        .handover(SAM_ID, true, day("2026-12-01"), NOW)
        .unwrap();
    assert!(made.handover.documents.contains_key(&format!("p.{id}")));
    let mut kim = new_manager();
    kim.take_handover(made.handover.to_json().as_bytes(), NOW)
        .unwrap();
    assert_eq!(
        kim.prep(&id).unwrap().potential.as_str(),
        "private: could lead platform"
    );
}

#[test]
fn a_handover_file_that_is_damaged_newer_or_about_an_unrelated_history_changes_nothing() {
    use career_core::share::handover::HandoverError;
    let (mut maria, _, id) = signed_with_prep();
    let file = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap()
        .handover
        .to_json();
    let newer = file.replacen("\"version\": 1", "\"version\": 2", 1);
    let altered = file.replacen("Sam Okafor", "Sam Okafar", 1);
    let truncated = &file[..file.len() / 2];
    let cases: Vec<(&str, &[u8], &str)> = vec![
        (
            "truncated",
            truncated.as_bytes(),
            "incomplete or has been altered",
        ),
        (
            "altered",
            altered.as_bytes(),
            "incomplete or has been altered",
        ),
        ("newer", newer.as_bytes(), "newer version"),
        (
            "a backup",
            b"{\"format\":\"career-talk/backup\"}",
            "not a Career Talk handover",
        ),
        ("empty", b"", "not a Career Talk handover"),
    ];
    for (what, bytes, says) in cases {
        let mut jo = new_manager();
        let before = jo.kv().map.clone();
        let err = jo.take_handover(bytes, NOW).unwrap_err();
        assert!(err.to_string().contains(says), "{what}: {err}");
        jo.save(NOW).unwrap();
        assert_eq!(jo.kv().map, before, "{what}: nothing changed");
    }
    // Jo already has a Sam Okafor with the same id and a discussion of their own.
    let (mut other, other_id) = leader_on(9);
    other.save(NOW).unwrap();
    let before = other.kv().map.clone();
    let err = other.take_handover(file.as_bytes(), NOW).unwrap_err();
    assert!(
        matches!(
            err,
            career_core::workspace::WorkspaceError::Handover(HandoverError::Unrelated(_))
        ),
        "{err}"
    );
    other.save(NOW).unwrap();
    assert_eq!(other.kv().map, before);
    assert_eq!(other_id, id, "the same discussion id, another history");
}

#[test]
fn a_handover_stopped_by_full_storage_is_undone_and_a_file_cannot_make_the_employee_a_leader() {
    use career_core::share::handover::Handover;
    let (mut maria, sam, id) = signed_with_prep();
    let made = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap();
    let file = made.handover.to_json();
    // Storage has room for the discussion but not its preparation: nothing of Sam stays,
    // even after a save.
    let mut kv = new_manager().kv().clone();
    let room = made.handover.documents[&format!("d.{id}")].len() + 200;
    kv.quota = Some(kv.used() + room);
    let mut jo = device(kv, 9);
    let before = jo.kv().map.clone();
    assert!(jo.take_handover(file.as_bytes(), NOW).is_err());
    let _ = jo.save(NOW);
    assert_eq!(jo.kv().map, before);
    assert!(jo.roster().unwrap().person(SAM_ID).is_none());
    assert!(jo.index().discussions.is_empty());
    // A file that lists the employee's key among the leader's: that key is never taken.
    let mut forged = made.handover.clone();
    forged
        .leader_keys
        .push(sam.device_keys().current.public().to_hex());
    let mut jo = new_manager();
    jo.take_handover(forged.to_json().as_bytes(), NOW).unwrap();
    let former = jo.meta(&id).unwrap().unwrap().former_leaders;
    assert!(former.contains(&maria.device_keys().current.public()));
    assert!(!former.contains(&sam.device_keys().current.public()));
    assert!(Handover::is_handover(
        format!("\u{feff}  {file}").as_bytes()
    ));
}

#[test]
fn a_discussion_that_never_left_the_device_is_handed_over_without_the_text_deleted_from_it() {
    let (mut maria, id) = leader();
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    type_text(&mut maria, &notes, "", "secret-typed-then-deleted");
    maria.save(NOW).unwrap();
    let len = "secret-typed-then-deleted".len();
    maria
        .splice(
            &notes,
            &Splice {
                at: 0,
                delete: len,
                insert: "kept".into(),
            },
            NOW,
        )
        .unwrap();
    maria.save(NOW).unwrap();
    let made = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap();
    let mut jo = new_manager();
    jo.take_handover(made.handover.to_json().as_bytes(), NOW)
        .unwrap();
    assert_eq!(jo.discussion(&id).unwrap().notes.as_str(), "kept");
    // No version of the handed-over history holds the deleted text.
    let bytes = jo.raw_entries(&DocName::Discussion(id.clone())).unwrap();
    let mut doc = career_core::AutoCommit::new();
    for (_, v) in bytes {
        use base64::Engine;
        doc.load_incremental(&base64::engine::general_purpose::STANDARD.decode(v).unwrap())
            .unwrap();
    }
    for change in doc.get_changes(&[]) {
        let at = doc.fork_at(&[change.hash()]).unwrap();
        if let Ok(d) = career_core::model::discussion::read(&at) {
            assert!(!d.notes.as_str().contains("secret"));
        }
    }
}
