//! Device keys, pins and signatures.

use super::*;

#[test]
fn each_device_pins_the_other_s_key_and_both_see_the_same_safety_code() {
    let (mut leader, mut employee, id) = talked();
    // The employee's device pinned the leader's key from the first package.
    let on_employee = employee.keys_of(&id).unwrap();
    assert_eq!(
        on_employee.pinned,
        Some(leader.device_keys().current.public())
    );
    reply(&mut employee, &mut leader, &id);
    let on_leader = leader.keys_of(&id).unwrap();
    assert_eq!(
        on_leader.pinned,
        Some(employee.device_keys().current.public())
    );
    assert!(!on_leader.changed());
    let code = on_leader.safety_code().unwrap();
    assert_eq!(Some(code), employee.keys_of(&id).unwrap().safety_code());

    // Both sign on their own devices. Until the two compared the code, the other's
    // signature matches a key that could be anyone's who held the first link: shown as
    // unconfirmed, and nothing is agreed.
    both_sign(&mut leader, &mut employee, &id);
    let s = leader.sign_off(&id).unwrap();
    assert_eq!(s.employee.unwrap().check, Check::Unconfirmed);
    assert!(s.leader.unwrap().check.is_verified(), "its own");
    assert!(!matches!(s.state, State::Agreed { .. }));
    assert!(leader.agreed_version(&id).unwrap().1.is_none());
    assert_eq!(
        employee.sign_off(&id).unwrap().leader.unwrap().check,
        Check::Unconfirmed
    );
    // They compare the code and each taps "We compared it": agreed on both.
    compared(&mut leader, &mut employee, &id);
    for ws in [&mut leader, &mut employee] {
        let s = ws.sign_off(&id).unwrap();
        assert!(matches!(s.state, State::Agreed { .. }), "{:?}", s.state);
        assert!(s.leader.unwrap().check.is_verified());
        assert!(s.employee.unwrap().check.is_verified());
    }
    // The stored key is used on the next start (the seed offered then is not).
    leader.save(NOW).unwrap();
    let next_start = Workspace::open(
        leader.kv().clone(),
        [1; 16],
        "t",
        [77; 32],
        Box::new(NoGuard),
    );
    assert_eq!(next_start.device_keys(), leader.device_keys());
}

/// The employee replied (both keys pinned), then the leader signed.
fn leader_signed_after_a_reply() -> (Workspace<MemoryKv>, Workspace<MemoryKv>, String) {
    let (mut leader, mut employee, id) = talked();
    reply(&mut employee, &mut leader, &id);
    leader
        .sign(&id, Side::Leader, "Maria Lund", day("2026-11-28"))
        .unwrap();
    (leader, employee, id)
}

/// Someone else opened the employee's link (it holds everything needed to answer) in
/// another profile, and signs there as the employee.
fn second_profile_signs(leader: &mut Workspace<MemoryKv>, id: &str) -> Workspace<MemoryKv> {
    let mut second = device(MemoryKv::default(), 9);
    second
        .take_in(
            &leader.package(id, true, NOW).unwrap(),
            day("2026-11-28"),
            NOW,
        )
        .unwrap();
    second
        .sign(id, Side::Employee, "Sam Okafor", day("2026-11-28"))
        .unwrap();
    reply(&mut second, leader, id);
    second
}

#[test]
fn a_second_key_for_the_employee_before_the_codes_were_compared_is_a_candidate_not_a_change() {
    // Finding 3 (first key wins, silently): before, whoever's key came first was pinned and
    // the real one looked like the change. Now neither counts until the code is compared.
    let (mut leader, mut employee, id) = leader_signed_after_a_reply();
    let second = second_profile_signs(&mut leader, &id);
    let s = leader.sign_off(&id).unwrap();
    assert_eq!(s.employee.as_ref().unwrap().check, Check::UnknownKey);
    assert!(leader.agreed_version(&id).unwrap().1.is_none());
    let keys = leader.keys_of(&id).unwrap();
    assert!(
        !keys.changed(),
        "not a change: the first key was never confirmed"
    );
    assert!(!keys.confirmed);
    assert_eq!(keys.pinned, Some(employee.device_keys().current.public()));
    let intruder = second.device_keys().current.public();
    assert_eq!(keys.candidates, [intruder], "shown side by side");
    assert_ne!(keys.code_with(&intruder), keys.safety_code().unwrap());
    // A key that never came in as the employee's cannot be confirmed.
    let stranger = device(MemoryKv::default(), 11)
        .device_keys()
        .current
        .public();
    assert!(leader.confirm_key(&id, &stranger).is_err());
    // In the room, the code on Sam's screen matches the first key's: that one is confirmed,
    // the other dropped, and a signature with it never counts.
    assert_eq!(
        keys.safety_code(),
        employee.keys_of(&id).unwrap().safety_code()
    );
    compared(&mut leader, &mut employee, &id);
    let keys = leader.keys_of(&id).unwrap();
    assert!(keys.confirmed && keys.candidates.is_empty());
    assert_eq!(
        leader.sign_off(&id).unwrap().employee.unwrap().check,
        Check::UnknownKey
    );
}

