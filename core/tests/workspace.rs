//! The workspace end to end, over an in-memory store: a leader's device and an employee's
//! device, each a `Workspace`, doing what the app does — start a discussion, type, save,
//! reload, share, merge, back up, and meet damaged data.

mod common;

use career_core::model::discussion::{DiscussionEdit, DiscussionText, Track};
use career_core::model::fields::{FieldKey, Suggestion};
use career_core::model::method::{AnswerField, PrepField};
use career_core::model::people::{Participant, Person, RosterEdit, RosterText};
use career_core::share::review::{Change, FieldChange};
use career_core::share::signoff::{Check, State};
use career_core::storage::blobs::{KvStore, LoadError, MemoryKv};
use career_core::storage::keys::{DocName, StorageKey};
use career_core::text::words::Mark;
use career_core::text::Splice;
use career_core::workspace::{NoGuard, Publish, TakenIn, TextField, Workspace, WorkspaceError};
use career_core::Side;
use common::{day, SharedKv};
use proptest::prelude::*;

const NOW: i64 = 1_795_000_000;
const TEXT: &str = "Zoë 👩🏽‍💻 naïve — 日本";

fn device(kv: MemoryKv, n: u8) -> Workspace<MemoryKv> {
    Workspace::open(kv, [n; 16], &format!("tab{n}"), [n; 32], Box::new(NoGuard))
}

/// A leader's device with Sam on the people list and one discussion with him.
fn leader() -> (Workspace<MemoryKv>, String) {
    leader_on(1)
}

