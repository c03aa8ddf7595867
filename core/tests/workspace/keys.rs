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

    // Both sign on their own devices: agreed on both, every signature verified.
    both_sign(&mut leader, &mut employee, &id);
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

#[test]
fn a_signature_from_a_second_profile_is_not_verified_and_its_key_is_a_change_to_confirm() {
    let (mut leader, employee, id) = leader_signed_after_a_reply();
    // The leader opens their own employee link in another profile (a new device) and signs
    // there as the employee.
    let mut second = device(MemoryKv::default(), 9);
    second
        .take_in(
            &leader.package(&id, true, NOW).unwrap(),
            day("2026-11-28"),
            NOW,
        )
        .unwrap();
    second
        .sign(&id, Side::Employee, "Sam Okafor", day("2026-11-28"))
        .unwrap();
    reply(&mut second, &mut leader, &id);
    let s = leader.sign_off(&id).unwrap();
    assert_eq!(s.employee.as_ref().unwrap().check, Check::UnknownKey);
    assert!(!matches!(s.state, State::Agreed { .. }));
    assert!(leader.agreed_version(&id).unwrap().1.is_none());
    // The record now names another key for the employee: shown, not taken.
    let keys = leader.keys_of(&id).unwrap();
    assert!(keys.changed());
    assert_eq!(keys.pinned, Some(employee.device_keys().current.public()));
    // Accepting it (after comparing codes) is the person's choice, and only then verifies.
    leader.accept_key(&id).unwrap();
    assert!(!leader.keys_of(&id).unwrap().changed());
    assert!(leader
        .sign_off(&id)
        .unwrap()
        .employee
        .unwrap()
        .check
        .is_verified());
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
