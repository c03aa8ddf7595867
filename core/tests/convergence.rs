//! Property: replicas that edit apart and exchange saves in any order converge, and no
//! inserted word is ever lost.

mod common;

use career_core::model::discussion::{self, Action, DiscussionEdit, Owner, Track};
use career_core::model::method::AnswerField;
use career_core::AutoCommit;
use common::*;
use proptest::prelude::*;

const FIELDS: [AnswerField; 3] = [
    AnswerField::Strengths,
    AnswerField::LongTerm,
    AnswerField::Next12Months,
];

#[derive(Clone, Debug)]
enum Op {
    /// Replica `r` types a new word into field `f` at a relative position.
    Type {
        r: usize,
        f: usize,
        at: f64,
    },
    SetTrack {
        r: usize,
        t: usize,
    },
    AddAction {
        r: usize,
    },
    /// Replica `to` takes in a save of replica `from`.
    Sync {
        from: usize,
        to: usize,
    },
}

fn op(replicas: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..replicas, 0..FIELDS.len(), 0.0..1.0f64).prop_map(|(r, f, at)| Op::Type { r, f, at }),
        1 => (0..replicas, 0..3usize).prop_map(|(r, t)| Op::SetTrack { r, t }),
        1 => (0..replicas).prop_map(|r| Op::AddAction { r }),
        2 => (0..replicas, 0..replicas).prop_map(|(from, to)| Op::Sync { from, to }),
    ]
}

fn run(replica_count: usize, ops: Vec<Op>) {
    let mut first = new_discussion();
    let mut replicas: Vec<AutoCommit> = (0..replica_count)
        .map(|n| replica(&mut first, n as u8 + 10))
        .collect();
    let mut words: Vec<(usize, String)> = Vec::new();
    let mut actions = Vec::new();

    for (n, op) in ops.into_iter().enumerate() {
        match op {
            Op::Type { r, f, at } => {
                let doc = &mut replicas[r];
                let current = read(doc).answers.get(FIELDS[f]).to_string();
                // Insert between words (at a space or an end), so no word is split.
                let gaps: Vec<usize> = std::iter::once(0)
                    .chain(
                        current
                            .char_indices()
                            .filter(|(_, c)| *c == ' ')
                            .map(|(b, _)| b),
                    )
                    .chain(std::iter::once(current.len()))
                    .collect();
                let byte = gaps[((gaps.len() as f64) * at) as usize % gaps.len()];
                let word = format!("w{n}ë");
                let next = format!("{} {word} {}", &current[..byte], &current[byte..]);
                discussion::apply(doc, DiscussionEdit::Answer(FIELDS[f], next)).unwrap();
                doc.commit();
                words.push((f, word));
            }
            Op::SetTrack { r, t } => {
                discussion::apply(&mut replicas[r], DiscussionEdit::Track(Track::ALL[t])).unwrap();
                replicas[r].commit();
            }
            Op::AddAction { r } => {
                let id = format!("a{n}");
                discussion::apply(
                    &mut replicas[r],
                    DiscussionEdit::AddAction(Action {
                        id: id.clone(),
                        text: "step".into(),
                        owner: Owner::Employee,
                        due: None,
                        done: false,
                        carried_from: None,
                        by: career_core::Side::Leader,
                    }),
                )
                .unwrap();
                replicas[r].commit();
                actions.push(id);
            }
            Op::Sync { from, to } if from != to => {
                let bytes = replicas[from].save();
                replicas[to].load_incremental(&bytes).unwrap();
            }
            Op::Sync { .. } => {}
        }
    }
    // Everyone exchanges everything.
    for from in 0..replica_count {
        let bytes = replicas[from].save();
        for (to, doc) in replicas.iter_mut().enumerate() {
            if to != from {
                doc.load_incremental(&bytes).unwrap();
            }
        }
    }
    let result = read(&replicas[0]);
    for doc in &replicas[1..] {
        assert_eq!(read(doc), result, "replicas did not converge");
    }
    for (f, word) in &words {
        assert!(
            result.answers.get(FIELDS[*f]).split(' ').any(|w| w == word),
            "lost {word}"
        );
    }
    let ids: Vec<_> = result.actions.iter().map(|a| a.id.clone()).collect();
    for id in &actions {
        assert!(ids.contains(id), "lost action {id}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn two_replicas_converge_without_losing_words(ops in prop::collection::vec(op(2), 1..40)) {
        run(2, ops);
    }

    #[test]
    fn three_replicas_converge_without_losing_words(ops in prop::collection::vec(op(3), 1..40)) {
        run(3, ops);
    }
}
