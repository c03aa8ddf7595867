//! A peer in a live session sends sync messages that would crash Automerge, ask it for
//! gigabytes, or carry changes that leave no valid discussion: each is refused or undone,
//! and the document is exactly as it was. Someone holding the link's key tries to speak as
//! another peer, shut one out, replay it, or end the session: the signatures stop them.

mod common;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use career_core::doc::precheck::{check_sync, ChunkError};
use career_core::live::envelope::{
    chunk, sender_id, Envelope, EnvelopeError, Kind, Reassembler, Room, SenderKey, MAX_SEQ_STEP,
};
use career_core::live::session::{LiveError, Presence, Received, Session};
use career_core::model::trust::DeviceKey;
use career_core::storage::blobs::MemoryKv;
use career_core::workspace::{NoGuard, Workspace, WorkspaceError};
use career_core::AutoCommit;
use common::*;
use sha2::{Digest, Sha256};

const PEER: [u8; 16] = [9; 16];
const HOST: [u8; 16] = [2; 16];

fn session() -> Session {
    Session::new(SenderKey::from_seed([1; 32]), HOST, Presence::default())
}

/// The host's session: it serves peers that have no copy yet, so what such a peer sends
/// reaches the workspace's own checks.
fn hosting() -> Session {
    let key = SenderKey::from_seed([1; 32]);
    let me = key.id();
    Session::new(key, me, Presence::default())
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

    let mut s = hosting();
    let change = evil.get_last_local_change().unwrap().raw_bytes().to_vec();
    let result = leader.live_receive(
        &id,
        &mut s,
        sync(message_with(&[&change]), 1),
        day("2026-12-01"),
        0,
    );
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
    let mut s = hosting();
    let _ = employee.live_receive(&id, &mut s, sync(everything, 1), day("2026-12-01"), 0);
    let changes: Vec<Vec<u8>> = stranger
        .get_changes(&[])
        .iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    let refs: Vec<&[u8]> = changes.iter().map(Vec::as_slice).collect();
    let result = employee.live_receive(
        &id,
        &mut s,
        sync(message_with(&refs), 2),
        day("2026-12-01"),
        0,
    );
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
        Err(LiveError::Envelope(EnvelopeError::Replayed))
    ));
    assert!(s.peers.is_empty(), "the peer came back from a replay");
}

// ----- speaking as someone else -------------------------------------------------------

const ROOM_KEY: [u8; 32] = [6; 32];
const ROOM_ID: [u8; 16] = [5; 16];

/// Maria hosts, Sam joins; Mallory has the link (and so the room key) too.
fn maria() -> SenderKey {
    SenderKey::from_seed([21; 32])
}
fn sam() -> SenderKey {
    SenderKey::from_seed([22; 32])
}
fn mallory() -> SenderKey {
    SenderKey::from_seed([23; 32])
}

fn room() -> Room {
    Room::new("d1", ROOM_ID, ROOM_KEY, maria().id())
}

/// One device's side of the wire, as the app has it: reassembly, opening, the session.
struct Device {
    session: Session,
    doc: AutoCommit,
    reassembler: Reassembler,
}

impl Device {
    /// A device in the room that has already heard hello from `peers`.
    fn new(key: SenderKey, peers: &[(SenderKey, &str)]) -> Device {
        let mut device = Device {
            session: Session::new(key, room().host, Presence::default()),
            doc: new_discussion(),
            reassembler: Reassembler::default(),
        };
        for (peer, name) in peers {
            device.accept(&sealed(peer, Kind::Hello, 1, &presence(name)));
        }
        device
    }

    /// Takes in one frame from the relay: `None` while a chunked message is incomplete.
    fn take(&mut self, frame: &[u8]) -> Option<Result<Received, LiveError>> {
        let whole = match self.reassembler.push(frame) {
            Ok(Some(whole)) => whole,
            Ok(None) => return None,
            Err(e) => return Some(Err(e.into())),
        };
        Some(match room().open(&whole) {
            Ok(env) => self.session.receive(&mut self.doc, env),
            Err(e) => Err(e.into()),
        })
    }

