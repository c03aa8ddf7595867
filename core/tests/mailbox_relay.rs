//! The mailbox client against a real `nats-server` with JetStream (plain NATS over TCP
//! carries the same protocol as the app's WebSocket): the stream is made on first use,
//! bundles are stored and acknowledged, a device that connects later reads them from its
//! position, and a restarted relay keeps them.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use career_core::live::mailbox::{Client, Event, PairingState};
use career_core::live::nats::Parser;
use career_core::model::discussion::DiscussionText;
use career_core::model::method::AnswerField;
use career_core::model::text::Splice;
use career_core::storage::blobs::MemoryKv;
use career_core::storage::workspace::{NoGuard, TextField, Workspace};
use career_core::Side;
use common::day;

const NOW: i64 = 1_795_000_000_000;
const ID: &str = "0123456789abcdef0123456789abcdef";

struct Relay {
    port: u16,
    dir: std::path::PathBuf,
    child: Option<Child>,
}

impl Relay {
    fn start() -> Relay {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("ct-mailbox-{port}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut relay = Relay {
            port,
            dir,
            child: None,
        };
        relay.run();
        relay
    }

    fn run(&mut self) {
        let conf = self.dir.join("relay.conf");
        std::fs::write(
            &conf,
            format!(
                "listen: 127.0.0.1:{}\njetstream {{ store_dir: \"{}\" }}\n",
                self.port,
                self.dir.join("store").display()
            ),
        )
        .unwrap();
        let bin = if std::path::Path::new("/usr/sbin/nats-server").exists() {
            "/usr/sbin/nats-server"
        } else {
            "nats-server"
        };
        let child = Command::new(bin)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server is installed by scripts/setup.sh");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One device's connection: the client, its socket, and the events seen.
struct Conn {
    client: Client,
    socket: TcpStream,
    parser: Parser,
    events: Vec<Event>,
}

impl Conn {
    fn open(relay: &Relay, inbox: &str) -> Conn {
        let socket = TcpStream::connect(("127.0.0.1", relay.port)).unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let mut conn = Conn {
            client: Client::new(inbox, None),
            socket,
            parser: Parser::new(),
            events: vec![],
        };
        let hello = conn.client.connected();
        conn.socket.write_all(&hello).unwrap();
        conn.pump_until(|c| c.client.online());
        conn
    }

    fn send(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() {
            if std::env::var("DEBUG_RELAY").is_ok() {
                eprintln!(">> {}", String::from_utf8_lossy(bytes));
            }
            self.socket.write_all(bytes).unwrap();
        }
    }

    fn pump_once(&mut self) {
        let mut buf = [0u8; 65536];
        match self.socket.read(&mut buf) {
            Ok(0) => panic!("relay closed the connection"),
            Ok(n) => {
                if std::env::var("DEBUG_RELAY").is_ok() {
                    eprintln!("<< {}", String::from_utf8_lossy(&buf[..n]));
                }
                for op in self.parser.push(&buf[..n]).unwrap() {
                    let (out, events) = self.client.receive(op, NOW);
                    self.send(&out);
                    self.events.extend(events);
                }
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => panic!("{e}"),
        }
    }

    fn pump_until(&mut self, done: impl Fn(&Conn) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "timed out; events: {:?}",
                self.events
            );
            self.pump_once();
        }
    }

    /// Takes in every delivered message, as the app does.
    fn take_all(&mut self, ws: &mut Workspace<MemoryKv>) -> usize {
        let mut n = 0;
        for e in std::mem::take(&mut self.events) {
            if let Event::Delivered {
                discussion,
                from,
                seq,
                frame,
            } = e
            {
                let _ = ws.mailbox_take(&discussion, from, seq, &frame, day("2026-11-28"), NOW);
                self.client.taken(&discussion, from, seq);
                n += 1;
            } else {
                self.events.push(e);
            }
        }
        n
    }

    fn publish(&mut self, ws: &mut Workspace<MemoryKv>) {
        let frame = ws
            .mailbox_bundle(ID, [5; 12], NOW)
            .unwrap()
            .expect("a bundle is due");
        let out = self.client.publish(ID, &frame, NOW);
        self.send(&out);
        self.pump_until(|c| {
            c.events
                .iter()
                .any(|e| matches!(e, Event::Published { .. }))
        });
        self.events
            .retain(|e| !matches!(e, Event::Published { .. }));
        ws.mailbox_published(ID, NOW);
    }
}

fn watch(conn: &mut Conn, ws: &mut Workspace<MemoryKv>, side: Side) {
    let PairingState::Paired(p) = ws.pairing(ID).unwrap() else {
        panic!("not paired")
    };
    let read: BTreeMap<Side, u64> = ws.mailbox_status(ID).unwrap().read;
    let out = conn.client.watch(ID, p, side, read, NOW);
    conn.send(&out);
    conn.pump_until(|c| c.client.caught_up(ID));
}

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
    watch(&mut l, &mut leader, Side::Leader);
    l.publish(&mut leader);
    drop(l);

    // The relay restarts (its store on disk).
    relay.kill();
    relay.run();

    // The employee opens later: the change is there.
    let mut e = Conn::open(&relay, "employee1");
    watch(&mut e, &mut employee, Side::Employee);
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
    watch(&mut l, &mut leader, Side::Leader);
    assert_eq!(l.take_all(&mut leader), 2);
    assert_eq!(strengths(&mut leader), "Calm. Zoë 👩🏽‍💻 naïve — 日本");
    let status = leader.mailbox_status(ID).unwrap();
    assert_eq!(status.waiting, 0);
    assert!(status.synced_at.is_some());
}
