//! Typing as splices: a keystroke is applied to the document and to the hydrated copy in
//! one step ([`Discussion::splice`]), without reading the document again. Whatever mix of
//! typing and merging happens, the copy must equal a fresh read, and the text must equal
//! the same splices applied to a plain string.

mod common;

use career_core::model::discussion::{
    self, Action, DiscussionEdit, DiscussionText, LeaderView, Owner,
};
use career_core::model::method::{AnswerField, PrepField, Question};
use career_core::model::prep;
use career_core::text::Splice;
use common::*;
use proptest::prelude::*;

const WORDS: [&str; 8] = ["Zoë ", "👩🏽‍💻", " naïve", " — ", "日本", "lead ", "x", "\n"];

#[derive(Clone, Debug)]
enum Step {
    /// Type `word` into field `field` (0..=8 answers, 9 notes, 10 the view, 11 the action)
    /// at character position `at` (modulo the length), or delete `delete` characters there.
    Type {
        field: usize,
        at: usize,
        word: usize,
        delete: usize,
    },
    /// The other replica types somewhere, and the two merge.
    Merge { field: usize, word: usize },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..12, any::<usize>(), 0..WORDS.len(), 0usize..3)
            .prop_map(|(field, at, word, delete)| Step::Type { field, at, word, delete }),
        1 => (0usize..12, 0..WORDS.len()).prop_map(|(field, word)| Step::Merge { field, word }),
    ]
}

/// The text field number `field` stands for.
fn field_of(field: usize) -> DiscussionText {
    match field {
        0..=8 => DiscussionText::Answer(AnswerField::ALL[field]),
        9 => DiscussionText::Notes,
        10 => DiscussionText::LeaderView("v1".into()),
        _ => DiscussionText::Action("a1".into()),
    }
}

/// The splice that types `word` (or removes `delete` characters) at character `at` of `text`.
fn splice_at(text: &str, at: usize, word: &str, delete: usize) -> Splice {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = at % (chars.len() + 1);
    let byte = chars.get(at).map_or(text.len(), |(b, _)| *b);
    if delete > 0 && at < chars.len() {
        let end = chars.get(at + delete).map_or(text.len(), |(b, _)| *b);
        Splice::delete(byte, end - byte)
    } else {
        Splice::insert(byte, word)
    }
}

fn discussion_with_items() -> career_core::AutoCommit {
    let mut doc = new_discussion();
    for e in [
        DiscussionEdit::Interject(LeaderView {
            id: "v1".into(),
            question: Question::Strengths,
            source: PrepField::Strengths,
            text: "Calm".into(),
            added_on: day("2026-11-26"),
        }),
        DiscussionEdit::AddAction(Action {
            id: "a1".into(),
            text: "Course".into(),
            owner: Owner::Employee,
            due: None,
            done: false,
            carried_from: None,
            by: career_core::Side::Leader,
        }),
    ] {
        discussion::apply(&mut doc, e).unwrap();
    }
    doc.commit();
    doc
}

