//! A peer in a live session sends sync messages that would crash Automerge, ask it for
//! gigabytes, or carry changes that leave no valid discussion: each is refused or undone,
//! and the document is exactly as it was.

mod common;

use career_core::live::envelope::{Envelope, Kind};
use career_core::live::session::{LiveError, Presence, Session};
use career_core::storage::blobs::MemoryKv;
use career_core::storage::precheck::{check_sync, ChunkError};
use career_core::storage::workspace::{NoGuard, Workspace, WorkspaceError};
use career_core::AutoCommit;
use common::*;

const PEER: [u8; 16] = [9; 16];

fn session() -> Session {
    Session::new([1; 16], Presence::default())
}

fn sync(bytes: Vec<u8>, seq: u64) -> Envelope {
    Envelope {
        from: PEER,
        to: None,
        kind: Kind::Sync,
        seq,
        bytes,
    }
}

fn leb(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A version-1 sync message with no heads, needs or filters, carrying `changes`.
fn message_with(changes: &[&[u8]]) -> Vec<u8> {
    let mut m = vec![0x42, 0, 0, 0];
    leb(&mut m, changes.len() as u64);
    for c in changes {
        leb(&mut m, c.len() as u64);
        m.extend_from_slice(c);
    }
    m
}

#[test]
fn what_automerge_sends_passes_the_check() {
    let mut a = new_discussion();
    let mut b = AutoCommit::new();
    let (mut sa, mut sb) = (automerge::sync::State::new(), automerge::sync::State::new());
    use automerge::sync::SyncDoc;
    for _ in 0..4 {
        if let Some(m) = a.sync().generate_sync_message(&mut sa) {
            let bytes = m.encode();
            check_sync(&bytes).unwrap();
            b.sync()
                .receive_sync_message(&mut sb, automerge::sync::Message::decode(&bytes).unwrap())
                .unwrap();
        }
        if let Some(m) = b.sync().generate_sync_message(&mut sb) {
            let bytes = m.encode();
            check_sync(&bytes).unwrap();
            a.sync()
                .receive_sync_message(&mut sa, automerge::sync::Message::decode(&bytes).unwrap())
                .unwrap();
        }
    }
    assert_eq!(a.get_heads(), b.get_heads());
}

#[test]
fn the_fuzzers_crashing_and_oom_inputs_are_refused_before_automerge_reads_them() {
    let crash: &[u8] = include_bytes!("regressions/stored_doc_crash_1");
    let oom: &[u8] = include_bytes!("regressions/stored_doc_oom_1");
    let mut doc = new_discussion();
    let before = doc.save();
    let mut s = session();
    let inputs = [
        message_with(&[crash]),
        message_with(&[oom]),
        crash.to_vec(),
        oom.to_vec(),
        // Counts far beyond the bytes that follow.
        vec![0x42, 0xff, 0xff, 0xff, 0xff, 0x0f],
        vec![0x42, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f],
    ];
    for (i, bytes) in inputs.into_iter().enumerate() {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            s.receive(&mut doc, sync(bytes, i as u64 + 1)).err()
        }));
        assert_eq!(
            result.ok(),
            Some(Some(LiveError::BadSync)),
            "input {i} panicked or was taken in"
        );
    }
    assert_eq!(doc.save(), before, "the document changed");
    assert_eq!(
        check_sync(&message_with(&[oom])),
        Err(ChunkError::UnsupportedType(3)),
        "the bundle chunk is refused by type"
    );
    assert!(check_sync(&message_with(&[crash])).is_err());
}

#[test]
fn changes_that_leave_no_valid_discussion_are_undone() {
    use automerge::transaction::Transactable;
    let mut leader = Workspace::open(
        MemoryKv::default(),
        [1; 16],
        "t1",
        [1; 32],
        Box::new(NoGuard),
    );
    let mut base = new_discussion();
    let id = read(&base).id;
    // The stranger's change on top of the shared history: the record's kind is wrecked.
    let mut evil = replica(&mut base, 7);
    evil.put(automerge::ROOT, "kind", "something/else").unwrap();
    evil.commit();
    let bundle =
        career_core::share::Package::whole(&mut base, career_core::Side::Employee).unwrap();
    leader
        .take_in(&bundle, day("2026-11-27"), 1_795_000_000)
        .unwrap();
    // Making a package records this device's key the first time: done before the snapshot.
    let heads_before = leader
        .package(&id, true, 1_795_000_000)
        .unwrap()
        .sender_heads;
    leader.save(1_795_000_000).unwrap();
    let stored = leader.kv().clone();
    let before = leader.discussion(&id).unwrap();

    let mut s = session();
    let change = evil.get_last_local_change().unwrap().raw_bytes().to_vec();
    let result = leader.live_receive(&id, &mut s, sync(message_with(&[&change]), 1));
    assert!(
        matches!(result, Err(WorkspaceError::Live(LiveError::Invalid))),
        "{:?}",
        result.err()
    );
    assert_eq!(leader.discussion(&id).unwrap(), before);
    assert_eq!(
        leader
            .package(&id, true, 1_795_000_000)
            .unwrap()
            .sender_heads,
        heads_before
    );
    leader.save(1_795_000_000).unwrap();
    assert_eq!(leader.kv(), &stored, "storage changed");
}

