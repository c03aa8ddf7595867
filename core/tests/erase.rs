//! Deleting for real (issue #20): a discussion or a person goes with every storage entry of
//! theirs and nothing else; the people list keeps no trace of a deleted person even in its
//! history; an interrupted deletion is finished by the next start.

mod common;

use std::collections::BTreeMap;

use career_core::model::discussion::{DiscussionText, NewDiscussion};
use career_core::model::method::{AnswerField, PrepField};
use career_core::model::people::{self, Participant, Person, RosterEdit};
use career_core::storage::blobs::{KvStore, LoadError, MemoryKv};
use career_core::storage::keys::{DocName, StorageKey};
use career_core::text::Splice;
use career_core::workspace::{Erase, NoGuard, TextField, Workspace};
use career_core::AutoCommit;
use common::{day, SharedKv};

const NOW: i64 = 1_795_000_000;
const SAM: &str = "0000000000000000000000000000005a";
const ANA: &str = "000000000000000000000000000000a2";
const SAM_1: &str = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a51";
const SAM_2: &str = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a52";
const ANA_1: &str = "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a1";

fn device(kv: MemoryKv, n: u8) -> Workspace<MemoryKv> {
    Workspace::open(kv, [n; 16], &format!("tab{n}"), [n; 32], Box::new(NoGuard))
}

fn person(id: &str, name: &str) -> Person {
    Person {
        id: id.into(),
        name: name.into(),
        role: "Engineer".into(),
        team: "Payments".into(),
        cadence_months: 12,
        archived: false,
        added_on: day("2026-01-05"),
    }
}

fn start(ws: &mut Workspace<MemoryKv>, id: &str, who: &Person, on: &str) {
    ws.new_discussion(
        NewDiscussion {
            id: id.into(),
            person_id: who.id.clone(),
            employee: Participant {
                name: who.name.clone(),
                role: who.role.clone(),
            },
            manager: Participant {
                name: "Maria Lund".into(),
                role: String::new(),
            },
            created_on: day(on),
        },
        NOW,
    )
    .unwrap();
}

fn write<K: KvStore>(ws: &mut Workspace<K>, field: TextField, text: &str) {
    ws.splice(&field, &Splice::insert(0, text), NOW).unwrap();
}

