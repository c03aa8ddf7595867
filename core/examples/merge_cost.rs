//! What merging a file costs in the core, natively, step by step: two replicas of one
//! discussion that diverged by 10,000 single-character edits each (the merge benchmark's
//! data). A working aid for the merge benchmark:
//! `cargo run --release -p career-core --example merge_cost [edits] [edits per commit]`.
use std::time::Instant;

use automerge::ReadDoc;
use career_core::model::discussion::{self, DiscussionEdit, NewDiscussion};
use career_core::model::method::AnswerField;
use career_core::model::people::Participant;
use career_core::share::review;
use career_core::share::{merge_into, Package};
use career_core::Side;
use career_core::{ActorId, AutoCommit, Day};

fn edits(doc: &mut AutoCommit, field: AnswerField, n: usize, per_commit: usize) {
    let line = "Calm under pressure; mentors new engineers. ";
    let mut text = String::new();
    for (i, c) in line.chars().cycle().take(n).enumerate() {
        text.push(c);
        discussion::apply(doc, DiscussionEdit::Answer(field, text.clone())).unwrap();
        if (i + 1) % per_commit == 0 {
            doc.commit();
        }
    }
    doc.commit();
}

fn time<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    println!("{:>9.1} ms  {what}", t.elapsed().as_secs_f64() * 1e3);
    out
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(10_000, |a| a.parse().unwrap());
    // Edits per commit: 1 (the worst case) or ~30 (a commit per typing pause, as the app).
    let per_commit: usize = std::env::args().nth(2).map_or(1, |a| a.parse().unwrap());
    let mut local = AutoCommit::new().with_actor(ActorId::from(&[2u8; 16][..]));
    discussion::create(
        &mut local,
        NewDiscussion {
            id: "0123456789abcdef0123456789abcdef".into(),
            person_id: "p".into(),
            employee: Participant::default(),
            manager: Participant::default(),
            created_on: Day::new(2026, 11, 1).unwrap(),
        },
    )
    .unwrap();
    local.commit();
    let mut other = local.fork().with_actor(ActorId::from(&[9u8; 16][..]));
    edits(&mut local, AnswerField::Strengths, n, per_commit);
    edits(&mut other, AnswerField::LongTerm, n, per_commit);
    // As stored and as sent: each side loads from a saved document.
    let mut local = AutoCommit::load(&local.save()).unwrap();
    let bytes = Package::whole(&mut other, Side::Leader).unwrap().to_bytes();
    println!(
        "{n} + {n} single-character changes, file {} KB",
        bytes.len() / 1024
    );
    let package = time("read the file", || Package::from_bytes(&bytes).unwrap());
    time("load the other side's document", || {
        package.whole_document().unwrap()
    });
    time("all changes of one side (get_changes)", || {
        local.get_changes(&[]).len()
    });
    time(
        "all changes' metadata of one side (get_changes_meta)",
        || local.get_changes_meta(&[]).len(),
    );
    time("fork one side", || local.fork());
    let mut incoming = package.whole_document().unwrap().0;
    time("changes the other side adds (get_changes_added)", || {
        local.get_changes_added(&mut incoming).len()
    });
    let mut trial = local.fork();
    time("merge the other side into a fork (merge)", || {
        trial.merge(&mut incoming).unwrap()
    });
    let before = local.get_heads();
    let merged = time(
        "merge_into (everything the app's merge does in the core)",
        || merge_into(&mut local, &package).unwrap(),
    );
    let after = local.get_heads();
    time("read the merged discussion", || {
        discussion::read(&local).unwrap()
    });
    time("merge review (changes_between)", || {
        review::changes_between(&mut local, &merged.before, &after, &|_| false).unwrap()
    });
    time(
        "origin by the object the first change made (hash_for_opid)",
        || {
            let (_, answers) = local.get(automerge::ROOT, "answers").unwrap().unwrap();
            local.hash_for_opid(&answers)
        },
    );
    time(
        "read the discussion at the heads before the merge (isolate)",
        || {
            local.isolate(&merged.before);
            let d = discussion::read(&local).unwrap();
            local.integrate();
            d
        },
    );
    time("conflicts", || review::conflicts(&local, &|_| false));
    time("save the merged document", || local.save().len());
    let _ = before;
}
