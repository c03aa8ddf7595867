//! Stored blobs as found in localStorage, then schema validation of what loads.
#![no_main]
use base64::Engine;
use career_core::storage::blobs::{MemoryKv, StoredDoc};
use career_core::storage::keys::{BlobKind, DocName, StorageKey};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let (a, b) = data.split_at(data.len() / 2);
    let mut kv = MemoryKv::default();
    let b64 = base64::engine::general_purpose::STANDARD;
    kv.map
        .insert(StorageKey::Blob { doc: DocName::Discussion("0".repeat(32)), kind: BlobKind::Snapshot, writer: "t".into(), seq: 0 }.key(), b64.encode(a));
    kv.map
        .insert(StorageKey::Blob { doc: DocName::Discussion("0".repeat(32)), kind: BlobKind::Changes, writer: "t".into(), seq: 1 }.key(), b64.encode(b));
    if let Ok(stored) = StoredDoc::load(&kv, &DocName::Discussion("00000000000000000000000000000000".into()), career_core::ActorId::from(&[1u8; 16][..]), "t")
    {
        let _ = career_core::model::discussion::read(&stored.doc);
        let _ = career_core::model::people::read(&stored.doc);
    }
});