/// A leader's device with Sam (two discussions, preparation, a merged note from his device)
/// and Ana (one discussion), written by two tabs; plus the crash guard's notes naming both.
fn leader() -> Workspace<MemoryKv> {
    let mut ws = device(MemoryKv::default(), 1);
    ws.create_roster(NOW).unwrap();
    ws.edit_roster(RosterEdit::ManagerName("Maria Lund".into()))
        .unwrap();
    let (sam, ana) = (person(SAM, "Sam Okafor"), person(ANA, "Ana Reyes"));
    ws.edit_roster(RosterEdit::AddPerson(sam.clone())).unwrap();
    ws.edit_roster(RosterEdit::AddPerson(ana.clone())).unwrap();
    ws.save(NOW).unwrap();
    // A rename: the old name is in the people list's history only.
    ws.edit_roster(RosterEdit::Name {
        id: SAM.into(),
        name: "Samuel Okafor".into(),
    })
    .unwrap();
    start(&mut ws, SAM_1, &sam, "2025-11-20");
    start(&mut ws, SAM_2, &sam, "2026-11-20");
    start(&mut ws, ANA_1, &ana, "2026-10-01");
    write(
        &mut ws,
        TextField::Prep(SAM_2.into(), PrepField::Potential),
        "Sam could lead the platform",
    );
    write(
        &mut ws,
        TextField::Discussion(SAM_2.into(), DiscussionText::Answer(AnswerField::Strengths)),
        "Zoë 👩🏽‍💻 naïve — 日本 sam-strengths",
    );
    write(
        &mut ws,
        TextField::Prep(ANA_1.into(), PrepField::Potential),
        "Ana could lead design",
    );
    write(
        &mut ws,
        TextField::Discussion(ANA_1.into(), DiscussionText::Answer(AnswerField::Strengths)),
        "ana-strengths",
    );
    ws.save(NOW).unwrap();
    // A second tab writes to both people's discussions (blobs of another writer).
    let mut other = device(ws.kv().clone(), 2);
    write(
        &mut other,
        TextField::Discussion(
            SAM_1.into(),
            DiscussionText::Answer(AnswerField::Next12Months),
        ),
        "sam-steps",
    );
    write(
        &mut other,
        TextField::Discussion(
            ANA_1.into(),
            DiscussionText::Answer(AnswerField::Next12Months),
        ),
        "ana-steps",
    );
    other.save(NOW).unwrap();
    let mut kv = other.kv().clone();
    // Notes only the app writes, naming each: metadata kept aside, the crash guard's lists.
    kv.set(&StorageKey::MetaSetAside(SAM_1.into()).key(), "{broken")
        .unwrap();
    kv.set(&StorageKey::MetaSetAside(ANA_1.into()).key(), "{broken too")
        .unwrap();
    let unreadable = BTreeMap::from([
        (format!("d.{SAM_2}"), "x".to_string()),
        (format!("d.{ANA_1}"), "y".to_string()),
    ]);
    kv.set(
        &StorageKey::Unreadable.key(),
        &serde_json::to_string(&unreadable).unwrap(),
    )
    .unwrap();
    let skip = vec![
        (SAM_1.to_string(), "leader".to_string(), 3u64),
        (ANA_1.to_string(), "employee".to_string(), 4),
    ];
    kv.set(
        &StorageKey::MailboxSkip.key(),
        &serde_json::to_string(&skip).unwrap(),
    )
    .unwrap();
    device(kv, 3)
}

/// Sam's discussions, as the confirmation lists them.
fn sams() -> Vec<String> {
    vec![SAM_1.into(), SAM_2.into()]
}

fn entries(ws: &Workspace<MemoryKv>) -> BTreeMap<String, String> {
    ws.kv().map.clone()
}

/// Every name the people list has held, at every point of its history.
fn names_in_roster_history<K: KvStore>(ws: &Workspace<K>) -> Vec<String> {
    let mut doc = AutoCommit::new();
    for (_, value) in ws.raw_entries(&DocName::Roster).unwrap() {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value)
            .unwrap();
        doc.load_incremental(&bytes).unwrap();
    }
    let mut names = Vec::new();
    for change in doc.get_changes(&[]) {
        let at = doc.fork_at(&[change.hash()]).unwrap();
        if let Ok(r) = people::read(&at) {
            names.extend(r.people.into_iter().map(|p| p.name));
        }
    }
    names
}

