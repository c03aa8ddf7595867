//! Who owns what, on every way in. The leader's assessment (track, readiness, held on), the
//! leader's views, the names in the record and the actions the leader added are the
//! leader's; the actions the employee added are hers. A device refuses to change what its
//! side does not own (typed); and what a modified app on the other side changes anyway —
//! arriving by link or file, by a paired bundle, by a live session, or after a handover —
//! never lands in the owner's record: it is set back there, shown as a suggestion, and
//! everything else that came with it is merged.

mod common;

use career_core::live::envelope::{Envelope, Kind, SenderKey};
use career_core::live::session::{Presence, Session};
use career_core::model::discussion::{
    self, Action, Discussion, DiscussionEdit, DiscussionText, LeaderView, Owner, Readiness, Track,
};
use career_core::model::fields::{Answer, Suggestion};
use career_core::model::method::{AnswerField, PrepField, Question};
use career_core::model::people::Participant;
use career_core::share::Package;
use career_core::storage::blobs::MemoryKv;
use career_core::workspace::{
    MailboxTaken, NoGuard, TakenIn, TextField, Workspace, WorkspaceError,
};
use career_core::{AutoCommit, Side};
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

/// A leader's record with every part of the leader's set, shared with the employee (both
/// said yes to paired sync), and an action of the employee's sent back.
fn discussion() -> (Workspace<MemoryKv>, Workspace<MemoryKv>) {
    let mut leader = device(1);
    common::start_discussion(&mut leader, ID, "Zoë Nakamura", "Anna Berg", NOW);
    for edit in [
        DiscussionEdit::Track(Track::SeniorLeadership),
        DiscussionEdit::Readiness(Some(Readiness::OneToTwoYears)),
        DiscussionEdit::HeldOn(day("2026-11-26").into()),
        DiscussionEdit::Interject(LeaderView {
            id: "v1".into(),
            question: Question::LongTerm,
            source: PrepField::Potential,
            text: "Could lead the platform group.".into(),
            added_on: day("2026-11-26"),
        }),
        DiscussionEdit::AddAction(action("a-l", "Shadow the platform architect")),
    ] {
        leader.edit_discussion(ID, edit).unwrap();
    }
    leader.pair(ID, [4; 48], NOW).unwrap();
    let mut employee = device(2);
    employee
        .take_in(
            &leader.package(ID, true, NOW).unwrap(),
            day("2026-11-27"),
            NOW,
        )
        .unwrap();
    employee.pair(ID, [5; 48], NOW).unwrap();
    employee
        .edit_discussion(
            ID,
            DiscussionEdit::AddAction(action("a-e", "Write the RFC")),
        )
        .unwrap();
    leader
        .take_in(
            &employee.package(ID, false, NOW).unwrap(),
            day("2026-11-27"),
            NOW,
        )
        .unwrap();
    leader.dismiss_review(ID).unwrap();
    assert_eq!(leader.discussion(ID).unwrap().actions[1].by, Side::Employee);
    // Both hold the same record.
    employee
        .take_in(
            &leader.package(ID, false, NOW).unwrap(),
            day("2026-11-27"),
            NOW,
        )
        .unwrap();
    employee.dismiss_review(ID).unwrap();
    assert_eq!(victim_heads(&mut leader), victim_heads(&mut employee));
    (leader, employee)
}

fn action(id: &str, text: &str) -> Action {
    Action {
        id: id.into(),
        text: text.into(),
        owner: Owner::Employee,
        due: day("2027-03-01").into(),
        done: false,
        carried_from: None,
        // Whatever a device says here, the workspace makes it the adding side's.
        by: Side::Leader,
    }
}

/// What a modified app on `from` makes: `edit` made on the record directly (no workspace
/// check), with a legitimate edit of an answer beside it, as a package for `to` and the
/// record with the changes.
fn crafted(
    from: &mut Workspace<MemoryKv>,
    to: Side,
    edit: &DiscussionEdit,
) -> (Package, AutoCommit) {
    let (mut doc, _) = from
        .package(ID, true, NOW)
        .unwrap()
        .whole_document()
        .unwrap();
    let heads = doc.get_heads();
    discussion::apply(&mut doc, edit.clone()).unwrap();
    discussion::apply(
        &mut doc,
        DiscussionEdit::Answer(AnswerField::Strengths, "Merged as always".into()),
    )
    .unwrap();
    doc.commit();
    let package = Package::changes_since(&mut doc, to, &heads).unwrap();
    (package, doc)
}

