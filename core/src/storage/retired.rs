//! The live rooms this device ended: their links no longer join. Stored under
//! [`StorageKey::RetiredRooms`](super::keys::StorageKey::RetiredRooms) as the rooms'
//! subjects joined by commas (the format earlier versions wrote).

use std::collections::BTreeSet;

/// The subjects of the rooms this device ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetiredRooms(BTreeSet<String>);

impl RetiredRooms {
    /// Reads the stored list; `None` (nothing stored) is no room.
    pub fn parse(stored: Option<&str>) -> RetiredRooms {
        RetiredRooms(
            stored
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        )
    }

    pub fn contains(&self, subject: &str) -> bool {
        self.0.contains(subject)
    }

    /// Adds a room; false when it was there already.
    pub fn retire(&mut self, subject: &str) -> bool {
        self.0.insert(subject.to_string())
    }

    /// What to store.
    pub fn to_stored(&self) -> String {
        self.0.iter().cloned().collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retired_room_is_known_again_after_storing_and_no_other_is() {
        let mut rooms = RetiredRooms::parse(None);
        assert!(!rooms.contains("ctl.abc"));
        assert!(rooms.retire("ctl.abc"));
        assert!(!rooms.retire("ctl.abc"));
        rooms.retire("ctl.def");
        let again = RetiredRooms::parse(Some(&rooms.to_stored()));
        assert!(again.contains("ctl.abc") && again.contains("ctl.def"));
        // A subject that is part of another's is not that room.
        assert!(!again.contains("ctl.ab"));
        assert!(!again.contains(""));
        // What earlier versions stored reads the same.
        assert_eq!(RetiredRooms::parse(Some("ctl.abc,ctl.def")), again);
    }
}
