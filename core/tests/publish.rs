//! Publishing the employee's draft into the shared record: two people's texts are never
//! woven into one sentence. *Add mine after it* keeps the shared answer exactly and puts the
//! draft after it, under her name; a draft started with *Edit the shared answer* publishes
//! exactly what she typed in it, merged with whatever the leader wrote since.

mod common;

use career_core::model::discussion::DiscussionText;
use career_core::model::method::AnswerField;
use career_core::storage::blobs::MemoryKv;
use career_core::text::Splice;
use career_core::workspace::{add_mine, NoGuard, Publish, TextField, Workspace};
use common::day;
use proptest::prelude::*;

const NOW: i64 = 1_795_000_000;
const ID: &str = "0123456789abcdef0123456789abcdef";
const FIELD: AnswerField = AnswerField::Next12Months;

fn device(n: u8) -> Workspace<MemoryKv> {
    Workspace::open(
        MemoryKv::default(),
        [n; 16],
        &format!("tab{n}"),
        [n; 32],
        Box::new(NoGuard),
    )
}

fn shared_field() -> TextField {
    TextField::Discussion(ID.into(), DiscussionText::Answer(FIELD))
}

fn draft_field() -> TextField {
    TextField::Draft(ID.into(), FIELD)
}

/// Sets a text field to `text` (one splice over the whole of it).
fn set(ws: &mut Workspace<MemoryKv>, field: &TextField, current: &str, text: &str) {
    if current != text {
        ws.splice(
            field,
            &Splice {
                at: 0,
                delete: current.len(),
                insert: text.into(),
            },
            NOW,
        )
        .unwrap();
    }
}

fn shared(ws: &mut Workspace<MemoryKv>) -> String {
    ws.discussion(ID).unwrap().answers.get(FIELD).to_string()
}

fn draft(ws: &mut Workspace<MemoryKv>) -> String {
    ws.reflection(ID).unwrap().answers.get(FIELD).to_string()
}

/// The leader typed `leaders` into the answer during the talk and shared the record; the
/// employee's device took it in.
fn talked(leaders: &str) -> (Workspace<MemoryKv>, Workspace<MemoryKv>) {
    let mut leader = device(1);
    common::start_discussion(&mut leader, ID, "Zoë Nakamura", "Anna Berg", NOW);
    set(&mut leader, &shared_field(), "", leaders);
    let mut employee = device(2);
    employee
        .take_in(
            &leader.package(ID, true, NOW).unwrap(),
            day("2026-11-27"),
            NOW,
        )
        .unwrap();
    (leader, employee)
}

fn exchange(from: &mut Workspace<MemoryKv>, to: &mut Workspace<MemoryKv>) {
    to.take_in(
        &from.package(ID, false, NOW).unwrap(),
        day("2026-11-28"),
        NOW,
    )
    .unwrap();
}

#[test]
fn add_mine_puts_her_sentence_after_the_leaders_under_her_name_on_both_devices() {
    // The walkthrough's case: a draft that shares words with the leader's text.
    let leaders = "Shadow the platform architect; run the Q1 design review.";
    let hers = "Run the Q1 design review myself.";
    let (mut leader, mut employee) = talked(leaders);
    set(&mut employee, &draft_field(), "", hers);
    let check = employee.publish_check(ID, FIELD, NOW).unwrap();
    assert!(
        check.removed_words > 0,
        "as it is, the draft would replace the leader's words"
    );
    let expected = format!("{leaders}\n\nZoë Nakamura: {hers}");
    assert_eq!(check.add_mine, expected, "shown before she confirms");
    employee.publish(ID, FIELD, Publish::AddMine, NOW).unwrap();
    assert_eq!(shared(&mut employee), expected);
    exchange(&mut employee, &mut leader);
    assert_eq!(shared(&mut leader), expected);
    // Her draft follows the answer it went into: published, nothing pending.
    let check = employee.publish_check(ID, FIELD, NOW).unwrap();
    assert!(check.edits_shared && !check.pending);
}

