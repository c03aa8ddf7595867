//! What one keystroke costs in the core, natively, in a discussion that holds 20,000
//! single-character edits (the typing benchmark's document). A working aid for the typing
//! benchmark: `cargo run --release -p career-core --example keystroke`.
use std::time::Instant;

use automerge::ReadDoc;
use career_core::model::discussion::{self, DiscussionEdit, DiscussionText, NewDiscussion};
use career_core::model::method::AnswerField;
use career_core::model::people::Participant;
use career_core::text::Splice;
use career_core::{ActorId, AutoCommit, Day};

fn main() {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(&[2u8; 16][..]));
    discussion::create(
        &mut doc,
        NewDiscussion {
            id: "d".into(),
            person_id: "p".into(),
            employee: Participant::default(),
            manager: Participant::default(),
            created_on: Day::new(2026, 11, 1).unwrap(),
        },
    )
    .unwrap();
    let line = "Calm under pressure; mentors new engineers. ";
    for f in AnswerField::ALL {
        let mut text = String::new();
        for c in line.chars().cycle().take(20_000 / 9) {
            text.push(c);
            discussion::apply(&mut doc, DiscussionEdit::Answer(f, text.clone())).unwrap();
            doc.commit();
        }
    }
    let mut doc = AutoCommit::load(&doc.save()).unwrap();
    let field = AnswerField::Strengths;
    let keys = 200;
    let time = |what: &str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..keys {
            f();
        }
        println!(
            "{:>9.1} µs  {what}",
            t.elapsed().as_secs_f64() * 1e6 / keys as f64
        );
    };
    let mut copy = discussion::read(&doc).unwrap();
    let answer = DiscussionText::Answer(field);
    time(
        "keystroke spliced into the document and the copy",
        &mut || {
            let at = copy.answers.get(field).len();
            copy.splice(&mut doc, &answer, &Splice::insert(at, "x"))
                .unwrap();
        },
    );
    time("keystroke as a whole value (apply, diffed)", &mut || {
        let text = format!("{}y", copy.answers.get(field));
        discussion::apply(&mut doc, DiscussionEdit::Answer(field, text)).unwrap();
        copy = discussion::read(&doc).unwrap();
    });
    time("read the whole discussion", &mut || {
        discussion::read(&doc).unwrap();
    });
    time("clone the hydrated discussion", &mut || {
        let _ = std::hint::black_box(copy.clone());
    });
    let answers = doc.get(automerge::ROOT, "answers").unwrap().unwrap().1;
    let text = doc.get(&answers, "strengths").unwrap().unwrap().1;
    time("length of one answer's text", &mut || {
        std::hint::black_box(doc.length(&text));
    });
    time("text of one answer", &mut || {
        std::hint::black_box(doc.text(&text).unwrap());
    });
    time("commit", &mut || {
        doc.commit();
    });
}