#[derive(Clone, Copy, Debug)]
enum Way {
    Link,
    Bundle,
    Live,
}

/// `victim` takes in what `from`'s modified app made, by `way`.
fn deliver(
    way: Way,
    from: &mut Workspace<MemoryKv>,
    victim: &mut Workspace<MemoryKv>,
    edit: &DiscussionEdit,
) {
    let to = victim.side(ID).side;
    let (package, doc) = crafted(from, to, edit);
    // The modified app's own device holds the change as made on it (a package of its own
    // side's, so not set back there).
    from.take_in(
        &Package::whole(&mut doc.clone(), to).unwrap(),
        day("2026-11-28"),
        NOW,
    )
    .unwrap();
    match way {
        Way::Link => {
            let taken = victim.take_in(&package, day("2026-11-28"), NOW).unwrap();
            assert!(matches!(taken, TakenIn::Merged { new_changes: 1, .. }));
        }
        Way::Bundle => {
            // Sealed with the pairing both have, as the other side's device seals it.
            let pairing = victim.pairing(ID).unwrap().pairing.unwrap();
            let key = SenderKey::from_seed([8; 32]);
            let env = Envelope {
                from: key.id(),
                to: None,
                kind: Kind::Sync,
                seq: 1,
                bytes: package.to_bytes(),
            };
            let frame = pairing.room(ID).seal(&env, &key, [9; 12]);
            let taken = victim
                .mailbox_take(ID, to.other(), 7, &frame, day("2026-11-28"), NOW)
                .unwrap();
            assert!(matches!(taken, MailboxTaken::Taken { .. }));
        }
        Way::Live => {
            let key = SenderKey::from_seed([1; 32]);
            let me = key.id();
            let mut session = Session::new(key, me, Presence::default());
            let mut doc = doc;
            let changes: Vec<Vec<u8>> = doc
                .get_changes(&victim_heads(victim))
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect();
            let refs: Vec<&[u8]> = changes.iter().map(Vec::as_slice).collect();
            let m = common::message_with(&refs);
            let env = Envelope {
                from: [9; 16],
                to: None,
                kind: Kind::Sync,
                seq: 1,
                bytes: m,
            };
            let received = victim
                .live_receive(ID, &mut session, env, day("2026-11-28"), NOW)
                .unwrap();
            assert!(received.changed);
        }
    }
}

fn victim_heads(ws: &mut Workspace<MemoryKv>) -> Vec<automerge::ChangeHash> {
    ws.package(ID, true, NOW).unwrap().sender_heads
}

/// The parts an edit of the employee's may not change, as the leader's record reads them.
fn leaders_parts(d: &Discussion) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        d.track,
        d.readiness,
        d.held_on,
        d.leader_views,
        d.actions.iter().find(|a| a.id == "a-l"),
        d.employee,
        d.manager
    )
}

fn her_action(d: &Discussion) -> String {
    format!("{:?}", d.actions.iter().find(|a| a.id == "a-e"))
}

