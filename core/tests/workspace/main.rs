//! The workspace end to end, over an in-memory store: a leader's device and an employee's
//! device, each a `Workspace`, doing what the app does — start a discussion, type, save,
//! reload, share, merge, back up, and meet damaged data. One file per feature; the
//! two-device fixture is `common::two_devices`.

mod changes;
#[path = "../common/mod.rs"]
mod common;
mod editing;
mod first_share;
mod handover;
mod keys;
mod review;
mod sharing;
mod stored;
mod tabs;

use career_core::model::discussion::{DiscussionEdit, DiscussionText, Track};
use career_core::model::fields::{FieldKey, Suggestion};
use career_core::model::method::{AnswerField, PrepField};
use career_core::model::people::{RosterEdit, RosterText};
use career_core::share::review::{Change, FieldChange};
use career_core::share::signoff::{Check, State};
use career_core::storage::blobs::{KvStore, LoadError, MemoryKv};
use career_core::storage::keys::{DocName, StorageKey};
use career_core::text::words::Mark;
use career_core::text::Splice;
use career_core::workspace::{NoGuard, Publish, TakenIn, TextField, Workspace, WorkspaceError};
use career_core::Side;
use common::two_devices::{device, leader_on, TwoDevices, NOW};
use common::{day, SharedKv};
use proptest::prelude::*;

const TEXT: &str = "Zoë 👩🏽‍💻 naïve — 日本";

/// A leader's device with Sam on the people list and one discussion with him.
fn leader() -> (Workspace<MemoryKv>, String) {
    leader_on(1)
}

fn answer(id: &str, f: AnswerField) -> TextField {
    TextField::Discussion(id.into(), DiscussionText::Answer(f))
}

/// Types `text` at the end of a field, one character per splice, as a typist would.
fn type_text(ws: &mut Workspace<MemoryKv>, field: &TextField, current: &str, text: &str) {
    let mut at = current.len();
    for c in text.chars() {
        let s = c.to_string();
        assert!(ws.splice(field, &Splice::insert(at, &s), NOW).unwrap());
        at += s.len();
    }
}

/// The device's storage, as another tab (or the next start) would open it.
fn reopened(ws: &Workspace<MemoryKv>, n: u8) -> Workspace<MemoryKv> {
    device(ws.kv().clone(), n)
}

const LEADERS: &str = "Lead a project, not just a component.";
const MINE: &str = "I want to lead the card-issuing team.";

/// The leader typed `LEADERS` as the short-term aspiration during the talk and shared the
/// discussion; the employee drafted `MINE` privately.
fn talked() -> (Workspace<MemoryKv>, Workspace<MemoryKv>, String) {
    let (mut leader, id) = leader();
    type_text(
        &mut leader,
        &answer(&id, AnswerField::ShortTerm),
        "",
        LEADERS,
    );
    let TwoDevices {
        leader,
        mut employee,
        id,
    } = TwoDevices::shared(leader, &id);
    let draft = TextField::Draft(id.clone(), AnswerField::ShortTerm);
    type_text(&mut employee, &draft, "", MINE);
    (leader, employee, id)
}

/// The employee's reply goes to the leader; returns the review the leader sees.
fn reply(
    from: &mut Workspace<MemoryKv>,
    to: &mut Workspace<MemoryKv>,
    id: &str,
) -> career_core::share::review::Review {
    let package = from.package(id, false, NOW).unwrap();
    to.take_in(&package, day("2026-11-28"), NOW).unwrap();
    to.review(id).unwrap()
}

/// Replaces `delete` bytes at `at` of a field with `insert`, as one edit.
fn edit_at(
    ws: &mut Workspace<MemoryKv>,
    field: &TextField,
    at: usize,
    delete: usize,
    insert: &str,
) {
    let splice = Splice {
        at,
        delete,
        insert: insert.into(),
    };
    assert!(ws.splice(field, &splice, NOW).unwrap());
}

/// The leader's changes go to the employee.
fn send_back(leader: &mut Workspace<MemoryKv>, employee: &mut Workspace<MemoryKv>, id: &str) {
    let package = leader.package(id, false, NOW).unwrap();
    employee.take_in(&package, day("2026-11-29"), NOW).unwrap();
}

/// The two compared the safety code in the room and each tapped "We compared it".
fn compared(leader: &mut Workspace<MemoryKv>, employee: &mut Workspace<MemoryKv>, id: &str) {
    let (on_leader, on_employee) = (leader.keys_of(id).unwrap(), employee.keys_of(id).unwrap());
    assert_eq!(
        on_leader.safety_code(),
        on_employee.safety_code(),
        "the same code"
    );
    leader.confirm_key(id, &on_leader.pinned.unwrap()).unwrap();
    employee
        .confirm_key(id, &on_employee.pinned.unwrap())
        .unwrap();
}

/// Maria signs, the record goes to Sam, Sam signs, and his signature comes back.
fn both_sign(leader: &mut Workspace<MemoryKv>, employee: &mut Workspace<MemoryKv>, id: &str) {
    leader
        .sign(id, Side::Leader, "Maria Lund", day("2026-11-28"))
        .unwrap();
    send_back(leader, employee, id);
    employee
        .sign(id, Side::Employee, "Sam Okafor", day("2026-11-28"))
        .unwrap();
    reply(employee, leader, id);
}
