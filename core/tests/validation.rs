//! Documents are checked for their kind and schema version before they are trusted.

mod common;

use career_core::error::DecodeError;
use career_core::model::{discussion, people, prep};
use career_core::AutoCommit;
use common::*;

#[test]
fn a_roster_is_not_read_as_a_discussion() {
    let mut roster = AutoCommit::new();
    people::create(&mut roster).unwrap();
    match discussion::read(&roster) {
        Err(DecodeError::WrongKind { expected, found }) => {
            assert_eq!(expected, discussion::KIND);
            assert_eq!(found, people::KIND);
        }
        other => panic!("expected WrongKind, got {other:?}"),
    }
    assert!(prep::read(&new_discussion()).is_err());
}

#[test]
fn a_document_from_a_newer_schema_is_refused_with_its_version() {
    use automerge::transaction::Transactable;
    let mut doc = new_discussion();
    doc.put(automerge::ROOT, "schema", 7_u64).unwrap();
    let err = discussion::read(&doc).unwrap_err();
    assert!(
        matches!(
            err,
            DecodeError::UnsupportedSchema {
                found: 7,
                supported: 1
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("version 7"));
}

#[test]
fn an_empty_or_foreign_document_is_refused() {
    assert!(matches!(
        discussion::read(&AutoCommit::new()),
        Err(DecodeError::WrongKind { .. })
    ));
    let mut doc = new_discussion();
    use automerge::transaction::Transactable;
    doc.put(automerge::ROOT, "held_on", "last tuesday").unwrap();
    assert!(matches!(
        discussion::read(&doc),
        Err(DecodeError::Malformed(_))
    ));
}

#[test]
fn random_bytes_are_not_a_document() {
    assert!(career_core::model::schema::load_bytes(b"not automerge at all").is_err());
}