/// Edits of the leader's parts a modified employee app might make, with the suggestion each
/// becomes on the leader's device (none for a name, or a view only the leader adds).
fn employee_attempts() -> Vec<(DiscussionEdit, Option<Suggestion>)> {
    vec![
        (
            DiscussionEdit::Track(Track::TechnicalExpert),
            Some(Suggestion::Track(Track::TechnicalExpert)),
        ),
        (
            DiscussionEdit::Readiness(Some(Readiness::ReadyNow)),
            Some(Suggestion::Readiness(Some(Readiness::ReadyNow))),
        ),
        (DiscussionEdit::HeldOn(None), Some(Suggestion::HeldOn(None))),
        (
            DiscussionEdit::LeaderViewText {
                id: "v1".into(),
                text: "Could lead anything.".into(),
            },
            Some(Suggestion::ViewText {
                id: "v1".into(),
                text: "Could lead anything.".into(),
            }),
        ),
        (
            DiscussionEdit::RemoveLeaderView { id: "v1".into() },
            Some(Suggestion::RemoveView { id: "v1".into() }),
        ),
        (
            DiscussionEdit::Interject(LeaderView {
                id: "v2".into(),
                question: Question::Strengths,
                source: PrepField::Strengths,
                text: "A view the leader never gave".into(),
                added_on: day("2026-11-28"),
            }),
            None,
        ),
        (
            DiscussionEdit::ActionText {
                id: "a-l".into(),
                text: "Skip the architect".into(),
            },
            Some(Suggestion::ActionText {
                id: "a-l".into(),
                text: "Skip the architect".into(),
            }),
        ),
        (
            DiscussionEdit::ActionDone {
                id: "a-l".into(),
                done: true,
            },
            Some(Suggestion::ActionDone {
                id: "a-l".into(),
                done: true,
            }),
        ),
        (
            DiscussionEdit::ActionDue {
                id: "a-l".into(),
                due: None,
            },
            Some(Suggestion::ActionDue {
                id: "a-l".into(),
                due: None,
            }),
        ),
        (
            DiscussionEdit::ActionOwner {
                id: "a-l".into(),
                owner: Owner::Manager,
            },
            Some(Suggestion::ActionOwner {
                id: "a-l".into(),
                owner: Owner::Manager,
            }),
        ),
        (
            DiscussionEdit::RemoveAction { id: "a-l".into() },
            Some(Suggestion::RemoveAction { id: "a-l".into() }),
        ),
        (
            DiscussionEdit::Employee(Participant {
                name: "Someone else".into(),
                role: "CTO".into(),
            }),
            None,
        ),
    ]
}

#[test]
fn a_device_refuses_to_change_what_the_other_side_owns() {
    let (mut leader, mut employee) = discussion();
    for (edit, _) in employee_attempts() {
        let result = employee.edit_discussion(ID, edit.clone());
        assert!(
            matches!(
                result,
                Err(WorkspaceError::NotYours {
                    owner: Side::Leader,
                    ..
                })
            ),
            "{edit:?}: {result:?}"
        );
    }
    let view = TextField::Discussion(ID.into(), DiscussionText::LeaderView("v1".into()));
    assert!(employee
        .splice(&view, &career_core::text::Splice::insert(0, "x"), NOW)
        .is_err());
    for edit in [
        DiscussionEdit::ActionDone {
            id: "a-e".into(),
            done: true,
        },
        DiscussionEdit::RemoveAction { id: "a-e".into() },
    ] {
        assert!(matches!(
            leader.edit_discussion(ID, edit),
            Err(WorkspaceError::NotYours {
                owner: Side::Employee,
                ..
            })
        ));
    }
    let hers = TextField::Discussion(ID.into(), DiscussionText::Action("a-e".into()));
    assert!(leader
        .splice(&hers, &career_core::text::Splice::insert(0, "x"), NOW)
        .is_err());
    // Each side's own: fine.
    assert!(employee
        .edit_discussion(
            ID,
            DiscussionEdit::ActionDone {
                id: "a-e".into(),
                done: true
            }
        )
        .unwrap());
    assert!(leader
        .edit_discussion(ID, DiscussionEdit::Track(Track::NotDecided))
        .unwrap());
}

