//! Signing the agreed record (see `career_core::signoff`).

use career_core::discussion::Discussion;
use career_core::index::discussion_name;
use career_core::local::Perspective;
use career_core::signoff::{self, Party, SignOff};

use leptos::prelude::*;

use super::app_state::describe;
use super::AppState;

impl AppState {
    /// Which party this device signs for.
    pub fn party(&self, id: &str) -> Party {
        match self.perspective(id) {
            Perspective::Leader => Party::Leader,
            Perspective::Employee => Party::Employee,
        }
    }

    /// The name a party signs with: the names the record carries (the leader's from the
    /// people list on the leader's device, where it can be newer).
    pub fn signer_name(&self, d: &Discussion, party: Party) -> String {
        let name = match party {
            Party::Employee => d.employee.name.clone(),
            Party::Leader if self.perspective(&d.id) == Perspective::Leader => {
                Some(self.manager().name)
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| d.manager.name.clone())
            }
            Party::Leader => d.manager.name.clone(),
        };
        if name.trim().is_empty() {
            match party {
                Party::Leader => "The leader".into(),
                Party::Employee => "The employee".into(),
            }
        } else {
            name
        }
    }

    pub fn sign_off(&self, id: &str) -> Result<SignOff, String> {
        self.repo
            .try_update_value(|r| {
                let stored = r
                    .doc_same_values(&discussion_name(id))
                    .map_err(|e| describe(&e))?;
                signoff::status(&mut stored.doc).map_err(|e| e.to_string())
            })
            .unwrap_or_else(|| Err("the app is shutting down".into()))
    }

    /// Signs the record as it is now, for this device's party.
    pub fn sign(&self, id: &str) {
        let party = self.party(id);
        let today = self.today();
        // The name first: reading the device's settings needs the documents unlocked.
        let result = self.discussion(id).and_then(|d| {
            let name = self.signer_name(&d, party);
            self.change_discussion(id, |doc| {
                signoff::sign(doc, party, &name, today).map_err(|e| e.to_string())?;
                Ok((true, ()))
            })
        });
        match result {
            Ok(()) => self.flush(),
            Err(e) => self.error.set(Some(format!("Could not sign: {e}"))),
        }
    }
}
