//! Two people, one record: publishing drafts, the merge review, conflicts, restore.

use super::*;

/// The employee's private short-term draft.
fn draft_short_term(ws: &mut Workspace<MemoryKv>, id: &str) -> String {
    ws.reflection(id)
        .unwrap()
        .answers
        .short_term
        .as_str()
        .to_string()
}

/// The shared short-term answer on a device.
fn shared_short_term(ws: &mut Workspace<MemoryKv>, id: &str) -> String {
    ws.discussion(id)
        .unwrap()
        .answers
        .short_term
        .as_str()
        .to_string()
}

/// The employee publishes their short-term draft with "Add mine" and replies.
fn add_mine_and_reply(
    employee: &mut Workspace<MemoryKv>,
    leader: &mut Workspace<MemoryKv>,
    id: &str,
) -> career_core::share::review::Review {
    employee
        .publish(id, AnswerField::ShortTerm, Publish::AddMine, NOW)
        .unwrap();
    reply(employee, leader, id)
}

fn short_term(review: &career_core::share::review::Review) -> &FieldChange {
    review
        .changes
        .iter()
        .find(|c| c.key == FieldKey::Answer(AnswerField::ShortTerm))
        .expect("the short-term answer is in the review")
}

fn marked(change: &FieldChange, mark: Mark) -> String {
    let Change::Text(pieces) = &change.change else {
        panic!("a text change: {change:?}")
    };
    pieces
        .iter()
        .filter(|p| p.mark == mark)
        .map(|p| p.text.as_str())
        .collect()
}

#[test]
fn publishing_a_draft_never_removes_the_shared_words_unless_the_employee_chose_to() {
    let (mut leader, mut employee, id) = talked();
    let check = employee
        .publish_check(&id, AnswerField::ShortTerm, NOW)
        .unwrap();
    assert_eq!(check.shared, LEADERS);
    assert_eq!(check.removed_words, 7);
    // As it is, the draft would remove the leader's words: refused, nothing changed.
    assert!(employee
        .publish(&id, AnswerField::ShortTerm, Publish::Draft, NOW)
        .is_err());
    assert_eq!(shared_short_term(&mut employee, &id), LEADERS);

    // "Add mine": both kept, the employee's marked as theirs; the draft follows.
    employee
        .publish(&id, AnswerField::ShortTerm, Publish::AddMine, NOW)
        .unwrap();
    let both = format!("{LEADERS}\n\nSam Okafor: {MINE}");
    assert_eq!(shared_short_term(&mut employee, &id), both);
    assert_eq!(draft_short_term(&mut employee, &id), both);

    // The leader's review shows the added words and no words of theirs removed.
    let review = reply(&mut employee, &mut leader, &id);
    let change = short_term(&review);
    assert_eq!(change.removed_yours, 0);
    assert_eq!(marked(change, Mark::Removed), "");
    assert_eq!(
        marked(change, Mark::Added),
        format!("\n\nSam Okafor: {MINE}")
    );
    assert_eq!(review.removed_yours().count(), 0);
}

#[test]
fn a_replaced_answer_tells_the_leader_which_words_went_and_restore_brings_them_back() {
    let (mut leader, mut employee, id) = talked();
    employee
        .publish(&id, AnswerField::ShortTerm, Publish::Replace, NOW)
        .unwrap();
    let review = reply(&mut employee, &mut leader, &id);
    let change = short_term(&review).clone();
    assert_eq!(change.removed_yours, 7, "{change:?}");
    assert_eq!(
        review.removed_yours().collect::<Vec<_>>(),
        vec![("Short-term aspirations", 7)]
    );
    // Word-level tracked changes: whole words removed and added, in order.
    let Change::Text(pieces) = &change.change else {
        panic!()
    };
    let removed = pieces.iter().find(|p| p.mark == Mark::Removed).unwrap();
    assert!(
        removed.text.contains("project, not just a component"),
        "{pieces:?}"
    );
    assert!(marked(&change, Mark::Added).contains("card-issuing team"));

    // Restore: a new edit puts the words back where they were.
    let what = removed.restore.clone().expect("restorable");
    leader
        .restore(&id, change.text.as_ref().unwrap(), &what)
        .unwrap();
    let now = shared_short_term(&mut leader, &id);
    assert_eq!(now, format!("Lead a project, not just a component {MINE}"));
    let again = leader.review(&id).unwrap();
    let Change::Text(pieces) = &short_term(&again).change else {
        panic!()
    };
    assert!(
        pieces.iter().any(|p| p.restored),
        "the run shows as restored"
    );

    // The employee receives the restored words on the next exchange.
    send_back(&mut leader, &mut employee, &id);
    assert_eq!(shared_short_term(&mut employee, &id), now);
}

