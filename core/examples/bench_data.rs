//! Generates the data the benchmarks load (`bench/run.mjs`), through the same core code the
//! app uses, so what lands in localStorage is what the app would have written:
//!
//! `cargo run --release -p career-core --example bench_data -- <out dir>` writes
//! - `team-50.json`: localStorage of a year of a 50-person team (2 discussions each, typed
//!   with a commit per typing pause) and `team-50.plain.json`: the same content as plain JSON;
//! - `team-100.json`: the same for 100 people (200 discussions), for start-up;
//! - `team-50x10.json`: ten years of the 50-person team (1,000 discussions), for start-up;
//! - `typing.json`: one discussion that already holds 20,000 edits (spread over its answers);
//! - `merge-local.json` + `merge-other.ctalk`: two replicas of one discussion that diverged by
//!   10,000 edits each (the file is the other side's, to be opened and merged).

use career_core::model::discussion::{self, DiscussionEdit, NewDiscussion, Readiness, Track};
use career_core::model::method::{AnswerField, PrepField};
use career_core::model::people::{self, Participant, Person, RosterEdit};
use career_core::model::prep::{self, PrepEdit};
use career_core::share::Package;
use career_core::storage::blobs::{MemoryKv, StoredDoc};
use career_core::storage::index::{Index, IndexEntry};
use career_core::storage::keys::DocName;
use career_core::Side;
use career_core::{ActorId, AutoCommit, Day};

const WORDS: &[&str] = &[
    "leads",
    "the",
    "incident",
    "reviews",
    "and",
    "mentors",
    "two",
    "new",
    "engineers",
    "on",
    "payments",
    "platform",
    "wants",
    "to",
    "grow",
    "into",
    "a",
    "staff",
    "role",
    "within",
    "three",
    "years",
    "needs",
    "more",
    "exposure",
    "to",
    "senior",
    "stakeholders",
    "clear",
    "writer",
    "calm",
    "under",
    "pressure",
    "presentation",
    "skills",
    "training",
    "next",
    "twelve",
    "months",
    "cross-team",
    "architecture",
    "ownership",
    "of",
    "roadmap",
    "quarterly",
];

/// Deterministic pseudo-random text of about `len` characters.
fn text(seed: u64, len: usize) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = String::new();
    while out.len() < len {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if !out.is_empty() {
            out.push(if (x >> 60) == 0 { '.' } else { ' ' });
            if out.ends_with('.') {
                out.push(' ');
            }
        }
        out.push_str(WORDS[((x >> 33) as usize) % WORDS.len()]);
    }
    out
}

fn id(n: u64, kind: u8) -> String {
    format!("{:02x}{:030x}", kind, n)
}

/// Types `full` into a field the way a person does: a commit per pause (~30 characters).
fn type_in(doc: &mut AutoCommit, full: &str, edit: impl Fn(String) -> DiscussionEdit) {
    let mut end = 0;
    while end < full.len() {
        end = (end + 30).min(full.len());
        while !full.is_char_boundary(end) {
            end += 1;
        }
        discussion::apply(doc, edit(full[..end].to_string())).unwrap();
        doc.commit();
    }
}

struct Store {
    kv: MemoryKv,
    index: Index,
}

impl Store {
    fn new() -> Store {
        Store {
            kv: MemoryKv::default(),
            index: Index::default(),
        }
    }
    fn put(&mut self, name: &DocName, doc: AutoCommit) {
        let mut stored =
            StoredDoc::create(&mut self.kv, name, doc, 1_795_000_000, "bench").unwrap();
        stored.save(&mut self.kv, 1_795_000_000).unwrap();
    }
    fn finish(mut self) -> MemoryKv {
        self.index.write(&mut self.kv).unwrap();
        self.kv
    }
}

fn manager() -> Participant {
    Participant {
        name: "Maria Lund".into(),
        role: "Engineering manager".into(),
    }
}

