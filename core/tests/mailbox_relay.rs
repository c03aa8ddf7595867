//! The mailbox client against a real `nats-server` with JetStream (plain NATS over TCP
//! carries the same protocol as the app's WebSocket): the stream is made on first use,
//! bundles are stored and acknowledged, a device that connects later reads them from its
//! position, and a restarted relay keeps them.

mod common;
#[path = "support/relay.rs"]
mod relay;

use career_core::model::discussion::DiscussionText;
use career_core::model::method::AnswerField;
use career_core::storage::blobs::MemoryKv;
use career_core::text::Splice;
use career_core::workspace::{NoGuard, TextField, Workspace};
use career_core::Side;
use common::day;
use relay::{Conn, Relay};

const NOW: i64 = 1_795_000_000_000;
const ID: &str = "0123456789abcdef0123456789abcdef";

fn devices() -> (Workspace<MemoryKv>, Workspace<MemoryKv>) {
    let mut leader = Workspace::open(
        MemoryKv::default(),
        [1; 16],
        "l",
        [1; 32],
        Box::new(NoGuard),
    );
    let link = common::paired_discussion(&mut leader, ID, [4; 48], NOW);
    let mut employee = Workspace::open(
        MemoryKv::default(),
        [2; 16],
        "e",
        [2; 32],
        Box::new(NoGuard),
    );
    employee.take_in(&link, day("2026-11-27"), NOW).unwrap();
    // She says yes to the sync the leader asked for (the link's question).
    employee.pair(ID, [5; 48], NOW).unwrap();
    (leader, employee)
}

fn strengths(ws: &mut Workspace<MemoryKv>) -> String {
    ws.discussion(ID)
        .unwrap()
        .answers
        .get(AnswerField::Strengths)
        .to_string()
}

#[test]
fn bundles_wait_in_the_relay_for_a_device_that_comes_later_even_across_a_restart() {
    let mut relay = Relay::start();
    let (mut leader, mut employee) = devices();
    let field = TextField::Discussion(ID.into(), DiscussionText::Answer(AnswerField::Strengths));

    // The manager edits and goes offline; the stream is made on first use.
    leader
        .splice(&field, &Splice::insert(0, "Zoë 👩🏽‍💻 naïve — 日本"), NOW)
        .unwrap();
    let mut l = Conn::open(&relay, "leader1");
    l.watch(&mut leader, Side::Leader);
    l.publish(&mut leader);
    drop(l);

    // The relay restarts (its store on disk).
    relay.kill();
    relay.run();

    // The employee opens later: the change is there.
    let mut e = Conn::open(&relay, "employee1");
    e.watch(&mut employee, Side::Employee);
    assert_eq!(e.take_all(&mut employee), 1);
    assert_eq!(strengths(&mut employee), "Zoë 👩🏽‍💻 naïve — 日本");
    // It acknowledges with its own edit, and leaves.
    employee
        .splice(&field, &Splice::insert(0, "Calm. "), NOW)
        .unwrap();
    e.publish(&mut employee);
    drop(e);

    // The manager comes back: reads what is new since its position (its own bundle comes
    // back once and is recognised as its own).
    let mut l = Conn::open(&relay, "leader2");
    l.watch(&mut leader, Side::Leader);
    assert_eq!(l.take_all(&mut leader), 2);
    assert_eq!(strengths(&mut leader), "Calm. Zoë 👩🏽‍💻 naïve — 日本");
    let status = leader.mailbox_status(ID).unwrap();
    assert_eq!(status.waiting, 0);
    assert!(status.synced_at.is_some());
}

#[test]
fn a_relay_whose_stream_was_made_anew_is_read_from_its_start() {
    let mut relay = Relay::start();
    let (mut leader, mut employee) = devices();
    let field = TextField::Discussion(ID.into(), DiscussionText::Answer(AnswerField::Strengths));
    let mut l = Conn::open(&relay, "leader1");
    l.watch(&mut leader, Side::Leader);
    for word in ["one ", "two ", "three "] {
        leader
            .splice(&field, &Splice::insert(0, word), NOW)
            .unwrap();
        l.publish(&mut leader);
    }
    drop(l);
    let mut e = Conn::open(&relay, "employee1");
    e.watch(&mut employee, Side::Employee);
    e.take_all(&mut employee);
    assert_eq!(strengths(&mut employee), "three two one ");
    drop(e);

    // The relay is set up again with nothing in it: its sequence starts over, behind the
    // positions both devices stored.
    relay.kill();
    relay.wipe();
    relay.run();
    let mut e = Conn::open(&relay, "employee2");
    e.watch(&mut employee, Side::Employee);
    employee
        .splice(&field, &Splice::insert(0, "four "), NOW)
        .unwrap();
    e.publish(&mut employee);
    assert!(
        employee
            .mailbox_status(ID)
            .unwrap()
            .read
            .values()
            .all(|r| *r <= 1),
        "the employee's positions start over"
    );
    drop(e);
    // The leader notices when it next publishes, and then reads the new stream whole.
    let mut l = Conn::open(&relay, "leader2");
    l.watch(&mut leader, Side::Leader);
    leader
        .splice(&field, &Splice::insert(0, "five "), NOW)
        .unwrap();
    l.publish(&mut leader);
    l.pump_until(|c| {
        c.events.iter().any(|ev| {
            matches!(
                ev,
                career_core::live::mailbox::Event::Delivered {
                    from: Side::Employee,
                    ..
                }
            )
        })
    });
    l.take_all(&mut leader);
    // Both inserted at the start concurrently: Automerge orders them, every word is kept.
    let text = strengths(&mut leader);
    assert!(text.ends_with("three two one "), "{text}");
    assert!(text.contains("four ") && text.contains("five "), "{text}");
}
