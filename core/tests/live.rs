//! Live sync between in-memory peers over a lossy, reordering, duplicating fake network,
//! with reconnects: they always converge, and nothing typed is lost.
#![allow(clippy::needless_range_loop)] // devices are addressed by index, as messages name them

mod common;

use career_core::live::envelope::{chunk, Envelope, Reassembler, Room, SenderKey};
use career_core::live::session::{Presence, Session};
use career_core::model::discussion::{self, DiscussionEdit};
use career_core::model::method::AnswerField;
use career_core::AutoCommit;
use common::*;
use proptest::prelude::*;

struct Device {
    session: Session,
    doc: AutoCommit,
    reassembler: Reassembler,
    online: bool,
}

/// Device `i`'s key for the session; device 0 hosts it.
fn key(i: usize) -> SenderKey {
    SenderKey::from_seed([i as u8 + 1; 32])
}

fn room() -> Room {
    Room::new(
        "0123456789abcdef0123456789abcdef",
        [5; 16],
        [6; 32],
        key(0).id(),
    )
}

/// Seals and chunks like the app does (small chunks, to exercise reassembly).
fn wire(env: &Envelope, key: &SenderKey, nonce: u64) -> Vec<Vec<u8>> {
    let mut n = [0u8; 12];
    n[..8].copy_from_slice(&nonce.to_be_bytes());
    chunk(room().seal(env, key, n), 512, nonce as u32)
}

fn append(d: &mut Device, field: AnswerField, word: &str) {
    let current = read(&d.doc).answers.get(field).to_string();
    discussion::apply(
        &mut d.doc,
        DiscussionEdit::Answer(field, format!("{current} {word}")),
    )
    .unwrap();
    d.doc.commit();
}

#[derive(Debug, Clone)]
enum Step {
    Type { who: usize, field: usize },
    Deliver { pick: usize },
    Drop { pick: usize },
    Duplicate { pick: usize },
    Disconnect { who: usize },
    Reconnect { who: usize },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..2usize, 0..2usize).prop_map(|(who, field)| Step::Type { who, field }),
        6 => any::<usize>().prop_map(|pick| Step::Deliver { pick }),
        1 => any::<usize>().prop_map(|pick| Step::Drop { pick }),
        1 => any::<usize>().prop_map(|pick| Step::Duplicate { pick }),
        1 => (0..2usize).prop_map(|who| Step::Disconnect { who }),
        1 => (0..2usize).prop_map(|who| Step::Reconnect { who }),
    ]
}

const FIELDS: [AnswerField; 2] = [AnswerField::Strengths, AnswerField::DevelopmentAreas];

fn run(steps: Vec<Step>) {
    let mut base = new_discussion();
    let mut devices: Vec<Device> = (0..2)
        .map(|i| {
            let mut doc = replica(&mut base, i as u8 + 20);
            let mut session = Session::new(
                key(i),
                room().host,
                Presence {
                    name: format!("p{i}"),
                    ..Default::default()
                },
            );
            // As the workspace does before the first hello: which discussion this copy is.
            session.set_origin(career_core::share::origin(&mut doc));
            Device {
                session,
                doc,
                reassembler: Reassembler::default(),
                online: true,
            }
        })
        .collect();
    // In flight: (to device, frame).
    let mut net: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut nonce = 0u64;
    let keys = [key(0), key(1)];
    let mut send = |net: &mut Vec<(usize, Vec<u8>)>, from: usize, envs: Vec<Envelope>| {
        for env in envs {
            nonce += 1;
            for frame in wire(&env, &keys[from], nonce) {
                net.push((1 - from, frame));
            }
        }
    };
    for i in 0..2 {
        let hello = devices[i].session.hello();
        send(&mut net, i, vec![hello]);
    }
    let mut words = vec![];
    for (n, s) in steps.into_iter().enumerate() {
        match s {
            Step::Type { who, field } => {
                let word = format!("w{n}");
                append(&mut devices[who], FIELDS[field], &word);
                words.push((field, word));
                let d = &mut devices[who];
                if d.online {
                    let out = d.session.local_change(&mut d.doc);
                    send(&mut net, who, out);
                }
            }
            Step::Deliver { pick } | Step::Duplicate { pick } if !net.is_empty() => {
                let i = pick % net.len();
                let (to, frame) = if matches!(s, Step::Duplicate { .. }) {
                    net[i].clone()
                } else {
                    net.remove(i)
                };
                let d = &mut devices[to];
                if !d.online {
                    continue;
                }
                let Ok(Some(whole)) = d.reassembler.push(&frame) else {
                    continue;
                };
                let env = room().open(&whole).unwrap();
                // Duplicates are refused as replays; that is fine.
                if let Ok(r) = d.session.receive(&mut d.doc, env) {
                    send(&mut net, to, r.replies);
                }
            }
            Step::Drop { pick } if !net.is_empty() => {
                let i = pick % net.len();
                net.remove(i);
            }
            Step::Disconnect { who } => devices[who].online = false,
            Step::Reconnect { who } if !devices[who].online => {
                devices[who].online = true;
                let hello = devices[who].session.hello();
                send(&mut net, who, vec![hello]);
            }
            _ => {}
        }
    }
    // The network heals: everyone is online, rounds run until nothing is in flight.
    for who in 0..2 {
        if !devices[who].online {
            devices[who].online = true;
            let hello = devices[who].session.hello();
            send(&mut net, who, vec![hello]);
        }
    }
    // Deliver everything; then, as the app's periodic tick does, start fresh sync rounds
    // until both sides have the same heads (a few rounds at most).
    for _ in 0..10 {
        let mut budget = 100_000;
        while !net.is_empty() && budget > 0 {
            budget -= 1;
            let (to, frame) = net.remove(0);
            let d = &mut devices[to];
            let Ok(Some(whole)) = d.reassembler.push(&frame) else {
                continue;
            };
            let env = room().open(&whole).unwrap();
            if let Ok(r) = d.session.receive(&mut d.doc, env) {
                send(&mut net, to, r.replies);
            }
        }
        let (h0, h1) = (devices[0].doc.get_heads(), devices[1].doc.get_heads());
        if h0 == h1 {
            break;
        }
        for who in 0..2 {
            let d = &mut devices[who];
            let out = d.session.tick(&mut d.doc);
            send(&mut net, who, out);
        }
    }
    let a = read(&devices[0].doc);
    assert_eq!(a, read(&devices[1].doc), "did not converge");
    for (f, w) in words {
        assert!(
            a.answers.get(FIELDS[f]).split(' ').any(|x| x == w),
            "lost {w}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn peers_converge_over_a_bad_network(steps in prop::collection::vec(step(), 1..60)) {
        run(steps);
    }
}
