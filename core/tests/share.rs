//! Share links and files: the round trip between two devices, privacy, and bad input.

mod common;

use career_core::model::discussion::{self, DiscussionEdit, NewDiscussion, Track};
use career_core::model::method::{AnswerField, PrepField};
use career_core::model::people::Participant;
use career_core::model::prep::{self, PrepEdit};
use career_core::share::{merge_into, Contents, Package, ShareError, MAX_LINK_CHARS};
use career_core::AutoCommit;
use career_core::Side;
use common::*;

const ID: &str = "0123456789abcdef0123456789abcdef";

fn discussion_with_id(id: &str, n: u8) -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(actor(n));
    discussion::create(
        &mut doc,
        NewDiscussion {
            id: id.into(),
            person_id: "p1".into(),
            employee: Participant {
                name: "Sam".into(),
                role: "Engineer".into(),
            },
            manager: Participant {
                name: "Maria".into(),
                role: "Manager".into(),
            },
            created_on: day("2026-11-26"),
        },
    )
    .unwrap();
    doc.commit();
    doc
}

fn edit(doc: &mut AutoCommit, e: DiscussionEdit) {
    discussion::apply(doc, e).unwrap();
    doc.commit();
}

#[test]
fn a_link_goes_to_the_employee_and_changes_come_back_merged() {
    // The manager prepares privately and shares the discussion.
    let mut manager = discussion_with_id(ID, 1);
    edit(
        &mut manager,
        DiscussionEdit::Answer(AnswerField::Strengths, "Calm in incidents".into()),
    );
    let link = Package::whole(&mut manager, Side::Employee)
        .unwrap()
        .to_fragment();
    assert!(link.starts_with("#ct="));
    assert!(link.len() < MAX_LINK_CHARS);

    // The employee opens it on their own device.
    let package = Package::from_fragment(&link).unwrap();
    assert_eq!(package.audience, Side::Employee);
    let (employee_doc, d) = package.whole_document().unwrap();
    assert_eq!(d.answers.strengths.as_str(), "Calm in incidents");
    let mut employee = employee_doc.with_actor(actor(2));
    let employee_got = package.sender_heads.clone();

    // Both edit the same answer apart; the employee also sets the track.
    edit(
        &mut employee,
        DiscussionEdit::Answer(
            AnswerField::Strengths,
            "Calm in incidents; teaching others".into(),
        ),
    );
    edit(&mut employee, DiscussionEdit::Track(Track::TechnicalExpert));
    edit(
        &mut manager,
        DiscussionEdit::Answer(AnswerField::Strengths, "Very calm in incidents".into()),
    );

    // The reply carries only what the manager lacks.
    let reply = Package::changes_since(&mut employee, Side::Leader, &employee_got).unwrap();
    assert_eq!(reply.contents, Contents::ChangesOnly);
    let whole_size = Package::whole(&mut employee, Side::Leader)
        .unwrap()
        .to_bytes()
        .len();
    assert!(reply.to_bytes().len() < whole_size);

    let merged = merge_into(
        &mut manager,
        &Package::from_fragment(&reply.to_fragment()).unwrap(),
    )
    .unwrap();
    assert!(merged.new_changes >= 2);
    let d = read(&manager);
    assert_eq!(
        d.answers.strengths.as_str(),
        "Very calm in incidents; teaching others"
    );
    assert_eq!(d.track, Track::TechnicalExpert);
}

#[test]
fn a_link_never_carries_the_leaders_private_preparation() {
    let secret = "Not ready for the payments lead role yet";
    let mut prep_doc = AutoCommit::new();
    prep::create(&mut prep_doc, ID).unwrap();
    prep::apply(
        &mut prep_doc,
        PrepEdit::Field(PrepField::Needs, secret.into()),
    )
    .unwrap();
    let mut shared = discussion_with_id(ID, 1);
    edit(
        &mut shared,
        DiscussionEdit::Notes("Shared notes only".into()),
    );

    let package = Package::from_fragment(
        &Package::whole(&mut shared, Side::Employee)
            .unwrap()
            .to_fragment(),
    )
    .unwrap();
    let bytes = package.to_bytes();
    assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
    let (doc, _) = package.whole_document().unwrap();
    assert!(!all_content(&doc).contains(secret));
    assert!(all_content(&doc).contains("Shared notes only"));
}

#[test]
fn changes_only_falls_back_to_the_whole_document_when_the_recipient_is_unknown() {
    let mut doc = discussion_with_id(ID, 1);
    let p = Package::changes_since(&mut doc, Side::Employee, &[]).unwrap();
    assert_eq!(p.contents, Contents::Whole);
    let mut other = discussion_with_id(ID, 5);
    let unknown = other.get_heads();
    assert_eq!(
        Package::changes_since(&mut doc, Side::Employee, &unknown)
            .unwrap()
            .contents,
        Contents::Whole
    );
}

