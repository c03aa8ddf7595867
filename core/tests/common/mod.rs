#![allow(dead_code)] // each test binary uses a different part of these helpers

pub mod two_devices;

use career_core::model::discussion::{self, Discussion, NewDiscussion};
use career_core::model::people::Participant;
use career_core::model::prep;
use career_core::{ActorId, AutoCommit, Day};

pub fn day(s: &str) -> Day {
    s.parse().unwrap()
}

pub fn actor(n: u8) -> ActorId {
    ActorId::from(&[n; 16][..])
}

/// A new discussion between Maria (manager) and Sam, on the manager's device.
pub fn new_discussion() -> AutoCommit {
    new_discussion_by(1)
}

/// The same discussion (same id and names) created independently on device `n`: another
/// history.
pub fn new_discussion_by(n: u8) -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(actor(n));
    discussion::create(
        &mut doc,
        NewDiscussion {
            id: "d1".into(),
            person_id: "p1".into(),
            employee: Participant {
                name: "Sam Okafor".into(),
                role: "Engineer".into(),
            },
            manager: Participant {
                name: "Maria Lund".into(),
                role: "Engineering manager".into(),
            },
            created_on: day("2026-11-26"),
        },
    )
    .unwrap();
    doc.commit();
    doc
}

pub fn new_prep() -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(actor(1));
    prep::create(&mut doc, "d1").unwrap();
    doc.commit();
    doc
}

/// A second replica of `doc`, as if the bytes had travelled to another device.
pub fn replica(doc: &mut AutoCommit, n: u8) -> AutoCommit {
    AutoCommit::load(&doc.save()).unwrap().with_actor(actor(n))
}

pub fn sync(a: &mut AutoCommit, b: &mut AutoCommit) {
    a.merge(b).unwrap();
    b.merge(a).unwrap();
}

pub fn read(doc: &AutoCommit) -> Discussion {
    discussion::read(doc).unwrap()
}

/// Everything in a document, as text, to search for strings that must (not) be there.
pub fn all_content(doc: &AutoCommit) -> String {
    use automerge::ReadDoc;
    format!("{:?}", doc.hydrate(automerge::ROOT, None))
}

/// On a leader's fresh device (`manager` on the people list as its leader): `employee` on
/// the list, and a discussion `id` with them started on 26 Nov 2026.
pub fn start_discussion(
    ws: &mut career_core::workspace::Workspace<career_core::storage::blobs::MemoryKv>,
    id: &str,
    employee: &str,
    manager: &str,
    now: i64,
) {
    use career_core::model::people::{Person, RosterEdit};
    ws.create_roster(now).unwrap();
    ws.edit_roster(RosterEdit::ManagerName(manager.into()))
        .unwrap();
    let person = Person {
        id: "0000000000000000000000000000005a".into(),
        name: employee.into(),
        role: "Engineer".into(),
        team: String::new(),
        cadence_months: 12,
        archived: false,
        added_on: day("2026-01-05"),
    };
    ws.edit_roster(RosterEdit::AddPerson(person.clone()))
        .unwrap();
    ws.new_discussion(
        NewDiscussion {
            id: id.into(),
            person_id: person.id,
            employee: Participant {
                name: person.name,
                role: person.role,
            },
            manager: Participant {
                name: manager.into(),
                role: String::new(),
            },
            created_on: day("2026-11-26"),
        },
        now,
    )
    .unwrap();
}

/// On a leader's fresh device: Maria's people list with Sam, a discussion `id` with him,
/// paired from `random`; returns the link that shares it (and the pairing) with Sam.
pub fn paired_discussion(
    ws: &mut career_core::workspace::Workspace<career_core::storage::blobs::MemoryKv>,
    id: &str,
    random: [u8; 48],
    now: i64,
) -> career_core::share::Package {
    start_discussion(ws, id, "Sam Okafor", "Maria Lund", now);
    ws.pair(id, random, now).unwrap();
    ws.package(id, true, now).unwrap()
}

/// LEB128, as Automerge's sync messages count.
pub fn leb(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A version-1 sync message with no heads, needs or filters, carrying `changes`.
pub fn message_with(changes: &[&[u8]]) -> Vec<u8> {
    let mut m = vec![0x42, 0, 0, 0];
    leb(&mut m, changes.len() as u64);
    for c in changes {
        leb(&mut m, c.len() as u64);
        m.extend_from_slice(c);
    }
    m
}

/// One browser's storage, seen by two tabs.
#[derive(Clone, Default)]
pub struct SharedKv(pub std::rc::Rc<std::cell::RefCell<career_core::storage::blobs::MemoryKv>>);

impl SharedKv {
    /// A tab of this browser: its own actor and writer `n`.
    pub fn tab(&self, n: u8) -> career_core::workspace::Workspace<SharedKv> {
        career_core::workspace::Workspace::open(
            self.clone(),
            [n; 16],
            &format!("tab{n}"),
            [n; 32],
            Box::new(career_core::workspace::NoGuard),
        )
    }
}

impl career_core::storage::blobs::KvStore for SharedKv {
    fn get(&self, key: &str) -> Result<Option<String>, career_core::storage::blobs::KvError> {
        self.0.borrow().get(key)
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), career_core::storage::blobs::KvError> {
        self.0.borrow_mut().set(key, value)
    }
    fn remove(&mut self, key: &str) -> Result<(), career_core::storage::blobs::KvError> {
        self.0.borrow_mut().remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, career_core::storage::blobs::KvError> {
        self.0.borrow().keys()
    }
}
