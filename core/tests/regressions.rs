//! Inputs the fuzzers found that once broke a decoder: each must now give an error.

use base64::Engine;
use career_core::store::{MemoryKv, StoredDoc};

#[test]
fn stored_doc_crash_1_is_an_error_not_a_crash() {
    let data = include_bytes!("regressions/stored_doc_crash_1");
    let (a, b) = data.split_at(data.len() / 2);
    let mut kv = MemoryKv::default();
    let b64 = base64::engine::general_purpose::STANDARD;
    kv.map
        .insert("ct1:doc:d.x:s.t.00000000".into(), b64.encode(a));
    kv.map
        .insert("ct1:doc:d.x:c.t.00000001".into(), b64.encode(b));
    let result = std::panic::catch_unwind(|| {
        StoredDoc::load(&kv, "d.x", career_core::ActorId::from(&[1u8; 16][..]), "t").map(|s| {
            let _ = career_core::discussion::read(&s.doc);
        })
    });
    assert!(result.is_ok(), "loading panicked");
}