    fn accept(&mut self, frame: &[u8]) -> Received {
        self.take(frame).expect("a whole frame").expect("taken in")
    }

    /// Why a whole frame was dropped.
    fn refuse(&mut self, frame: &[u8]) -> EnvelopeError {
        match self.take(frame).expect("a whole frame") {
            Err(LiveError::Envelope(e)) => e,
            other => panic!("not dropped as an envelope: {:?}", other.map(|r| r.ended)),
        }
    }

    fn names(&self) -> Vec<String> {
        let peers = self.session.peers.values();
        peers.map(|p| p.presence.name.clone()).collect()
    }
}

fn envelope(from: &SenderKey, kind: Kind, seq: u64, bytes: &[u8]) -> Envelope {
    Envelope {
        from: from.id(),
        to: None,
        kind,
        seq,
        bytes: bytes.to_vec(),
    }
}

fn presence(name: &str) -> Vec<u8> {
    format!(r#"{{"name":"{name}","role":"leader","focus":null}}"#).into_bytes()
}

/// A frame sealed as the app seals it.
fn sealed(key: &SenderKey, kind: Kind, seq: u64, bytes: &[u8]) -> Vec<u8> {
    room().seal(&envelope(key, kind, seq, bytes), key, [seq as u8; 12])
}

fn cipher() -> Aes256Gcm {
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&ROOM_KEY))
}

/// The plaintext of a frame, which everyone holding the room key can read.
fn plaintext(frame: &[u8]) -> Vec<u8> {
    let aad = [&ROOM_ID[..], &frame[5..21]].concat();
    let nonce = Nonce::from_slice(&frame[21..33]);
    let msg = &frame[33..];
    cipher().decrypt(nonce, Payload { msg, aad: &aad }).unwrap()
}

/// A frame a key holder writes by hand: any sender in the frame, any public key, any
/// signature, over a body in the documented layout (`envelope.rs`).
fn forged(
    sender: [u8; 16],
    public: [u8; 32],
    sign: impl Fn(&[u8]) -> [u8; 64],
    body: Envelope,
) -> Vec<u8> {
    let mut signed = vec![match body.kind {
        Kind::Hello => 0,
        Kind::Sync => 1,
        Kind::Presence => 2,
        Kind::Bye => 3,
    }];
    signed.extend_from_slice(&body.from);
    signed.push(0);
    signed.extend_from_slice(&body.seq.to_be_bytes());
    signed.extend_from_slice(&(body.bytes.len() as u32).to_be_bytes());
    signed.extend_from_slice(&body.bytes);
    signed.resize(256 - 96, 0);
    let mut hash = Sha256::new();
    hash.update(b"career-talk/live-message/v1");
    hash.update(ROOM_ID);
    hash.update(&signed);
    let digest = hash.finalize();
    let plain = [&public[..], &sign(&digest)[..], &signed[..]].concat();
    let aad = [&ROOM_ID[..], &sender].concat();
    let nonce = [0xEE; 12];
    let msg = &plain[..];
    let sealed = cipher()
        .encrypt(Nonce::from_slice(&nonce), Payload { msg, aad: &aad })
        .unwrap();
    [&b"CTL2\0"[..], &sender, &nonce, &sealed].concat()
}

/// Mallory's own key: she can sign with it, only never as anyone else.
fn mallorys() -> DeviceKey {
    DeviceKey::from_seed([23; 32])
}

/// A frame naming `sender`, carrying Mallory's own key and her valid signature.
fn signed_by_mallory(sender: [u8; 16], body: Envelope) -> Vec<u8> {
    let own = mallorys();
    forged(sender, *own.public().bytes(), |d| own.sign(d), body)
}

#[test]
fn what_a_key_holder_writes_by_hand_in_the_documented_layout_opens() {
    // The layout the forgeries below use is the real one: signed properly, it is taken in.
    let body = envelope(&mallory(), Kind::Presence, 1, &presence("Mallory"));
    let frame = signed_by_mallory(mallory().id(), body);
    assert_eq!(sender_id(&mallorys().public()), mallory().id());
    assert_eq!(room().open(&frame).unwrap().from, mallory().id());
}

