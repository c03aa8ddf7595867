//! Typing without re-reading: the app keeps a hydrated copy of an open discussion in step
//! with its document by patching the copy ([`Discussion::patch`]) and splicing keystrokes
//! from the copy's text ([`discussion::apply_known`]). Whatever mix of typing and merging
//! happens, the copy must equal a fresh read, and the document must hold what was typed.

mod common;

use career_core::discussion::{self, Action, DiscussionEdit, LeaderView, Owner};
use career_core::method::{AnswerField, PrepField, Question};
use career_core::prep::{self, PrepEdit};
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

/// An edit of `field` that gives it the text `text`.
fn edit(field: usize, text: String) -> DiscussionEdit {
    match field {
        0..=8 => DiscussionEdit::Answer(AnswerField::ALL[field], text),
        9 => DiscussionEdit::Notes(text),
        10 => DiscussionEdit::LeaderViewText {
            id: "v1".into(),
            text,
        },
        _ => DiscussionEdit::ActionText {
            id: "a1".into(),
            text,
        },
    }
}

/// `text` with `word` typed (or `delete` characters removed) at character `at`.
fn typed(text: &str, at: usize, word: &str, delete: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = at % (chars.len() + 1);
    let mut out: String = chars[..at].iter().collect();
    if delete > 0 && at < chars.len() {
        out.extend(chars[(at + delete).min(chars.len())..].iter());
    } else {
        out.push_str(word);
        out.extend(chars[at..].iter());
    }
    out
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
                let before = copy.typed_field(&edit(field, String::new())).unwrap();
                let after = typed(before, at, WORDS[word], delete);
                let e = edit(field, after.clone());
                let known = copy.typed_field(&e).map(str::to_owned);
                let changed =
                    discussion::apply_known(&mut doc, e.clone(), known.as_deref()).unwrap();
                assert_eq!(changed, known.as_deref() != Some(after.as_str()));
                assert!(copy.patch(&e));
            }
            Step::Merge { field, word } => {
                let theirs = read(&other);
                let text = theirs.typed_field(&edit(field, String::new())).unwrap();
                let e = edit(field, format!("{}{}", WORDS[word], text));
                discussion::apply(&mut other, e).unwrap();
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
    fn a_patched_copy_stays_equal_to_the_document(steps in prop::collection::vec(step(), 1..40)) {
        run(steps);
    }
}

#[test]
fn a_stale_copy_is_not_trusted_for_the_splice() {
    let mut doc = discussion_with_items();
    let mut other = replica(&mut doc, 2);
    let field = AnswerField::Strengths;
    discussion::apply(
        &mut doc,
        DiscussionEdit::Answer(field, "Zoë 👩🏽‍💻 naïve".into()),
    )
    .unwrap();
    let stale = read(&doc);
    discussion::apply(&mut other, DiscussionEdit::Answer(field, "日本 — ".into())).unwrap();
    doc.commit();
    sync(&mut doc, &mut other);
    let merged = read(&doc).answers.get(field).to_string();
    assert_ne!(merged, stale.answers.get(field));
    // A keystroke at the end of what the merged document shows, with the pre-merge copy as
    // `known`: its length differs, so the document's own text is used.
    let text = format!("{merged}!");
    discussion::apply_known(
        &mut doc,
        DiscussionEdit::Answer(field, text.clone()),
        Some(stale.answers.get(field)),
    )
    .unwrap();
    assert_eq!(read(&doc).answers.get(field), text);
}

#[test]
fn other_edits_do_not_patch() {
    let doc = discussion_with_items();
    let before = read(&doc);
    let mut copy = before.clone();
    for e in [
        DiscussionEdit::HeldOn(Some(day("2026-11-27"))),
        DiscussionEdit::ActionText {
            id: "missing".into(),
            text: "x".into(),
        },
    ] {
        assert_eq!(copy.typed_field(&e), None);
        assert!(!copy.patch(&e));
        assert_eq!(copy, before);
    }
}

#[test]
fn prep_typing_splices_from_the_copy() {
    let mut doc = new_prep();
    let mut copy = prep::read(&doc).unwrap();
    let mut text = String::new();
    for word in WORDS {
        text.push_str(word);
        let e = PrepEdit::Field(PrepField::Needs, text.clone());
        let known = copy.typed_field(&e).map(str::to_owned);
        assert!(prep::apply_known(&mut doc, e.clone(), known.as_deref()).unwrap());
        assert!(copy.patch(&e));
        assert_eq!(copy, prep::read(&doc).unwrap());
    }
    assert_eq!(prep::read(&doc).unwrap().get(PrepField::Needs), text);
    assert!(!copy.patch(&PrepEdit::Indicator(
        career_core::method::Indicator::Drive,
        true
    )));
}
