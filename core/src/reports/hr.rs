//! The record for HR: for each discussion both sides signed, the shared fields as they were
//! signed — never the leader's private preparation, never the employee's private drafts
//! (neither is in the discussion document), and never edits made after the signatures.
//! Only versions both parties' device keys signed reach it; the JSON carries the keys and
//! signatures, and [`verify`] checks a file without the app
//! (`cargo run -p career-core --example verify_hr_record -- record.json`).

use serde::{Deserialize, Serialize};

use crate::model::discussion::Discussion;
use crate::model::ids::{from_hex, to_hex};
use crate::model::method::Question;
use crate::model::people::Person;
use crate::model::trust::PublicKey;
pub use crate::share::signoff::answers;
use crate::share::signoff::{signed_content, signed_message, Signature, SignedContent};
use crate::{Day, Side};

/// One agreed discussion: `discussion` is the signed version.
#[derive(Clone, Debug)]
pub struct AgreedRecord {
    pub person: Person,
    pub discussion: Discussion,
    pub leader: Signature,
    pub employee: Signature,
}

#[derive(Serialize, Deserialize)]
struct JsonSignature {
    name: String,
    signed_on: Day,
    /// The signing device's public key, the heads of the signed version and the Ed25519
    /// signature (hex), as [`signed_message`] lays them out.
    key: String,
    heads: Vec<String>,
    signature: String,
}

#[derive(Serialize, Deserialize)]
struct JsonRecord {
    person: String,
    role: String,
    team: String,
    discussion_id: String,
    #[serde(flatten)]
    content: SignedContent,
    leader: JsonSignature,
    employee: JsonSignature,
}

fn json_signature(s: &Signature) -> JsonSignature {
    JsonSignature {
        name: s.name.clone(),
        signed_on: s.on,
        key: s.key.map(|k| k.to_hex()).unwrap_or_default(),
        heads: s.heads.iter().map(|h| to_hex(h.as_ref())).collect(),
        signature: to_hex(&s.signature),
    }
}

fn json_record(r: &AgreedRecord) -> JsonRecord {
    JsonRecord {
        person: r.person.name.clone(),
        role: r.person.role.clone(),
        team: r.person.team.clone(),
        discussion_id: r.discussion.id.clone(),
        content: signed_content(&r.discussion),
        leader: json_signature(&r.leader),
        employee: json_signature(&r.employee),
    }
}

pub fn json(records: &[AgreedRecord]) -> String {
    let list: Vec<JsonRecord> = records.iter().map(json_record).collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "format": "career-talk-hr-record",
        "version": 2,
        "records": list,
    }))
    .expect("plain data serializes")
}

/// One record of an HR file, as checked by [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRecord {
    pub person: String,
    pub discussion_id: String,
    pub leader: String,
    pub leader_key: String,
    pub employee: String,
    pub employee_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("this is not a Career Talk HR record (version 2): {0}")]
    NotARecord(String),
    #[error("record {index} ({person}): the {party}'s signature does not verify")]
    BadSignature {
        index: usize,
        person: String,
        party: &'static str,
    },
    #[error("record {index} ({person}): both signatures are made with the same key")]
    SameKey { index: usize, person: String },
}

/// Checks an HR record file without the app: every record's two signatures verify, with
/// the public keys the record carries, over the content as the record shows it. What this
/// proves: each party's device key signed exactly this content. That the keys belong to
/// the people named is what the two compared in the room (the safety code); HR can keep
/// the keys from an earlier record and check that they stay the same.
pub fn verify(json: &str) -> Result<Vec<CheckedRecord>, VerifyError> {
    #[derive(Deserialize)]
    struct File {
        format: String,
        version: u64,
        records: Vec<JsonRecord>,
    }
    let file: File =
        serde_json::from_str(json).map_err(|e| VerifyError::NotARecord(e.to_string()))?;
    if file.format != "career-talk-hr-record" || file.version != 2 {
        return Err(VerifyError::NotARecord(format!(
            "format {:?} version {}",
            file.format, file.version
        )));
    }
    let mut out = vec![];
    for (index, r) in file.records.iter().enumerate() {
        let digest = r.content.digest();
        let check = |s: &JsonSignature, party: Side| -> Result<(), VerifyError> {
            let key = PublicKey::from_hex(&s.key);
            let sig = from_hex(&s.signature).unwrap_or_default();
            let message = signed_message(
                &r.discussion_id,
                party,
                &s.name,
                s.signed_on,
                &s.heads,
                &digest,
            );
            match key {
                Some(k) if !s.heads.is_empty() && k.verifies(&message, &sig) => Ok(()),
                _ => Err(VerifyError::BadSignature {
                    index: index + 1,
                    person: r.person.clone(),
                    party: match party {
                        Side::Leader => "leader",
                        Side::Employee => "employee",
                    },
                }),
            }
        };
        check(&r.leader, Side::Leader)?;
        check(&r.employee, Side::Employee)?;
        if PublicKey::from_hex(&r.leader.key) == PublicKey::from_hex(&r.employee.key) {
            return Err(VerifyError::SameKey {
                index: index + 1,
                person: r.person.clone(),
            });
        }
        out.push(CheckedRecord {
            person: r.person.clone(),
            discussion_id: r.discussion_id.clone(),
            leader: r.leader.name.clone(),
            leader_key: r.leader.key.clone(),
            employee: r.employee.name.clone(),
            employee_key: r.employee.key.clone(),
        });
    }
    Ok(out)
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
    // "Willing" has a value (the column above) and notes: the notes' column says so.
    header.extend(Question::ALL.into_iter().map(|q| match q {
        Question::Willing => format!("{} (notes)", q.title()),
        _ => q.title().to_string(),
    }));
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
                        a.owner.name_in(d),
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
