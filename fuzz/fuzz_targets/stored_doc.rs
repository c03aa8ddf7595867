//! Stored blobs as found in localStorage, then schema validation of what loads.
#![no_main]
use base64::Engine;
use career_core::storage::blobs::{MemoryKv, StoredDoc};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let (a, b) = data.split_at(data.len() / 2);
    let mut kv = MemoryKv::default();
    let b64 = base64::engine::general_purpose::STANDARD;
    kv.map
        .insert("ct1:doc:d.x:s.t.00000000".into(), b64.encode(a));
    kv.map
        .insert("ct1:doc:d.x:c.t.00000001".into(), b64.encode(b));
    if let Ok(stored) = StoredDoc::load(&kv, "d.x", career_core::ActorId::from(&[1u8; 16][..]), "t")
    {
        let _ = career_core::model::discussion::read(&stored.doc);
        let _ = career_core::model::people::read(&stored.doc);
    }
});
