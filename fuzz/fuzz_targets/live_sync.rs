//! Sync messages from a live peer: the check, then Automerge's decoding and applying.
#![no_main]
use career_core::live::envelope::{Envelope, Kind, SenderKey};
use career_core::live::session::{Presence, Session};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let mut doc = career_core::AutoCommit::new();
    let me = SenderKey::from_seed([1; 32]);
    let mut session = Session::new(me, [2; 16], Presence::default());
    let env = Envelope {
        from: [9; 16],
        to: None,
        kind: Kind::Sync,
        seq: 1,
        bytes: data.to_vec(),
    };
    let _ = session.receive(&mut doc, env);
});
