//! Documents in a key-value store: incremental saves, compaction, two tabs, quota, damage.

mod common;

use career_core::model::discussion::{self, DiscussionEdit};
use career_core::storage::index::{Index, IndexEntry};
use career_core::storage::keys::DocName;
use career_core::storage::keys::StorageKey;

const D1: &str = "000000000000000000000000000000d1";
use career_core::model::method::AnswerField;
use career_core::storage::blobs::{
    raw_entries, KvError, KvStore, LoadError, MemoryKv, SaveOutcome, StoredDoc,
};
use common::*;

fn keys_like(kv: &MemoryKv, part: &str) -> Vec<String> {
    kv.map
        .keys()
        .filter(|k| k.contains(part))
        .cloned()
        .collect()
}

fn type_answer(stored: &mut StoredDoc, field: AnswerField, text: &str) {
    discussion::apply(&mut stored.doc, DiscussionEdit::Answer(field, text.into())).unwrap();
}

fn answer(stored: &StoredDoc, field: AnswerField) -> String {
    read(&stored.doc).answers.get(field).to_string()
}

fn create(kv: &mut MemoryKv) -> StoredDoc {
    StoredDoc::create(
        kv,
        &DocName::parse("d.000000000000000000000000000000d1").unwrap(),
        new_discussion(),
        1_000,
        "tab1",
    )
    .unwrap()
}

fn load(kv: &MemoryKv) -> StoredDoc {
    StoredDoc::load(
        kv,
        &DocName::parse("d.000000000000000000000000000000d1").unwrap(),
        actor(9),
        "tab9",
    )
    .unwrap()
}

const NEXT: AnswerField = AnswerField::Next12Months;

#[test]
fn every_saved_edit_is_there_after_loading_again() {
    let mut kv = MemoryKv::default();
    let mut stored = create(&mut kv);
    type_answer(&mut stored, NEXT, "Run the on-call rotation");
    assert_eq!(stored.save(&mut kv, 1_001).unwrap(), SaveOutcome::Appended);
    assert_eq!(
        stored.save(&mut kv, 1_002).unwrap(),
        SaveOutcome::NothingToSave
    );
    assert_eq!(answer(&load(&kv), NEXT), "Run the on-call rotation");
}

#[test]
fn values_are_stored_as_plain_base64_strings() {
    let mut kv = MemoryKv::default();
    create(&mut kv);
    let snapshots = keys_like(&kv, "d.000000000000000000000000000000d1:s.");
    assert_eq!(snapshots.len(), 1);
    let snapshot = &kv.map[&snapshots[0]];
    assert!(!snapshot.starts_with('[') && !snapshot.starts_with('"'));
    assert!(snapshot
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"+/=".contains(&c)));
}

#[test]
fn saves_append_small_blobs_and_compact_once_they_outweigh_the_snapshot() {
    let mut kv = MemoryKv::default();
    let mut stored = create(&mut kv);
    let snapshot_before = keys_like(&kv, ":s.");

    let mut text = String::new();
    let mut compacted = false;
    for i in 0..200 {
        text.push_str(&format!("step {i}; "));
        type_answer(&mut stored, NEXT, &text);
        match stored.save(&mut kv, 1_000 + i).unwrap() {
            SaveOutcome::Compacted => {
                compacted = true;
                break;
            }
            SaveOutcome::Appended => {
                // Each save adds one blob and leaves the snapshot alone.
                assert_eq!(keys_like(&kv, ":c.").len(), i as usize + 1);
                assert_eq!(keys_like(&kv, ":s."), snapshot_before);
            }
            SaveOutcome::NothingToSave => panic!("an edit was not saved"),
        }
    }
    assert!(compacted, "never compacted");
    assert!(keys_like(&kv, ":c.").is_empty());
    assert_eq!(keys_like(&kv, ":s.").len(), 1);
    assert_eq!(answer(&load(&kv), NEXT), text);
}

#[test]
fn a_crash_between_compaction_steps_still_loads_everything() {
    let mut kv = MemoryKv::default();
    let mut stored = create(&mut kv);
    type_answer(&mut stored, NEXT, "first");
    stored.save(&mut kv, 1_001).unwrap();
    let before = kv.clone();
    // Force a compaction with many saves, then put back the blobs it removed, as if the
    // tab had died after writing the new snapshot but before removing the old blobs.
    for i in 0..100 {
        type_answer(&mut stored, NEXT, &format!("first {i}"));
        if stored.save(&mut kv, 1_002 + i).unwrap() == SaveOutcome::Compacted {
            break;
        }
    }
    for (k, v) in before.map {
        kv.map.entry(k).or_insert(v);
    }
    assert_eq!(answer(&load(&kv), NEXT), answer(&stored, NEXT));
}