#[test]
fn the_employees_change_to_a_leaders_part_never_lands_in_the_leaders_record_on_any_way_in() {
    for way in [Way::Link, Way::Bundle, Way::Live] {
        for (edit, suggestion) in employee_attempts() {
            let (mut leader, mut employee) = discussion();
            let before = leader.discussion(ID).unwrap();
            deliver(way, &mut employee, &mut leader, &edit);
            let after = leader.discussion(ID).unwrap();
            assert_eq!(
                leaders_parts(&after),
                leaders_parts(&before),
                "{way:?} {edit:?}"
            );
            // Everything else that came with it is merged.
            assert_eq!(
                after.answers.get(AnswerField::Strengths),
                "Merged as always",
                "{way:?} {edit:?}"
            );
            let proposals = leader.proposals(ID).unwrap();
            match &suggestion {
                Some(s) => {
                    assert_eq!(proposals.len(), 1, "{way:?} {edit:?}: {proposals:?}");
                    assert_eq!(proposals[0].by, Side::Employee);
                    assert_eq!(proposals[0].suggestion().as_ref(), Some(s));
                    assert_eq!(proposals[0].answer, None);
                }
                None => assert!(proposals.is_empty(), "{way:?} {edit:?}"),
            }
            // Not "what she changed" either: the merge review (links and bundles; a live
            // session shows typing as it happens) lists only the answer.
            if !matches!(way, Way::Live) {
                let review = leader.review(ID).unwrap();
                let keys: Vec<String> = review.changes.iter().map(|c| c.key.to_string()).collect();
                assert_eq!(keys, ["answer:strengths"], "{way:?} {edit:?}");
            }
            // The record heals on her device too, once the leader's changes reach it.
            employee
                .take_in(
                    &leader.package(ID, false, NOW).unwrap(),
                    day("2026-11-29"),
                    NOW,
                )
                .unwrap();
            assert_eq!(
                leaders_parts(&employee.discussion(ID).unwrap()),
                leaders_parts(&before),
                "{way:?} {edit:?} on her device"
            );
        }
    }
}

#[test]
fn the_leaders_change_to_an_employees_action_never_lands_in_her_record() {
    let attempts = [
        DiscussionEdit::ActionText {
            id: "a-e".into(),
            text: "Write it later".into(),
        },
        DiscussionEdit::ActionDone {
            id: "a-e".into(),
            done: true,
        },
        DiscussionEdit::RemoveAction { id: "a-e".into() },
    ];
    for way in [Way::Link, Way::Bundle, Way::Live] {
        for edit in &attempts {
            let (mut leader, mut employee) = discussion();
            let before = employee.discussion(ID).unwrap();
            deliver(way, &mut leader, &mut employee, edit);
            let after = employee.discussion(ID).unwrap();
            assert_eq!(her_action(&after), her_action(&before), "{way:?} {edit:?}");
            assert_eq!(
                after.answers.get(AnswerField::Strengths),
                "Merged as always"
            );
            let proposals = employee.proposals(ID).unwrap();
            assert_eq!(proposals.len(), 1, "{way:?} {edit:?}");
            assert_eq!(proposals[0].by, Side::Leader);
        }
    }
}

#[test]
fn an_action_she_adds_is_hers_whatever_it_says() {
    let (mut leader, mut employee) = discussion();
    let mut claimed = action("a-x", "Claimed as the leader's");
    claimed.by = Side::Leader;
    deliver(
        Way::Link,
        &mut employee,
        &mut leader,
        &DiscussionEdit::AddAction(claimed),
    );
    let d = leader.discussion(ID).unwrap();
    let added = d.actions.iter().find(|a| a.id == "a-x").unwrap();
    assert_eq!(added.by, Side::Employee);
}

#[test]
fn after_a_handover_the_new_leaders_device_keeps_the_assessment_too() {
    let (mut maria, mut employee) = discussion();
    let file = maria
        .handover(SAM, false, day("2026-12-01"), NOW)
        .unwrap()
        .handover
        .to_json();
    let mut jo = device(7);
    jo.create_roster(NOW).unwrap();
    jo.take_handover(file.as_bytes(), NOW).unwrap();
    let before = jo.discussion(ID).unwrap();
    deliver(
        Way::Link,
        &mut employee,
        &mut jo,
        &DiscussionEdit::Track(Track::TechnicalExpert),
    );
    assert_eq!(jo.discussion(ID).unwrap().track, before.track);
    assert_eq!(jo.proposals(ID).unwrap().len(), 1);
}