#[test]
fn two_replies_to_the_first_link_made_at_the_same_time_both_show_whichever_wins_the_merge() {
    let (mut leader, id) = leader();
    let link = leader.package(&id, true, NOW).unwrap();
    let (mut real, mut intruder) = (
        device(MemoryKv::default(), 3),
        device(MemoryKv::default(), 9),
    );
    for d in [&mut intruder, &mut real] {
        d.take_in(&link, day("2026-11-27"), NOW).unwrap();
        let reply = d.package(&id, false, NOW).unwrap();
        leader.take_in(&reply, day("2026-11-28"), NOW).unwrap();
    }
    let keys = leader.keys_of(&id).unwrap();
    let mut seen: Vec<_> = keys
        .pinned
        .into_iter()
        .chain(keys.candidates.clone())
        .collect();
    seen.sort();
    let mut both = vec![
        real.device_keys().current.public(),
        intruder.device_keys().current.public(),
    ];
    both.sort();
    assert_eq!(seen, both, "both keys shown, one pinned and one beside it");
    assert!(!keys.changed());
    // The real one is confirmed; the other, whichever won the merge, is set aside: not a
    // "change" afterwards, and never counted.
    let real_key = real.device_keys().current.public();
    leader.confirm_key(&id, &real_key).unwrap();
    let keys = leader.keys_of(&id).unwrap();
    assert!(keys.confirmed && !keys.changed(), "{keys:?}");
    assert_eq!(keys.pinned, Some(real_key));
    assert!(keys.candidates.is_empty());
    intruder
        .sign(&id, Side::Employee, "Sam Okafor", day("2026-11-29"))
        .unwrap();
    reply(&mut intruder, &mut leader, &id);
    let keys = leader.keys_of(&id).unwrap();
    assert!(!keys.changed() && keys.candidates.is_empty(), "{keys:?}");
    let s = leader.sign_off(&id).unwrap();
    if let Some(sig) = s.employee {
        if sig.key == Some(intruder.device_keys().current.public()) {
            assert_eq!(sig.check, Check::UnknownKey);
        }
    }
}

#[test]
fn after_the_codes_were_compared_a_new_key_is_a_change_to_confirm() {
    let (mut leader, mut employee, id) = leader_signed_after_a_reply();
    compared(&mut leader, &mut employee, &id);
    let second = second_profile_signs(&mut leader, &id);
    let s = leader.sign_off(&id).unwrap();
    assert_eq!(s.employee.as_ref().unwrap().check, Check::UnknownKey);
    assert!(!matches!(s.state, State::Agreed { .. }));
    // The record now names another key for the employee: shown, not taken.
    let keys = leader.keys_of(&id).unwrap();
    assert!(keys.changed());
    assert_eq!(keys.pinned, Some(employee.device_keys().current.public()));
    // Accepting it (after comparing codes) is the person's choice, and only then verifies.
    leader.accept_key(&id).unwrap();
    let keys = leader.keys_of(&id).unwrap();
    assert!(!keys.changed() && keys.confirmed);
    assert_eq!(keys.pinned, Some(second.device_keys().current.public()));
    assert!(leader
        .sign_off(&id)
        .unwrap()
        .employee
        .unwrap()
        .check
        .is_verified());
}

