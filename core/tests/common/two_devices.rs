//! The fixture most workspace stories start from: a leader's device with Sam on the people
//! list and one discussion with him, and the employee's device it is shared with; packages
//! go back and forth until neither side has anything the other lacks.

use career_core::model::discussion::NewDiscussion;
use career_core::model::people::{Participant, Person, RosterEdit};
use career_core::storage::blobs::{LoadError, MemoryKv};
use career_core::workspace::{NoGuard, TakenIn, Workspace};

use super::day;

/// The clock every story runs at (seconds).
pub const NOW: i64 = 1_795_000_000;
/// The discussion's id, and Sam's.
pub const ID: &str = "0123456789abcdef0123456789abcdef";
pub const SAM: &str = "0000000000000000000000000000005a";

/// Device `n` over `kv`: its own actor, tab and key.
pub fn device(kv: MemoryKv, n: u8) -> Workspace<MemoryKv> {
    Workspace::open(kv, [n; 16], &format!("tab{n}"), [n; 32], Box::new(NoGuard))
}

/// Maria's device `n` with Sam on the people list and one discussion with him (two devices
/// make unrelated histories of it).
pub fn leader_on(n: u8) -> (Workspace<MemoryKv>, String) {
    let mut ws = device(MemoryKv::default(), n);
    assert_eq!(ws.roster(), Err(LoadError::NotFound));
    ws.create_roster(NOW).unwrap();
    ws.edit_roster(RosterEdit::ManagerName("Maria Lund".into()))
        .unwrap();
    let sam = Person {
        id: SAM.into(),
        name: "Sam Okafor".into(),
        role: "Engineer".into(),
        team: "Payments".into(),
        cadence_months: 12,
        archived: false,
        added_on: day("2026-01-05"),
    };
    ws.edit_roster(RosterEdit::AddPerson(sam.clone())).unwrap();
    ws.new_discussion(
        NewDiscussion {
            id: ID.into(),
            person_id: sam.id.clone(),
            employee: Participant {
                name: sam.name,
                role: sam.role,
            },
            manager: Participant {
                name: "Maria Lund".into(),
                role: String::new(),
            },
            created_on: day("2026-11-26"),
        },
        NOW,
    )
    .unwrap();
    (ws, ID.into())
}

/// A leader's device and the employee's device of one discussion.
pub struct TwoDevices {
    pub leader: Workspace<MemoryKv>,
    pub employee: Workspace<MemoryKv>,
    pub id: String,
}

impl TwoDevices {
    /// Maria shares the discussion as it is (device 1); Sam's device (3) takes it in.
    pub fn shared(leader: Workspace<MemoryKv>, id: &str) -> TwoDevices {
        let mut two = TwoDevices {
            leader,
            employee: device(MemoryKv::default(), 3),
            id: id.into(),
        };
        let link = two.leader.package(id, true, NOW).unwrap();
        two.employee.take_in(&link, day("2026-11-27"), NOW).unwrap();
        two
    }

    /// What the leader's device has that the employee's lacks goes across.
    pub fn send_to_employee(&mut self) -> TakenIn {
        let package = self.leader.package(&self.id, false, NOW).unwrap();
        self.employee
            .take_in(&package, day("2026-11-29"), NOW)
            .unwrap()
    }

    /// What the employee's device has that the leader's lacks goes across.
    pub fn send_to_leader(&mut self) -> TakenIn {
        let package = self.employee.package(&self.id, false, NOW).unwrap();
        self.leader
            .take_in(&package, day("2026-11-28"), NOW)
            .unwrap()
    }

    /// Both ways, until a round brings nothing new to either side (at most ten rounds: a
    /// pair that never settles is a failure).
    pub fn until_quiet(&mut self) {
        for _ in 0..10 {
            let quiet = |t: &TakenIn| matches!(t, TakenIn::Merged { new_changes: 0, .. });
            let to_leader = self.send_to_leader();
            let to_employee = self.send_to_employee();
            if quiet(&to_leader) && quiet(&to_employee) {
                return;
            }
        }
        panic!("the two devices did not settle in ten rounds");
    }
}
