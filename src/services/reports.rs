//! What the leader takes out of the app about their team: calendar reminders, the team
//! picture's data and the record for HR. All computed here, on the device; reading only.

use career_core::model::discussion::Discussion;
use career_core::reports::file_names;
use career_core::reports::{hr, ics};
use career_core::share::signoff::State;
use career_core::Day;

use super::docs::DocStore;
use super::messages::Messages;
use crate::infra::{clock, download};

/// What the HR record covers: agreed discussions, and those left out with the reason.
#[derive(Clone, Debug, Default)]
pub struct HrOverview {
    pub records: Vec<hr::AgreedRecord>,
    /// Person, discussion date, why it is not in the record.
    pub left_out: Vec<(String, Day, String)>,
}

#[derive(Clone, Copy)]
pub struct Reports {
    docs: DocStore,
    messages: Messages,
}

impl Reports {
    pub fn new(docs: DocStore, messages: Messages) -> Reports {
        Reports { docs, messages }
    }

    /// The readable discussions of the given people (all people when `None`). Damaged ones
    /// are left out (the person page flags them).
    pub fn discussions_of(&self, person_ids: Option<&[String]>) -> Vec<Discussion> {
        let ids: Vec<String> = self
            .docs
            .index()
            .discussions
            .iter()
            .filter(|(_, e)| person_ids.is_none_or(|p| p.contains(&e.person_id)))
            .map(|(id, _)| id.clone())
            .collect();
        ids.into_iter()
            .filter_map(|id| self.docs.discussion(&id).ok())
            .collect()
    }

    /// The people the calendar, team picture and HR record cover: everyone not archived.
    pub fn active_people(&self) -> Vec<String> {
        self.docs
            .roster()
            .map(|r| {
                r.people
                    .iter()
                    .filter(|p| !p.archived)
                    .map(|p| p.id.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Downloads an .ics file with the next discussion of each person in `person_ids`, and
    /// the due dates of their open actions when `with_actions`.
    pub fn download_calendar(&self, person_ids: &[String], with_actions: bool, filename: &str) {
        let Ok(roster) = self.docs.roster() else {
            self.messages
                .problem("Your people list cannot be read, so there is no calendar to make.");
            return;
        };
        let index = self.docs.index();
        let mut events = ics::next_discussions(&roster, &index, person_ids, clock::today());
        if with_actions {
            events.extend(ics::action_dues(&self.discussions_of(Some(person_ids))));
        }
        let file = ics::calendar(&events, clock::now_secs());
        self.messages.check(
            "The calendar could not be made",
            download::download(filename, file.as_bytes(), "text/calendar"),
        );
    }

    pub fn hr_overview(&self) -> HrOverview {
        let Ok(roster) = self.docs.roster() else {
            return HrOverview::default();
        };
        let entries: Vec<_> = self
            .docs
            .index()
            .discussions
            .into_iter()
            .filter(|(_, e)| !e.shared_with_me)
            .collect();
        let mut out = HrOverview::default();
        for (id, entry) in entries {
            let Some(person) = roster.person(&entry.person_id).cloned() else {
                continue;
            };
            let why = match self.docs.agreed_version(&id) {
                Ok((_, Some((discussion, status)))) => {
                    if let (Some(leader), Some(employee)) = (status.leader, status.employee) {
                        out.records.push(hr::AgreedRecord {
                            person,
                            discussion,
                            leader,
                            employee,
                        });
                    }
                    continue;
                }
                Ok((status, None)) => match status.state {
                    // Signed, but the codes were not compared yet on this device.
                    _ if [&status.leader, &status.employee]
                        .into_iter()
                        .flatten()
                        .any(|s| s.check.is_pending()) =>
                    {
                        "signed, but the safety code was not compared yet on this device"
                            .to_string()
                    }
                    State::Unsigned if status.leader.is_some() || status.employee.is_some() => {
                        "its signatures are not verified".to_string()
                    }
                    State::Unsigned => "not signed yet".to_string(),
                    // A signature that does not verify never reaches HR; say why.
                    State::Waiting { waiting_for, .. } => match status.of(waiting_for) {
                        Some(sig) if !sig.check.is_verified() => {
                            format!("the {waiting_for}'s signature is not verified")
                        }
                        _ => format!("waiting for the {waiting_for} to sign"),
                    },
                    State::Agreed { .. } => "agreed".to_string(),
                },
                Err(e) => format!("cannot be read ({e})"),
            };
            out.left_out.push((person.name.clone(), entry.date(), why));
        }
        let newest_first = |r: &hr::AgreedRecord| {
            std::cmp::Reverse(r.discussion.held_on.unwrap_or(r.discussion.created_on))
        };
        out.records.sort_by(|a, b| {
            (a.person.name.as_str(), newest_first(a))
                .cmp(&(b.person.name.as_str(), newest_first(b)))
        });
        out.left_out.sort();
        out
    }

    pub fn download_hr(&self, as_csv: bool) {
        let records = self.hr_overview().records;
        let today = clock::today();
        let (name, body, mime) = if as_csv {
            (file_names::hr(today, true), hr::csv(&records), "text/csv")
        } else {
            (
                file_names::hr(today, false),
                hr::json(&records),
                "application/json",
            )
        };
        self.messages.check(
            "The record could not be downloaded",
            download::download(&name, body.as_bytes(), mime),
        );
    }
}
