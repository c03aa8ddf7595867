//! Two-replica stories: a manager's and an employee's copy of one discussion are edited
//! apart and merged. Nothing either side wrote may be lost.

mod common;

use career_core::model::discussion::{
    self, Action, DiscussionEdit, LeaderView, Owner, Readiness, Track, Willing,
};
use career_core::model::method::{AnswerField, PrepField, Question};
use career_core::model::prep::{self, PrepEdit};
use career_core::model::reflection;
use career_core::AutoCommit;
use common::*;

fn edit(doc: &mut AutoCommit, e: DiscussionEdit) {
    discussion::apply(doc, e).unwrap();
    doc.commit();
}

fn action(id: &str, text: &str, owner: Owner) -> Action {
    Action {
        id: id.into(),
        text: text.into(),
        owner,
        due: Some(day("2027-03-01")),
        done: false,
        carried_from: None,
        by: career_core::Side::Leader,
    }
}

#[test]
fn concurrent_typing_in_one_answer_keeps_both_sides_words() {
    let mut manager = new_discussion();
    edit(
        &mut manager,
        DiscussionEdit::Answer(AnswerField::Strengths, "Zoë 👩🏽‍💻 naïve — 日本".into()),
    );
    let mut employee = replica(&mut manager, 2);

    // Apart: the manager appends, the employee prepends, both around multi-byte text.
    edit(
        &mut manager,
        DiscussionEdit::Answer(
            AnswerField::Strengths,
            "Zoë 👩🏽‍💻 naïve — 日本; mentoring".into(),
        ),
    );
    edit(
        &mut employee,
        DiscussionEdit::Answer(
            AnswerField::Strengths,
            "Systems design. Zoë 👩🏽‍💻 naïve — 日本".into(),
        ),
    );
    sync(&mut manager, &mut employee);

    let merged = read(&manager).answers.strengths.as_str().to_string();
    assert_eq!(merged, "Systems design. Zoë 👩🏽‍💻 naïve — 日本; mentoring");
    assert_eq!(read(&employee).answers.strengths.as_str(), merged);
}

#[test]
fn concurrent_changes_to_different_fields_all_survive() {
    let mut manager = new_discussion();
    let mut employee = replica(&mut manager, 2);

    edit(&mut manager, DiscussionEdit::Track(Track::TechnicalExpert));
    edit(
        &mut manager,
        DiscussionEdit::Notes("Talked about the platform team.".into()),
    );
    edit(
        &mut employee,
        DiscussionEdit::Readiness(Some(Readiness::OneToTwoYears)),
    );
    edit(&mut employee, DiscussionEdit::Willing(Some(Willing::Yes)));
    edit(
        &mut employee,
        DiscussionEdit::Answer(AnswerField::LongTerm, "Principal engineer".into()),
    );
    sync(&mut manager, &mut employee);

    for doc in [&manager, &employee] {
        let d = read(doc);
        assert_eq!(d.track, Track::TechnicalExpert);
        assert_eq!(d.readiness, Some(Readiness::OneToTwoYears));
        assert_eq!(d.willing, Some(Willing::Yes));
        assert_eq!(d.notes.as_str(), "Talked about the platform team.");
        assert_eq!(d.answers.long_term.as_str(), "Principal engineer");
    }
}

#[test]
fn actions_added_and_edited_on_both_sides_are_all_kept() {
    let mut manager = new_discussion();
    edit(
        &mut manager,
        DiscussionEdit::AddAction(action(
            "a1",
            "Shadow the architecture review",
            Owner::Employee,
        )),
    );
    let mut employee = replica(&mut manager, 2);

    edit(
        &mut manager,
        DiscussionEdit::AddAction(action("a2", "Find a mentor", Owner::Manager)),
    );
    edit(
        &mut employee,
        DiscussionEdit::AddAction(action("a3", "Give a tech talk", Owner::Employee)),
    );
    edit(
        &mut employee,
        DiscussionEdit::ActionDone {
            id: "a1".into(),
            done: true,
        },
    );
    edit(
        &mut manager,
        DiscussionEdit::ActionText {
            id: "a1".into(),
            text: "Shadow the quarterly architecture review".into(),
        },
    );
    sync(&mut manager, &mut employee);

    let d = read(&manager);
    let mut ids: Vec<&str> = d.actions.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["a1", "a2", "a3"]);
    let a1 = d.actions.iter().find(|a| a.id == "a1").unwrap();
    assert!(a1.done);
    assert_eq!(a1.text.as_str(), "Shadow the quarterly architecture review");
    assert_eq!(d, read(&employee));
}

