//! What the leader takes out of the app about their team: calendar reminders, the team
//! picture and the record for HR. All computed here, on the device.

use career_core::discussion::Discussion;
use career_core::ics;
use leptos::prelude::*;

use super::AppState;
use crate::infra::{clock, download};

impl AppState {
    /// The readable discussions of the given people (all people when `None`), newest first
    /// per person. Damaged ones are left out (the person page flags them).
    pub fn discussions_of(&self, person_ids: Option<&[String]>) -> Vec<Discussion> {
        let ids: Vec<(String, String)> = self.index.with_untracked(|i| {
            i.discussions
                .iter()
                .filter(|(_, e)| person_ids.is_none_or(|p| p.contains(&e.person_id)))
                .map(|(id, e)| (id.clone(), e.person_id.clone()))
                .collect()
        });
        ids.into_iter()
            .filter_map(|(id, _)| self.discussion(&id).ok())
            .collect()
    }

    /// The people the calendar, team picture and HR record cover: everyone not archived.
    pub fn active_people(&self) -> Vec<String> {
        self.roster.with_untracked(|r| {
            r.as_ref()
                .map(|r| {
                    r.people
                        .iter()
                        .filter(|p| !p.archived)
                        .map(|p| p.id.clone())
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// Downloads an .ics file with the next discussion of each person in `person_ids`, and
    /// the due dates of their open actions when `with_actions`.
    pub fn download_calendar(&self, person_ids: &[String], with_actions: bool, filename: &str) {
        let Ok(roster) = self.roster.get_untracked() else {
            self.error.set(Some(
                "Your people list cannot be read, so there is no calendar to make.".into(),
            ));
            return;
        };
        let mut events = self
            .index
            .with_untracked(|i| ics::next_discussions(&roster, i, person_ids, self.today()));
        if with_actions {
            events.extend(ics::action_dues(&self.discussions_of(Some(person_ids))));
        }
        let file = ics::calendar(&events, clock::now_secs());
        if let Err(e) = download::download(filename, file.as_bytes(), "text/calendar") {
            self.error.set(Some(e));
        }
    }
}