/// A team of `people`, two discussions each over the past year; also the plain JSON of the
/// same content.
/// `people` people, each with a discussion in May and November of each of `years` years
/// (the last in 2026).
fn team(people: u64, years: u64) -> (MemoryKv, serde_json::Value) {
    let mut store = Store::new();
    let mut roster = AutoCommit::new().with_actor(ActorId::from(&[1u8; 16][..]));
    people::create(&mut roster).unwrap();
    people::apply(&mut roster, RosterEdit::ManagerName("Maria Lund".into())).unwrap();
    let mut plain = Vec::new();
    for p in 0..people {
        let person = Person {
            id: id(p, 0xaa),
            name: format!("Person {p}"),
            role: "Engineer".into(),
            team: "Platform".into(),
            cadence_months: 6,
            archived: false,
            added_on: Day::new(2025, 6, 1).unwrap(),
        };
        people::apply(&mut roster, RosterEdit::AddPerson(person.clone())).unwrap();
        let held_on = (0..years).flat_map(|y| {
            let year = 2026 - (years - 1 - y) as i32;
            [
                Day::new(year, 5, 20).unwrap(),
                Day::new(year, 11, 20).unwrap(),
            ]
        });
        for (k, held) in held_on.enumerate() {
            let did = id(p * 2 * years + k as u64, 0xdd);
            let mut doc = AutoCommit::new().with_actor(ActorId::from(&[2u8; 16][..]));
            discussion::create(
                &mut doc,
                NewDiscussion {
                    id: did.clone(),
                    person_id: person.id.clone(),
                    employee: Participant {
                        name: person.name.clone(),
                        role: person.role.clone(),
                    },
                    manager: manager(),
                    created_on: held,
                },
            )
            .unwrap();
            doc.commit();
            let seed = p * 100 + k as u64 * 10;
            for (i, f) in AnswerField::ALL.into_iter().enumerate() {
                let t = text(seed + i as u64, 240);
                type_in(&mut doc, &t, |s| DiscussionEdit::Answer(f, s));
            }
            type_in(&mut doc, &text(seed + 9, 400), DiscussionEdit::Notes);
            for e in [
                DiscussionEdit::Track(Track::TechnicalExpert),
                DiscussionEdit::Readiness(Some(Readiness::OneToTwoYears)),
                DiscussionEdit::HeldOn(Some(held)),
            ] {
                discussion::apply(&mut doc, e).unwrap();
            }
            doc.commit();
            let d = discussion::read(&doc).unwrap();
            store
                .index
                .discussions
                .insert(did.clone(), IndexEntry::of(&d));
            let mut prep_doc = AutoCommit::new().with_actor(ActorId::from(&[3u8; 16][..]));
            prep::create(&mut prep_doc, &did).unwrap();
            let mut prep_plain = serde_json::Map::new();
            for (i, f) in PrepField::ALL.into_iter().enumerate() {
                let t = text(seed + 50 + i as u64, 200);
                prep::apply(&mut prep_doc, PrepEdit::Field(f, t.clone())).unwrap();
                prep_doc.commit();
                prep_plain.insert(format!("{f:?}"), t.into());
            }
            store.put(&DocName::Discussion(did.clone()), doc);
            store.put(&DocName::Prep(did.clone()), prep_doc);
            let mut json = career_core::reports::export::json(&d);
            json["prep"] = prep_plain.into();
            plain.push(json);
        }
    }
    let roster_plain = serde_json::to_value(
        people::read(&roster)
            .unwrap()
            .people
            .iter()
            .map(|p| (p.id.clone(), p.name.clone(), p.role.clone(), p.team.clone()))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    store.put(&DocName::Roster, roster);
    (
        store.finish(),
        serde_json::json!({ "people": roster_plain, "discussions": plain }),
    )
}

fn single_discussion(store: &mut Store, did: &str) -> AutoCommit {
    let mut roster = AutoCommit::new().with_actor(ActorId::from(&[1u8; 16][..]));
    people::create(&mut roster).unwrap();
    people::apply(&mut roster, RosterEdit::ManagerName("Maria Lund".into())).unwrap();
    let person = Person {
        id: id(1, 0xaa),
        name: "Sam Okafor".into(),
        role: "Engineer".into(),
        team: "Platform".into(),
        cadence_months: 12,
        archived: false,
        added_on: Day::new(2025, 6, 1).unwrap(),
    };
    people::apply(&mut roster, RosterEdit::AddPerson(person.clone())).unwrap();
    store.put(&DocName::Roster, roster);
    let mut doc = AutoCommit::new().with_actor(ActorId::from(&[2u8; 16][..]));
    discussion::create(
        &mut doc,
        NewDiscussion {
            id: did.into(),
            person_id: person.id.clone(),
            employee: Participant {
                name: person.name,
                role: person.role,
            },
            manager: manager(),
            created_on: Day::new(2026, 11, 1).unwrap(),
        },
    )
    .unwrap();
    doc.commit();
    let mut prep_doc = AutoCommit::new().with_actor(ActorId::from(&[3u8; 16][..]));
    prep::create(&mut prep_doc, did).unwrap();
    store.put(&DocName::Prep(did.to_string()), prep_doc);
    doc
}

/// `n` single-character edits to one answer, a commit each.
fn edits(doc: &mut AutoCommit, field: AnswerField, n: usize, seed: u64) {
    edits_committed_every(doc, field, n, seed, 1);
}

/// `n` single-character edits to one answer, a commit after every `per_commit` of them (the
/// app commits once per typing pause, not per keystroke).
fn edits_committed_every(
    doc: &mut AutoCommit,
    field: AnswerField,
    n: usize,
    seed: u64,
    per_commit: usize,
) {
    let full = text(seed, n);
    let full: String = full.chars().take(n).collect();
    let mut end = 0;
    for (i, c) in full.chars().enumerate() {
        end += c.len_utf8();
        discussion::apply(doc, DiscussionEdit::Answer(field, full[..end].to_string())).unwrap();
        if (i + 1) % per_commit == 0 {
            doc.commit();
        }
    }
    doc.commit();
}

fn dump(kv: &MemoryKv) -> String {
    serde_json::to_string(&kv.map).unwrap()
}

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: bench_data <out dir>"),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();

    let (kv, plain) = team(50, 1);
    write("team-50.json", dump(&kv).as_bytes());
    write(
        "team-50.plain.json",
        serde_json::to_string(&plain).unwrap().as_bytes(),
    );
    let (kv, _) = team(100, 1);
    write("team-100.json", dump(&kv).as_bytes());
    let (kv, _) = team(50, 10);
    write("team-50x10.json", dump(&kv).as_bytes());

    let did = id(1, 0xdd);
    let mut store = Store::new();
    let mut doc = single_discussion(&mut store, &did);
    // 20,000 single-character edits spread over the nine answers (about 2,200 characters each).
    for (i, f) in AnswerField::ALL.into_iter().enumerate() {
        edits(
            &mut doc,
            f,
            20_000 / AnswerField::ALL.len() + usize::from(i < 20_000 % 9),
            7 + i as u64,
        );
    }
    let d = discussion::read(&doc).unwrap();
    store
        .index
        .discussions
        .insert(did.clone(), IndexEntry::of(&d));
    store.put(&DocName::Discussion(did.clone()), doc);
    write("typing.json", dump(&store.finish()).as_bytes());

    // Two replicas that diverged by 10,000 single-character edits each: once with a commit
    // per edit (the worst case), once with a commit per typing pause of 30 characters (what
    // the app does).
    for (n, prefix, per_commit) in [(2, "merge", 1), (3, "merge-paused", 30)] {
        let did = id(n, 0xdd);
        let mut store = Store::new();
        let mut local = single_discussion(&mut store, &did);
        let mut other = local.fork().with_actor(ActorId::from(&[9u8; 16][..]));
        edits_committed_every(&mut local, AnswerField::Strengths, 10_000, 11, per_commit);
        edits_committed_every(&mut other, AnswerField::LongTerm, 10_000, 13, per_commit);
        let d = discussion::read(&local).unwrap();
        store
            .index
            .discussions
            .insert(did.clone(), IndexEntry::of(&d));
        store.put(&DocName::Discussion(did.clone()), local);
        write(
            &format!("{prefix}-local.json"),
            dump(&store.finish()).as_bytes(),
        );
        let package = Package::whole(&mut other, Side::Leader).unwrap();
        write(&format!("{prefix}-other.ctalk"), &package.to_bytes());
        let expected = discussion::read(&other).unwrap();
        write(
            &format!("{prefix}-expected.json"),
            serde_json::json!({
                "discussion": did,
                "changes_per_side": other.get_changes(&[]).len() - 1,
                "long_term_chars": expected.answers.long_term.as_str().encode_utf16().count(),
            })
            .to_string()
            .as_bytes(),
        );
    }
}