/// Whether any key or value (as stored, and its base64 decoded) mentions `needle`.
fn mentions(map: &BTreeMap<String, String>, needle: &str) -> Vec<String> {
    use base64::Engine;
    map.iter()
        .filter(|(k, v)| {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(v.as_bytes())
                .unwrap_or_default();
            k.contains(needle)
                || v.contains(needle)
                || String::from_utf8_lossy(&decoded).contains(needle)
        })
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn deleting_a_person_removes_every_entry_of_theirs_and_nothing_else() {
    let mut ws = leader();
    let before = entries(&ws);
    assert!(names_in_roster_history(&ws).contains(&"Sam Okafor".to_string()));
    let preview = ws.erase_preview(&Erase::Person(SAM.into())).unwrap();
    let ids: Vec<&str> = preview.discussions.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, [SAM_2, SAM_1], "newest first");
    assert!(preview.discussions[0].prep && !preview.discussions[0].drafts);
    assert!(!preview.discussions[0].shared && !preview.discussions[0].paired);

    ws.erase(&Erase::Person(SAM.into()), &sams(), NOW).unwrap();
    let after = entries(&ws);
    for needle in [
        SAM,
        SAM_1,
        SAM_2,
        "Sam Okafor",
        "Samuel",
        "sam-strengths",
        "sam-steps",
        "Sam could",
    ] {
        assert_eq!(
            mentions(&after, needle),
            Vec::<String>::new(),
            "{needle} is gone"
        );
    }
    assert!(!names_in_roster_history(&ws)
        .iter()
        .any(|n| n.contains("Sam")));
    // Every other entry is byte for byte as it was, except the three shared lists, which
    // lost exactly Sam's lines.
    let changed = [
        StorageKey::Index.key(),
        StorageKey::Unreadable.key(),
        StorageKey::MailboxSkip.key(),
    ];
    for (key, value) in &after {
        if changed.contains(key) || key.starts_with("ct1:doc:roster:") {
            continue;
        }
        assert_eq!(before.get(key), Some(value), "{key} unchanged");
    }
    for (key, value) in &before {
        let theirs =
            [SAM_1, SAM_2].iter().any(|id| key.contains(id)) || key.starts_with("ct1:doc:roster:");
        if !theirs {
            assert!(after.contains_key(key), "{key} kept");
        } else {
            assert!(!after.contains_key(key), "{key} removed");
        }
        let _ = value;
    }
    assert!(after[&StorageKey::Unreadable.key()].contains(ANA_1));
    assert!(after[&StorageKey::MailboxSkip.key()].contains(ANA_1));
    assert!(!after.contains_key(&StorageKey::Erasing.key()));

    // Opened again (another tab, the next start): Ana and her discussion as they were.
    let mut next = device(ws.kv().clone(), 4);
    let roster = next.roster().unwrap();
    assert_eq!(roster.manager.name, "Maria Lund");
    assert_eq!(
        roster
            .people
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Ana Reyes"]
    );
    assert_eq!(next.discussion(SAM_2).unwrap_err(), LoadError::NotFound);
    let ana = next.discussion(ANA_1).unwrap();
    assert_eq!(ana.answers.strengths.as_str(), "ana-strengths");
    assert_eq!(ana.answers.next_12_months.as_str(), "ana-steps");
    assert_eq!(next.index().discussions.keys().collect::<Vec<_>>(), [ANA_1]);
    // The people list still takes edits and keeps them.
    next.edit_roster(RosterEdit::AddPerson(person(
        "000000000000000000000000000000c3",
        "Cy Bo",
    )))
    .unwrap();
    next.save(NOW).unwrap();
    assert_eq!(
        device(next.kv().clone(), 5).roster().unwrap().people.len(),
        2
    );
}

#[test]
fn deleting_a_discussion_leaves_the_person_and_their_other_discussions() {
    let mut ws = leader();
    let before = entries(&ws);
    ws.erase(&Erase::Discussion(SAM_2.into()), &[SAM_2.into()], NOW)
        .unwrap();
    let after = entries(&ws);
    assert_eq!(mentions(&after, SAM_2), Vec::<String>::new());
    assert_eq!(mentions(&after, "Sam could"), Vec::<String>::new());
    for (key, value) in &before {
        if key.contains(SAM_2) {
            continue;
        }
        if [StorageKey::Index.key(), StorageKey::Unreadable.key()].contains(key) {
            continue;
        }
        assert_eq!(after.get(key), Some(value), "{key} unchanged");
    }
    let mut next = device(ws.kv().clone(), 4);
    assert!(next.roster().unwrap().person(SAM).is_some());
    assert_eq!(
        next.discussion(SAM_1)
            .unwrap()
            .answers
            .next_12_months
            .as_str(),
        "sam-steps"
    );
    assert_eq!(next.index().of_person(SAM).len(), 1);
}

