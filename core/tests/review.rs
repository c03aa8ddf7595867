//! After a merge: what the other side changed, concurrent values offered, and exports.

mod common;

use career_core::model::discussion::{self, Action, DiscussionEdit, Owner, Readiness, Track};
use career_core::model::method::AnswerField;
use career_core::reports::export;
use career_core::share::review::{changes_since, conflicts, resolve, Change, ConflictField};
use career_core::share::tracked::Tracked;
use career_core::text::words::Mark;
use career_core::{ActorId, AutoCommit};
use common::*;

/// The manager's device wrote with actor 1 (see `common`).
fn managers(actor: &ActorId) -> bool {
    actor.to_bytes()[0] == 1
}

fn piece(mark: Mark, text: &str) -> Tracked {
    Tracked {
        mark,
        text: text.into(),
        restore: None,
        yours: 0,
        restored: false,
    }
}

fn edit(doc: &mut AutoCommit, e: DiscussionEdit) {
    discussion::apply(doc, e).unwrap();
    doc.commit();
}

#[test]
fn the_review_lists_what_the_other_side_changed_with_added_text_marked() {
    let mut manager = new_discussion();
    edit(
        &mut manager,
        DiscussionEdit::Answer(AnswerField::Strengths, "Calm in incidents".into()),
    );
    let mut employee = replica(&mut manager, 2);
    edit(
        &mut employee,
        DiscussionEdit::Answer(AnswerField::Strengths, "Calm in incidents; teaching".into()),
    );
    edit(
        &mut employee,
        DiscussionEdit::Readiness(Some(Readiness::ReadyNow)),
    );

    let looked_at = manager.get_heads();
    manager.merge(&mut employee).unwrap();
    let changes = changes_since(&mut manager, &looked_at, &managers)
        .unwrap()
        .changes;
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_eq!(changes[0].field, "Key strengths");
    assert_eq!(
        changes[0].change,
        Change::Text(vec![
            piece(Mark::Same, "Calm in incidents"),
            piece(Mark::Added, "; teaching"),
        ])
    );
    assert_eq!(changes[1].field, "Readiness");
    assert_eq!(
        changes[1].change,
        Change::Value {
            before: "not set".into(),
            after: "Ready now".into()
        }
    );
    // Nothing new since now.
    let now = manager.get_heads();
    assert!(changes_since(&mut manager, &now, &managers)
        .unwrap()
        .is_empty());
}

#[test]
fn concurrent_track_choices_are_both_offered_and_the_pick_settles_it() {
    let mut manager = new_discussion();
    let mut employee = replica(&mut manager, 2);
    edit(&mut manager, DiscussionEdit::Track(Track::SeniorLeadership));
    edit(&mut employee, DiscussionEdit::Track(Track::TechnicalExpert));
    sync(&mut manager, &mut employee);

    let found = conflicts(&manager, &managers);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].field, ConflictField::Track);
    let mut options = found[0].options.clone();
    options.sort();
    assert_eq!(options, ["Senior leadership", "Technical expert"]);

    // Pick whichever is *not* currently shown, to prove the pick wins over Automerge's choice.
    let shown = read(&manager).track.label();
    let pick = found[0].options.iter().position(|o| o != shown).unwrap();
    resolve(&mut manager, &found[0], pick).unwrap();
    manager.commit();
    assert!(conflicts(&manager, &managers).is_empty());
    assert_ne!(read(&manager).track.label(), shown);
    sync(&mut manager, &mut employee);
    assert!(conflicts(&employee, &managers).is_empty());
    assert_eq!(read(&employee).track, read(&manager).track);
}