#[test]
fn an_edit_of_the_shared_answer_publishes_exactly_her_edit_merged_with_the_leaders() {
    let leaders = "Shadow the platform architect; run the Q1 design review.";
    let (mut leader, mut employee) = talked(leaders);
    employee.draft_from_shared(ID, FIELD, NOW).unwrap();
    assert_eq!(draft(&mut employee), leaders);
    // She adds a word; meanwhile the leader moves the review to Q2.
    let at = leaders.len() - 1;
    employee
        .splice(&draft_field(), &Splice::insert(at, " myself"), NOW)
        .unwrap();
    let q1 = leaders.find("Q1").unwrap();
    leader
        .splice(
            &shared_field(),
            &Splice {
                at: q1,
                delete: 2,
                insert: "Q2".into(),
            },
            NOW,
        )
        .unwrap();
    exchange(&mut leader, &mut employee);
    let check = employee.publish_check(ID, FIELD, NOW).unwrap();
    assert!(check.edits_shared && check.pending);
    assert_eq!(
        check.removed_words, 0,
        "her edit removes nothing of the leader's"
    );
    let expected = "Shadow the platform architect; run the Q2 design review myself.";
    assert_eq!(check.as_is, expected);
    employee.publish(ID, FIELD, Publish::Draft, NOW).unwrap();
    assert_eq!(shared(&mut employee), expected);
    exchange(&mut employee, &mut leader);
    assert_eq!(shared(&mut leader), expected);
    assert_eq!(
        draft(&mut employee),
        expected,
        "the draft follows the answer"
    );
}

/// Text people type: ASCII, accents, a skin-toned emoji, CJK, dashes and line breaks.
fn text() -> impl Strategy<Value = String> {
    let pieces = vec![
        "a",
        "b",
        "c",
        " ",
        " ",
        "Zoë",
        "👩🏽‍💻",
        "naïve",
        "—",
        "日本",
        "\n",
        ".",
        "x y",
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..12).prop_map(|v| v.concat())
}

/// A splice on a string at a character boundary: (where, how many characters, what).
fn edits() -> impl Strategy<Value = Vec<(usize, usize, String)>> {
    prop::collection::vec((any::<usize>(), 0..4usize, text()), 1..6)
}

/// Applies one edit to `s`, at character boundaries; returns the splice in bytes.
fn splice_at(s: &str, (at, delete, insert): &(usize, usize, String)) -> Splice {
    let bounds: Vec<usize> = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .collect();
    let start = bounds[at % bounds.len()];
    let from = bounds.iter().position(|b| *b == start).unwrap();
    let end = bounds[(from + delete).min(bounds.len() - 1)];
    Splice {
        at: start,
        delete: end - start,
        insert: insert.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn add_mine_keeps_both_texts_whole(leaders in text(), hers in text()) {
        prop_assume!(!hers.trim().is_empty());
        let (_, mut employee) = talked(&leaders);
        set(&mut employee, &draft_field(), "", &hers);
        employee.publish(ID, FIELD, Publish::AddMine, NOW).unwrap();
        let result = shared(&mut employee);
        prop_assert_eq!(&result, &add_mine(&leaders, "Zoë Nakamura", &hers));
        // The shared text unchanged, then the draft unchanged.
        prop_assert!(result.starts_with(&leaders));
        prop_assert!(result.ends_with(&hers));
        if !leaders.trim().is_empty() {
            let middle = &result[leaders.len()..result.len() - hers.len()];
            prop_assert!(middle.ends_with("Zoë Nakamura: "), "{:?}", middle);
            prop_assert!(middle.trim_end_matches("Zoë Nakamura: ").chars().all(|c| c == '\n'));
        }
    }

    #[test]
    fn an_edit_started_from_the_shared_answer_publishes_exactly_the_edit(
        leaders in text(),
        steps in edits(),
    ) {
        let (_, mut employee) = talked(&leaders);
        employee.draft_from_shared(ID, FIELD, NOW).unwrap();
        let mut expected = leaders.clone();
        for step in &steps {
            let splice = splice_at(&expected, step);
            employee.splice(&draft_field(), &splice, NOW).unwrap();
            splice.apply(&mut expected).unwrap();
        }
        prop_assert_eq!(draft(&mut employee), expected.clone());
        employee.publish(ID, FIELD, Publish::Draft, NOW).unwrap();
        prop_assert_eq!(shared(&mut employee), expected);
    }
}