#[test]
fn a_damaged_discussion_of_the_person_goes_too() {
    let mut ws = leader();
    // Sam's first discussion: its snapshot damaged in storage (the index still lists it).
    let mut kv = ws.kv().clone();
    let key = kv
        .map
        .keys()
        .find(|k| k.starts_with(&format!("ct1:doc:d.{SAM_1}:s.")))
        .unwrap()
        .clone();
    kv.set(&key, "not automerge").unwrap();
    ws = device(kv, 6);
    assert!(ws.discussion(SAM_1).is_err());
    let preview = ws.erase_preview(&Erase::Person(SAM.into())).unwrap();
    assert!(preview
        .discussions
        .iter()
        .any(|d| d.id == SAM_1 && d.damaged));
    ws.erase(&Erase::Person(SAM.into()), &sams(), NOW).unwrap();
    assert_eq!(mentions(&entries(&ws), SAM_1), Vec::<String>::new());
}

#[test]
fn an_interrupted_deletion_is_finished_by_the_next_start() {
    // Interrupted after every possible number of storage writes, and the next start
    // interrupted too: a start that completes finds either the whole person or none of
    // them, and every entry that is not Sam's nor shared byte for byte as it was.
    let reference = leader();
    let others: BTreeMap<String, String> = entries(&reference)
        .into_iter()
        .filter(|(k, _)| {
            !k.contains(SAM_1) && !k.contains(SAM_2) && !k.starts_with("ct1:doc:roster:")
        })
        .filter(|(k, _)| {
            ![
                StorageKey::Index.key(),
                StorageKey::Unreadable.key(),
                StorageKey::MailboxSkip.key(),
            ]
            .contains(k)
        })
        .collect();
    let ana_before = device(reference.kv().clone(), 7).discussion(ANA_1).unwrap();
    let mut finished_at = None;
    for budget in 0..200 {
        let mut kv = leader().kv().clone();
        kv.fail_after = Some(budget);
        let mut ws = device(kv, 8);
        let done = ws.erase(&Erase::Person(SAM.into()), &sams(), NOW).is_ok();
        // The next start stops part-way too, then one more start completes.
        let mut kv = ws.kv().clone();
        kv.fail_after = Some(budget / 2);
        let stopped = device(kv, 9);
        let first_report = stopped.resumed_erasing().map(|r| r.is_ok());
        let mut kv = stopped.kv().clone();
        kv.fail_after = None;
        let mut next = device(kv, 10);
        let roster = next.roster().unwrap();
        let all = entries(&next);
        let gone = mentions(&all, SAM_1).is_empty()
            && mentions(&all, SAM_2).is_empty()
            && roster.person(SAM).is_none()
            && !names_in_roster_history(&next)
                .iter()
                .any(|n| n.contains("Sam"));
        let whole = next.discussion(SAM_2).is_ok()
            && next.discussion(SAM_1).is_ok()
            && roster.person(SAM).is_some();
        assert!(gone || whole, "after {budget} writes: all or nothing");
        assert!(
            !all.contains_key(&StorageKey::Erasing.key()),
            "after {budget} writes: finished"
        );
        let reported =
            first_report == Some(true) || next.resumed_erasing().is_some_and(|r| r.is_ok());
        assert_eq!(
            gone,
            done || reported,
            "after {budget} writes: a deletion finished at a start is reported"
        );
        assert!(roster.person(ANA).is_some());
        assert_eq!(
            next.discussion(ANA_1).unwrap(),
            ana_before,
            "after {budget} writes"
        );
        for (k, v) in &others {
            assert_eq!(all.get(k), Some(v), "after {budget} writes: {k} unchanged");
        }
        if done {
            assert!(gone);
            finished_at = Some(budget);
            break;
        }
    }
    assert!(
        finished_at.is_some_and(|b| b > 3),
        "the deletion takes several writes ({finished_at:?})"
    );
}