#[test]
fn two_tabs_editing_one_document_lose_nothing() {
    let mut kv = MemoryKv::default();
    create(&mut kv);
    let mut tab_a = StoredDoc::load(
        &kv,
        &DocName::parse("d.000000000000000000000000000000d1").unwrap(),
        actor(2),
        "taba",
    )
    .unwrap();
    let mut tab_b = StoredDoc::load(
        &kv,
        &DocName::parse("d.000000000000000000000000000000d1").unwrap(),
        actor(3),
        "tabb",
    )
    .unwrap();

    // Both tabs type and save many times, each compacting on its own schedule, and each
    // picking up the other's saves only now and then.
    let (mut a_text, mut b_text) = (String::new(), String::new());
    for i in 0..120 {
        a_text.push_str(&format!("a{i} "));
        type_answer(&mut tab_a, AnswerField::Strengths, &a_text);
        tab_a.save(&mut kv, 2_000 + i).unwrap();
        b_text.push_str(&format!("b{i} "));
        type_answer(&mut tab_b, AnswerField::DevelopmentAreas, &b_text);
        tab_b.save(&mut kv, 2_000 + i).unwrap();
        if i % 7 == 0 {
            tab_a.refresh(&kv).unwrap();
        }
        if i % 11 == 0 {
            tab_b.refresh(&kv).unwrap();
        }
    }
    // What a third tab (or a reload) finds has every word of both.
    let fresh = load(&kv);
    assert_eq!(answer(&fresh, AnswerField::Strengths), a_text);
    assert_eq!(answer(&fresh, AnswerField::DevelopmentAreas), b_text);
    // And each tab converges once it refreshes.
    assert!(tab_a.refresh(&kv).is_ok());
    assert_eq!(answer(&tab_a, AnswerField::DevelopmentAreas), b_text);
}

#[test]
fn a_full_storage_keeps_the_edit_for_the_next_save() {
    let mut kv = MemoryKv::default();
    let mut stored = create(&mut kv);
    kv.quota = Some(kv.used() + 10);
    let before = kv.clone();

    type_answer(&mut stored, NEXT, "Lead the migration");
    assert_eq!(stored.save(&mut kv, 1_001), Err(KvError::QuotaExceeded));
    assert_eq!(
        kv.map, before.map,
        "a failed save must leave storage as it was"
    );
    assert!(stored.is_dirty());
    // In memory the edit is still there, and can be exported.
    assert_eq!(answer(&stored, NEXT), "Lead the migration");

    // Space is freed: the very same changes are written by the next save.
    kv.quota = None;
    assert_eq!(stored.save(&mut kv, 1_002).unwrap(), SaveOutcome::Appended);
    assert_eq!(answer(&load(&kv), NEXT), "Lead the migration");
}

