//! Documents in a key-value store: incremental saves, compaction, quota and damage.

mod common;

use career_core::discussion::{self, DiscussionEdit};
use career_core::index::{discussion_name, Index, IndexEntry};
use career_core::method::AnswerField;
use career_core::store::{
    raw_entries, KvError, KvStore, LoadError, MemoryKv, SaveOutcome, StoredDoc,
};
use common::*;

fn chunk_keys(kv: &MemoryKv) -> Vec<String> {
    kv.map
        .keys()
        .filter(|k| k.contains(":c:"))
        .cloned()
        .collect()
}

fn type_answer(stored: &mut StoredDoc, text: &str) {
    discussion::apply(
        &mut stored.doc,
        DiscussionEdit::Answer(AnswerField::Next12Months, text.into()),
    )
    .unwrap();
}

#[test]
fn every_saved_edit_is_there_after_loading_again() {
    let mut kv = MemoryKv::default();
    let mut stored = StoredDoc::create(&mut kv, "d.d1", new_discussion(), 1_000).unwrap();
    type_answer(&mut stored, "Run the on-call rotation");
    assert_eq!(stored.save(&mut kv, 1_001).unwrap(), SaveOutcome::Appended);
    assert_eq!(
        stored.save(&mut kv, 1_002).unwrap(),
        SaveOutcome::NothingToSave
    );

    let loaded = StoredDoc::load(&kv, "d.d1", actor(9)).unwrap();
    assert_eq!(
        read(&loaded.doc).answers.next_12_months.as_str(),
        "Run the on-call rotation"
    );
}

#[test]
fn values_are_stored_as_plain_base64_strings() {
    let mut kv = MemoryKv::default();
    StoredDoc::create(&mut kv, "d.d1", new_discussion(), 1_000).unwrap();
    let snapshot = kv.map.get("ct1:doc:d.d1:s").unwrap();
    assert!(!snapshot.starts_with('[') && !snapshot.starts_with('"'));
    assert!(snapshot
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"+/=".contains(&c)));
}

#[test]
fn saves_append_small_chunks_and_compact_once_they_outweigh_the_snapshot() {
    let mut kv = MemoryKv::default();
    let mut stored = StoredDoc::create(&mut kv, "d.d1", new_discussion(), 1_000).unwrap();
    let snapshot_before = kv.map.get("ct1:doc:d.d1:s").unwrap().clone();

    let mut text = String::new();
    let mut compacted = false;
    for i in 0..200 {
        text.push_str(&format!("step {i}; "));
        type_answer(&mut stored, &text);
        match stored.save(&mut kv, 1_000 + i).unwrap() {
            SaveOutcome::Compacted => {
                compacted = true;
                break;
            }
            SaveOutcome::Appended => {
                // Each save adds one chunk and leaves the snapshot alone.
                assert_eq!(chunk_keys(&kv).len(), i as usize + 1);
                assert_eq!(kv.map.get("ct1:doc:d.d1:s").unwrap(), &snapshot_before);
            }
            SaveOutcome::NothingToSave => panic!("an edit was not saved"),
        }
    }
    assert!(compacted, "chunks never compacted");
    assert!(chunk_keys(&kv).is_empty());
    let loaded = StoredDoc::load(&kv, "d.d1", actor(9)).unwrap();
    assert_eq!(read(&loaded.doc).answers.next_12_months.as_str(), text);
}