#[test]
fn a_peer_with_the_same_id_but_another_history_plants_nothing() {
    let mut employee = Workspace::open(
        MemoryKv::default(),
        [3; 16],
        "t3",
        [3; 32],
        Box::new(NoGuard),
    );
    let mut real = new_discussion();
    let id = read(&real).id;
    let package =
        career_core::share::Package::whole(&mut real, career_core::Side::Employee).unwrap();
    employee
        .take_in(&package, day("2026-11-27"), 1_795_000_000)
        .unwrap();
    employee.save(1_795_000_000).unwrap();
    let stored = employee.kv().clone();
    let before = employee.discussion(&id).unwrap();

    // A stranger makes a discussion with the same id from scratch and syncs it.
    let mut stranger = new_discussion_by(8);
    career_core::model::discussion::apply(
        &mut stranger,
        career_core::model::discussion::DiscussionEdit::Notes("Planted".into()),
    )
    .unwrap();
    stranger.commit();
    use automerge::sync::SyncDoc;
    let mut state = automerge::sync::State::new();
    let everything = stranger
        .sync()
        .generate_sync_message(&mut state)
        .unwrap()
        .encode();
    // The stranger's first message only offers heads; answer as a fresh peer would get it.
    let mut s = session();
    let _ = employee.live_receive(&id, &mut s, sync(everything, 1));
    let changes: Vec<Vec<u8>> = stranger
        .get_changes(&[])
        .iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    let refs: Vec<&[u8]> = changes.iter().map(Vec::as_slice).collect();
    let result = employee.live_receive(&id, &mut s, sync(message_with(&refs), 2));
    assert!(
        matches!(result, Err(WorkspaceError::Live(LiveError::Unrelated))),
        "{:?}",
        result.err()
    );
    assert_eq!(employee.discussion(&id).unwrap(), before);
    employee.save(1_795_000_000).unwrap();
    assert_eq!(employee.kv(), &stored, "storage changed");
}

/// Found by the `live_sync` fuzz target.
#[test]
fn live_sync_crash_1_is_an_error_not_a_crash() {
    let data = include_bytes!("regressions/live_sync_crash_1");
    let mut doc = AutoCommit::new();
    let mut s = session();
    let r = s.receive(&mut doc, sync(data.to_vec(), 1));
    assert!(r.is_err(), "taken in");
}

/// Found by the `live_sync` fuzz target: Bloom filters that make Automerge divide by zero
/// (entries but no bits) or size a vector by billions of probes.
#[test]
fn bloom_filters_automerge_cannot_take_are_refused() {
    let with_bloom = |bloom: &[u8]| {
        let mut m = vec![0x42, 0, 0, 1, 0];
        leb(&mut m, bloom.len() as u64);
        m.extend_from_slice(bloom);
        m.push(0); // no changes
        m
    };
    let mut billions = vec![1, 10];
    leb(&mut billions, u64::from(u32::MAX));
    billions.extend([0, 0]);
    let no_bits = [5, 0, 7];
    for bloom in [&billions[..], &no_bits[..]] {
        let bytes = with_bloom(bloom);
        assert!(check_sync(&bytes).is_err(), "{bloom:?} passed the check");
        let mut doc = new_discussion();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            session().receive(&mut doc, sync(bytes, 1)).err()
        }));
        assert_eq!(r.ok(), Some(Some(LiveError::BadSync)));
    }
    // A filter as Automerge writes it passes.
    assert!(check_sync(&with_bloom(&[1, 10, 7, 0, 0])).is_ok());
}

#[test]
fn a_peer_that_said_goodbye_cannot_be_replayed() {
    let mut doc = new_discussion();
    let mut s = session();
    let hello = Envelope {
        from: PEER,
        to: None,
        kind: Kind::Presence,
        seq: 5,
        bytes: b"{}".to_vec(),
    };
    s.receive(&mut doc, hello.clone()).unwrap();
    let bye = Envelope {
        kind: Kind::Bye,
        seq: 6,
        bytes: vec![],
        ..hello.clone()
    };
    s.receive(&mut doc, bye).unwrap();
    // The relay replays the peer's old presence: still a replay after the goodbye.
    assert!(matches!(
        s.receive(&mut doc, hello),
        Err(LiveError::Envelope(
            career_core::live::envelope::EnvelopeError::Replayed
        ))
    ));
    assert!(s.peers.is_empty(), "the peer came back from a replay");
}