/// Every bad input is refused with its own error and leaves the local copy byte-for-byte.
#[test]
fn bad_links_and_files_are_refused_and_change_nothing() {
    let mut local = discussion_with_id(ID, 1);
    edit(&mut local, DiscussionEdit::Notes("Local words".into()));
    let before = local.save();
    let mut theirs = local.fork().with_actor(actor(2));
    edit(
        &mut theirs,
        DiscussionEdit::Notes("Local words and theirs".into()),
    );
    let good = Package::whole(&mut theirs, Side::Leader)
        .unwrap()
        .to_fragment();

    type Expect = fn(&ShareError) -> bool;
    let mut cases: Vec<(&str, String, Expect)> = vec![];
    cases.push(("truncated", good[..good.len() * 2 / 3].to_string(), |e| {
        matches!(e, ShareError::Corrupted)
    }));
    let mut altered: Vec<char> = good.chars().collect();
    let mid = altered.len() / 2;
    altered[mid] = if altered[mid] == 'A' { 'B' } else { 'A' };
    cases.push(("altered", altered.into_iter().collect(), |e| {
        matches!(e, ShareError::Corrupted)
    }));
    cases.push((
        "random",
        "#ct=q8Jd93kLmZ0pQ1vXy7TgHs2bNc4eRf6a".into(),
        |e| matches!(e, ShareError::NotAPackage | ShareError::Corrupted),
    ));
    cases.push(("not base64", "#ct=%%%***".into(), |e| {
        matches!(e, ShareError::Corrupted)
    }));
    cases.push(("empty", "#ct=".into(), |e| {
        matches!(e, ShareError::NotAPackage)
    }));
    cases.push((
        "huge",
        format!("#ct={}", "A".repeat(50 * 1024 * 1024)),
        |e| matches!(e, ShareError::TooLarge(_)),
    ));

    // A newer schema version.
    let mut newer = local.fork();
    {
        use automerge::transaction::Transactable;
        newer.put(automerge::ROOT, "schema", 2_u64).unwrap();
    }
    let newer_link = Package::whole(&mut theirs.fork(), Side::Leader)
        .map(|mut p| {
            p.payload = newer.save();
            p.to_fragment()
        })
        .unwrap();
    cases.push((
        "newer schema",
        newer_link,
        |e| matches!(e, ShareError::Document(m) if m.contains("version 2")),
    ));

    // An unrelated discussion that happens to have the same id.
    let mut impostor = discussion_with_id(ID, 7);
    cases.push((
        "same id, other discussion",
        Package::whole(&mut impostor, Side::Leader)
            .unwrap()
            .to_fragment(),
        |e| matches!(e, ShareError::Unrelated),
    ));

    // Changes that build on a version this device never had.
    let mut ahead = theirs.fork().with_actor(actor(3));
    edit(&mut ahead, DiscussionEdit::Notes("Even more".into()));
    let mut gap = ahead.fork().with_actor(actor(4));
    edit(&mut gap, DiscussionEdit::Notes("Even more and more".into()));

    let after_ahead = ahead.get_heads();
    cases.push((
        "changes without their base",
        Package::changes_since(&mut gap, Side::Leader, &after_ahead)
            .unwrap()
            .to_fragment(),
        |e| matches!(e, ShareError::MissingBase),
    ));

    for (name, link, expected) in cases {
        let result = Package::from_fragment(&link).and_then(|p| merge_into(&mut local, &p));
        match result {
            Err(e) => {
                assert!(expected(&e), "{name}: unexpected error {e:?}");
                assert!(!e.to_string().is_empty());
            }
            Ok(_) => panic!("{name}: was accepted"),
        }
        assert_eq!(local.save(), before, "{name}: the local copy changed");
    }

    // And the good one merges.
    merge_into(&mut local, &Package::from_fragment(&good).unwrap()).unwrap();
    assert_eq!(read(&local).notes.as_str(), "Local words and theirs");
}

#[test]
fn a_roster_or_prep_document_is_not_taken_as_a_discussion() {
    let mut shared = discussion_with_id(ID, 1);
    let mut package = Package::whole(&mut shared, Side::Leader).unwrap();
    let mut prep_doc = AutoCommit::new();
    prep::create(&mut prep_doc, ID).unwrap();
    package.payload = prep_doc.save();
    let err = Package::from_bytes(&package.to_bytes())
        .unwrap()
        .whole_document()
        .err()
        .unwrap();
    assert!(matches!(err, ShareError::Document(m) if m.contains("prep")));
}

#[test]
fn the_origin_is_the_first_change_of_the_history() {
    // Read from the changes' metadata (cheap); it must be the same first change that
    // reconstructing the whole history gives, on every replica of one discussion.
    let mut manager = new_discussion();
    let mut employee = replica(&mut manager, 2);
    for (doc, text) in [(&mut manager, "Zoë leads"), (&mut employee, "日本 — naïve")] {
        discussion::apply(doc, DiscussionEdit::Notes(text.into())).unwrap();
        doc.commit();
    }
    sync(&mut manager, &mut employee);
    let first = manager.get_changes(&[]).first().map(|c| c.hash());
    assert!(first.is_some());
    assert_eq!(career_core::share::origin(&mut manager), first);
    assert_eq!(career_core::share::origin(&mut employee), first);
    // A discussion created on its own, even with the same id, has another origin.
    let mut unrelated = discussion_with_id(ID, 7);
    assert_ne!(career_core::share::origin(&mut unrelated), first);
}
