//! A real `nats-server` with JetStream on a loopback port, and one device's mailbox
//! connection to it over plain TCP (the same protocol the app speaks over WebSocket).
//! Shared by `tests/mailbox_relay.rs` and `examples/bench_mailbox.rs`.

#![allow(dead_code)] // each user takes what it needs

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use career_core::live::mailbox::{Client, Event};
use career_core::live::nats::Parser;
use career_core::storage::blobs::MemoryKv;
use career_core::workspace::Workspace;
use career_core::{Day, Side};

pub const NOW: i64 = 1_795_000_000_000;
const ID: &str = "0123456789abcdef0123456789abcdef";

pub struct Relay {
    pub port: u16,
    dir: std::path::PathBuf,
    child: Option<Child>,
}

impl Relay {
    pub fn start() -> Relay {
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

    pub fn run(&mut self) {
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

    /// Loses everything the relay stored (a relay set up anew), while it is stopped.
    pub fn wipe(&mut self) {
        let _ = std::fs::remove_dir_all(self.dir.join("store"));
    }

    pub fn kill(&mut self) {
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
pub struct Conn {
    pub client: Client,
    socket: TcpStream,
    parser: Parser,
    pub events: Vec<Event>,
}

impl Conn {
    pub fn open(relay: &Relay, inbox: &str) -> Conn {
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

    pub fn send(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() {
            if std::env::var("DEBUG_RELAY").is_ok() {
                eprintln!(">> {}", String::from_utf8_lossy(bytes));
            }
            self.socket.write_all(bytes).unwrap();
        }
    }

    pub fn pump_once(&mut self) {
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

    pub fn pump_until(&mut self, done: impl Fn(&Conn) -> bool) {
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
    pub fn take_all(&mut self, ws: &mut Workspace<MemoryKv>) -> usize {
        let mut n = 0;
        for e in std::mem::take(&mut self.events) {
            if let Event::Delivered {
                discussion,
                from,
                seq,
                frame,
            } = e
            {
                let _ = ws.mailbox_take(
                    &discussion,
                    from,
                    seq,
                    &frame,
                    Day::new(2026, 11, 28).expect("a day"),
                    NOW,
                );
                self.client.taken(&discussion, from, seq);
                n += 1;
            } else {
                self.events.push(e);
            }
        }
        n
    }

    /// Follows the discussion's mailbox from the device's stored positions, and reads up
    /// to what the relay holds.
    pub fn watch(&mut self, ws: &mut Workspace<MemoryKv>, side: Side) {
        let Some(p) = ws.pairing(ID).unwrap().listens(side).cloned() else {
            panic!("not paired")
        };
        let read = ws.mailbox_status(ID).unwrap().read;
        let out = self.client.watch(ID, p, side, read, NOW);
        self.send(&out);
        self.pump_until(|c| c.client.caught_up(ID));
    }

    pub fn publish(&mut self, ws: &mut Workspace<MemoryKv>) {
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
        // The stream was made anew: forget the stored positions, read it from its start.
        let reset = self
            .events
            .iter()
            .any(|e| matches!(e, Event::StreamReset { .. }));
        if reset {
            self.events
                .retain(|e| !matches!(e, Event::StreamReset { .. }));
            ws.mailbox_reset(ID);
            self.pump_until(|c| c.client.caught_up(ID));
        }
    }
}
