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
    compared(&mut leader, &mut employee, &id);
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
    // On Jo's device, Maria's signature is the one the file vouches for, and Sam's key is
    // not taken from the file at all: nothing is agreed until Jo and Sam compare the code.
    let s = jo.sign_off(&id).unwrap();
    assert_eq!(s.leader.unwrap().check, Check::FromFile);
    assert_eq!(s.employee.unwrap().check, Check::NoKnownKey);
    assert!(!matches!(s.state, State::Agreed { .. }));
    assert_eq!(jo.keys_of(&id).unwrap().pinned, None);
    // Stored: the next start reads the same.
    jo.save(NOW).unwrap();
    let mut again = device(jo.kv().clone(), 10);
    assert_eq!(
        again.sign_off(&id).unwrap().leader.unwrap().check,
        Check::FromFile
    );

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
    // Sam answers Jo; the two compare the code: on Jo's device the record is agreed, with
    // Maria's signature as the leader's.
    reply(&mut sam, &mut jo, &id);
    compared(&mut jo, &mut sam, &id);
    let s = jo.sign_off(&id).unwrap();
    assert!(s.leader.unwrap().check.is_verified());
    assert!(s.employee.unwrap().check.is_verified());
    assert!(jo.agreed_version(&id).unwrap().1.is_some());
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
    assert_eq!(
        kim.sign_off(&id).unwrap().leader.unwrap().check,
        Check::FromFile
    );

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
    let newer = file.replacen("\"version\": 2", "\"version\": 3", 1);
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
    // A file changed after it was saved no longer matches its signature: refused.
    let mut forged = made.handover.clone();
    forged
        .leader_keys
        .push(sam.device_keys().current.public().to_hex());
    let mut jo = new_manager();
    let before = jo.kv().map.clone();
    let err = jo
        .take_handover(forged.to_json().as_bytes(), NOW)
        .unwrap_err();
    assert!(err.to_string().contains("altered"), "{err}");
    jo.save(NOW).unwrap();
    assert_eq!(jo.kv().map, before, "nothing stored from a refused file");
    // Signed again by whoever changed it, listing the employee's key among the leader's:
    // that key is never taken as a leader's.
    let intruder = career_core::model::trust::DeviceKey::from_seed([66; 32]);
    forged.leader_keys.push(intruder.public().to_hex());
    forged.seal(&intruder);
    jo.take_handover(forged.to_json().as_bytes(), NOW).unwrap();
    let former: Vec<_> = jo
        .meta(&id)
        .unwrap()
        .unwrap()
        .former_leaders
        .iter()
        .map(|f| f.key)
        .collect();
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

/// Finding 2 (a doctored handover file is accepted): someone rewrites an answer in the
/// file, signs the record as both people with keys of their own, and seals the file again.
#[test]
fn a_doctored_handover_file_makes_nothing_agreed_and_its_employee_key_is_never_pinned() {
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    use career_core::model::trust::{self, DeviceKey};
    use career_core::share::signoff;
    let (mut maria, mut sam, id) = signed_with_prep();
    let made = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap();
    let mut doctored = made.handover.clone();
    let name = format!("d.{id}");
    let bytes = B64.decode(&doctored.documents[&name]).unwrap();
    let mut doc = career_core::AutoCommit::load(&bytes)
        .unwrap()
        .with_actor(automerge::ActorId::from(vec![66u8; 16]));
    career_core::model::discussion::apply(
        &mut doc,
        DiscussionEdit::Answer(AnswerField::ShortTerm, "I want to leave the company".into()),
    )
    .unwrap();
    let (fake_leader, fake_employee) = (
        DeviceKey::from_seed([66; 32]),
        DeviceKey::from_seed([67; 32]),
    );
    trust::record_key(&mut doc, Side::Employee, &fake_employee.public()).unwrap();
    signoff::sign(
        &mut doc,
        Side::Leader,
        "Maria Lund",
        day("2026-12-01"),
        &fake_leader,
    )
    .unwrap();
    signoff::sign(
        &mut doc,
        Side::Employee,
        "Sam Okafor",
        day("2026-12-01"),
        &fake_employee,
    )
    .unwrap();
    doc.commit();
    doctored.documents.insert(name, B64.encode(doc.save()));
    doctored.leader_keys.push(fake_leader.public().to_hex());
    doctored.seal(&fake_leader);

    let mut jo = new_manager();
    jo.take_handover(doctored.to_json().as_bytes(), NOW)
        .unwrap();
    // Nothing of it is agreed, and the employee's key is not taken from the file.
    let s = jo.sign_off(&id).unwrap();
    assert!(!matches!(s.state, State::Agreed { .. }));
    assert_eq!(s.employee.unwrap().check, Check::NoKnownKey);
    assert_eq!(jo.keys_of(&id).unwrap().pinned, None);
    assert!(jo.agreed_version(&id).unwrap().1.is_none());
    // Jo and Sam exchange: Sam's device writes his real key back, so Jo sees it beside the
    // file's; the codes Jo and Sam compare match only with the real one.
    let package = jo.package(&id, false, NOW).unwrap();
    sam.take_in(&package, day("2026-12-02"), NOW).unwrap();
    sam.accept_key(&id).unwrap();
    reply(&mut sam, &mut jo, &id);
    let keys = jo.keys_of(&id).unwrap();
    let real = sam.device_keys().current.public();
    assert!(
        keys.pinned == Some(real) || keys.candidates.contains(&real),
        "{keys:?}"
    );
    let sams_code = sam.keys_of(&id).unwrap().safety_code().unwrap();
    assert_eq!(keys.code_with(&real), sams_code);
    assert_ne!(keys.code_with(&fake_employee.public()), sams_code);
    jo.confirm_key(&id, &real).unwrap();
    sam.confirm_key(&id, &jo.device_keys().current.public())
        .unwrap();
    // The file's employee signature never counts (Sam's device put his own back: the
    // employee's signature is his part of the record), so the doctored version is never
    // the agreed one, on Jo's device or in anything Jo sends HR.
    let s = jo.sign_off(&id).unwrap();
    let e = s.employee.clone().unwrap();
    if e.key == Some(fake_employee.public()) {
        assert_eq!(e.check, Check::UnknownKey);
    } else {
        assert_eq!(e.key, Some(real));
    }
    // The key the doctor signed the file and the record with: Sam never confirmed it, so
    // it stays "from the file" even now that Jo and Sam compared the code.
    let l = s.leader.clone().unwrap();
    assert_eq!(l.key, Some(fake_leader.public()));
    assert_eq!(l.check, Check::FromFile);
    assert!(!matches!(s.state, State::Agreed { .. }), "{:?}", s.state);
    assert!(jo.agreed_version(&id).unwrap().1.is_none());
    assert_eq!(
        jo.discussion(&id).unwrap().answers.short_term.as_str(),
        "I want to leave the company",
        "the doctored answer is there to see, never signed by Sam"
    );
}

#[test]
fn a_handover_file_without_a_signature_is_refused_with_nothing_changed() {
    let (mut maria, _sam, _id) = signed_with_prep();
    let made = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap();
    let mut unsigned = made.handover.clone();
    unsigned.signature.clear();
    unsigned.signer.clear();
    let mut jo = new_manager();
    let before = jo.kv().map.clone();
    let err = jo
        .take_handover(unsigned.to_json().as_bytes(), NOW)
        .unwrap_err();
    assert!(err.to_string().contains("not signed"), "{err}");
    jo.save(NOW).unwrap();
    assert_eq!(jo.kv().map, before);
}