#[test]
fn nothing_is_deleted_when_the_list_changed_or_the_people_list_cannot_be_read() {
    let mut ws = leader();
    let before = entries(&ws);
    // The confirmation listed one discussion; the person has two now.
    let err = ws
        .erase(&Erase::Person(SAM.into()), &[SAM_2.into()], NOW)
        .unwrap_err();
    assert!(matches!(
        err,
        career_core::workspace::WorkspaceError::EraseChanged
    ));
    assert_eq!(entries(&ws), before);
    // A people list that cannot be read cannot lose the person: nothing goes.
    let mut kv = ws.kv().clone();
    let key = kv
        .map
        .keys()
        .find(|k| k.starts_with("ct1:doc:roster:s."))
        .unwrap()
        .clone();
    kv.set(&key, "not automerge").unwrap();
    let mut ws = device(kv, 5);
    let before = entries(&ws);
    assert!(ws.erase(&Erase::Person(SAM.into()), &sams(), NOW).is_err());
    assert_eq!(entries(&ws), before);
}

#[test]
fn an_erasing_entry_the_app_did_not_write_deletes_nothing() {
    for junk in [
        "{",
        "[]",
        r#"{"discussions":["../../ct1:device-keys"]}"#,
        r#"{"discussions":[],"person":"x"}"#,
    ] {
        let mut kv = leader().kv().clone();
        kv.set(&StorageKey::Erasing.key(), junk).unwrap();
        let before = kv.map.clone();
        let ws = device(kv, 6);
        assert!(ws.resumed_erasing().is_none(), "{junk}");
        assert_eq!(ws.kv().map, before, "{junk}: nothing changed");
    }
}

#[test]
fn this_tabs_unsaved_index_rows_survive_a_deletion() {
    let mut ws = leader();
    // A discussion with Ana started and not saved yet.
    let ana = person(ANA, "Ana Reyes");
    start(
        &mut ws,
        "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a9",
        &ana,
        "2026-12-01",
    );
    ws.erase(&Erase::Discussion(SAM_2.into()), &[SAM_2.into()], NOW)
        .unwrap();
    ws.save(NOW).unwrap();
    let next = device(ws.kv().clone(), 7);
    assert!(next
        .index()
        .discussions
        .contains_key("a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a9"));
    assert!(!next.index().discussions.contains_key(SAM_2));
}

#[test]
fn another_tab_lets_go_of_what_was_deleted_and_never_writes_it_back() {
    let storage = SharedKv::default();
    *storage.0.borrow_mut() = leader().kv().clone();
    let tab = |n: u8| storage.tab(n);
    let (mut a, mut b) = (tab(11), tab(12));
    // Tab b has Sam's discussion open with typing not saved yet.
    assert!(b.discussion(SAM_2).is_ok());
    write(
        &mut b,
        TextField::Discussion(SAM_2.into(), DiscussionText::Notes),
        "typed in tab b",
    );
    let before: BTreeMap<String, String> = storage.0.borrow().map.clone();
    a.erase(&Erase::Person(SAM.into()), &sams(), NOW).unwrap();
    // The browser tells tab b of every key tab a set or removed.
    let after = storage.0.borrow().map.clone();
    for k in before.keys().chain(after.keys()) {
        if before.get(k) != after.get(k) {
            b.stored_elsewhere(k).unwrap();
        }
    }
    assert_eq!(b.discussion(SAM_2).unwrap_err(), LoadError::NotFound);
    assert!(b.roster().unwrap().person(SAM).is_none());
    b.edit_roster(RosterEdit::Name {
        id: ANA.into(),
        name: "Ana M. Reyes".into(),
    })
    .unwrap();
    b.save(NOW).unwrap();
    let map = storage.0.borrow().map.clone();
    for needle in [SAM_2, "typed in tab b", "Sam Okafor"] {
        assert_eq!(mentions(&map, needle), Vec::<String>::new(), "{needle}");
    }
    let mut next = tab(13);
    assert_eq!(
        next.roster()
            .unwrap()
            .people
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Ana M. Reyes"]
    );
    assert!(!names_in_roster_history(&next)
        .iter()
        .any(|n| n.contains("Sam")));
}