#[test]
fn a_crash_between_compaction_steps_still_loads_everything() {
    let mut kv = MemoryKv::default();
    let mut stored = StoredDoc::create(&mut kv, "d.d1", new_discussion(), 1_000).unwrap();
    type_answer(&mut stored, "first");
    stored.save(&mut kv, 1_001).unwrap();
    let chunks_before: Vec<(String, String)> = kv
        .map
        .iter()
        .filter(|(k, _)| k.contains(":c:"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // Simulate: the new snapshot was written but the old chunks were not removed.
    let full = base64_of(&mut stored);
    kv.map.insert("ct1:doc:d.d1:s".into(), full);
    for (k, v) in chunks_before {
        kv.map.insert(k, v);
    }
    let loaded = StoredDoc::load(&kv, "d.d1", actor(9)).unwrap();
    assert_eq!(read(&loaded.doc).answers.next_12_months.as_str(), "first");
}

fn base64_of(stored: &mut StoredDoc) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(stored.to_bytes())
}

#[test]
fn a_full_storage_keeps_the_edit_for_the_next_save() {
    let mut kv = MemoryKv::default();
    let mut stored = StoredDoc::create(&mut kv, "d.d1", new_discussion(), 1_000).unwrap();
    kv.quota = Some(kv.used() + 10);
    let before = kv.clone();

    type_answer(&mut stored, "Lead the migration");
    assert_eq!(stored.save(&mut kv, 1_001), Err(KvError::QuotaExceeded));
    assert_eq!(
        kv.map, before.map,
        "a failed save must leave storage as it was"
    );
    assert!(stored.is_dirty());
    // In memory the edit is still there, and can be exported.
    assert_eq!(
        read(&stored.doc).answers.next_12_months.as_str(),
        "Lead the migration"
    );

    // Space is freed: the very same changes are written by the next save.
    kv.quota = None;
    assert_eq!(stored.save(&mut kv, 1_002).unwrap(), SaveOutcome::Appended);
    let loaded = StoredDoc::load(&kv, "d.d1", actor(9)).unwrap();
    assert_eq!(
        read(&loaded.doc).answers.next_12_months.as_str(),
        "Lead the migration"
    );
}

#[test]
fn a_damaged_document_is_reported_and_its_bytes_are_kept() {
    let mut kv = MemoryKv::default();
    let mut stored = StoredDoc::create(&mut kv, "d.d1", new_discussion(), 1_000).unwrap();
    type_answer(&mut stored, "kept");
    stored.save(&mut kv, 1_001).unwrap();
    StoredDoc::create(&mut kv, "d.d2", new_discussion(), 1_000).unwrap();

    for garbage in ["!!not base64!!", "AAAA", "aGVsbG8gd29ybGQ="] {
        let mut damaged = kv.clone();
        damaged.map.insert("ct1:doc:d.d1:s".into(), garbage.into());
        let raw_before = raw_entries(&damaged, "d.d1").unwrap();
        match StoredDoc::load(&damaged, "d.d1", actor(9)) {
            Err(LoadError::Damaged(reason)) => assert!(!reason.is_empty()),
            other => panic!("expected Damaged for {garbage:?}, got {other:?}"),
        }
        // Nothing was removed, and the other discussion still loads.
        assert_eq!(raw_entries(&damaged, "d.d1").unwrap(), raw_before);
        assert!(StoredDoc::load(&damaged, "d.d2", actor(9)).is_ok());
    }

    let mut bad_chunk = kv.clone();
    let chunk = chunk_keys(&bad_chunk)[0].clone();
    bad_chunk.map.insert(chunk, "AAECAwQ=".into());
    assert!(matches!(
        StoredDoc::load(&bad_chunk, "d.d1", actor(9)),
        Err(LoadError::Damaged(_))
    ));
}

#[test]
fn the_index_is_rebuilt_and_keeps_damaged_discussions_listed() {
    let mut kv = MemoryKv::default();
    let mut one =
        StoredDoc::create(&mut kv, &discussion_name("d1"), new_discussion(), 1_000).unwrap();
    discussion::apply(
        &mut one.doc,
        DiscussionEdit::HeldOn(Some(day("2026-11-20"))),
    )
    .unwrap();
    one.save(&mut kv, 1_001).unwrap();
    let previous = Index::rebuild(&kv, None).unwrap();
    let entry: &IndexEntry = &previous.discussions["d1"];
    assert_eq!(entry.person_id, "p1");
    assert_eq!(entry.held_on, Some(day("2026-11-20")));

    kv.set("ct1:doc:d.d1:s", "garbage").unwrap();
    let rebuilt = Index::rebuild(&kv, Some(&previous)).unwrap();
    assert_eq!(rebuilt.discussions.get("d1"), Some(entry));

    // An unreadable index is treated as missing rather than trusted.
    kv.set(career_core::index::INDEX_KEY, "{not json").unwrap();
    assert_eq!(Index::read(&kv).unwrap(), None);
}

#[test]
fn a_burst_of_keystrokes_is_saved_as_one_change() {
    // Load time grows with the number of changes: one change per typing pause, not per key.
    let mut kv = MemoryKv::default();
    let mut stored = StoredDoc::create(&mut kv, "d.d1", new_discussion(), 1_000).unwrap();
    let before = stored.doc.get_changes(&[]).len();
    let sentence = "Zoë 👩🏽‍💻 naïve — 日本";
    for end in sentence.char_indices().map(|(i, c)| i + c.len_utf8()) {
        type_answer(&mut stored, &sentence[..end]);
    }
    stored.save(&mut kv, 1_001).unwrap();
    assert_eq!(stored.doc.get_changes(&[]).len(), before + 1);
    let loaded = StoredDoc::load(&kv, "d.d1", actor(9)).unwrap();
    assert_eq!(read(&loaded.doc).answers.next_12_months.as_str(), sentence);
}
