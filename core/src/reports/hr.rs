//! The record for HR: for each discussion both sides signed, the shared fields as they were
//! signed — never the leader's private preparation, never the employee's private drafts
//! (neither is in the discussion document), and never edits made after the signatures.

use serde::Serialize;

use crate::model::discussion::Discussion;
use crate::model::method::{AnswerField, Question};
use crate::model::people::Person;
use crate::model::signoff::Signature;
use crate::Day;

/// One agreed discussion: `discussion` is the signed version.
#[derive(Clone, Debug)]
pub struct AgreedRecord {
    pub person: Person,
    pub discussion: Discussion,
    pub leader: Signature,
    pub employee: Signature,
}

#[derive(Serialize)]
struct JsonAction {
    text: String,
    owner: &'static str,
    due: Option<Day>,
    done: bool,
}

#[derive(Serialize)]
struct JsonSignature {
    name: String,
    signed_on: Day,
}

#[derive(Serialize)]
struct JsonRecord {
    person: String,
    role: String,
    team: String,
    discussion_started: Day,
    held_on: Option<Day>,
    leader: JsonSignature,
    employee: JsonSignature,
    answers: Vec<(String, String)>,
    willing: Option<&'static str>,
    leader_views: Vec<(String, String)>,
    notes: String,
    track: &'static str,
    readiness: Option<&'static str>,
    actions: Vec<JsonAction>,
}

/// The answers in the method's order, with their questions.
pub fn answers(d: &Discussion) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Question::ALL
        .into_iter()
        .map(|q| {
            (
                q.title().to_string(),
                d.answers.get(AnswerField::of(q)).to_string(),
            )
        })
        .collect();
    out.push((
        "Timing of the next assignment".into(),
        d.answers.get(AnswerField::NextAssignmentTiming).to_string(),
    ));
    out
}

fn json_record(r: &AgreedRecord) -> JsonRecord {
    let d = &r.discussion;
    JsonRecord {
        person: r.person.name.clone(),
        role: r.person.role.clone(),
        team: r.person.team.clone(),
        discussion_started: d.created_on,
        held_on: d.held_on,
        leader: JsonSignature {
            name: r.leader.name.clone(),
            signed_on: r.leader.on,
        },
        employee: JsonSignature {
            name: r.employee.name.clone(),
            signed_on: r.employee.on,
        },
        answers: answers(d),
        willing: d.willing.map(|w| w.label()),
        leader_views: d
            .leader_views
            .iter()
            .map(|v| (v.question.title().to_string(), v.text.as_str().to_string()))
            .collect(),
        notes: d.notes.as_str().to_string(),
        track: d.track.label(),
        readiness: d.readiness.map(|r| r.label()),
        actions: d
            .actions
            .iter()
            .map(|a| JsonAction {
                text: a.text.as_str().to_string(),
                owner: a.owner.label(),
                due: a.due,
                done: a.done,
            })
            .collect(),
    }
}

pub fn json(records: &[AgreedRecord]) -> String {
    let list: Vec<JsonRecord> = records.iter().map(json_record).collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "format": "career-talk-hr-record",
        "version": 1,
        "records": list,
    }))
    .expect("plain data serializes")
}

/// One CSV field: quoted, and one that a spreadsheet would read as a formula made inert: a
/// leading `=`, `+`, `-`, `@` (also after spaces, and their full-width forms), tab or
/// carriage return.
fn field(s: &str) -> String {
    const FORMULA: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];
    let inert = if s.starts_with(['\t', '\r']) || s.trim_start().starts_with(FORMULA) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", inert.replace('"', "\"\""))
}

/// One row per agreed discussion (RFC 4180: CRLF line ends, every field quoted).
pub fn csv(records: &[AgreedRecord]) -> String {
    let mut header: Vec<String> = [
        "Person",
        "Role",
        "Team",
        "Held on",
        "Leader",
        "Leader signed on",
        "Employee",
        "Employee signed on",
        "Development track",
        "Readiness",
        "Willing to do what it takes",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(Question::ALL.into_iter().map(|q| q.title().to_string()));
    header.push("Timing of the next assignment".into());
    header.extend(["Leader's views", "Notes", "Actions"].map(String::from));
    let mut out = header
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for r in records {
        let d = &r.discussion;
        let mut row = vec![
            r.person.name.clone(),
            r.person.role.clone(),
            r.person.team.clone(),
            d.held_on.map(|h| h.to_string()).unwrap_or_default(),
            r.leader.name.clone(),
            r.leader.on.to_string(),
            r.employee.name.clone(),
            r.employee.on.to_string(),
            d.track.label().to_string(),
            d.readiness.map(|x| x.label()).unwrap_or("").to_string(),
            d.willing.map(|w| w.label()).unwrap_or("").to_string(),
        ];
        row.extend(answers(d).into_iter().map(|(_, a)| a));
        row.push(
            d.leader_views
                .iter()
                .map(|v| format!("{}: {}", v.question.title(), v.text.as_str()))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        row.push(d.notes.as_str().to_string());
        row.push(
            d.actions
                .iter()
                .map(|a| {
                    format!(
                        "{} ({}{}, {})",
                        a.text.as_str(),
                        a.owner.label(),
                        a.due.map(|d| format!(", due {d}")).unwrap_or_default(),
                        if a.done { "done" } else { "open" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        );
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn formulas_are_inert_however_they_start() {
        for formula in [
            "=1+1",
            " =1+1",
            "\u{3000}=1",
            "＝1+1",
            "+1",
            "－1",
            "@SUM(A1)",
            "\t=1",
        ] {
            assert!(
                field(formula).starts_with("\"'"),
                "{formula:?} → {}",
                field(formula)
            );
        }
        assert_eq!(field("Calm, \"clear\""), "\"Calm, \"\"clear\"\"\"");
        assert_eq!(field("a = b"), "\"a = b\"");
    }
}