#[test]
fn concurrent_edits_keep_every_word_nobody_deleted_and_say_who_deleted_which() {
    let (mut leader, mut employee, id) = talked();
    let field = answer(&id, AnswerField::ShortTerm);
    // The leader rewords "project" while the employee deletes ", not just a component".
    let at = LEADERS.find("project").unwrap();
    leader
        .splice(
            &field,
            &Splice {
                at,
                delete: 7,
                insert: "programme".into(),
            },
            NOW,
        )
        .unwrap();
    let cut = LEADERS.find(", not").unwrap();
    edit_at(&mut employee, &field, cut, LEADERS.len() - cut - 1, "");
    let review = reply(&mut employee, &mut leader, &id);
    let now = shared_short_term(&mut leader, &id);
    assert_eq!(now, "Lead a programme.");
    let change = short_term(&review);
    // "not", "just", "a", "component": the leader's words, removed by the employee.
    assert_eq!(change.removed_yours, 4, "{change:?}");
    assert_eq!(marked(change, Mark::Removed), ", not just a component");

    // Deleting the whole field: every word counted.
    let (mut leader, mut employee, id) = talked();
    let len = LEADERS.len();
    employee
        .splice(
            &answer(&id, AnswerField::ShortTerm),
            &Splice {
                at: 0,
                delete: len,
                insert: String::new(),
            },
            NOW,
        )
        .unwrap();
    let review = reply(&mut employee, &mut leader, &id);
    assert_eq!(short_term(&review).removed_yours, 7);
}

#[test]
fn the_leaders_own_later_edits_are_not_reported_as_removed_by_the_employee() {
    let (mut leader, mut employee, id) = talked();
    let review = add_mine_and_reply(&mut employee, &mut leader, &id);
    assert_eq!(review.removed_yours().count(), 0);
    // The leader trims their own sentence after the merge: nothing of it is in the review.
    let field = answer(&id, AnswerField::ShortTerm);
    edit_at(&mut leader, &field, 0, 5, "");
    assert_eq!(leader.review(&id).unwrap().removed_yours().count(), 0);
}

#[test]
fn the_leaders_views_are_the_leaders_the_employees_device_refuses_to_change_them() {
    use career_core::model::discussion::LeaderView;
    use career_core::model::method::Question;
    let (mut leader, mut employee, id) = talked();
    leader
        .edit_discussion(
            &id,
            DiscussionEdit::Interject(LeaderView {
                id: "v1".into(),
                question: Question::Strengths,
                source: PrepField::Strengths,
                text: "Calm in incidents, clear in writing".into(),
                added_on: day("2026-11-27"),
            }),
        )
        .unwrap();
    employee
        .take_in(
            &leader.package(&id, false, NOW).unwrap(),
            day("2026-11-27"),
            NOW,
        )
        .unwrap();
    // Neither typing into the view nor withdrawing it is the employee's to do.
    let view = TextField::Discussion(id.clone(), DiscussionText::LeaderView("v1".into()));
    assert!(matches!(
        employee.splice(&view, &Splice::insert(0, "Not "), NOW),
        Err(WorkspaceError::NotYours { .. })
    ));
    assert!(matches!(
        employee.edit_discussion(&id, DiscussionEdit::RemoveLeaderView { id: "v1".into() }),
        Err(WorkspaceError::NotYours { .. })
    ));
    let d = employee.discussion(&id).unwrap();
    assert_eq!(
        d.leader_views[0].text.as_str(),
        "Calm in incidents, clear in writing"
    );
    // A suggestion to withdraw it is hers to make; the leader declines it.
    employee
        .propose(
            &id,
            &Suggestion::RemoveView { id: "v1".into() },
            "p2".into(),
            day("2026-11-28"),
        )
        .unwrap();
    reply(&mut employee, &mut leader, &id);
    leader.answer_proposal(&id, "p2", false).unwrap();
    assert_eq!(leader.discussion(&id).unwrap().leader_views.len(), 1);
    send_back(&mut leader, &mut employee, &id);
    assert_eq!(
        employee.proposals(&id).unwrap()[0].answer,
        Some(career_core::model::fields::Answer::Declined)
    );
}

