//! Backups: everything out, merged back in, and bad files refused.

mod common;

use career_core::model::people::{self, Person, RosterEdit};
use career_core::storage::backup::{missing_people, Backup, BackupError};
use career_core::AutoCommit;
use common::*;

const ID: &str = "0123456789abcdef0123456789abcdef";

fn roster_with(names: &[(&str, &str)]) -> AutoCommit {
    let mut doc = AutoCommit::new();
    people::create(&mut doc).unwrap();
    for (id, name) in names {
        people::apply(
            &mut doc,
            RosterEdit::AddPerson(Person {
                id: id.to_string(),
                name: name.to_string(),
                role: String::new(),
                team: String::new(),
                cadence_months: 12,
                archived: false,
                added_on: day("2026-01-01"),
            }),
        )
        .unwrap();
    }
    doc
}

#[test]
fn a_backup_round_trips_and_people_merge_person_by_person() {
    let laptop = roster_with(&[("p1", "Ada"), ("p2", "Ben")]);
    let mut backup = Backup::new(day("2026-11-26"));
    backup.add("roster", &laptop.clone().save());
    backup.add(&format!("d.{ID}"), &new_discussion().save());
    let json = backup.to_json();

    let docs = Backup::decode(json.as_bytes()).unwrap();
    assert_eq!(docs.len(), 2);
    let tablet = roster_with(&[("p3", "Cleo")]);
    let incoming = people::read(&docs.iter().find(|(n, _)| n == "roster").unwrap().1).unwrap();
    let missing = missing_people(&people::read(&tablet).unwrap(), &incoming);
    assert_eq!(
        missing.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Ada", "Ben"]
    );
}

#[test]
fn bad_backups_are_refused_before_anything_is_imported() {
    assert_eq!(
        Backup::decode(b"{not json").unwrap_err(),
        BackupError::NotABackup
    );
    assert_eq!(
        Backup::decode(
            br#"{"format":"other","version":1,"created_on":"2026-11-26","documents":{}}"#
        )
        .unwrap_err(),
        BackupError::NotABackup
    );
    assert_eq!(
        Backup::decode(br#"{"format":"career-talk/backup","version":9,"created_on":"2026-11-26","documents":{}}"#).unwrap_err(),
        BackupError::NewerVersion(9)
    );
    // A document under a name of the wrong kind, or garbage bytes.
    let mut b = Backup::new(day("2026-11-26"));
    b.add("roster", &new_discussion().save());
    assert!(matches!(
        Backup::decode(b.to_json().as_bytes()),
        Err(BackupError::Damaged { .. })
    ));
    let mut b = Backup::new(day("2026-11-26"));
    b.add(&format!("d.{ID}"), b"garbage");
    assert!(matches!(
        Backup::decode(b.to_json().as_bytes()),
        Err(BackupError::Damaged { .. })
    ));
    let mut b = Backup::new(day("2026-11-26"));
    b.add("../../etc/passwd", &new_discussion().save());
    assert!(matches!(
        Backup::decode(b.to_json().as_bytes()),
        Err(BackupError::Damaged { .. })
    ));
}
