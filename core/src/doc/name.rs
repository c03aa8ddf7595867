//! A document's name: the people list, or a discussion's shared record, the leader's
//! preparation or the employee's reflection. Storage keys (`storage::keys`), handover files
//! and backups name documents this way.

use std::fmt;

use super::ids::is_valid_id;

/// A document's storage name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocName {
    Roster,
    Discussion(String),
    Prep(String),
    Reflection(String),
}

impl DocName {
    pub fn key(&self) -> String {
        match self {
            DocName::Roster => "roster".into(),
            DocName::Discussion(id) => format!("d.{id}"),
            DocName::Prep(id) => format!("p.{id}"),
            DocName::Reflection(id) => format!("r.{id}"),
        }
    }

    /// A storage name this app makes; `None` for anything else (including ids it did not
    /// make, so a name from outside can never point a key elsewhere).
    pub fn parse(name: &str) -> Option<DocName> {
        if name == "roster" {
            return Some(DocName::Roster);
        }
        let (kind, id) = name.split_once('.')?;
        if !is_valid_id(id) {
            return None;
        }
        let id = id.to_string();
        match kind {
            "d" => Some(DocName::Discussion(id)),
            "p" => Some(DocName::Prep(id)),
            "r" => Some(DocName::Reflection(id)),
            _ => None,
        }
    }

    /// The discussion a document belongs to (none for the roster).
    pub fn discussion_id(&self) -> Option<&str> {
        match self {
            DocName::Roster => None,
            DocName::Discussion(id) | DocName::Prep(id) | DocName::Reflection(id) => Some(id),
        }
    }
}

impl fmt::Display for DocName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}
