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

/// What the HR record covers: agreed discussions, and those left out with the reason.
#[derive(Clone, Debug, Default)]
pub struct HrOverview {
    pub records: Vec<career_core::hr::AgreedRecord>,
    /// Person, discussion date, why it is not in the record.
    pub left_out: Vec<(String, career_core::Day, String)>,
}

impl AppState {
    pub fn hr_overview(&self) -> HrOverview {
        use career_core::index::discussion_name;
        use career_core::signoff::{self, Party, State};
        let Ok(roster) = self.roster.get_untracked() else {
            return HrOverview::default();
        };
        let entries: Vec<(String, career_core::index::IndexEntry)> =
            self.index.with_untracked(|i| {
                i.discussions
                    .iter()
                    .filter(|(_, e)| !e.shared_with_me)
                    .map(|(id, e)| (id.clone(), e.clone()))
                    .collect()
            });
        let mut out = HrOverview::default();
        for (id, entry) in entries {
            let Some(person) = roster.person(&entry.person_id).cloned() else {
                continue;
            };
            let result = self.repo.try_update_value(|r| {
                let stored = r
                    .doc_same_values(&discussion_name(&id))
                    .map_err(|e| e.to_string())?;
                let status = signoff::status(&mut stored.doc).map_err(|e| e.to_string())?;
                let agreed = signoff::agreed_version(&mut stored.doc).map_err(|e| e.to_string())?;
                Ok::<_, String>((status, agreed))
            });
            let why = match result {
                Some(Ok((_, Some((discussion, status))))) => {
                    if let (Some(leader), Some(employee)) = (status.leader, status.employee) {
                        out.records.push(career_core::hr::AgreedRecord {
                            person,
                            discussion,
                            leader,
                            employee,
                        });
                    }
                    continue;
                }
                Some(Ok((status, None))) => match status.state {
                    State::Unsigned => "not signed yet".to_string(),
                    State::Waiting { waiting_for, .. } => format!(
                        "waiting for the {} to sign",
                        if waiting_for == Party::Leader {
                            "leader"
                        } else {
                            "employee"
                        }
                    ),
                    State::Agreed { .. } => "agreed".to_string(),
                },
                Some(Err(e)) => format!("cannot be read ({e})"),
                None => continue,
            };
            out.left_out.push((person.name.clone(), entry.date(), why));
        }
        out.records.sort_by(|a, b| {
            (
                a.person.name.as_str(),
                std::cmp::Reverse(a.discussion.held_on.unwrap_or(a.discussion.created_on)),
            )
                .cmp(&(
                    b.person.name.as_str(),
                    std::cmp::Reverse(b.discussion.held_on.unwrap_or(b.discussion.created_on)),
                ))
        });
        out.left_out.sort();
        out
    }

    pub fn download_hr(&self, as_csv: bool) {
        let records = self.hr_overview().records;
        let today = self.today();
        let (name, body, mime) = if as_csv {
            (
                format!("career-talk-hr-{today}.csv"),
                career_core::hr::csv(&records),
                "text/csv",
            )
        } else {
            (
                format!("career-talk-hr-{today}.json"),
                career_core::hr::json(&records),
                "application/json",
            )
        };
        if let Err(e) = download::download(&name, body.as_bytes(), mime) {
            self.error.set(Some(e));
        }
    }
}
