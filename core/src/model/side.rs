//! The two people a discussion is between. One vocabulary for whose device this is, who a
//! package is for, who is present in a live session and who signed.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// A side of a career discussion. Serialised as `"Leader"` / `"Employee"` (the names the
/// per-device metadata has always used).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Reconcile,
    Hydrate,
)]
pub enum Side {
    /// The manager: has the private preparation, shares with the employee.
    #[default]
    Leader,
    /// The employee: has a private reflection, sends changes back.
    Employee,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::Leader, Side::Employee];

    pub fn other(self) -> Side {
        match self {
            Side::Leader => Side::Employee,
            Side::Employee => Side::Leader,
        }
    }

    /// Lower-case word for sentences and wire formats: "leader" / "employee".
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Leader => "leader",
            Side::Employee => "employee",
        }
    }

    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "leader" => Some(Side::Leader),
            "employee" => Some(Side::Employee),
            _ => None,
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
