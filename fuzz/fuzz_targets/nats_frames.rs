//! What a relay (or anything pretending to be one) sends, split into arbitrary frames.
#![no_main]
use career_core::live::nats::Parser;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let split = data.first().map_or(1, |b| (*b as usize % 64) + 1);
    let mut parser = Parser::new();
    for piece in data.chunks(split) {
        if parser.push(piece).is_err() {
            break;
        }
    }
});
