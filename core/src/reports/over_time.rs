//! Year over year: two of a person's discussions side by side — aspirations, strengths,
//! development areas, next assignment, track and readiness — with the words that differ
//! marked, and what became of the earlier discussion's actions.

use crate::model::discussion::{Action, Discussion};
use crate::model::method::AnswerField;

/// A run of words: unchanged, or only on this side (removed from the earlier text, or new
/// in the later one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub changed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub label: &'static str,
    pub earlier: Vec<Run>,
    pub later: Vec<Run>,
    pub same: bool,
}

/// Past this many characters a word diff is not attempted; the whole text is marked.
const DIFF_LIMIT: usize = 40_000;

fn runs(earlier: &str, later: &str) -> (Vec<Run>, Vec<Run>) {
    fn push(v: &mut Vec<Run>, text: &str, changed: bool) {
        match v.last_mut() {
            Some(last) if last.changed == changed => last.text.push_str(text),
            _ => v.push(Run {
                text: text.to_string(),
                changed,
            }),
        }
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    if earlier.len() + later.len() > DIFF_LIMIT {
        push(&mut a, earlier, earlier != later);
        push(&mut b, later, earlier != later);
        return (a, b);
    }
    let (ta, tb) = (tokens(earlier), tokens(later));
    for c in similar::TextDiff::from_slices(&ta, &tb).iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Equal => {
                push(&mut a, c.value(), false);
                push(&mut b, c.value(), false);
            }
            similar::ChangeTag::Delete => push(&mut a, c.value(), true),
            similar::ChangeTag::Insert => push(&mut b, c.value(), true),
        }
    }
    (a, b)
}

/// Words, runs of spaces, and each punctuation mark on its own: "incidents;" and
/// "incidents" share the word.
fn tokens(s: &str) -> Vec<&str> {
    let class = |c: char| {
        if c.is_alphanumeric() {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut last = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        if i > start && (Some(k) != last || k == 2) {
            out.push(&s[start..i]);
            start = i;
        }
        last = Some(k);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn row(label: &'static str, earlier: &str, later: &str) -> Row {
    // An answer not given is no answer that changed: the other is shown as it is, unmarked.
    let (e, l) = if earlier.trim().is_empty() || later.trim().is_empty() {
        let plain = |t: &str| {
            (!t.is_empty())
                .then(|| Run {
                    text: t.to_string(),
                    changed: false,
                })
                .into_iter()
                .collect()
        };
        (plain(earlier), plain(later))
    } else {
        runs(earlier, later)
    };
    Row {
        label,
        earlier: e,
        later: l,
        same: earlier == later,
    }
}

pub fn compare(earlier: &Discussion, later: &Discussion) -> Vec<Row> {
    let text = |d: &Discussion, f: AnswerField| d.answers.get(f).to_string();
    let fields = [
        ("Short-term aspirations", AnswerField::ShortTerm),
        ("Longer-term aspirations", AnswerField::LongTerm),
        ("Key strengths", AnswerField::Strengths),
        ("Key development areas", AnswerField::DevelopmentAreas),
        ("Desired next assignment", AnswerField::NextAssignment),
        ("When", AnswerField::NextAssignmentTiming),
    ];
    let mut out: Vec<Row> = fields
        .iter()
        .map(|&(label, f)| row(label, &text(earlier, f), &text(later, f)))
        .collect();
    out.push(row(
        "Development track",
        earlier.track.label(),
        later.track.label(),
    ));
    let readiness = |d: &Discussion| d.readiness.map(|r| r.label()).unwrap_or("Not set");
    out.push(row("Readiness", readiness(earlier), readiness(later)));
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Marked done in the earlier discussion.
    Done,
    /// Carried into the later discussion; whether it is done there.
    CarriedOver { done: bool },
    /// Neither done nor carried over.
    StillOpen,
}

/// The earlier discussion's actions and what became of each.
pub fn earlier_actions<'a>(
    earlier: &'a Discussion,
    later: &Discussion,
) -> Vec<(&'a Action, Outcome)> {
    earlier
        .actions
        .iter()
        .map(|a| {
            let carried = later
                .actions
                .iter()
                .find(|c| c.carried_from.as_deref() == Some(a.id.as_str()));
            let outcome = match (a.done, carried) {
                (true, _) => Outcome::Done,
                (false, Some(c)) => Outcome::CarriedOver { done: c.done },
                (false, None) => Outcome::StillOpen,
            };
            (a, outcome)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{row, runs};

    fn marked(v: &[super::Run]) -> Vec<&str> {
        v.iter()
            .filter(|r| r.changed)
            .map(|r| r.text.as_str())
            .collect()
    }

    #[test]
    fn words_that_differ_are_marked_on_each_side() {
        let (a, b) = runs(
            "Staff engineer on payments",
            "Principal engineer on payments",
        );
        assert_eq!(marked(&a), ["Staff"]);
        assert_eq!(marked(&b), ["Principal"]);
        let whole: String = b.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(whole, "Principal engineer on payments");
        let (_, b) = runs("Calm in incidents", "Calm in incidents; mentoring, 日本");
        assert_eq!(marked(&b), ["; mentoring, 日本"]);
    }

    #[test]
    fn an_answer_not_given_leaves_the_other_unmarked() {
        let r = row("Short-term aspirations", "Lead the platform team", "");
        assert!(r.earlier.iter().all(|x| !x.changed));
        assert!(r.later.is_empty());
        assert!(!r.same);
    }
}