#[test]
fn a_replaced_key_verifies_what_it_signed_before_and_nothing_after() {
    // Finding 1 (a former key verifies new signatures forever): the employee's old device
    // signs a version made after the leader accepted the employee's new key.
    let (mut leader, mut employee, id) = leader_signed_after_a_reply();
    compared(&mut leader, &mut employee, &id);
    send_back(&mut leader, &mut employee, &id);
    employee
        .sign(&id, Side::Employee, "Sam Okafor", day("2026-11-28"))
        .unwrap();
    reply(&mut employee, &mut leader, &id);
    assert!(matches!(
        leader.sign_off(&id).unwrap().state,
        State::Agreed { .. }
    ));
    // Sam moves to a new device, which sends its first reply; the leader accepts its key
    // after comparing the code. The old device's signature of the agreed version, made
    // before the change, still counts.
    let mut new_device = device(MemoryKv::default(), 9);
    new_device
        .take_in(
            &leader.package(&id, true, NOW).unwrap(),
            day("2026-11-29"),
            NOW,
        )
        .unwrap();
    reply(&mut new_device, &mut leader, &id);
    assert!(leader.keys_of(&id).unwrap().changed());
    leader.accept_key(&id).unwrap();
    let s = leader.sign_off(&id).unwrap();
    let inside = s.employee.unwrap();
    assert_eq!(inside.key, Some(employee.device_keys().current.public()));
    assert!(inside.check.is_verified(), "{:?}", inside.check);
    assert!(matches!(s.state, State::Agreed { .. }));
    // Whoever holds the old device signs the same old version again, after the change:
    // that signature was not there when the key was replaced, so it does not count.
    employee
        .sign(&id, Side::Employee, "Sam Okafor", day("2026-12-05"))
        .unwrap();
    reply(&mut employee, &mut leader, &id);
    assert_eq!(
        leader.sign_off(&id).unwrap().employee.unwrap().check,
        Check::AfterCutoff
    );
    // Months later, whoever holds the old device signs a newer version: it never counts.
    type_text(
        &mut leader,
        &TextField::Discussion(id.clone(), DiscussionText::Notes),
        "",
        "Promoted to staff engineer",
    );
    let whole = leader.package(&id, true, NOW).unwrap();
    employee.take_in(&whole, day("2027-03-01"), NOW).unwrap();
    employee
        .sign(&id, Side::Employee, "Sam Okafor", day("2027-03-01"))
        .unwrap();
    reply(&mut employee, &mut leader, &id);
    let s = leader.sign_off(&id).unwrap();
    assert_eq!(s.employee.unwrap().check, Check::AfterCutoff);
    assert!(leader.agreed_version(&id).unwrap().1.is_none());
    // Stored: the cutoff holds on the next start.
    leader.save(NOW).unwrap();
    let mut again = reopened(&leader, 1);
    assert_eq!(
        again.sign_off(&id).unwrap().employee.unwrap().check,
        Check::AfterCutoff
    );
}

#[test]
fn a_backup_carries_the_device_key_so_a_new_device_still_verifies_its_own_signatures() {
    let (mut leader, _, id) = leader_signed_after_a_reply();
    leader.save(NOW).unwrap();
    let backup = leader.export_backup(day("2026-11-29")).unwrap().to_json();
    let mut new_device = device(MemoryKv::default(), 5);
    new_device.import_backup(backup.as_bytes(), NOW).unwrap();
    assert!(new_device
        .device_keys()
        .owns(&leader.device_keys().current.public()));
    let s = new_device.sign_off(&id).unwrap();
    assert!(s.leader.unwrap().check.is_verified());
    new_device.save(NOW).unwrap();
    assert!(reopened(&new_device, 5)
        .device_keys()
        .owns(&leader.device_keys().current.public()));
}

#[test]
fn an_unreadable_device_key_is_kept_aside_and_a_backup_s_unreadable_key_is_ignored() {
    let (leader, id) = leader();
    let mut kv = leader.kv().clone();
    kv.set(&StorageKey::DeviceKeys.key(), "not a key").unwrap();
    let reopened = device(kv, 1);
    assert_eq!(
        reopened
            .kv()
            .get("ct1:device-keys-damaged")
            .unwrap()
            .as_deref(),
        Some("not a key"),
        "the unreadable value is kept"
    );
    assert!(reopened.device_keys().earlier.is_empty());

    // A backup whose key part is altered: the documents come in, the key is not taken.
    let mut source = leader;
    let mut backup: serde_json::Value =
        serde_json::from_str(&source.export_backup(day("2026-11-30")).unwrap().to_json()).unwrap();
    backup["device_keys"] = "{\"current\":\"zz\"}".into();
    let mut other = device(MemoryKv::default(), 6);
    other.create_roster(NOW).unwrap();
    let before = other.device_keys().clone();
    other
        .import_backup(backup.to_string().as_bytes(), NOW)
        .unwrap();
    assert_eq!(other.device_keys(), &before);
    assert!(other.discussion(&id).is_ok());
}
