//! The people a manager talks with, and who the manager is: the *roster* document.
//!
//! Merge behaviour: people are list items keyed by id, so two devices adding people
//! concurrently keep both. Name, role, team, cadence and archived are single-valued
//! registers: a concurrent rename keeps one value (the other remains an Automerge conflict).

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};

use crate::error::{DecodeError, EditError};
use crate::model::am::{find_item, obj_at, push_item, set_value};
use crate::model::date::Day;
use crate::model::schema::{decode, SCHEMA_VERSION};

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

/// A short text of the people list that people type into. These are single values (a
/// rename on two devices keeps one), so a splice is applied to the current value and the
/// result written as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RosterText {
    Name(String),
    Role(String),
    Team(String),
    ManagerName,
    ManagerRole,
}

impl Roster {
    /// The current value of a text, or `None` for a person this list does not have.
    pub fn text(&self, field: &RosterText) -> Option<&str> {
        let person = |id: &str| self.person(id);
        Some(match field {
            RosterText::Name(id) => &person(id)?.name,
            RosterText::Role(id) => &person(id)?.role,
            RosterText::Team(id) => &person(id)?.team,
            RosterText::ManagerName => &self.manager.name,
            RosterText::ManagerRole => &self.manager.role,
        })
    }
}

impl RosterText {
    /// The edit that sets this text to `value`.
    pub fn set(&self, value: String) -> RosterEdit {
        match self.clone() {
            RosterText::Name(id) => RosterEdit::Name { id, name: value },
            RosterText::Role(id) => RosterEdit::Role { id, role: value },
            RosterText::Team(id) => RosterEdit::Team { id, team: value },
            RosterText::ManagerName => RosterEdit::ManagerName(value),
            RosterText::ManagerRole => RosterEdit::ManagerRole(value),
        }
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
    // The people list is read at every start-up. Reading it property by property (as
    // `decode` does) costs a seek in Automerge's column store per property, four times as
    // long for a team of 100 as one pass over the document (`hydrate`) and a conversion.
    // Anything the conversion does not recognise exactly is read the careful way, which
    // also explains what is wrong.
    match read_fast(doc) {
        Some(roster) => Ok(roster),
        None => decode(doc, KIND),
    }
}

/// The roster from one pass over the document, or `None` when any part of it is not the
/// exact shape [`reconcile`](autosurgeon::reconcile) writes.
pub(crate) fn read_fast(doc: &AutoCommit) -> Option<Roster> {
    use automerge::hydrate::{Map, Value};
    use automerge::{ReadDoc, ScalarValue};
    let Ok(Value::Map(root)) = doc.hydrate(automerge::ROOT, None) else {
        return None;
    };
    let text = |m: &Map, key: &str| match m.get(key)? {
        Value::Scalar(ScalarValue::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    let uint = |m: &Map, key: &str| match m.get(key)? {
        Value::Scalar(ScalarValue::Uint(n)) => Some(*n),
        _ => None,
    };
    fn map(v: &Value) -> Option<&Map> {
        match v {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    if text(&root, "kind")? != KIND || uint(&root, "schema")? != SCHEMA_VERSION {
        return None;
    }
    let manager = map(root.get("manager")?)?;
    let Value::List(list) = root.get("people")? else {
        return None;
    };
    let mut people = Vec::with_capacity(list.len());
    for item in list.iter() {
        let p = map(&item.value)?;
        people.push(Person {
            id: text(p, "id")?,
            name: text(p, "name")?,
            role: text(p, "role")?,
            team: text(p, "team")?,
            cadence_months: uint(p, "cadence_months")?,
            archived: match p.get("archived")? {
                Value::Scalar(ScalarValue::Boolean(b)) => *b,
                _ => return None,
            },
            added_on: text(p, "added_on")?.parse().ok()?,
        });
    }
    Some(Roster {
        kind: KIND.to_string(),
        schema: SCHEMA_VERSION,
        manager: Participant {
            name: text(manager, "name")?,
            role: text(manager, "role")?,
        },
        people,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ReadDoc};

    fn roster() -> AutoCommit {
        let mut doc = AutoCommit::new().with_actor(ActorId::from(&[1u8; 16][..]));
        create(&mut doc).unwrap();
        apply(&mut doc, RosterEdit::ManagerName("Zoë 👩🏽‍💻 Lund".into())).unwrap();
        for i in 0..30u64 {
            let person = Person {
                id: format!("{i:032x}"),
                name: format!("naïve — 日本 {i}"),
                role: if i % 2 == 0 {
                    "Engineer".into()
                } else {
                    String::new()
                },
                team: "Platform".into(),
                cadence_months: if i % 3 == 0 { 6 } else { 12 },
                archived: i % 5 == 0,
                added_on: Day::new(2025, 6, 1).unwrap(),
            };
            apply(&mut doc, RosterEdit::AddPerson(person)).unwrap();
            doc.commit();
        }
        doc
    }

    #[test]
    fn one_pass_reads_what_property_by_property_reads() {
        let mut doc = roster();
        // A concurrent rename on two devices: both ways show the same winner.
        let mut other = doc.fork().with_actor(ActorId::from(&[2u8; 16][..]));
        let id = format!("{:032x}", 3);
        let rename = |name: &str| RosterEdit::Name {
            id: id.clone(),
            name: name.into(),
        };
        apply(&mut doc, rename("Sam")).unwrap();
        apply(&mut other, rename("Samuel")).unwrap();
        doc.merge(&mut other).unwrap();
        let fast = read_fast(&doc).expect("the shape reconcile writes");
        let careful: Roster = decode(&doc, KIND).unwrap();
        assert_eq!(fast, careful);
        assert_eq!(fast.people.len(), 30);
        assert_eq!(fast.manager.name, "Zoë 👩🏽‍💻 Lund");
    }

    #[test]
    fn any_other_shape_is_read_the_careful_way() {
        let people = |doc: &AutoCommit| doc.get(automerge::ROOT, "people").unwrap().unwrap().1;
        let first = |doc: &AutoCommit| doc.get(people(doc), 0).unwrap().unwrap().1;
        type Change = fn(&mut AutoCommit, &automerge::ObjId);
        let odd: [(&str, Change); 4] = [
            ("a cadence stored as a signed number", |d, p| {
                d.put(p, "cadence_months", 12_i64).unwrap()
            }),
            ("a date that is not one", |d, p| {
                d.put(p, "added_on", "2025-13-45").unwrap()
            }),
            ("a name as text", |d, p| {
                d.put_object(p, "name", automerge::ObjType::Text).unwrap();
            }),
            ("a missing team", |d, p| d.delete(p, "team").unwrap()),
        ];
        for (what, change) in odd {
            let mut doc = roster();
            let person = first(&doc);
            change(&mut doc, &person);
            assert!(read_fast(&doc).is_none(), "{what}");
            // `read` gives what the careful way gives, value or error.
            let careful: Result<Roster, DecodeError> = decode(&doc, KIND);
            assert_eq!(
                read(&doc).map_err(|e| e.to_string()),
                careful.map_err(|e| e.to_string()),
                "{what}"
            );
        }
        let mut newer = roster();
        newer.put(automerge::ROOT, "schema", 2_u64).unwrap();
        assert!(read_fast(&newer).is_none());
        assert!(read(&newer).is_err());
    }
}