#[test]
fn a_conflict_says_which_value_each_side_chose_and_fields_can_be_marked_seen() {
    use career_core::model::discussion::Willing;
    let (mut leader, mut employee, id) = talked();
    // "Willing" is the employee's answer that either may record: both set it at once.
    leader
        .edit_discussion(&id, DiscussionEdit::Willing(Some(Willing::Yes)))
        .unwrap();
    employee
        .edit_discussion(&id, DiscussionEdit::Willing(Some(Willing::NotSure)))
        .unwrap();
    let review = add_mine_and_reply(&mut employee, &mut leader, &id);
    let conflicts = leader.conflicts(&id).unwrap();
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    let yours: Vec<(&str, bool)> = c
        .options
        .iter()
        .map(String::as_str)
        .zip(c.yours.iter().copied())
        .collect();
    assert!(yours.contains(&("Yes", true)), "{yours:?}");
    assert!(yours.contains(&("Not sure", false)), "{yours:?}");
    // The review's change is the same field as the conflict.
    assert!(review.changes.iter().any(|ch| ch.key == c.field.key()));

    // One field marked as seen leaves the review; the rest stays.
    leader.mark_seen(&id, &FieldKey::Answer(AnswerField::ShortTerm));
    let after = leader.review(&id).unwrap();
    assert!(after
        .changes
        .iter()
        .all(|ch| ch.key != FieldKey::Answer(AnswerField::ShortTerm)));
    assert!(!after.is_empty());
}

#[test]
fn a_field_marked_as_seen_comes_back_when_a_later_merge_changes_it() {
    let (mut leader, mut employee, id) = talked();
    add_mine_and_reply(&mut employee, &mut leader, &id);
    leader.mark_seen(&id, &FieldKey::Answer(AnswerField::ShortTerm));
    assert!(leader.review(&id).unwrap().is_empty());
    // The employee then deletes the leader's sentence: the field is back, with the count.
    let field = answer(&id, AnswerField::ShortTerm);
    edit_at(&mut employee, &field, 0, LEADERS.len(), "");
    let package = employee.package(&id, false, NOW).unwrap();
    let taken = leader.take_in(&package, day("2026-11-29"), NOW).unwrap();
    let TakenIn::Merged {
        review: this_merge, ..
    } = taken
    else {
        panic!()
    };
    assert_eq!(short_term(&this_merge).removed_yours, 7);
    assert_eq!(short_term(&leader.review(&id).unwrap()).removed_yours, 7);
}

#[test]
fn the_leaders_own_edits_that_come_back_with_the_reply_are_not_the_employees() {
    let (mut leader, mut employee, id) = talked();
    add_mine_and_reply(&mut employee, &mut leader, &id);
    // Before looking, the leader deletes "Lead " and shares; the employee replies.
    let field = answer(&id, AnswerField::ShortTerm);
    edit_at(&mut leader, &field, 0, 5, "");
    send_back(&mut leader, &mut employee, &id);
    type_text(
        &mut employee,
        &answer(&id, AnswerField::Strengths),
        "",
        "Teaching",
    );
    let review = reply(&mut employee, &mut leader, &id);
    let change = short_term(&review);
    assert!(
        !marked(change, Mark::Removed).contains("Lead"),
        "{change:?}"
    );
    assert_eq!(change.removed_yours, 0);
}