fn run(steps: Vec<Step>) {
    let mut doc = discussion_with_items();
    let mut other = replica(&mut doc, 2);
    let mut copy = read(&doc);
    for step in steps {
        match step {
            Step::Type {
                field,
                at,
                word,
                delete,
            } => {
                let f = field_of(field);
                let before = copy.text(&f).unwrap().to_string();
                let splice = splice_at(&before, at, WORDS[word], delete);
                copy.splice(&mut doc, &f, &splice).unwrap();
                // The same edit on a plain string gives the same text.
                let mut plain = before.clone();
                splice.apply(&mut plain).unwrap();
                assert_eq!(copy.text(&f).unwrap(), plain);
            }
            Step::Merge { field, word } => {
                let f = field_of(field);
                let mut theirs = read(&other);
                theirs
                    .splice(&mut other, &f, &Splice::insert(0, WORDS[word]))
                    .unwrap();
                doc.commit();
                sync(&mut doc, &mut other);
                // A merge is not a keystroke: the app reads the document again.
                copy = read(&doc);
            }
        }
        assert_eq!(copy, read(&doc));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_spliced_copy_stays_equal_to_the_document(steps in prop::collection::vec(step(), 1..40)) {
        run(steps);
    }
}

#[test]
fn deleting_one_of_two_equal_newlines_keeps_the_other_sides_words_in_place() {
    // The leader deletes the *first* newline of "P1\n\nP2" while the employee types "New"
    // on the empty line between them: the intent is "P1New\nP2".
    let field = DiscussionText::Notes;
    let mut leader = discussion_with_items();
    let mut copy = read(&leader);
    copy.splice(&mut leader, &field, &Splice::insert(0, "P1\n\nP2"))
        .unwrap();
    leader.commit();
    let mut employee = replica(&mut leader, 2);
    let mut theirs = read(&employee);
    copy.splice(&mut leader, &field, &Splice::delete(2, 1))
        .unwrap();
    theirs
        .splice(&mut employee, &field, &Splice::insert(3, "New"))
        .unwrap();
    leader.commit();
    employee.commit();
    sync(&mut leader, &mut employee);
    assert_eq!(read(&leader).notes.as_str(), "P1New\nP2");
    assert_eq!(read(&employee).notes.as_str(), "P1New\nP2");
}

#[test]
fn a_stale_copy_is_refused_and_changes_nothing() {
    let mut doc = discussion_with_items();
    let mut other = replica(&mut doc, 2);
    let field = DiscussionText::Answer(AnswerField::Strengths);
    let mut copy = read(&doc);
    copy.splice(&mut doc, &field, &Splice::insert(0, "Zoë 👩🏽‍💻 naïve"))
        .unwrap();
    let mut stale = read(&doc);
    let mut theirs = read(&other);
    theirs
        .splice(&mut other, &field, &Splice::insert(0, "日本 — "))
        .unwrap();
    doc.commit();
    sync(&mut doc, &mut other);
    let merged = read(&doc);
    assert_ne!(merged.text(&field), stale.text(&field));
    // A keystroke against the pre-merge copy: its length differs from the document's text,
    // so the splice is refused rather than put in the wrong place.
    let end = stale.text(&field).unwrap().len();
    assert!(stale
        .splice(&mut doc, &field, &Splice::insert(end, "!"))
        .is_err());
    assert_eq!(read(&doc), merged);
}

#[test]
fn splices_that_do_not_fit_change_nothing() {
    let mut doc = discussion_with_items();
    let mut copy = read(&doc);
    let field = DiscussionText::Action("a1".into());
    let before = read(&doc);
    // "Course" is 6 bytes: past the end, and an item that does not exist.
    assert!(copy
        .splice(&mut doc, &field, &Splice::insert(7, "x"))
        .is_err());
    assert!(copy
        .splice(
            &mut doc,
            &DiscussionText::Action("missing".into()),
            &Splice::insert(0, "x")
        )
        .is_err());
    let mut naive = read(&doc);
    copy = naive.clone();
    naive
        .splice(
            &mut doc,
            &DiscussionText::Notes,
            &Splice::insert(0, "naïve"),
        )
        .unwrap();
    // Inside the two bytes of "ï".
    assert!(naive
        .splice(&mut doc, &DiscussionText::Notes, &Splice::delete(3, 1))
        .is_err());
    assert_eq!(read(&doc).notes.as_str(), "naïve");
    let _ = (copy, before);
}

#[test]
fn prep_typing_splices_into_the_copy() {
    let mut doc = new_prep();
    let mut copy = prep::read(&doc).unwrap();
    let mut text = String::new();
    for word in WORDS {
        let splice = Splice::insert(text.len(), word);
        copy.splice(&mut doc, PrepField::Needs, &splice).unwrap();
        text.push_str(word);
        assert_eq!(copy, prep::read(&doc).unwrap());
    }
    assert_eq!(prep::read(&doc).unwrap().get(PrepField::Needs), text);
}