#[test]
fn a_key_holder_cannot_speak_as_another_peer() {
    let mut sam_device = Device::new(sam(), &[(maria(), "Maria")]);
    let maria_public = *DeviceKey::from_seed([21; 32]).public().bytes();
    let as_maria = |seq| envelope(&maria(), Kind::Presence, seq, &presence("Mallory"));

    // Maria's id, Mallory's own key and a valid signature with it: not Maria's key.
    let wrong_key = signed_by_mallory(maria().id(), as_maria(2));
    assert_eq!(sam_device.refuse(&wrong_key), EnvelopeError::WrongKey);
    // Maria's id and Maria's public key, signed by Mallory: the signature fails.
    let spoofed = forged(
        maria().id(),
        maria_public,
        |d| mallorys().sign(d),
        as_maria(3),
    );
    assert_eq!(sam_device.refuse(&spoofed), EnvelopeError::BadSignature);
    // Maria's real signature, read from one of her messages, over another body.
    let real = plaintext(&sealed(&maria(), Kind::Presence, 4, &presence("Maria")));
    let hers: [u8; 64] = real[32..96].try_into().unwrap();
    let copied = forged(maria().id(), maria_public, |_| hers, as_maria(5));
    assert_eq!(sam_device.refuse(&copied), EnvelopeError::BadSignature);
    // Maria's id with a sequence number far ahead (to shut her out): the same.
    let ahead = envelope(&maria(), Kind::Presence, u64::MAX, &presence("Mallory"));
    let shut_out = signed_by_mallory(maria().id(), ahead);
    assert_eq!(sam_device.refuse(&shut_out), EnvelopeError::WrongKey);

    // Nothing of it shows, and Maria's next message is taken in as usual.
    assert_eq!(sam_device.names(), vec!["Maria"]);
    sam_device.accept(&sealed(
        &maria(),
        Kind::Presence,
        2,
        &presence("Maria Lund"),
    ));
    assert_eq!(sam_device.names(), vec!["Maria Lund"]);
}

#[test]
fn a_sequence_number_far_ahead_from_the_sender_itself_is_dropped_and_it_goes_on() {
    let mut maria_device = Device::new(maria(), &[(sam(), "Sam")]);
    let far = sealed(&sam(), Kind::Presence, 2 + MAX_SEQ_STEP, &presence("Far"));
    assert_eq!(maria_device.refuse(&far), EnvelopeError::SeqJump);
    maria_device.accept(&sealed(&sam(), Kind::Presence, 2, &presence("Sam O")));
    assert_eq!(maria_device.names(), vec!["Sam O"]);
}

#[test]
fn a_signed_message_replayed_after_its_sender_said_goodbye_is_dropped() {
    let mut maria_device = Device::new(maria(), &[]);
    let hello = sealed(&sam(), Kind::Hello, 1, &presence("Sam"));
    maria_device.accept(&hello);
    maria_device.accept(&sealed(&sam(), Kind::Bye, 2, b""));
    assert!(maria_device.names().is_empty());
    // The relay sends Sam's hello again: its signature is Sam's, but it is a replay.
    assert_eq!(maria_device.refuse(&hello), EnvelopeError::Replayed);
    assert!(
        maria_device.names().is_empty(),
        "Sam came back from a replay"
    );
}

#[test]
fn two_senders_chunking_with_the_same_message_id_are_both_taken_in() {
    let mut maria_device = Device::new(maria(), &[]);
    let long = |name: &str| presence(&format!("{name} {}", "x".repeat(3000)));
    let sam_pieces = chunk(sealed(&sam(), Kind::Hello, 1, &long("Sam")), 1024, 7);
    let mallory_pieces = chunk(
        sealed(&mallory(), Kind::Hello, 1, &long("Mallory")),
        1024,
        7,
    );
    assert!(sam_pieces.len() > 2);
    let mut done = 0;
    for (a, b) in sam_pieces.iter().zip(&mallory_pieces) {
        for piece in [a, b] {
            if let Some(r) = maria_device.take(piece) {
                r.unwrap();
                done += 1;
            }
        }
    }
    assert_eq!(done, 2);
    let mut names: Vec<String> = maria_device
        .names()
        .iter()
        .map(|n| n.split(' ').next().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, vec!["Mallory", "Sam"]);
}

