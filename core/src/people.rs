//! The people a manager talks with, and who the manager is: the *roster* document.
//!
//! Merge behaviour: people are list items keyed by id, so two devices adding people
//! concurrently keep both. Name, role, team, cadence and archived are single-valued
//! registers: a concurrent rename keeps one value (the other remains an Automerge conflict).

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};

use crate::am::{find_item, obj_at, push_item, set_value};
use crate::date::Day;
use crate::error::{DecodeError, EditError};
use crate::schema::{decode, SCHEMA_VERSION};

pub const KIND: &str = "career-talk/roster";

/// Someone taking part in a discussion, as they are named in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Participant {
    pub name: String,
    pub role: String,
}

/// How often career discussions are held with a person.
pub const CADENCES: [u8; 2] = [12, 6];

#[derive(Clone, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub struct Person {
    #[key]
    pub id: String,
    pub name: String,
    pub role: String,
    pub team: String,
    /// Months between discussions: 12 (yearly) or 6.
    pub cadence_months: u64,
    pub archived: bool,
    pub added_on: Day,
}

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Roster {
    pub kind: String,
    pub schema: u64,
    /// The leader using this device.
    pub manager: Participant,
    pub people: Vec<Person>,
}

impl Roster {
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }
}

pub enum RosterEdit {
    AddPerson(Person),
    Name { id: String, name: String },
    Role { id: String, role: String },
    Team { id: String, team: String },
    Cadence { id: String, months: u8 },
    Archived { id: String, archived: bool },
    ManagerName(String),
    ManagerRole(String),
}

#[derive(Debug, thiserror::Error)]
pub enum PersonError {
    #[error("a name is needed")]
    EmptyName,
    #[error("cadence must be every 6 or every 12 months")]
    Cadence,
}

/// Trims and checks user input for a person before it reaches the document.
pub fn validate_person(name: &str, cadence_months: u8) -> Result<String, PersonError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(PersonError::EmptyName);
    }
    if !CADENCES.contains(&cadence_months) {
        return Err(PersonError::Cadence);
    }
    Ok(name.to_string())
}

pub fn create(doc: &mut AutoCommit) -> Result<(), EditError> {
    autosurgeon::reconcile(
        doc,
        Roster {
            kind: KIND.into(),
            schema: SCHEMA_VERSION,
            manager: Participant::default(),
            people: vec![],
        },
    )?;
    Ok(())
}

pub fn read(doc: &AutoCommit) -> Result<Roster, DecodeError> {
    decode(doc, KIND)
}

pub fn apply(doc: &mut AutoCommit, edit: RosterEdit) -> Result<bool, EditError> {
    let person = |doc: &AutoCommit, id: &str| {
        let list = obj_at(doc, &["people"])?;
        find_item(doc, &list, id).map(|(_, obj)| obj)
    };
    match edit {
        RosterEdit::AddPerson(p) => {
            push_item(doc, &["people"], &p)?;
            Ok(true)
        }
        RosterEdit::Name { id, name } => {
            let obj = person(doc, &id)?;
            set_value(doc, &obj, "name", &name)
        }
        RosterEdit::Role { id, role } => {
            let obj = person(doc, &id)?;
            set_value(doc, &obj, "role", &role)
        }
        RosterEdit::Team { id, team } => {
            let obj = person(doc, &id)?;
            set_value(doc, &obj, "team", &team)
        }
        RosterEdit::Cadence { id, months } => {
            let obj = person(doc, &id)?;
            set_value(doc, &obj, "cadence_months", &(months as u64))
        }
        RosterEdit::Archived { id, archived } => {
            let obj = person(doc, &id)?;
            set_value(doc, &obj, "archived", &archived)
        }
        RosterEdit::ManagerName(name) => {
            let obj = obj_at(doc, &["manager"])?;
            set_value(doc, &obj, "name", &name)
        }
        RosterEdit::ManagerRole(role) => {
            let obj = obj_at(doc, &["manager"])?;
            set_value(doc, &obj, "role", &role)
        }
    }
}