#[test]
fn concurrent_action_due_dates_are_offered() {
    let mut manager = new_discussion();
    edit(
        &mut manager,
        DiscussionEdit::AddAction(Action {
            id: "a1".into(),
            text: "Mentor".into(),
            owner: Owner::Manager,
            due: None,
            done: false,
            carried_from: None,
            by: career_core::Side::Leader,
        }),
    );
    let mut employee = replica(&mut manager, 2);
    edit(
        &mut manager,
        DiscussionEdit::ActionDue {
            id: "a1".into(),
            due: Some(day("2027-01-15")),
        },
    );
    edit(
        &mut employee,
        DiscussionEdit::ActionDue {
            id: "a1".into(),
            due: Some(day("2027-02-01")),
        },
    );
    sync(&mut manager, &mut employee);
    let found = conflicts(&manager, &managers);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].field, ConflictField::ActionDue("a1".into()));
    assert_eq!(found[0].options, ["15 Jan 2027", "1 Feb 2027"]);
}

#[test]
fn exports_hold_the_shared_record() {
    let mut doc = new_discussion();
    edit(
        &mut doc,
        DiscussionEdit::Answer(AnswerField::LongTerm, "Principal engineer".into()),
    );
    edit(&mut doc, DiscussionEdit::Track(Track::TechnicalExpert));
    let d = read(&doc);
    let md = export::markdown(&d);
    assert!(md.starts_with("# Career discussion: Sam Okafor"));
    assert!(md.contains("### 2. Longer-term aspirations"));
    assert!(md.contains("Principal engineer"));
    assert!(md.contains("Development track: Technical expert"));
    let json = export::json(&d);
    assert_eq!(json["answers"]["long_term"], "Principal engineer");
    assert_eq!(json["plan"]["track"], "TechnicalExpert");
    assert_eq!(json["leader"]["name"], "Maria Lund");
}

#[test]
fn the_review_of_a_merge_leaves_out_what_this_device_wrote_after_it() {
    let mut manager = new_discussion();
    let mut employee = replica(&mut manager, 2);
    edit(
        &mut employee,
        DiscussionEdit::Answer(AnswerField::LongTerm, "Staff engineer".into()),
    );
    let before = manager.get_heads();
    manager.merge(&mut employee).unwrap();
    let mut merged = before.clone();
    merged.extend(employee.get_heads());
    // The manager keeps typing after the merge.
    edit(
        &mut manager,
        DiscussionEdit::Answer(AnswerField::Strengths, "Mine, written later".into()),
    );
    let changes =
        career_core::share::review::changes_between(&mut manager, &before, &merged, &managers)
            .unwrap();
    let fields: Vec<&str> = changes.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, vec!["Longer-term aspirations"]);
}

#[test]
fn a_long_answer_is_reviewed_bounded() {
    // 150 kB: past both the history-tracked size and the word-diff limit (the same paths
    // a megabyte takes, at a cost a debug-build test can afford).
    let big = "word ".repeat(30_000);
    let mut manager = new_discussion();
    edit(
        &mut manager,
        DiscussionEdit::Answer(AnswerField::Strengths, big.clone()),
    );
    let mut employee = replica(&mut manager, 2);
    // A small edit in the middle is still shown word by word.
    let mut edited = big.clone();
    edited.insert_str(75_000, "NEW ");
    edit(
        &mut employee,
        DiscussionEdit::Answer(AnswerField::Strengths, edited),
    );
    let looked_at = manager.get_heads();
    manager.merge(&mut employee).unwrap();
    let review = changes_since(&mut manager, &looked_at, &managers).unwrap();
    let Change::Text(pieces) = &review.changes[0].change else {
        panic!("a text change")
    };
    assert!(pieces
        .iter()
        .any(|p| p.mark == Mark::Added && p.text == "NEW "));

    // Everything replaced: a large change with its counts and the full new text.
    let other = "other ".repeat(30_000);
    edit(
        &mut employee,
        DiscussionEdit::Answer(AnswerField::Strengths, other.clone()),
    );
    let looked_at = manager.get_heads();
    manager.merge(&mut employee).unwrap();
    let review = changes_since(&mut manager, &looked_at, &managers).unwrap();
    assert_eq!(
        review.changes[0].change,
        Change::Large {
            removed: 30_001,
            added: 30_000,
            text: other
        }
    );
}