#[test]
fn only_the_host_ends_the_session() {
    let mut sam_device = Device::new(sam(), &[(maria(), "Maria"), (mallory(), "Mallory")]);
    // Mallory, signing as herself: her "end" is only her own goodbye.
    let hers = sam_device.accept(&sealed(&mallory(), Kind::Bye, 2, b"end"));
    assert!(!hers.ended, "a peer that is not the host ended the session");
    assert_eq!(sam_device.names(), vec!["Maria"]);
    // Mallory, as Maria: dropped before the session sees it.
    let as_maria = signed_by_mallory(maria().id(), envelope(&maria(), Kind::Bye, 2, b"end"));
    assert_eq!(sam_device.refuse(&as_maria), EnvelopeError::WrongKey);
    assert_eq!(sam_device.names(), vec!["Maria"]);
    // Maria's own "end" ends it.
    assert!(
        sam_device
            .accept(&sealed(&maria(), Kind::Bye, 2, b"end"))
            .ended
    );
}

#[test]
fn a_device_with_the_discussion_exchanges_nothing_with_a_peer_holding_another_history() {
    use career_core::live::session::Received;
    // Two copies of one discussion, and a stranger's discussion under the same id.
    let mut mine = new_discussion();
    let mut theirs_same = replica(&mut mine, 4);
    let mut stranger = new_discussion_by(8);
    let hello_from = |doc: &mut AutoCommit, seed: u8| -> (Session, Envelope) {
        let key = SenderKey::from_seed([seed; 32]);
        let mut s = Session::new(key, HOST, Presence::default());
        s.set_origin(career_core::share::origin(doc));
        let hello = s.hello();
        (s, hello)
    };
    let (mut me, _) = hello_from(&mut mine, 1);
    let before = mine.save();

    // The stranger says hello: no sync message goes to them, and it is reported once.
    let (_, hello) = hello_from(&mut stranger, 8);
    let r = me.receive(&mut mine, hello.clone());
    assert!(
        matches!(r, Err(LiveError::OtherDiscussion)),
        "{:?}",
        r.err()
    );
    assert!(!me.exchanging());
    // Their sync messages are not read, and their next hello is not reported again.
    use automerge::sync::SyncDoc;
    let mut state = automerge::sync::State::new();
    let offer = stranger
        .sync()
        .generate_sync_message(&mut state)
        .unwrap()
        .encode();
    let r: Received = me
        .receive(
            &mut mine,
            Envelope {
                from: hello.from,
                to: None,
                kind: Kind::Sync,
                seq: hello.seq + 1,
                bytes: offer,
            },
        )
        .unwrap();
    assert!(r.replies.iter().all(|e| e.kind != Kind::Sync));
    assert_eq!(mine.save(), before);

    // A peer with the same first change (its proof is bound to its own id) is served.
    let (_, hello) = hello_from(&mut theirs_same, 5);
    let r = me.receive(&mut mine, hello).unwrap();
    assert!(r.replies.iter().any(|e| e.kind == Kind::Sync));
    assert!(me.exchanging());

    // A copied hello does not prove anything for another sender: the stranger replays the
    // real peer's proof under its own id.
    let (_, real) = hello_from(&mut theirs_same, 6);
    let (stranger_s, _) = hello_from(&mut stranger, 7);
    let copied = Envelope {
        from: stranger_s.me,
        ..real
    };
    let r = me.receive(&mut mine, copied);
    assert!(
        matches!(r, Err(LiveError::OtherDiscussion)),
        "{:?}",
        r.err()
    );
}
