//! Relay frames: chunk reassembly, then opening the sealed envelope.
#![no_main]
use career_core::live::envelope::{Reassembler, Room};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let room = Room::new("0123456789abcdef0123456789abcdef", [1; 16], [2; 32], [3; 16]);
    let mut r = Reassembler::default();
    for frame in data.split(|b| *b == 0xA5) {
        if let Ok(Some(whole)) = r.push(frame) {
            let _ = room.open(&whole);
        }
    }
    let _ = room.open(data);
    let _ = Room::from_fragment(&String::from_utf8_lossy(data));
});
