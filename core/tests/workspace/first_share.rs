//! The first share: a fresh history.

use super::*;

const TAKEN_BACK: &str = "Not ready for the lead role before 2028";

/// The discussion as this device stored it (every blob, loaded as one).
fn stored_discussion<K: KvStore>(ws: &Workspace<K>, id: &str) -> career_core::AutoCommit {
    use base64::Engine;
    let mut bytes = vec![];
    for (_, value) in ws.raw_entries(&DocName::Discussion(id.into())).unwrap() {
        bytes.extend(
            base64::engine::general_purpose::STANDARD
                .decode(value)
                .unwrap(),
        );
    }
    career_core::AutoCommit::load(&bytes).unwrap()
}

/// Every version a document's history can show, as text, and its uncompressed bytes
/// (where every character ever inserted is stored, deleted ones included).
fn every_version(doc: &mut career_core::AutoCommit) -> String {
    let hashes: Vec<_> = doc.get_changes(&[]).iter().map(|c| c.hash()).collect();
    let versions: String = hashes
        .iter()
        .map(|h| common::all_content(&doc.fork_at(&[*h]).unwrap()))
        .collect();
    versions + &String::from_utf8_lossy(&doc.save_nocompress())
}

/// The leader interjects a view and types a sentence in the notes, then takes both back.
fn leader_who_took_something_back() -> (Workspace<MemoryKv>, String) {
    use career_core::model::discussion::LeaderView;
    use career_core::model::method::Question;
    let (mut leader, id) = leader();
    leader
        .edit_discussion(
            &id,
            DiscussionEdit::Interject(LeaderView {
                id: "v1".into(),
                question: Question::Strengths,
                source: PrepField::Strengths,
                text: TAKEN_BACK.into(),
                added_on: day("2026-11-27"),
            }),
        )
        .unwrap();
    leader
        .edit_discussion(&id, DiscussionEdit::RemoveLeaderView { id: "v1".into() })
        .unwrap();
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    type_text(
        &mut leader,
        &notes,
        "",
        &format!("{TAKEN_BACK}. Calm in incidents."),
    );
    edit_at(&mut leader, &notes, 0, TAKEN_BACK.len() + 2, "");
    leader.save(NOW).unwrap();
    (leader, id)
}

#[test]
fn the_first_share_carries_no_history_of_what_was_taken_back() {
    let (mut leader, id) = leader_who_took_something_back();
    let mut doc = stored_discussion(&leader, &id);
    assert!(
        every_version(&mut doc).contains(TAKEN_BACK),
        "the history before sharing holds it"
    );

    let package = leader.package(&id, true, NOW + 60).unwrap();
    let (mut sent, d) = package.whole_document().unwrap();
    assert_eq!(d.notes.as_str(), "Calm in incidents.");
    assert!(!every_version(&mut sent).contains(TAKEN_BACK));
    // No edit times either: every change of the new history is from the moment it left.
    assert!(sent
        .get_changes(&[])
        .iter()
        .all(|c| c.timestamp() == NOW + 60));

    // This device adopted the new history: nothing of the old one is left in storage.
    leader.save(NOW + 60).unwrap();
    let mut stored = stored_discussion(&leader, &id);
    assert!(!every_version(&mut stored).contains(TAKEN_BACK));

    // And the two sides work on it as before: the employee's reply merges.
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-28"), NOW).unwrap();
    let strengths = answer(&id, AnswerField::Strengths);
    employee
        .splice(&strengths, &Splice::insert(0, "Clear writing"), NOW)
        .unwrap();
    reply(&mut employee, &mut leader, &id);
    assert_eq!(
        leader.discussion(&id).unwrap().answers.strengths.as_str(),
        "Clear writing"
    );
    // Only the first time: a later package carries the history since.
    let later = leader.package(&id, true, NOW + 120).unwrap();
    assert_eq!(
        later.sender_heads,
        leader.package(&id, true, NOW).unwrap().sender_heads
    );
}

