//! Stored blobs whose chunk checksums are made valid before loading: what someone who
//! crafts the bytes on purpose can reach. Random bytes mostly stop at the checksum check
//! (`precheck`); this target fixes each document/change chunk's type and checksum so the
//! fuzzer explores Automerge's parser behind it.
#![no_main]
use base64::Engine;
use career_core::storage::blobs::{MemoryKv, StoredDoc};
use career_core::storage::keys::{BlobKind, DocName, StorageKey};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

mod common;

fn leb128(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value: usize = 0;
    for (i, &b) in bytes.iter().enumerate().take(4) {
        value |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Makes every well-framed chunk a document or change chunk with a correct checksum.
fn fix_up(data: &mut [u8]) {
    let mut at = 0;
    while at + 10 <= data.len() {
        data[at..at + 4].copy_from_slice(&[0x85, 0x6f, 0x4a, 0x83]);
        data[at + 8] %= 2;
        let Some((len, size)) = leb128(&data[at + 9..]) else { return };
        let start = at + 9 + size;
        let Some(end) = start.checked_add(len).filter(|&e| e <= data.len()) else { return };
        let mut h = Sha256::new();
        h.update([data[at + 8]]);
        h.update(&data[at + 9..start]);
        h.update(&data[start..end]);
        let sum = h.finalize();
        data[at + 4..at + 8].copy_from_slice(&sum[..4]);
        at = end;
    }
}

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let mut data = data.to_vec();
    fix_up(&mut data);
    let mut kv = MemoryKv::default();
    let b64 = base64::engine::general_purpose::STANDARD;
    kv.map.insert(StorageKey::Blob { doc: DocName::Discussion("0".repeat(32)), kind: BlobKind::Snapshot, writer: "t".into(), seq: 0 }.key(), b64.encode(&data));
    if let Ok(stored) = StoredDoc::load(&kv, &DocName::Discussion("00000000000000000000000000000000".into()), career_core::ActorId::from(&[1u8; 16][..]), "t")
    {
        let _ = career_core::model::discussion::read(&stored.doc);
    }
});