#[test]
fn a_suggestion_the_leader_accepts_is_the_leaders_change_on_both_devices() {
    let (mut leader, mut employee) = discussion();
    employee
        .propose(
            ID,
            &Suggestion::ActionDone {
                id: "a-l".into(),
                done: true,
            },
            "s1".into(),
            day("2026-11-28"),
        )
        .unwrap();
    // A suggestion for a part of her own, or for one either may change, is refused.
    assert!(employee
        .propose(
            ID,
            &Suggestion::ActionDone {
                id: "a-e".into(),
                done: true
            },
            "s2".into(),
            day("2026-11-28"),
        )
        .is_err());
    leader
        .take_in(
            &employee.package(ID, false, NOW).unwrap(),
            day("2026-11-28"),
            NOW,
        )
        .unwrap();
    // She cannot answer her own suggestion.
    assert!(employee.answer_proposal(ID, "s1", true).is_err());
    leader.answer_proposal(ID, "s1", true).unwrap();
    employee
        .take_in(
            &leader.package(ID, false, NOW).unwrap(),
            day("2026-11-29"),
            NOW,
        )
        .unwrap();
    for ws in [&mut leader, &mut employee] {
        let d = ws.discussion(ID).unwrap();
        assert!(d.actions.iter().find(|a| a.id == "a-l").unwrap().done);
        assert_eq!(ws.proposals(ID).unwrap()[0].answer, Some(Answer::Accepted));
    }
}

#[test]
fn a_new_discussion_carries_the_assessment_over() {
    let (mut leader, _) = discussion();
    leader
        .new_discussion(
            discussion::NewDiscussion {
                id: "fedcba9876543210fedcba9876543210".into(),
                person_id: SAM.into(),
                employee: Participant {
                    name: "Zoë Nakamura".into(),
                    role: "Engineer".into(),
                },
                manager: Participant::default(),
                created_on: day("2027-11-26"),
            },
            NOW,
        )
        .unwrap();
    let d = leader
        .discussion("fedcba9876543210fedcba9876543210")
        .unwrap();
    assert_eq!(d.track, Track::SeniorLeadership);
    assert_eq!(d.readiness, Some(Readiness::OneToTwoYears));
}

#[test]
fn a_suggestion_kept_on_arrival_survives_the_round_trip() {
    let (mut leader, mut employee) = discussion();
    deliver(
        Way::Link,
        &mut employee,
        &mut leader,
        &DiscussionEdit::Track(Track::TechnicalExpert),
    );
    assert_eq!(leader.proposals(ID).unwrap().len(), 1);
    // To her device and back, twice: it stays, in her name, on both.
    for _ in 0..2 {
        employee
            .take_in(
                &leader.package(ID, true, NOW).unwrap(),
                day("2026-11-29"),
                NOW,
            )
            .unwrap();
        leader
            .take_in(
                &employee.package(ID, true, NOW).unwrap(),
                day("2026-11-29"),
                NOW,
            )
            .unwrap();
    }
    for ws in [&mut leader, &mut employee] {
        let p = ws.proposals(ID).unwrap();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].by, Side::Employee);
        assert_eq!(
            p[0].suggestion(),
            Some(Suggestion::Track(Track::TechnicalExpert))
        );
    }
}

#[test]
fn a_change_of_this_devices_other_tab_that_comes_back_through_the_other_side_stands() {
    let (leader, mut employee) = discussion();
    let mut leader = leader;
    leader.save(NOW).unwrap();
    // A second tab of the same browser: the same device's actor prefix, its own suffix.
    let mut actor = [1u8; 16];
    actor[8..].copy_from_slice(&[9; 8]);
    let mut tab2 = Workspace::open(
        leader.kv().clone(),
        actor,
        "tab9",
        [1; 32],
        Box::new(NoGuard),
    );
    // The first tab changes the track; the employee gets it before the second tab does,
    // and her reply reaches the second tab first.
    leader
        .edit_discussion(ID, DiscussionEdit::Track(Track::TechnicalExpert))
        .unwrap();
    employee
        .take_in(
            &leader.package(ID, true, NOW).unwrap(),
            day("2026-11-29"),
            NOW,
        )
        .unwrap();
    tab2.take_in(
        &employee.package(ID, true, NOW).unwrap(),
        day("2026-11-29"),
        NOW,
    )
    .unwrap();
    assert_eq!(tab2.discussion(ID).unwrap().track, Track::TechnicalExpert);
    assert!(tab2.proposals(ID).unwrap().is_empty());
}
