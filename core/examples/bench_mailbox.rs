//! Paired sync through a real `nats-server` with JetStream on loopback (the core and the
//! relay; the browser's part is the live benchmark's):
//! 1. save on A → merged on B, both online, p50/p95 over 300 edits;
//! 2. catch-up after a month offline: A saves and publishes 1,000 times while B is away,
//!    then B connects, reads what the relay kept and merges it.
//!
//! `cargo run --release -p career-core --example bench_mailbox` (scripts/bench.sh runs it).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/support/relay.rs"]
mod relay;

use std::time::Instant;

use career_core::live::mailbox::Event;
use career_core::model::discussion::DiscussionText;
use career_core::model::method::AnswerField;
use career_core::storage::blobs::MemoryKv;
use career_core::text::Splice;
use career_core::workspace::{NoGuard, TextField, Workspace};
use career_core::Side;
use relay::{Conn, Relay, NOW};

const ID: &str = "0123456789abcdef0123456789abcdef";

/// Two devices sharing a discussion paired with mailbox `n` (each part its own mailbox).
fn devices(n: u8) -> (Workspace<MemoryKv>, Workspace<MemoryKv>) {
    let open = |n: u8| {
        Workspace::open(
            MemoryKv::default(),
            [n; 16],
            &format!("d{n}"),
            [n; 32],
            Box::new(NoGuard),
        )
    };
    let mut a = open(1);
    let link = common::paired_discussion(&mut a, ID, [n; 48], NOW);
    let mut b = open(2);
    b.take_in(&link, common::day("2026-11-27"), NOW).unwrap();
    (a, b)
}

fn field() -> TextField {
    TextField::Discussion(ID.into(), DiscussionText::Answer(AnswerField::Next12Months))
}

fn append(ws: &mut Workspace<MemoryKv>, n: usize) {
    let at = ws
        .discussion(ID)
        .unwrap()
        .answers
        .get(AnswerField::Next12Months)
        .len();
    ws.splice(&field(), &Splice::insert(at, &format!(" step {n}.")), NOW)
        .unwrap();
    ws.save(NOW).unwrap();
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn main() {
    let relay = Relay::start();

    // 1. Both online.
    let (mut a, mut b) = devices(1);
    let mut ca = Conn::open(&relay, "benchA");
    let mut cb = Conn::open(&relay, "benchB");
    ca.watch(&mut a, Side::Leader);
    cb.watch(&mut b, Side::Employee);
    let mut times = vec![];
    for n in 0..300 {
        let start = Instant::now();
        append(&mut a, n);
        ca.publish(&mut a);
        let before = b
            .discussion(ID)
            .unwrap()
            .answers
            .get(AnswerField::Next12Months)
            .len();
        loop {
            cb.pump_until(|c| {
                c.events.iter().any(|e| {
                    matches!(
                        e,
                        Event::Delivered {
                            from: Side::Leader,
                            ..
                        }
                    )
                })
            });
            cb.take_all(&mut b);
            if b.discussion(ID)
                .unwrap()
                .answers
                .get(AnswerField::Next12Months)
                .len()
                > before
            {
                break;
            }
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        // B acknowledges (the app does so after its publish delay), so A's next bundle
        // starts from there; not timed.
        cb.publish(&mut b);
        ca.pump_until(|c| {
            c.events.iter().any(|e| {
                matches!(
                    e,
                    Event::Delivered {
                        from: Side::Employee,
                        ..
                    }
                )
            })
        });
        ca.take_all(&mut a);
    }
    times.sort_by(|x, y| x.partial_cmp(y).unwrap());
    println!(
        "paired: save on A → merged on B, 300 edits: p50 {:.1} ms p95 {:.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.95)
    );
    drop(ca);
    drop(cb);

    // 2. A month away: B offline while A saves and publishes 1,000 times.
    let (mut a, mut b) = devices(2);
    let mut ca = Conn::open(&relay, "monthA");
    ca.watch(&mut a, Side::Leader);
    for n in 0..1000 {
        append(&mut a, n);
        ca.publish(&mut a);
    }
    drop(ca);
    let start = Instant::now();
    let mut cb = Conn::open(&relay, "monthB");
    cb.watch(&mut b, Side::Employee);
    let delivered = cb.take_all(&mut b);
    let took = start.elapsed().as_secs_f64() * 1000.0;
    let text = b
        .discussion(ID)
        .unwrap()
        .answers
        .get(AnswerField::Next12Months)
        .to_string();
    assert!(text.ends_with(" step 999."), "B has everything");
    println!(
        "paired: catch-up after 1,000 bundles published while offline: {took:.1} ms to connect, read {delivered} kept bundles and merge all 1,000 edits"
    );
}
