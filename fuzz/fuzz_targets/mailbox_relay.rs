//! What a relay (or anything pretending to be one) answers a device's paired-sync client:
//! replies to its requests, deliveries with `$JS.ACK` subjects, errors, in arbitrary frames.
//! The client watches one discussion, so the fuzzer can reach its reply subjects
//! (`_INBOX.f.r.<n>`) and delivery subscriptions (`d<n>`).
#![no_main]
use std::collections::BTreeMap;

use career_core::live::mailbox::{Client, Event, Pairing};
use career_core::live::nats::Parser;
use career_core::Side;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let mut client = Client::new("f", None);
    let _ = client.connected();
    let _ = client.watch(
        "0123456789abcdef0123456789abcdef",
        Pairing::from_random([7; 48]),
        Side::Employee,
        BTreeMap::new(),
        0,
    );
    let mut parser = Parser::new();
    let mut now = 0;
    for piece in data.chunks(97) {
        let Ok(ops) = parser.push(piece) else { break };
        for op in ops {
            now += 1_000;
            let (_, events) = client.receive(op, now);
            for e in events {
                if let Event::Delivered { discussion, from, seq, .. } = e {
                    client.taken(&discussion, from, seq);
                }
            }
            let _ = client.tick(now);
            let _ = client.publish("0123456789abcdef0123456789abcdef", b"bundle", now);
        }
    }
    let _ = client.disconnected();
});
