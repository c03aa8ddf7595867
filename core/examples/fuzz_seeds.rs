//! Writes valid sample inputs for each fuzz target into `<dir>/<target>/` (the seed corpus
//! kept in `fuzz/corpus`): `cargo run -p career-core --example fuzz_seeds -- fuzz/corpus`.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use career_core::live::envelope::{chunk, Envelope, Kind, Room, SenderKey};
use career_core::model::discussion::{self, DiscussionEdit, NewDiscussion};
use career_core::model::method::AnswerField;
use career_core::model::people::Participant;
use career_core::share::Package;
use career_core::storage::backup::Backup;
use career_core::Side;
use career_core::{AutoCommit, Day};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: fuzz_seeds <corpus dir>");
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let path = std::path::Path::new(&dir).join(target);
        std::fs::create_dir_all(&path).unwrap();
        std::fs::write(path.join(name), bytes).unwrap();
    };
    let mut doc = AutoCommit::new();
    discussion::create(
        &mut doc,
        NewDiscussion {
            id: "0123456789abcdef0123456789abcdef".into(),
            person_id: "p".into(),
            employee: Participant {
                name: "Zoë".into(),
                role: "Engineer".into(),
            },
            manager: Participant {
                name: "Maria".into(),
                role: String::new(),
            },
            created_on: Day::new(2026, 11, 26).unwrap(),
        },
    )
    .unwrap();
    discussion::apply(
        &mut doc,
        DiscussionEdit::Answer(AnswerField::Strengths, "Zoë 👩🏽‍💻 naïve — 日本".into()),
    )
    .unwrap();
    doc.commit();
    let package = Package::whole(&mut doc, Side::Employee).unwrap();
    write("share_file", "whole", &package.to_bytes());
    write("share_link", "whole", package.to_fragment().as_bytes());
    let saved = doc.save();
    let mut stored = saved.clone();
    stored.extend(doc.save_after(&[]));
    write("stored_doc", "doc", &stored);
    write("stored_doc_checked", "doc", &stored);
    let room = Room::new(
        "0123456789abcdef0123456789abcdef",
        [1; 16],
        [2; 32],
        [3; 16],
    );
    let sender = SenderKey::from_seed([7; 32]);
    let env = Envelope {
        from: sender.id(),
        to: None,
        kind: Kind::Sync,
        seq: 1,
        bytes: saved.clone(),
    };
    let sealed = room.seal(&env, &sender, [4; 12]);
    write("envelope", "whole", &sealed);
    signed_envelope_seeds(&write, &saved);
    // What a live peer sends first: a sync message with the whole discussion's changes.
    {
        use automerge::sync::SyncDoc;
        let mut state = automerge::sync::State::new();
        let mut empty = AutoCommit::new();
        let mut empty_state = automerge::sync::State::new();
        let hello = empty
            .sync()
            .generate_sync_message(&mut empty_state)
            .expect("a first message");
        doc.sync()
            .receive_sync_message(&mut state, hello)
            .expect("an empty peer's message");
        let reply = doc
            .sync()
            .generate_sync_message(&mut state)
            .expect("a reply");
        write("live_sync", "changes", &reply.encode());
        let first = doc
            .sync()
            .generate_sync_message(&mut automerge::sync::State::new());
        write(
            "live_sync",
            "first",
            &first.expect("a first message").encode(),
        );
    }
    write(
        "envelope",
        "chunks",
        &chunk(sealed.clone(), 200, 9).join(&0xA5),
    );
    let mut wire = b"INFO {\"max_payload\":1048576}\r\n".to_vec();
    wire.extend_from_slice(format!("MSG ctalk.room 1 {}\r\n", sealed.len()).as_bytes());
    wire.extend_from_slice(&sealed);
    wire.extend_from_slice(b"\r\nPING\r\n");
    write("nats_frames", "msg", &wire);
    let mut backup = Backup::new(Day::new(2026, 11, 26).unwrap());
    backup.add("d.0123456789abcdef0123456789abcdef", &saved);
    write("backup", "one", backup.to_json().as_bytes());
}

/// Seeds for `signed_envelope` (its room: id [1; 16], key [2; 32], hosted by seed [8; 32]):
/// whole and chunked frames, the plaintexts of real messages (the host's "end" among
/// them), and real messages to alter.
fn signed_envelope_seeds(write: &dyn Fn(&str, &str, &[u8]), saved: &[u8]) {
    let host = SenderKey::from_seed([8; 32]);
    let sender = SenderKey::from_seed([7; 32]);
    let room = Room::new(
        "0123456789abcdef0123456789abcdef",
        [1; 16],
        [2; 32],
        host.id(),
    );
    let env = |key: &SenderKey, kind, bytes: &[u8]| Envelope {
        from: key.id(),
        to: None,
        kind,
        seq: 1,
        bytes: bytes.to_vec(),
    };
    let presence = br#"{"name":"Zo\u00eb","role":"leader","focus":null}"#;
    let hello = room.seal(&env(&sender, Kind::Hello, presence), &sender, [4; 12]);
    let sync = room.seal(&env(&sender, Kind::Sync, saved), &sender, [5; 12]);
    let end = room.seal(&env(&host, Kind::Bye, b"end"), &host, [6; 12]);
    write(
        "signed_envelope",
        "frames",
        &[&[0][..], &hello, &[0xA5], &end].concat(),
    );
    let pieces = chunk(sync.clone(), 200, 9).join(&0xA5);
    write("signed_envelope", "chunks", &[&[0][..], &pieces].concat());
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&[2; 32]));
    for (name, frame) in [("hello", &hello), ("end", &end)] {
        let aad = [&[1; 16][..], &frame[5..21]].concat();
        let plain = cipher
            .decrypt(
                Nonce::from_slice(&frame[21..33]),
                Payload {
                    msg: &frame[33..],
                    aad: &aad,
                },
            )
            .expect("our own frame");
        let seed = [&[1][..], &frame[5..21], &plain].concat();
        write("signed_envelope", &format!("plain-{name}"), &seed);
    }
    write(
        "signed_envelope",
        "altered",
        &[&[2, 0, 120, 1, 2][..], presence].concat(),
    );
}