#[test]
fn a_signature_made_before_the_first_share_still_verifies_after_it() {
    let (mut leader, id) = leader_who_took_something_back();
    leader
        .sign(&id, Side::Leader, "Maria Lund", day("2026-11-27"))
        .unwrap();
    let package = leader.package(&id, true, NOW).unwrap();
    let s = leader.sign_off(&id).unwrap();
    assert!(s.leader.as_ref().unwrap().check.is_verified());
    assert!(matches!(s.state, State::Waiting { .. }));
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-28"), NOW).unwrap();
    // It matches the key that came with it; it counts once the two compared the code.
    let s = employee.sign_off(&id).unwrap();
    assert_eq!(s.leader.unwrap().check, Check::Unconfirmed);
    let leader_key = employee.keys_of(&id).unwrap().pinned.unwrap();
    employee.confirm_key(&id, &leader_key).unwrap();
    let s = employee.sign_off(&id).unwrap();
    assert!(s.leader.unwrap().check.is_verified());
}

#[test]
fn a_history_that_came_from_elsewhere_is_never_replaced() {
    let (mut leader, mut employee, id) = talked();
    let origin = |ws: &Workspace<MemoryKv>| {
        stored_discussion(ws, &id)
            .get_changes(&[])
            .first()
            .unwrap()
            .hash()
    };
    employee.save(NOW).unwrap();
    let before = origin(&employee);
    // The employee's first package: the history it received, so the leader can merge it.
    let reply = employee.package(&id, true, NOW).unwrap();
    employee.save(NOW).unwrap();
    assert_eq!(origin(&employee), before);
    leader.take_in(&reply, day("2026-11-28"), NOW).unwrap();
}

#[test]
fn another_tab_takes_the_fresh_history_as_it_is() {
    let storage = SharedKv::default();
    let (first, id) = leader_who_took_something_back();
    for k in first.kv().keys().unwrap() {
        storage
            .clone()
            .set(&k, &first.kv().get(&k).unwrap().unwrap())
            .unwrap();
    }
    // Tabs of device 1: the same first 8 bytes of the actor, their own last 8, and their
    // own blob names.
    let tab = |n: u8| {
        let mut actor = [1; 16];
        actor[8..].fill(n + 10);
        Workspace::open(
            storage.clone(),
            actor,
            &format!("other{n}"),
            [1; 32],
            Box::new(NoGuard),
        )
    };
    let (mut a, mut b) = (tab(1), tab(2));
    assert_eq!(
        b.discussion(&id).unwrap().notes.as_str(),
        "Calm in incidents."
    );
    let before: Vec<String> = storage.keys().unwrap();
    let package = a.package(&id, true, NOW).unwrap();
    a.save(NOW).unwrap();
    for k in storage.keys().unwrap() {
        if !before.contains(&k) {
            b.stored_elsewhere(&k).unwrap();
        }
    }
    b.save(NOW).unwrap();
    let mut stored = stored_discussion(&b, &id);
    assert!(
        !every_version(&mut stored).contains(TAKEN_BACK),
        "tab b merged the old history back"
    );
    // Tab b's edits go out and merge on the employee's side.
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-28"), NOW).unwrap();
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    b.splice(&notes, &Splice::insert(0, "Tab b: "), NOW)
        .unwrap();
    employee
        .take_in(&b.package(&id, false, NOW).unwrap(), day("2026-11-28"), NOW)
        .unwrap();
    assert_eq!(
        employee.discussion(&id).unwrap().notes.as_str(),
        "Tab b: Calm in incidents."
    );
}

#[test]
fn discussions_from_before_device_keys_keep_their_history_when_shared_again() {
    // Made (and perhaps shared) by a version that noted no first share: no device key stored.
    let (mut old, id) = leader();
    old.save(NOW).unwrap();
    let first = stored_discussion(&old, &id)
        .get_changes(&[])
        .first()
        .unwrap()
        .hash();
    let mut kv = old.kv().clone();
    kv.remove(&StorageKey::DeviceKeys.key()).unwrap();
    let mut upgraded = device(kv, 1);
    let package = upgraded.package(&id, true, NOW).unwrap();
    let (mut sent, _) = package.whole_document().unwrap();
    assert_eq!(
        sent.get_changes(&[]).first().unwrap().hash(),
        first,
        "a new history"
    );
}
