//! Every decoder that takes outside bytes (links, files, stored data, relay frames) returns
//! a typed error on garbage — never a panic — and does not allocate by what the bytes claim.

mod common;

use career_core::live::envelope::{Reassembler, Room};
use career_core::live::nats::Parser;
use career_core::share::{merge_into, Package};
use career_core::storage::backup::Backup;
use career_core::storage::blobs::{MemoryKv, StoredDoc};
use career_core::storage::keys::{BlobKind, DocName, StorageKey};
use common::*;
use proptest::prelude::*;

fn room() -> Room {
    Room::new(
        "0123456789abcdef0123456789abcdef",
        [1; 16],
        [2; 32],
        [3; 16],
    )
}

/// Bytes that start like the real thing, so decoders get past their first check.
fn prefixed() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![
            Just(b"CTK1".to_vec()),
            Just(b"CTL2".to_vec()),
            Just(b"MSG a 1 ".to_vec()),
            Just(vec![0x85, 0x6f, 0x4a, 0x83]),
            Just(vec![])
        ],
        prop::collection::vec(any::<u8>(), 0..400),
    )
        .prop_map(|(mut head, tail)| {
            head.extend(tail);
            head
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn share_packages_never_panic(bytes in prefixed()) {
        let mut local = new_discussion();
        if let Ok(p) = Package::from_bytes(&bytes) {
            let _ = p.whole_document();
            let _ = merge_into(&mut local, &p);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = Package::from_fragment(&format!("#ct={text}"));
    }

    #[test]
    fn stored_data_never_panics(bytes in prefixed()) {
        use base64::Engine;
        let mut kv = MemoryKv::default();
        kv.map.insert(StorageKey::Blob { doc: DocName::Discussion("0".repeat(32)), kind: BlobKind::Snapshot, writer: "t".into(), seq: 0 }.key(), base64::engine::general_purpose::STANDARD.encode(&bytes));
        kv.map.insert(StorageKey::Blob { doc: DocName::Discussion("0".repeat(32)), kind: BlobKind::Changes, writer: "t".into(), seq: 1 }.key(), String::from_utf8_lossy(&bytes).into_owned());
        let _ = StoredDoc::load(&kv, &DocName::parse("d.00000000000000000000000000000000").unwrap(), actor(1), "t");
    }

    #[test]
    fn relay_frames_never_panic(bytes in prefixed(), split in 1usize..64) {
        let mut parser = Parser::new();
        for piece in bytes.chunks(split) {
            if parser.push(piece).is_err() {
                break;
            }
        }
        let mut r = Reassembler::default();
        if let Ok(Some(frame)) = r.push(&bytes) {
            let _ = room().open(&frame);
        }
        let _ = room().open(&bytes);
        let _ = Room::from_fragment(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn backups_never_panic(bytes in prefixed()) {
        let _ = Backup::parse(&bytes);
    }
}

#[test]
fn claimed_sizes_are_checked_before_allocating() {
    // A relay message claiming to be enormous is refused from its header alone.
    assert!(Parser::new().push(b"MSG a 1 4294967296\r\n").is_err());
    // A chunk claiming 65535 pieces of a message over the limit is refused.
    let mut frame = b"CTL1\x01".to_vec();
    frame.extend_from_slice(&7u32.to_be_bytes());
    frame.extend_from_slice(&0u16.to_be_bytes());
    frame.extend_from_slice(&u16::MAX.to_be_bytes());
    frame.extend(vec![0u8; 1024]);
    assert!(Reassembler::default().push(&frame).is_err());
}