#[test]
fn a_damaged_document_is_reported_and_its_bytes_are_kept() {
    let mut kv = MemoryKv::default();
    let mut stored = create(&mut kv);
    type_answer(&mut stored, NEXT, "kept");
    stored.save(&mut kv, 1_001).unwrap();
    StoredDoc::create(
        &mut kv,
        &DocName::parse("d.000000000000000000000000000000d2").unwrap(),
        new_discussion(),
        1_000,
        "tab1",
    )
    .unwrap();
    let snapshot = keys_like(&kv, "d.000000000000000000000000000000d1:s.")[0].clone();
    let changes = keys_like(&kv, "d.000000000000000000000000000000d1:c.")[0].clone();

    for (key, garbage) in [
        (&snapshot, "!!not base64!!"),
        (&snapshot, "AAAA"),
        (&snapshot, "aGVsbG8gd29ybGQ="),
        (&changes, "AAECAwQ="),
    ] {
        let mut damaged = kv.clone();
        damaged.map.insert(key.clone(), garbage.into());
        let raw_before = raw_entries(
            &damaged,
            &DocName::parse("d.000000000000000000000000000000d1").unwrap(),
        )
        .unwrap();
        match StoredDoc::load(
            &damaged,
            &DocName::parse("d.000000000000000000000000000000d1").unwrap(),
            actor(9),
            "tab9",
        ) {
            Err(LoadError::Damaged(reason)) => assert!(!reason.is_empty()),
            other => panic!("expected Damaged for {garbage:?}, got {other:?}"),
        }
        // A tab that had it open keeps its copy in memory: it reads only blobs it has not
        // seen (keys are never reused), and refuses a damaged one another tab wrote.
        let _ = stored.refresh(&damaged);
        assert_eq!(answer(&stored, NEXT), "kept");
        let mut from_other_tab = kv.clone();
        let new_key = changes.replace(".tab1.", ".tab7.");
        assert_ne!(new_key, changes);
        from_other_tab.map.insert(new_key, garbage.into());
        assert!(stored.refresh(&from_other_tab).is_err());
        assert_eq!(answer(&stored, NEXT), "kept");
        // Nothing was removed, and the other discussion still loads.
        assert_eq!(
            raw_entries(
                &damaged,
                &DocName::parse("d.000000000000000000000000000000d1").unwrap()
            )
            .unwrap(),
            raw_before
        );
        assert!(StoredDoc::load(
            &damaged,
            &DocName::parse("d.000000000000000000000000000000d2").unwrap(),
            actor(9),
            "tab9"
        )
        .is_ok());
    }
}

#[test]
fn a_burst_of_keystrokes_is_saved_as_one_change() {
    // Load time grows with the number of changes: one change per typing pause, not per key.
    let mut kv = MemoryKv::default();
    let mut stored = create(&mut kv);
    let before = stored.doc.get_changes(&[]).len();
    let sentence = "Zoë 👩🏽‍💻 naïve — 日本";
    for end in sentence.char_indices().map(|(i, c)| i + c.len_utf8()) {
        type_answer(&mut stored, NEXT, &sentence[..end]);
    }
    stored.save(&mut kv, 1_001).unwrap();
    assert_eq!(stored.doc.get_changes(&[]).len(), before + 1);
    assert_eq!(answer(&load(&kv), NEXT), sentence);
}

#[test]
fn the_index_is_rebuilt_and_keeps_damaged_discussions_listed() {
    let mut kv = MemoryKv::default();
    let mut one = StoredDoc::create(
        &mut kv,
        &DocName::Discussion(D1.into()),
        new_discussion(),
        1_000,
        "t",
    )
    .unwrap();
    discussion::apply(
        &mut one.doc,
        DiscussionEdit::HeldOn(Some(day("2026-11-20"))),
    )
    .unwrap();
    one.save(&mut kv, 1_001).unwrap();
    let previous = Index::rebuild(&kv, None).unwrap();
    let entry: &IndexEntry = &previous.discussions[D1];
    assert_eq!(entry.person_id, "p1");
    assert_eq!(entry.held_on, Some(day("2026-11-20")));

    for key in keys_like(&kv, "d.000000000000000000000000000000d1:") {
        kv.set(&key, "garbage").unwrap();
    }
    let rebuilt = Index::rebuild(&kv, Some(&previous)).unwrap();
    assert_eq!(rebuilt.discussions.get(D1), Some(entry));

    // An unreadable index is treated as missing rather than trusted.
    kv.set(&StorageKey::Index.key(), "{not json").unwrap();
    assert_eq!(Index::read(&kv).unwrap(), None);
}

#[test]
fn two_tabs_writing_the_index_keep_each_others_entries() {
    use std::collections::BTreeSet;
    let mut kv = MemoryKv::default();
    let entry = |person: &str| IndexEntry {
        person_id: person.into(),
        created_on: day("2026-11-26"),
        held_on: None,
        open_actions: 0,
        shared_with_me: false,
    };
    let mut tab_a = Index::default();
    let mut tab_b = Index::default();
    tab_a.discussions.insert("x".into(), entry("p1"));
    tab_a
        .write_merged(&mut kv, &BTreeSet::from(["x".to_string()]))
        .unwrap();
    // Tab B never saw "x", and adds "y".
    tab_b.discussions.insert("y".into(), entry("p2"));
    tab_b
        .write_merged(&mut kv, &BTreeSet::from(["y".to_string()]))
        .unwrap();

    let stored = Index::read(&kv).unwrap().unwrap();
    assert_eq!(stored.discussions.keys().collect::<Vec<_>>(), ["x", "y"]);
    assert_eq!(tab_b, stored);
}
