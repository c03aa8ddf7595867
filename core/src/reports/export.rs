//! The shared record as Markdown (to read, mail or archive) and JSON (for other tools).
//! Only the shared discussion goes in: these take a [`Discussion`], never the prep.

use serde_json::{json, Value};

use crate::model::discussion::Discussion;
use crate::model::method::{AnswerField, Question};

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() {
        "—"
    } else {
        s.trim()
    }
}

pub fn markdown(d: &Discussion) -> String {
    let mut md = String::new();
    let when = d
        .held_on
        .map(|h| format!("held on {}", h.human()))
        .unwrap_or_else(|| format!("started {}, not held yet", d.created_on.human()));
    md.push_str(&format!("# Career discussion: {}\n\n", d.employee.name));
    md.push_str(&format!(
        "- Employee: {}{}\n- Leader: {}{}\n- {}\n\n",
        d.employee.name,
        if d.employee.role.is_empty() {
            String::new()
        } else {
            format!(", {}", d.employee.role)
        },
        or_dash(&d.manager.name),
        if d.manager.role.is_empty() {
            String::new()
        } else {
            format!(", {}", d.manager.role)
        },
        when
    ));
    md.push_str("## Conversation\n\n");
    for (n, q) in Question::ALL.into_iter().enumerate() {
        md.push_str(&format!(
            "### {}. {}\n\n*{}*\n\n",
            n + 1,
            q.title(),
            q.prompt()
        ));
        if q == Question::Willing {
            md.push_str(&format!(
                "**Answer:** {}\n\n",
                d.willing.map(|w| w.label()).unwrap_or("—")
            ));
        }
        md.push_str(or_dash(d.answers.get(AnswerField::of(q))));
        md.push_str("\n\n");
        if q == Question::NextAssignment {
            md.push_str(&format!(
                "**When:** {}\n\n",
                or_dash(d.answers.get(AnswerField::NextAssignmentTiming))
            ));
        }
        for v in d.views_for(q) {
            md.push_str(&format!(
                "> **{} ({}):** {}\n\n",
                whose_view(d),
                v.source.title(),
                v.text.as_str().trim().replace('\n', "\n> ")
            ));
        }
    }
    md.push_str("## Notes\n\n");
    md.push_str(or_dash(d.notes.as_str()));
    md.push_str("\n\n## Plan\n\n");
    md.push_str(&format!("- Development track: {}\n", d.track.label()));
    md.push_str(&format!(
        "- Readiness for the next assignment: {}\n\n",
        d.readiness.map(|r| r.label()).unwrap_or("—")
    ));
    if d.actions.is_empty() {
        md.push_str("No actions.\n");
    }
    for a in &d.actions {
        md.push_str(&format!(
            "- [{}] {} ({}{})\n",
            if a.done { "x" } else { " " },
            or_dash(a.text.as_str()),
            a.owner.name_in(d),
            a.due
                .map(|d| format!(", due {}", d.human()))
                .unwrap_or_default()
        ));
    }
    md
}

pub fn json(d: &Discussion) -> Value {
    let answers: serde_json::Map<String, Value> = AnswerField::ALL
        .into_iter()
        .map(|f| {
            (
                f.as_key().to_string(),
                Value::String(d.answers.get(f).to_string()),
            )
        })
        .collect();
    json!({
        "format": "career-talk/discussion",
        "schema": d.schema,
        "id": d.id,
        "employee": { "name": d.employee.name, "role": d.employee.role },
        "leader": { "name": d.manager.name, "role": d.manager.role },
        "created_on": d.created_on,
        "held_on": d.held_on,
        "answers": answers,
        "willing": d.willing.map(|w| format!("{w:?}")),
        "leader_views": d.leader_views.iter().map(|v| json!({
            "question": v.question.as_key(),
            "source": v.source.as_key(),
            "text": v.text.as_str(),
            "added_on": v.added_on,
        })).collect::<Vec<_>>(),
        "notes": d.notes.as_str(),
        "plan": {
            "track": format!("{:?}", d.track),
            "readiness": d.readiness.map(|r| format!("{r:?}")),
            "actions": d.actions.iter().map(|a| json!({
                "id": a.id,
                "text": a.text.as_str(),
                "owner": format!("{:?}", a.owner),
                "due": a.due,
                "done": a.done,
            })).collect::<Vec<_>>(),
        },
    })
}

/// "Anna Berg's view", or "Leader's view" for a record without the leader's name.
fn whose_view(d: &Discussion) -> String {
    match d.manager.name.trim() {
        "" => "Leader's view".into(),
        name => format!("{name}'s view"),
    }
}