#[test]
fn publishing_choices_never_duplicate_or_drop_a_draft() {
    let (_, mut employee, id) = talked();
    // A draft that only adds words to the shared answer removes nothing: it just goes in.
    let draft = TextField::Draft(id.clone(), AnswerField::ShortTerm);
    let grown = "Lead a project, not just a component, and grow the team.";
    edit_at(&mut employee, &draft, 0, MINE.len(), grown);
    assert_eq!(
        employee
            .publish_check(&id, AnswerField::ShortTerm, NOW)
            .unwrap()
            .removed_words,
        0
    );
    employee
        .publish(&id, AnswerField::ShortTerm, Publish::Draft, NOW)
        .unwrap();
    assert_eq!(shared_short_term(&mut employee, &id), grown);

    // "Edit the shared answer" keeps what was drafted, below the shared text.
    let (_, mut employee, id) = talked();
    employee
        .draft_from_shared(&id, AnswerField::ShortTerm, NOW)
        .unwrap();
    assert_eq!(
        draft_short_term(&mut employee, &id),
        format!("{LEADERS}\n\n{MINE}")
    );

    // "Add mine", then more typed after the leader edited in between: the draft is an edit
    // of the shared answer from then on, so what is published is that edit alone — nothing
    // is added a second time, and the leader's edit stands.
    let (mut leader, mut employee, id) = talked();
    add_mine_and_reply(&mut employee, &mut leader, &id);
    let field = answer(&id, AnswerField::ShortTerm);
    edit_at(&mut leader, &field, 0, 4, "Run");
    send_back(&mut leader, &mut employee, &id);
    let draft_now = draft_short_term(&mut employee, &id);
    let end = draft_now.len();
    edit_at(&mut employee, &draft, end, 0, " Soon.");
    let check = employee
        .publish_check(&id, AnswerField::ShortTerm, NOW)
        .unwrap();
    assert!(check.edits_shared && check.pending);
    employee
        .publish(&id, AnswerField::ShortTerm, Publish::Draft, NOW)
        .unwrap();
    let now = shared_short_term(&mut employee, &id);
    assert_eq!(
        now,
        format!("Run a project, not just a component.\n\nSam Okafor: {MINE} Soon.")
    );
}

#[test]
fn restore_puts_back_exactly_what_went_for_pure_deletions_and_cjk() {
    for (leaders, kept, restored) in [
        (
            "Alpha beta gamma. Ok. Delta epsilon zeta.",
            " Ok. ",
            "Alpha beta gamma. Ok. Delta epsilon zeta.",
        ),
        ("日本語を話す", "日本人を話す", "日本語人を話す"),
    ] {
        let (mut leader, id) = leader();
        let field = answer(&id, AnswerField::LongTerm);
        type_text(&mut leader, &field, "", leaders);
        let mut employee = device(MemoryKv::default(), 3);
        employee
            .take_in(
                &leader.package(&id, true, NOW).unwrap(),
                day("2026-11-27"),
                NOW,
            )
            .unwrap();
        employee
            .edit_discussion(
                &id,
                DiscussionEdit::Answer(AnswerField::LongTerm, kept.into()),
            )
            .unwrap();
        let review = reply(&mut employee, &mut leader, &id);
        let change = review
            .changes
            .iter()
            .find(|c| c.key == FieldKey::Answer(AnswerField::LongTerm))
            .unwrap();
        let Change::Text(pieces) = &change.change else {
            panic!()
        };
        for p in pieces.iter().filter(|p| p.restore.is_some()) {
            leader
                .restore(
                    &id,
                    change.text.as_ref().unwrap(),
                    p.restore.as_ref().unwrap(),
                )
                .unwrap();
        }
        assert_eq!(
            leader.discussion(&id).unwrap().answers.long_term.as_str(),
            restored,
            "{pieces:?}"
        );
    }
}

// ----- device keys ---------------------------------------------------------------------------
