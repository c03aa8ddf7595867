//! Inputs the fuzzers found that once broke a decoder: each must now give an error.

use base64::Engine;
use career_core::storage::blobs::{MemoryKv, StoredDoc};
use career_core::storage::keys::{BlobKind, DocName, StorageKey};

/// The key of a blob of the test's discussion.
fn blob(kind: BlobKind, seq: u64) -> String {
    StorageKey::Blob {
        doc: DocName::Discussion("0".repeat(32)),
        kind,
        writer: "t".into(),
        seq,
    }
    .key()
}

fn load_halves(data: &[u8]) -> std::thread::Result<()> {
    let (a, b) = data.split_at(data.len() / 2);
    let mut kv = MemoryKv::default();
    let b64 = base64::engine::general_purpose::STANDARD;
    kv.map.insert(blob(BlobKind::Snapshot, 0), b64.encode(a));
    kv.map.insert(blob(BlobKind::Changes, 1), b64.encode(b));
    std::panic::catch_unwind(|| {
        let loaded = StoredDoc::load(
            &kv,
            &DocName::parse("d.00000000000000000000000000000000").unwrap(),
            career_core::ActorId::from(&[1u8; 16][..]),
            "t",
        );
        assert!(loaded.is_err(), "malformed bytes loaded");
    })
}

#[test]
fn stored_doc_crash_1_is_an_error_not_a_crash() {
    assert!(
        load_halves(include_bytes!("regressions/stored_doc_crash_1")).is_ok(),
        "loading panicked"
    );
}

/// 708 bytes that made Automerge ask for gigabytes (a "bundle" chunk whose run-length column
/// claims billions of values): refused by the chunk check before Automerge sees them.
#[test]
fn stored_doc_oom_1_is_refused_before_allocating() {
    assert!(
        load_halves(include_bytes!("regressions/stored_doc_oom_1")).is_ok(),
        "loading panicked"
    );
}

/// The same bytes arriving as a share link or file: whole, or as changes for a local copy.
#[test]
fn stored_doc_crash_1_in_a_package_is_an_error_not_a_crash() {
    use career_core::share::{merge_into, Contents, Package};
    use career_core::Side;
    let data = include_bytes!("regressions/stored_doc_crash_1");
    for contents in [Contents::Whole, Contents::ChangesOnly] {
        let package = Package {
            contents,
            audience: Side::Employee,
            discussion_id: "0123456789abcdef0123456789abcdef".into(),
            sender_heads: vec![],
            payload: data.to_vec(),
        };
        let decoded = Package::from_fragment(&package.to_fragment()).expect("the frame is intact");
        let mut local = career_core::AutoCommit::new();
        let before = local.save();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            (
                decoded.whole_document().is_err(),
                merge_into(&mut local, &decoded).is_err(),
            )
        }));
        assert_eq!(
            result.ok(),
            Some((true, true)),
            "{contents:?} panicked or was accepted"
        );
        assert_eq!(local.save(), before, "the local document changed");
    }
}

/// Found by the `stored_doc_checked` target: a document chunk with a valid checksum that
/// makes Automerge 0.12 panic in release builds too ("unexpected null in non-nullable
/// column", inside hexane). It passes the chunk check, so
/// only containment (natively) and the app's crash guard (in the browser) stop it.
#[test]
fn stored_doc_checked_crash_1_is_an_error_not_a_crash() {
    let data = include_bytes!("regressions/stored_doc_checked_crash_1");
    career_core::doc::precheck::check(data).expect("the checksums are valid");
    let mut kv = MemoryKv::default();
    let b64 = base64::engine::general_purpose::STANDARD;
    kv.map.insert(blob(BlobKind::Snapshot, 0), b64.encode(data));
    let result = std::panic::catch_unwind(|| {
        StoredDoc::load(
            &kv,
            &DocName::parse("d.00000000000000000000000000000000").unwrap(),
            career_core::ActorId::from(&[1u8; 16][..]),
            "t",
        )
        .is_err()
    });
    assert_eq!(result.ok(), Some(true), "loading panicked or succeeded");
}