/// As [`leader`], on device `n` (two devices make unrelated histories).
fn leader_on(n: u8) -> (Workspace<MemoryKv>, String) {
    let mut ws = device(MemoryKv::default(), n);
    assert_eq!(ws.roster(), Err(LoadError::NotFound));
    ws.create_roster(NOW).unwrap();
    ws.edit_roster(RosterEdit::ManagerName("Maria Lund".into()))
        .unwrap();
    let sam = Person {
        id: "0000000000000000000000000000005a".into(),
        name: "Sam Okafor".into(),
        role: "Engineer".into(),
        team: "Payments".into(),
        cadence_months: 12,
        archived: false,
        added_on: day("2026-01-05"),
    };
    ws.edit_roster(RosterEdit::AddPerson(sam.clone())).unwrap();
    let id = "0123456789abcdef0123456789abcdef".to_string();
    ws.new_discussion(
        career_core::model::discussion::NewDiscussion {
            id: id.clone(),
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
    (ws, id)
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

#[test]
fn a_discussion_typed_saved_and_reopened_holds_every_character() {
    let (mut ws, id) = leader();
    let strengths = answer(&id, AnswerField::Strengths);
    type_text(&mut ws, &strengths, "", TEXT);
    let prep = TextField::Prep(id.clone(), PrepField::Potential);
    type_text(&mut ws, &prep, "", "Could lead the platform team");
    // A selection replaced by a paste, in the middle of multi-byte text.
    let naive = TEXT.find("naïve").unwrap();
    ws.splice(
        &strengths,
        &Splice {
            at: naive,
            delete: "naïve".len(),
            insert: "calm".into(),
        },
        NOW,
    )
    .unwrap();
    let expected = TEXT.replace("naïve", "calm");
    assert_eq!(
        ws.discussion(&id).unwrap().answers.strengths.as_str(),
        expected
    );
    assert!(ws.has_unsaved());
    ws.save(NOW).unwrap();
    assert!(!ws.has_unsaved());

    let mut next = reopened(&ws, 2);
    let d = next.discussion(&id).unwrap();
    assert_eq!(d.answers.strengths.as_str(), expected);
    assert_eq!(
        next.prep(&id).unwrap().get(PrepField::Potential),
        "Could lead the platform team"
    );
    assert_eq!(next.index().discussions[&id].person_id, d.person_id);
    assert_eq!(next.side(&id).side, Side::Leader);
}

#[test]
fn splices_that_do_not_fit_change_nothing() {
    let (mut ws, id) = leader();
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    ws.splice(&notes, &Splice::insert(0, "naïve"), NOW).unwrap();
    let before = ws.discussion(&id).unwrap();
    // Inside "ï", past the end, and an action that does not exist.
    assert!(ws.splice(&notes, &Splice::delete(3, 1), NOW).is_err());
    assert!(ws.splice(&notes, &Splice::insert(99, "x"), NOW).is_err());
    let missing = TextField::Discussion(id.clone(), DiscussionText::Action("nope".into()));
    assert!(ws.splice(&missing, &Splice::insert(0, "x"), NOW).is_err());
    assert_eq!(ws.discussion(&id).unwrap(), before);
    ws.save(NOW).unwrap();
    assert_eq!(reopened(&ws, 2).discussion(&id).unwrap(), before);
}

#[test]
fn names_on_the_people_list_edit_by_splice() {
    let (mut ws, _) = leader();
    let sam = "0000000000000000000000000000005a".to_string();
    let role = TextField::Roster(RosterText::Role(sam.clone()));
    // "Engineer" → "Senior Engineer", typed at the start.
    ws.splice(&role, &Splice::insert(0, "Senior "), NOW)
        .unwrap();
    assert_eq!(
        ws.roster().unwrap().person(&sam).unwrap().role,
        "Senior Engineer"
    );
    ws.save(NOW).unwrap();
    assert_eq!(
        reopened(&ws, 2)
            .roster()
            .unwrap()
            .person(&sam)
            .unwrap()
            .role,
        "Senior Engineer"
    );
}

#[test]
fn reading_a_reflection_stores_nothing_until_the_employee_types() {
    let (mut leader, id) = leader();
    let package = leader.package(&id, true, NOW).unwrap();
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-27"), NOW).unwrap();
    let stored = employee.kv().clone();
    let r = employee.reflection(&id).unwrap();
    assert_eq!(r.answers.get(AnswerField::ShortTerm), "");
    assert_eq!(employee.kv(), &stored, "a read wrote to storage");
    let draft = TextField::Draft(id.clone(), AnswerField::ShortTerm);
    type_text(&mut employee, &draft, "", "Lead a project");
    employee.save(NOW).unwrap();
    assert_eq!(
        reopened(&employee, 4)
            .reflection(&id)
            .unwrap()
            .answers
            .get(AnswerField::ShortTerm),
        "Lead a project"
    );
}

#[test]
fn a_package_goes_to_the_employee_and_their_answers_come_back_merged() {
    let (mut leader, id) = leader();
    type_text(
        &mut leader,
        &answer(&id, AnswerField::Strengths),
        "",
        "Calm",
    );
    let package = leader.package(&id, true, NOW).unwrap();
    assert_eq!(package.audience, Side::Employee);

    // The employee's device takes it in as theirs, with a private reflection.
    let mut employee = device(MemoryKv::default(), 3);
    let taken = employee.take_in(&package, day("2026-11-27"), NOW).unwrap();
    assert!(matches!(
        taken,
        TakenIn::Imported {
            side: Side::Employee,
            ..
        }
    ));
    assert_eq!(employee.side(&id).side, Side::Employee);
    assert!(employee.index().discussions[&id].shared_with_me);
    assert_eq!(employee.prep(&id), Err(LoadError::NotFound));

    // They draft privately, publish one answer, and reply with only what the leader lacks.
    let draft = TextField::Draft(id.clone(), AnswerField::ShortTerm);
    type_text(&mut employee, &draft, "", TEXT);
    employee
        .publish(&id, AnswerField::ShortTerm, Publish::Draft, NOW)
        .unwrap();
    // The track is the leader's judgement: the employee suggests one.
    assert!(matches!(
        employee.edit_discussion(&id, DiscussionEdit::Track(Track::TechnicalExpert)),
        Err(WorkspaceError::NotYours {
            owner: Side::Leader,
            ..
        })
    ));
    employee
        .propose(
            &id,
            &Suggestion::Track(Track::TechnicalExpert),
            "p1".into(),
            day("2026-11-27"),
        )
        .unwrap();
    let reply = employee.package(&id, false, NOW).unwrap();
    assert_eq!(reply.audience, Side::Leader);

    // Meanwhile the leader typed more; the merge keeps both.
    let strengths = answer(&id, AnswerField::Strengths);
    type_text(&mut leader, &strengths, "Calm", " in incidents");
    let merged = leader.take_in(&reply, day("2026-11-28"), NOW).unwrap();
    assert!(matches!(merged, TakenIn::Merged { new_changes, .. } if new_changes > 0));
    let d = leader.discussion(&id).unwrap();
    assert_eq!(d.answers.get(AnswerField::ShortTerm), TEXT);
    assert_eq!(d.answers.strengths.as_str(), "Calm in incidents");
    assert_eq!(
        d.track,
        Track::NotDecided,
        "a suggestion until the leader accepts it"
    );
    let suggested = leader.proposals(&id).unwrap();
    assert_eq!(suggested.len(), 1);
    assert_eq!(suggested[0].by, Side::Employee);
    // The review lists what came from the employee.
    let review = leader.review(&id).unwrap();
    assert!(!review.is_empty());
    leader.dismiss_review(&id).unwrap();
    assert!(leader.review(&id).unwrap().is_empty());
    // The same package again brings nothing new.
    assert!(matches!(
        leader.take_in(&reply, day("2026-11-28"), NOW).unwrap(),
        TakenIn::Merged { new_changes: 0, .. }
    ));
    // Saved, a reload shows the same.
    leader.save(NOW).unwrap();
    assert_eq!(reopened(&leader, 5).discussion(&id).unwrap(), d);
    // The leader accepts the suggestion: the track is the leader's change.
    leader.answer_proposal(&id, "p1", true).unwrap();
    assert_eq!(
        leader.discussion(&id).unwrap().track,
        Track::TechnicalExpert
    );
    assert_eq!(
        leader.proposals(&id).unwrap()[0].answer,
        Some(career_core::model::fields::Answer::Accepted)
    );
}

#[test]
fn a_package_of_an_unrelated_discussion_with_the_same_id_changes_nothing() {
    let (mut a, id) = leader();
    let (mut b, same_id) = leader_on(2);
    assert_eq!(id, same_id);
    type_text(
        &mut b,
        &answer(&id, AnswerField::Strengths),
        "",
        "Not yours",
    );
    let foreign = b.package(&id, true, NOW).unwrap();
    a.save(NOW).unwrap();
    let before = a.kv().clone();
    assert!(a.take_in(&foreign, day("2026-11-28"), NOW).is_err());
    assert_eq!(a.kv(), &before);
}

#[test]
fn a_backup_brings_everything_to_a_new_device_and_merges_on_an_old_one() {
    let (mut laptop, id) = leader();
    type_text(&mut laptop, &answer(&id, AnswerField::Strengths), "", TEXT);
    let backup = laptop.export_backup(day("2026-11-30")).unwrap();
    let json = backup.to_json();

    let mut tablet = device(MemoryKv::default(), 6);
    tablet.create_roster(NOW).unwrap();
    let report = tablet.import_backup(json.as_bytes(), NOW).unwrap();
    assert_eq!(report.people_added, 1);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(
        tablet.discussion(&id).unwrap().answers.strengths.as_str(),
        TEXT
    );
    assert_eq!(tablet.prep(&id).unwrap().discussion_id, id);
    assert_eq!(tablet.roster().unwrap().manager.name, "Maria Lund");

    // Importing it again merges: nothing is duplicated or replaced.
    let again = tablet.import_backup(json.as_bytes(), NOW).unwrap();
    assert_eq!(again.people_added, 0);
    assert_eq!(tablet.roster().unwrap().people.len(), 1);

    // A damaged backup is refused before anything changes.
    let before = tablet.kv().clone();
    assert!(tablet
        .import_backup(&json.as_bytes()[..json.len() / 2], NOW)
        .is_err());
    assert_eq!(tablet.kv(), &before);
}

#[test]
fn a_damaged_blob_is_reported_kept_and_leaves_the_rest_working() {
    let (mut ws, id) = leader();
    type_text(&mut ws, &answer(&id, AnswerField::Strengths), "", "Calm");
    ws.save(NOW).unwrap();
    let mut kv = ws.kv().clone();
    let name = DocName::Discussion(id.clone());
    let blob = kv
        .keys()
        .unwrap()
        .into_iter()
        .find(|k| StorageKey::parse(k).and_then(|k| k.doc().cloned()) == Some(name.clone()))
        .unwrap();
    kv.set(&blob, "not base64 !").unwrap();
    let mut damaged = device(kv.clone(), 7);
    assert!(matches!(
        damaged.discussion(&id),
        Err(LoadError::Damaged(_))
    ));
    // Its raw data can be downloaded, the people list still works, and nothing was removed.
    assert!(!damaged.raw_entries(&name).unwrap().is_empty());
    assert_eq!(damaged.roster().unwrap().people.len(), 1);
    assert!(damaged
        .edit_discussion(&id, DiscussionEdit::Track(Track::TechnicalExpert))
        .is_err());
    damaged.save(NOW).unwrap();
    assert_eq!(damaged.kv(), &kv);
    // A package for it is refused rather than merged into a copy that cannot be read.
    let (mut other, _) = leader();
    let p = other.package(&id, true, NOW).unwrap();
    assert!(damaged.take_in(&p, day("2026-11-28"), NOW).is_err());
    assert_eq!(damaged.kv(), &kv);
}

#[test]
fn unreadable_metadata_never_switches_an_employee_to_the_leaders_side() {
    let (mut leader, id) = leader();
    let package = leader.package(&id, true, NOW).unwrap();
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-27"), NOW).unwrap();
    employee
        .set_value(&StorageKey::Meta(id.clone()), "{not json")
        .unwrap();
    let side = employee.side(&id);
    assert_eq!(side.side, Side::Employee);
    assert!(side.problem.is_some());
    // Writing metadata again keeps the unreadable one aside.
    employee.dismiss_review(&id).unwrap();
    assert_eq!(
        employee
            .get_value(&StorageKey::MetaSetAside(id.clone()))
            .unwrap()
            .as_deref(),
        Some("{not json")
    );
    assert_eq!(employee.side(&id).side, Side::Employee);
    assert_eq!(employee.side(&id).problem, None);
}

#[test]
fn two_tabs_take_in_each_others_saved_typing() {
    let storage = SharedKv::default();
    let tab = |n: u8| storage.tab(n);
    let (mut first, id) = leader();
    first.save(NOW).unwrap();
    for k in first.kv().keys().unwrap() {
        storage
            .clone()
            .set(&k, &first.kv().get(&k).unwrap().unwrap())
            .unwrap();
    }
    let mut a = tab(1);
    let mut b = tab(2);
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    let strengths = answer(&id, AnswerField::Strengths);
    assert_eq!(a.discussion(&id).unwrap().notes.as_str(), "");
    let before: Vec<String> = storage.keys().unwrap();
    // Both type at once, each in its own field; b saves first.
    let typed = |ws: &mut Workspace<SharedKv>, field: &TextField, text: &str| {
        let mut at = 0;
        for c in text.chars() {
            let s = c.to_string();
            ws.splice(field, &Splice::insert(at, &s), NOW).unwrap();
            at += s.len();
        }
    };
    typed(&mut a, &strengths, "from tab a");
    typed(&mut b, &notes, "from tab b");
    b.save(NOW).unwrap();
    // The browser tells tab a of every key tab b wrote (its storage event).
    for k in storage.keys().unwrap() {
        if !before.contains(&k) {
            a.stored_elsewhere(&k).unwrap();
        }
    }
    let d = a.discussion(&id).unwrap();
    assert_eq!(d.notes.as_str(), "from tab b");
    assert_eq!(d.answers.strengths.as_str(), "from tab a");
    // Tab a's own typing survives, and saving it overwrites nothing of b's.
    a.save(NOW).unwrap();
    let mut fresh = tab(3);
    let d = fresh.discussion(&id).unwrap();
    assert_eq!(d.notes.as_str(), "from tab b");
    assert_eq!(d.answers.strengths.as_str(), "from tab a");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random splices through the workspace give the same text as on a plain string, and the
    /// copy the workspace keeps always equals a fresh read of what it saved.
    #[test]
    fn splices_through_the_workspace_equal_the_same_edits_on_a_string(
        edits in prop::collection::vec((any::<usize>(), 0usize..4, 0usize..8), 1..30)
    ) {
        const WORDS: [&str; 8] = ["Zoë ", "👩🏽‍💻", " naïve", " — ", "日本", "lead ", "x", "\n"];
        let (mut ws, id) = leader();
        let field = answer(&id, AnswerField::LongTerm);
        let mut plain = String::new();
        for (at, delete, word) in edits {
            let chars: Vec<usize> = plain.char_indices().map(|(b, _)| b).chain([plain.len()]).collect();
            let start = chars[at % chars.len()];
            let end = chars[(at % chars.len() + delete).min(chars.len() - 1)];
            let splice = Splice { at: start, delete: end - start, insert: WORDS[word].to_string() };
            ws.splice(&field, &splice, NOW).unwrap();
            splice.apply(&mut plain).unwrap();
            let now = ws.discussion(&id).unwrap();
            prop_assert_eq!(now.answers.long_term.as_str(), plain.as_str());
        }
        ws.save(NOW).unwrap();
        let copy = ws.discussion(&id).unwrap();
        prop_assert_eq!(reopened(&ws, 9).discussion(&id).unwrap(), copy);
    }
}

// ----- two people, one record -------------------------------------------------------------

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
    let mut employee = device(MemoryKv::default(), 3);
    employee
        .take_in(
            &leader.package(&id, true, NOW).unwrap(),
            day("2026-11-27"),
            NOW,
        )
        .unwrap();
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

/// The leader's changes go to the employee.
fn send_back(leader: &mut Workspace<MemoryKv>, employee: &mut Workspace<MemoryKv>, id: &str) {
    let package = leader.package(id, false, NOW).unwrap();
    employee.take_in(&package, day("2026-11-29"), NOW).unwrap();
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

#[test]
fn each_device_pins_the_other_s_key_and_both_see_the_same_safety_code() {
    let (mut leader, mut employee, id) = talked();
    // The employee's device pinned the leader's key from the first package.
    let on_employee = employee.keys_of(&id).unwrap();
    assert_eq!(
        on_employee.pinned,
        Some(leader.device_keys().current.public())
    );
    reply(&mut employee, &mut leader, &id);
    let on_leader = leader.keys_of(&id).unwrap();
    assert_eq!(
        on_leader.pinned,
        Some(employee.device_keys().current.public())
    );
    assert!(!on_leader.changed());
    let code = on_leader.safety_code().unwrap();
    assert_eq!(Some(code), employee.keys_of(&id).unwrap().safety_code());

    // Both sign on their own devices: agreed on both, every signature verified.
    both_sign(&mut leader, &mut employee, &id);
    for ws in [&mut leader, &mut employee] {
        let s = ws.sign_off(&id).unwrap();
        assert!(matches!(s.state, State::Agreed { .. }), "{:?}", s.state);
        assert!(s.leader.unwrap().check.is_verified());
        assert!(s.employee.unwrap().check.is_verified());
    }
    // The stored key is used on the next start (the seed offered then is not).
    leader.save(NOW).unwrap();
    let next_start = Workspace::open(
        leader.kv().clone(),
        [1; 16],
        "t",
        [77; 32],
        Box::new(NoGuard),
    );
    assert_eq!(next_start.device_keys(), leader.device_keys());
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

/// The employee replied (both keys pinned), then the leader signed.
fn leader_signed_after_a_reply() -> (Workspace<MemoryKv>, Workspace<MemoryKv>, String) {
    let (mut leader, mut employee, id) = talked();
    reply(&mut employee, &mut leader, &id);
    leader
        .sign(&id, Side::Leader, "Maria Lund", day("2026-11-28"))
        .unwrap();
    (leader, employee, id)
}

#[test]
fn a_signature_from_a_second_profile_is_not_verified_and_its_key_is_a_change_to_confirm() {
    let (mut leader, employee, id) = leader_signed_after_a_reply();
    // The leader opens their own employee link in another profile (a new device) and signs
    // there as the employee.
    let mut second = device(MemoryKv::default(), 9);
    second
        .take_in(
            &leader.package(&id, true, NOW).unwrap(),
            day("2026-11-28"),
            NOW,
        )
        .unwrap();
    second
        .sign(&id, Side::Employee, "Sam Okafor", day("2026-11-28"))
        .unwrap();
    reply(&mut second, &mut leader, &id);
    let s = leader.sign_off(&id).unwrap();
    assert_eq!(s.employee.as_ref().unwrap().check, Check::UnknownKey);
    assert!(!matches!(s.state, State::Agreed { .. }));
    assert!(leader.agreed_version(&id).unwrap().1.is_none());
    // The record now names another key for the employee: shown, not taken.
    let keys = leader.keys_of(&id).unwrap();
    assert!(keys.changed());
    assert_eq!(keys.pinned, Some(employee.device_keys().current.public()));
    // Accepting it (after comparing codes) is the person's choice, and only then verifies.
    leader.accept_key(&id).unwrap();
    assert!(!leader.keys_of(&id).unwrap().changed());
    assert!(leader
        .sign_off(&id)
        .unwrap()
        .employee
        .unwrap()
        .check
        .is_verified());
}

#[test]
fn a_backup_carries_the_device_key_so_a_new_device_still_verifies_its_own_signatures() {
    let (mut leader, _, id) = leader_signed_after_a_reply();
    leader.save(NOW).unwrap();
    let backup = leader.export_backup(day("2026-11-29")).unwrap().to_json();
    let mut new_device = device(MemoryKv::default(), 5);
    new_device.import_backup(backup.as_bytes(), NOW).unwrap();
    assert!(new_device
        .device_keys()
        .owns(&leader.device_keys().current.public()));
    let s = new_device.sign_off(&id).unwrap();
    assert!(s.leader.unwrap().check.is_verified());
    new_device.save(NOW).unwrap();
    assert!(reopened(&new_device, 5)
        .device_keys()
        .owns(&leader.device_keys().current.public()));
}

// ----- the first share: a fresh history ------------------------------------------------------

const TAKEN_BACK: &str = "Not ready for the lead role before 2028";

/// The discussion as this device stored it (every blob, loaded as one).
fn stored_discussion<K: KvStore>(ws: &Workspace<K>, id: &str) -> career_core::AutoCommit {
    use base64::Engine;
    let mut bytes = vec![];
    for (_, value) in ws.raw_entries(&DocName::Discussion(id.into())).unwrap() {
        bytes.extend(
            base64::engine::general_purpose::STANDARD
                .decode(value)
                .unwrap(),
        );
    }
    career_core::AutoCommit::load(&bytes).unwrap()
}

/// Every version a document's history can show, as text, and its uncompressed bytes
/// (where every character ever inserted is stored, deleted ones included).
fn every_version(doc: &mut career_core::AutoCommit) -> String {
    let hashes: Vec<_> = doc.get_changes(&[]).iter().map(|c| c.hash()).collect();
    let versions: String = hashes
        .iter()
        .map(|h| common::all_content(&doc.fork_at(&[*h]).unwrap()))
        .collect();
    versions + &String::from_utf8_lossy(&doc.save_nocompress())
}

/// The leader interjects a view and types a sentence in the notes, then takes both back.
fn leader_who_took_something_back() -> (Workspace<MemoryKv>, String) {
    use career_core::model::discussion::LeaderView;
    use career_core::model::method::Question;
    let (mut leader, id) = leader();
    leader
        .edit_discussion(
            &id,
            DiscussionEdit::Interject(LeaderView {
                id: "v1".into(),
                question: Question::Strengths,
                source: PrepField::Strengths,
                text: TAKEN_BACK.into(),
                added_on: day("2026-11-27"),
            }),
        )
        .unwrap();
    leader
        .edit_discussion(&id, DiscussionEdit::RemoveLeaderView { id: "v1".into() })
        .unwrap();
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    type_text(
        &mut leader,
        &notes,
        "",
        &format!("{TAKEN_BACK}. Calm in incidents."),
    );
    edit_at(&mut leader, &notes, 0, TAKEN_BACK.len() + 2, "");
    leader.save(NOW).unwrap();
    (leader, id)
}

#[test]
fn the_first_share_carries_no_history_of_what_was_taken_back() {
    let (mut leader, id) = leader_who_took_something_back();
    let mut doc = stored_discussion(&leader, &id);
    assert!(
        every_version(&mut doc).contains(TAKEN_BACK),
        "the history before sharing holds it"
    );

    let package = leader.package(&id, true, NOW + 60).unwrap();
    let (mut sent, d) = package.whole_document().unwrap();
    assert_eq!(d.notes.as_str(), "Calm in incidents.");
    assert!(!every_version(&mut sent).contains(TAKEN_BACK));
    // No edit times either: every change of the new history is from the moment it left.
    assert!(sent
        .get_changes(&[])
        .iter()
        .all(|c| c.timestamp() == NOW + 60));

    // This device adopted the new history: nothing of the old one is left in storage.
    leader.save(NOW + 60).unwrap();
    let mut stored = stored_discussion(&leader, &id);
    assert!(!every_version(&mut stored).contains(TAKEN_BACK));

    // And the two sides work on it as before: the employee's reply merges.
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-28"), NOW).unwrap();
    let strengths = answer(&id, AnswerField::Strengths);
    employee
        .splice(&strengths, &Splice::insert(0, "Clear writing"), NOW)
        .unwrap();
    reply(&mut employee, &mut leader, &id);
    assert_eq!(
        leader.discussion(&id).unwrap().answers.strengths.as_str(),
        "Clear writing"
    );
    // Only the first time: a later package carries the history since.
    let later = leader.package(&id, true, NOW + 120).unwrap();
    assert_eq!(
        later.sender_heads,
        leader.package(&id, true, NOW).unwrap().sender_heads
    );
}

#[test]
fn a_signature_made_before_the_first_share_still_verifies_after_it() {
    let (mut leader, id) = leader_who_took_something_back();
    leader
        .sign(&id, Side::Leader, "Maria Lund", day("2026-11-27"))
        .unwrap();
    let package = leader.package(&id, true, NOW).unwrap();
    let s = leader.sign_off(&id).unwrap();
    assert!(s.leader.as_ref().unwrap().check.is_verified());
    assert!(matches!(s.state, State::Waiting { .. }));
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-28"), NOW).unwrap();
    let s = employee.sign_off(&id).unwrap();
    assert!(s.leader.unwrap().check.is_verified());
}

#[test]
fn a_history_that_came_from_elsewhere_is_never_replaced() {
    let (mut leader, mut employee, id) = talked();
    let origin = |ws: &Workspace<MemoryKv>| {
        stored_discussion(ws, &id)
            .get_changes(&[])
            .first()
            .unwrap()
            .hash()
    };
    employee.save(NOW).unwrap();
    let before = origin(&employee);
    // The employee's first package: the history it received, so the leader can merge it.
    let reply = employee.package(&id, true, NOW).unwrap();
    employee.save(NOW).unwrap();
    assert_eq!(origin(&employee), before);
    leader.take_in(&reply, day("2026-11-28"), NOW).unwrap();
}

#[test]
fn another_tab_takes_the_fresh_history_as_it_is() {
    let storage = SharedKv::default();
    let (first, id) = leader_who_took_something_back();
    for k in first.kv().keys().unwrap() {
        storage
            .clone()
            .set(&k, &first.kv().get(&k).unwrap().unwrap())
            .unwrap();
    }
    // Tabs of device 1: the same first 8 bytes of the actor, their own last 8, and their
    // own blob names.
    let tab = |n: u8| {
        let mut actor = [1; 16];
        actor[8..].fill(n + 10);
        Workspace::open(
            storage.clone(),
            actor,
            &format!("other{n}"),
            [1; 32],
            Box::new(NoGuard),
        )
    };
    let (mut a, mut b) = (tab(1), tab(2));
    assert_eq!(
        b.discussion(&id).unwrap().notes.as_str(),
        "Calm in incidents."
    );
    let before: Vec<String> = storage.keys().unwrap();
    let package = a.package(&id, true, NOW).unwrap();
    a.save(NOW).unwrap();
    for k in storage.keys().unwrap() {
        if !before.contains(&k) {
            b.stored_elsewhere(&k).unwrap();
        }
    }
    b.save(NOW).unwrap();
    let mut stored = stored_discussion(&b, &id);
    assert!(
        !every_version(&mut stored).contains(TAKEN_BACK),
        "tab b merged the old history back"
    );
    // Tab b's edits go out and merge on the employee's side.
    let mut employee = device(MemoryKv::default(), 3);
    employee.take_in(&package, day("2026-11-28"), NOW).unwrap();
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    b.splice(&notes, &Splice::insert(0, "Tab b: "), NOW)
        .unwrap();
    employee
        .take_in(&b.package(&id, false, NOW).unwrap(), day("2026-11-28"), NOW)
        .unwrap();
    assert_eq!(
        employee.discussion(&id).unwrap().notes.as_str(),
        "Tab b: Calm in incidents."
    );
}

#[test]
fn discussions_from_before_device_keys_keep_their_history_when_shared_again() {
    // Made (and perhaps shared) by a version that noted no first share: no device key stored.
    let (mut old, id) = leader();
    old.save(NOW).unwrap();
    let first = stored_discussion(&old, &id)
        .get_changes(&[])
        .first()
        .unwrap()
        .hash();
    let mut kv = old.kv().clone();
    kv.remove(&StorageKey::DeviceKeys.key()).unwrap();
    let mut upgraded = device(kv, 1);
    let package = upgraded.package(&id, true, NOW).unwrap();
    let (mut sent, _) = package.whole_document().unwrap();
    assert_eq!(
        sent.get_changes(&[]).first().unwrap().hash(),
        first,
        "a new history"
    );
}

#[test]
fn an_unreadable_device_key_is_kept_aside_and_a_backup_s_unreadable_key_is_ignored() {
    let (leader, id) = leader();
    let mut kv = leader.kv().clone();
    kv.set(&StorageKey::DeviceKeys.key(), "not a key").unwrap();
    let reopened = device(kv, 1);
    assert_eq!(
        reopened
            .kv()
            .get("ct1:device-keys-damaged")
            .unwrap()
            .as_deref(),
        Some("not a key"),
        "the unreadable value is kept"
    );
    assert!(reopened.device_keys().earlier.is_empty());

    // A backup whose key part is altered: the documents come in, the key is not taken.
    let mut source = leader;
    let mut backup: serde_json::Value =
        serde_json::from_str(&source.export_backup(day("2026-11-30")).unwrap().to_json()).unwrap();
    backup["device_keys"] = "{\"current\":\"zz\"}".into();
    let mut other = device(MemoryKv::default(), 6);
    other.create_roster(NOW).unwrap();
    let before = other.device_keys().clone();
    other
        .import_backup(backup.to_string().as_bytes(), NOW)
        .unwrap();
    assert_eq!(other.device_keys(), &before);
    assert!(other.discussion(&id).is_ok());
}

// ----- handing a person over (issue #20) -------------------------------------------------

const SAM_ID: &str = "0000000000000000000000000000005a";

/// The new manager's device: Jo Park, with nobody on the people list yet.
fn new_manager() -> Workspace<MemoryKv> {
    let mut ws = device(MemoryKv::default(), 9);
    ws.create_roster(NOW).unwrap();
    ws.edit_roster(RosterEdit::ManagerName("Jo Park".into()))
        .unwrap();
    ws.save(NOW).unwrap();
    ws
}

/// Maria's and Sam's devices after both signed, with an open action and Maria's private
/// preparation.
fn signed_with_prep() -> (Workspace<MemoryKv>, Workspace<MemoryKv>, String) {
    let (mut leader, mut employee, id) = talked();
    reply(&mut employee, &mut leader, &id);
    let prep = TextField::Prep(id.clone(), PrepField::Potential);
    type_text(&mut leader, &prep, "", "private: could lead platform");
    leader
        .edit_discussion(
            &id,
            DiscussionEdit::AddAction(career_core::model::discussion::Action {
                id: "a1".into(),
                text: "Lead the on-call redesign".into(),
                owner: career_core::model::discussion::Owner::Employee,
                due: None,
                done: false,
                carried_from: None,
                by: career_core::Side::Leader,
            }),
        )
        .unwrap();
    both_sign(&mut leader, &mut employee, &id);
    leader.save(NOW).unwrap();
    (leader, employee, id)
}

/// Whether the leader's signature on discussion `id` verifies on this device.
fn leader_verified(ws: &mut Workspace<MemoryKv>, id: &str) -> bool {
    ws.sign_off(id).unwrap().leader.unwrap().check.is_verified()
}

#[test]
fn a_handover_carries_the_history_signatures_and_actions_and_no_preparation_unless_chosen() {
    let (mut maria, mut sam, id) = signed_with_prep();
    let made = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap();
    assert_eq!((made.discussions, made.damaged), (1, 0));
    assert_eq!(
        made.handover.documents.keys().collect::<Vec<_>>(),
        [&format!("d.{id}")],
        "no preparation"
    );
    let file = made.handover.to_json();

    let mut jo = new_manager();
    let taken = jo.take_handover(file.as_bytes(), NOW).unwrap();
    assert_eq!((taken.added, taken.merged, taken.preps), (1, 0, 0));
    assert_eq!(
        (taken.name.as_str(), taken.from.as_str()),
        ("Sam Okafor", "Maria Lund")
    );
    let person = jo.roster().unwrap().person(SAM_ID).cloned().unwrap();
    assert_eq!(
        (person.name.as_str(), person.team.as_str()),
        ("Sam Okafor", "Payments")
    );
    assert_eq!(jo.discussion(&id).unwrap(), maria.discussion(&id).unwrap());
    assert_eq!(
        jo.prep(&id).unwrap().potential.as_str(),
        "",
        "Jo's own preparation starts empty"
    );
    assert_eq!(jo.side(&id).side, Side::Leader);
    assert_eq!(jo.index().discussions[&id].open_actions, 1);
    // Both signatures still verify on Jo's device: Maria's as the leader's.
    let s = jo.sign_off(&id).unwrap();
    assert!(matches!(s.state, State::Agreed { .. }), "{:?}", s.state);
    assert!(s.leader.unwrap().check.is_verified());
    assert!(s.employee.unwrap().check.is_verified());
    // Stored: the next start reads the same.
    jo.save(NOW).unwrap();
    let mut again = device(jo.kv().clone(), 10);
    assert!(leader_verified(&mut again, &id));

    // Jo continues with Sam: Sam's device sees the leader's new key as a change to confirm.
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    type_text(&mut jo, &notes, "", "From Jo");
    let package = jo.package(&id, false, NOW).unwrap();
    sam.take_in(&package, day("2026-12-02"), NOW).unwrap();
    assert_eq!(sam.discussion(&id).unwrap().notes.as_str(), "From Jo");
    assert!(
        sam.keys_of(&id).unwrap().changed(),
        "a new leader's key is confirmed, never taken silently"
    );
    sam.accept_key(&id).unwrap();
    assert!(!sam.keys_of(&id).unwrap().changed());
    // Maria's signature still counts on Sam's device after he accepted Jo's key.
    assert!(leader_verified(&mut sam, &id));
    // The record still says who led it.
    assert_eq!(sam.discussion(&id).unwrap().manager.name, "Maria Lund");

    // Taken in twice: nothing new, nothing lost.
    let taken = jo.take_handover(file.as_bytes(), NOW).unwrap();
    assert_eq!((taken.added, taken.merged), (0, 1));
    assert_eq!(jo.discussion(&id).unwrap().notes.as_str(), "From Jo");

    // Jo hands Sam over again, to Kim: Maria's signature still verifies there.
    jo.save(NOW).unwrap();
    let file2 = jo
        .handover(SAM_ID, false, day("2026-12-02"), NOW)
        .unwrap()
        .handover
        .to_json();
    let mut kim = new_manager();
    kim.take_handover(file2.as_bytes(), NOW).unwrap();
    assert!(leader_verified(&mut kim, &id));

    // With the preparation ticked, it travels too.
    let made = maria
        .handover(SAM_ID, true, day("2026-12-01"), NOW)
        .unwrap();
    assert!(made.handover.documents.contains_key(&format!("p.{id}")));
    let mut kim = new_manager();
    kim.take_handover(made.handover.to_json().as_bytes(), NOW)
        .unwrap();
    assert_eq!(
        kim.prep(&id).unwrap().potential.as_str(),
        "private: could lead platform"
    );
}

#[test]
fn a_handover_file_that_is_damaged_newer_or_about_an_unrelated_history_changes_nothing() {
    use career_core::share::handover::HandoverError;
    let (mut maria, _, id) = signed_with_prep();
    let file = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap()
        .handover
        .to_json();
    let newer = file.replacen("\"version\": 1", "\"version\": 2", 1);
    let altered = file.replacen("Sam Okafor", "Sam Okafar", 1);
    let truncated = &file[..file.len() / 2];
    let cases: Vec<(&str, &[u8], &str)> = vec![
        (
            "truncated",
            truncated.as_bytes(),
            "incomplete or has been altered",
        ),
        (
            "altered",
            altered.as_bytes(),
            "incomplete or has been altered",
        ),
        ("newer", newer.as_bytes(), "newer version"),
        (
            "a backup",
            b"{\"format\":\"career-talk/backup\"}",
            "not a Career Talk handover",
        ),
        ("empty", b"", "not a Career Talk handover"),
    ];
    for (what, bytes, says) in cases {
        let mut jo = new_manager();
        let before = jo.kv().map.clone();
        let err = jo.take_handover(bytes, NOW).unwrap_err();
        assert!(err.to_string().contains(says), "{what}: {err}");
        jo.save(NOW).unwrap();
        assert_eq!(jo.kv().map, before, "{what}: nothing changed");
    }
    // Jo already has a Sam Okafor with the same id and a discussion of their own.
    let (mut other, other_id) = leader_on(9);
    other.save(NOW).unwrap();
    let before = other.kv().map.clone();
    let err = other.take_handover(file.as_bytes(), NOW).unwrap_err();
    assert!(
        matches!(
            err,
            career_core::workspace::WorkspaceError::Handover(HandoverError::Unrelated(_))
        ),
        "{err}"
    );
    other.save(NOW).unwrap();
    assert_eq!(other.kv().map, before);
    assert_eq!(other_id, id, "the same discussion id, another history");
}

#[test]
fn a_handover_stopped_by_full_storage_is_undone_and_a_file_cannot_make_the_employee_a_leader() {
    use career_core::share::handover::Handover;
    let (mut maria, sam, id) = signed_with_prep();
    let made = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap();
    let file = made.handover.to_json();
    // Storage has room for the discussion but not its preparation: nothing of Sam stays,
    // even after a save.
    let mut kv = new_manager().kv().clone();
    let room = made.handover.documents[&format!("d.{id}")].len() + 200;
    kv.quota = Some(kv.used() + room);
    let mut jo = device(kv, 9);
    let before = jo.kv().map.clone();
    assert!(jo.take_handover(file.as_bytes(), NOW).is_err());
    let _ = jo.save(NOW);
    assert_eq!(jo.kv().map, before);
    assert!(jo.roster().unwrap().person(SAM_ID).is_none());
    assert!(jo.index().discussions.is_empty());
    // A file that lists the employee's key among the leader's: that key is never taken.
    let mut forged = made.handover.clone();
    forged
        .leader_keys
        .push(sam.device_keys().current.public().to_hex());
    let mut jo = new_manager();
    jo.take_handover(forged.to_json().as_bytes(), NOW).unwrap();
    let former = jo.meta(&id).unwrap().unwrap().former_leaders;
    assert!(former.contains(&maria.device_keys().current.public()));
    assert!(!former.contains(&sam.device_keys().current.public()));
    assert!(Handover::is_handover(
        format!("\u{feff}  {file}").as_bytes()
    ));
}

#[test]
fn a_discussion_that_never_left_the_device_is_handed_over_without_the_text_deleted_from_it() {
    let (mut maria, id) = leader();
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    type_text(&mut maria, &notes, "", "secret-typed-then-deleted");
    maria.save(NOW).unwrap();
    let len = "secret-typed-then-deleted".len();
    maria
        .splice(
            &notes,
            &Splice {
                at: 0,
                delete: len,
                insert: "kept".into(),
            },
            NOW,
        )
        .unwrap();
    maria.save(NOW).unwrap();
    let made = maria
        .handover(SAM_ID, false, day("2026-12-01"), NOW)
        .unwrap();
    let mut jo = new_manager();
    jo.take_handover(made.handover.to_json().as_bytes(), NOW)
        .unwrap();
    assert_eq!(jo.discussion(&id).unwrap().notes.as_str(), "kept");
    // No version of the handed-over history holds the deleted text.
    let bytes = jo.raw_entries(&DocName::Discussion(id.clone())).unwrap();
    let mut doc = career_core::AutoCommit::new();
    for (_, v) in bytes {
        use base64::Engine;
        doc.load_incremental(&base64::engine::general_purpose::STANDARD.decode(v).unwrap())
            .unwrap();
    }
    for change in doc.get_changes(&[]) {
        let at = doc.fork_at(&[change.hash()]).unwrap();
        if let Ok(d) = career_core::model::discussion::read(&at) {
            assert!(!d.notes.as_str().contains("secret"));
        }
    }
}

#[test]
fn each_operation_says_what_it_changed() {
    use career_core::workspace::Change;
    let (mut leader, id) = leader();
    let doc = DocName::Discussion(id.clone());
    leader.take_changes();
    // Typing: only that text.
    type_text(
        &mut leader,
        &answer(&id, AnswerField::Strengths),
        "",
        "Calm",
    );
    assert_eq!(leader.take_changes(), vec![Change::Typed(doc.clone())]);
    // A choice: the document, and its index entry.
    leader
        .edit_discussion(&id, DiscussionEdit::HeldOn(Some(day("2026-11-27"))))
        .unwrap();
    let changes = leader.take_changes();
    assert!(changes.contains(&Change::Doc(doc.clone())), "{changes:?}");
    assert!(changes.contains(&Change::Index), "{changes:?}");
    leader.save(NOW).unwrap();
    assert!(leader.take_changes().contains(&Change::Saved));
    // Reading changes nothing.
    leader.discussion(&id).unwrap();
    leader.review(&id).unwrap();
    assert_eq!(leader.take_changes(), vec![]);
    // A merge from the other side: the document and this device's notes about it.
    let mut employee = device(MemoryKv::default(), 3);
    employee
        .take_in(
            &leader.package(&id, true, NOW).unwrap(),
            day("2026-11-27"),
            NOW,
        )
        .unwrap();
    type_text(
        &mut employee,
        &answer(&id, AnswerField::ShortTerm),
        "",
        "Lead",
    );
    leader.take_changes();
    leader
        .take_in(
            &employee.package(&id, false, NOW).unwrap(),
            day("2026-11-28"),
            NOW,
        )
        .unwrap();
    let changes = leader.take_changes();
    assert!(changes.contains(&Change::Doc(doc.clone())), "{changes:?}");
    assert!(changes.contains(&Change::Notes(id.clone())), "{changes:?}");
    assert!(
        !changes.contains(&Change::Arrived(id.clone())),
        "a link is not a live session"
    );
}