#[test]
fn removing_an_action_on_one_side_keeps_the_others_edits_elsewhere() {
    let mut manager = new_discussion();
    edit(
        &mut manager,
        DiscussionEdit::AddAction(action("a1", "One", Owner::Employee)),
    );
    edit(
        &mut manager,
        DiscussionEdit::AddAction(action("a2", "Two", Owner::Employee)),
    );
    let mut employee = replica(&mut manager, 2);

    edit(
        &mut manager,
        DiscussionEdit::RemoveAction { id: "a1".into() },
    );
    edit(
        &mut employee,
        DiscussionEdit::ActionText {
            id: "a2".into(),
            text: "Two, by March".into(),
        },
    );
    sync(&mut manager, &mut employee);

    let d = read(&employee);
    assert_eq!(d.actions.len(), 1);
    assert_eq!(d.actions[0].text.as_str(), "Two, by March");
}

#[test]
fn unchanged_values_are_not_rewritten() {
    // Setting a field to the value it already has must not create a change: otherwise
    // it would race with the other side's real change to that field.
    let mut doc = new_discussion();
    let before = doc.get_heads();
    assert!(!discussion::apply(&mut doc, DiscussionEdit::Track(Track::NotDecided)).unwrap());
    assert!(!discussion::apply(
        &mut doc,
        DiscussionEdit::Answer(AnswerField::Strengths, String::new())
    )
    .unwrap());
    doc.commit();
    assert_eq!(doc.get_heads(), before);
}

#[test]
fn the_leaders_prep_stays_out_of_the_shared_record_until_interjected() {
    let secret = "Could lead the payments org within three years";
    let mut prep_doc = new_prep();
    prep::apply(
        &mut prep_doc,
        PrepEdit::Field(PrepField::Potential, secret.into()),
    )
    .unwrap();
    prep::apply(
        &mut prep_doc,
        PrepEdit::Indicator(career_core::model::method::Indicator::Drive, true),
    )
    .unwrap();
    let mut shared = new_discussion();
    edit(
        &mut shared,
        DiscussionEdit::Answer(AnswerField::LongTerm, "Lead a team".into()),
    );

    // What would travel: the shared document's bytes, loaded elsewhere.
    let mut elsewhere = replica(&mut shared, 2);
    assert!(!all_content(&elsewhere).contains(secret));

    // The leader interjects their view on the long-term question.
    let p = prep::read(&prep_doc).unwrap();
    edit(
        &mut shared,
        DiscussionEdit::Interject(LeaderView {
            id: "v1".into(),
            question: Question::LongTerm,
            source: PrepField::Potential,
            text: p.interjection_text(PrepField::Potential).into(),
            added_on: day("2026-11-26"),
        }),
    );
    sync(&mut shared, &mut elsewhere);
    let d = read(&elsewhere);
    let views: Vec<_> = d.views_for(Question::LongTerm).collect();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].text.as_str(), secret);
    // The ticked indicators stay private unless the leader includes them.
    assert!(!all_content(&elsewhere).contains("Indicators"));
}

#[test]
fn an_employee_reflection_is_private_until_an_answer_is_published() {
    let mut shared = new_discussion();
    let mut employee_shared = replica(&mut shared, 2);
    let mut draft = AutoCommit::new().with_actor(actor(2));
    reflection::create(&mut draft, "d1").unwrap();
    reflection::set_draft(&mut draft, AnswerField::ShortTerm, "Tech lead in two years").unwrap();
    reflection::set_draft(
        &mut draft,
        AnswerField::DevelopmentAreas,
        "Not sure I want to say this yet",
    )
    .unwrap();

    reflection::publish(&draft, &mut employee_shared, AnswerField::ShortTerm).unwrap();
    employee_shared.commit();
    sync(&mut shared, &mut employee_shared);

    let d = read(&shared);
    assert_eq!(d.answers.short_term.as_str(), "Tech lead in two years");
    assert!(!all_content(&shared).contains("Not sure I want to say this yet"));
    // What is still waiting to be published: the one draft the record lacks.
    let r = reflection::read(&draft).unwrap();
    assert_eq!(
        r.unpublished(&read(&employee_shared)),
        vec![AnswerField::DevelopmentAreas]
    );
}

#[test]
fn carried_over_actions_are_offered_once() {
    let mut last_year = new_discussion();
    edit(
        &mut last_year,
        DiscussionEdit::AddAction(action("a1", "Open", Owner::Employee)),
    );
    edit(
        &mut last_year,
        DiscussionEdit::AddAction(action("a2", "Done", Owner::Employee)),
    );
    edit(
        &mut last_year,
        DiscussionEdit::ActionDone {
            id: "a2".into(),
            done: true,
        },
    );
    let mut this_year = new_discussion();

    let prev = read(&last_year);
    let offered: Vec<_> = discussion::carry_over_candidates(&prev, &read(&this_year))
        .into_iter()
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(offered, ["a1"]);

    let mut carried = action("b1", "Open", Owner::Employee);
    carried.carried_from = Some("a1".into());
    edit(&mut this_year, DiscussionEdit::AddAction(carried));
    assert!(discussion::carry_over_candidates(&prev, &read(&this_year)).is_empty());
}
