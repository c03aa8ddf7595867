//! One way in: whatever brings a document from outside — a link or file, a handover file, a
//! backup — a second history under an id this device knows is refused with nothing
//! changed. Such a document holds the real first change (so it looks like the same
//! discussion) and an independent history beside it whose higher counters would override
//! whole fields, the employee's name included.

mod common;

use career_core::model::discussion::{self, DiscussionEdit, NewDiscussion};
use career_core::model::method::AnswerField;
use career_core::model::people::Participant;
use career_core::share::{Package, ShareError};
use career_core::storage::backup::BackupError;
use career_core::storage::blobs::MemoryKv;
use career_core::storage::keys::DocName;
use career_core::text::Splice;
use career_core::workspace::{NoGuard, TextField, Workspace, WorkspaceError};
use career_core::{ActorId, AutoCommit, Side};
use common::day;

const NOW: i64 = 1_795_000_000;
const ID: &str = "0123456789abcdef0123456789abcdef";
const SAM: &str = "0000000000000000000000000000005a";

fn device(n: u8) -> Workspace<MemoryKv> {
    Workspace::open(
        MemoryKv::default(),
        [n; 16],
        &format!("tab{n}"),
        [n; 32],
        Box::new(NoGuard),
    )
}

/// Maria's device with a discussion with Sam, an answer typed and saved.
fn maria() -> Workspace<MemoryKv> {
    let mut ws = device(1);
    common::start_discussion(&mut ws, ID, "Sam Okafor", "Maria Lund", NOW);
    ws.splice(
        &TextField::Discussion(
            ID.into(),
            discussion::DiscussionText::Answer(AnswerField::Strengths),
        ),
        &Splice::insert(0, "Calm in incidents"),
        NOW,
    )
    .unwrap();
    ws.save(NOW).unwrap();
    ws
}

/// The real record with an independent history of the same id merged in beside it.
fn with_second_history(real: &mut AutoCommit) -> AutoCommit {
    let mut other = AutoCommit::new().with_actor(ActorId::from(&[0xee; 16][..]));
    discussion::create(
        &mut other,
        NewDiscussion {
            id: ID.into(),
            person_id: SAM.into(),
            employee: Participant {
                name: "Mallory".into(),
                role: "Intern".into(),
            },
            manager: Participant::default(),
            created_on: day("2026-11-26"),
        },
    )
    .unwrap();
    // Counters above the real history's, so its values win a merge.
    for n in 0..40 {
        discussion::apply(&mut other, DiscussionEdit::Notes(format!("planted {n}"))).unwrap();
        other.commit();
    }
    let mut crafted = real.fork();
    crafted.merge(&mut other).unwrap();
    // What a merge would do: the employee's name is replaced.
    assert_eq!(discussion::read(&crafted).unwrap().employee.name, "Mallory");
    crafted
}

fn real_doc(ws: &mut Workspace<MemoryKv>) -> AutoCommit {
    ws.package(ID, true, NOW)
        .unwrap()
        .whole_document()
        .unwrap()
        .0
}

#[test]
fn a_link_with_a_second_history_is_refused_with_nothing_changed() {
    let mut ws = maria();
    let mut real = real_doc(&mut ws);
    ws.save(NOW).unwrap();
    let stored = ws.kv().clone();
    let mut crafted = with_second_history(&mut real);
    let package = Package::whole(&mut crafted, Side::Leader).unwrap();
    assert!(matches!(
        ws.take_in(&package, day("2026-11-28"), NOW),
        Err(WorkspaceError::Share(ShareError::Unrelated))
    ));
    ws.save(NOW).unwrap();
    assert_eq!(ws.kv(), &stored, "storage changed");
    assert_eq!(ws.discussion(ID).unwrap().employee.name, "Sam Okafor");
}

#[test]
fn a_handover_file_with_a_second_history_is_refused_with_nothing_changed() {
    let mut maria = maria();
    let made = maria
        .handover(SAM, false, day("2026-12-01"), NOW)
        .unwrap()
        .handover;
    // Jo took the real file in: the discussion is known on Jo's device.
    let mut jo = device(7);
    jo.create_roster(NOW).unwrap();
    jo.take_handover(made.to_json().as_bytes(), NOW).unwrap();
    jo.save(NOW).unwrap();
    let stored = jo.kv().clone();
    // A second file "from Maria" carries the record with a second history beside it.
    let mut real = real_doc(&mut maria);
    let mut crafted = with_second_history(&mut real);
    let mut file = made.clone();
    file.add(&DocName::Discussion(ID.into()), &crafted.save());
    assert!(jo.take_handover(file.to_json().as_bytes(), NOW).is_err());
    jo.save(NOW).unwrap();
    assert_eq!(jo.kv(), &stored, "storage changed");
    assert_eq!(jo.discussion(ID).unwrap().employee.name, "Sam Okafor");
    // Taken by a device that does not have it yet, it is refused too: a document is one
    // history wherever it goes.
    let mut kim = device(8);
    kim.create_roster(NOW).unwrap();
    kim.save(NOW).unwrap();
    let before = kim.kv().clone();
    assert!(kim.take_handover(file.to_json().as_bytes(), NOW).is_err());
    kim.save(NOW).unwrap();
    assert_eq!(kim.kv(), &before);
}

#[test]
fn a_backup_with_a_second_history_is_refused_with_nothing_changed() {
    let mut ws = maria();
    let mut real = real_doc(&mut ws);
    let mut backup = ws.export_backup(day("2026-12-01")).unwrap();
    ws.save(NOW).unwrap();
    let stored = ws.kv().clone();
    let mut crafted = with_second_history(&mut real);
    backup.add(&DocName::Discussion(ID.into()).key(), &crafted.save());
    let bytes = backup.to_json();
    assert!(matches!(
        ws.import_backup(bytes.as_bytes(), NOW),
        Err(WorkspaceError::Backup(BackupError::SecondHistory(_)))
    ));
    ws.save(NOW).unwrap();
    assert_eq!(ws.kv(), &stored, "storage changed");
    assert_eq!(ws.discussion(ID).unwrap().employee.name, "Sam Okafor");
    // The same backup without it merges as before.
    let mut fine = ws.export_backup(day("2026-12-01")).unwrap();
    fine.add(&DocName::Discussion(ID.into()).key(), &real.save());
    ws.import_backup(fine.to_json().as_bytes(), NOW).unwrap();
}
