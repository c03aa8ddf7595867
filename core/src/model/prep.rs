//! The leader's *private* preparation for one discussion: a separate Automerge document,
//! stored under its own key, that is never part of the shared discussion. Text reaches the
//! shared record only when the leader interjects it ([`crate::model::discussion::DiscussionEdit::Interject`]).
//!
//! Merge behaviour: answers are Automerge text; indicator flags are registers.

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile, Text};

use crate::error::{DecodeError, EditError};
use crate::model::am::{obj_at, set_text, set_value, splice_text};
use crate::model::method::{Indicator, PrepField};
use crate::model::schema::{decode, SCHEMA_VERSION};
use crate::text::Splice;

pub const KIND: &str = "career-talk/prep";

#[derive(Clone, Debug, Default, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Indicators {
    pub drive: bool,
    pub willingness: bool,
    pub performance: bool,
}

impl Indicators {
    pub fn get(&self, i: Indicator) -> bool {
        match i {
            Indicator::Drive => self.drive,
            Indicator::Willingness => self.willingness,
            Indicator::Performance => self.performance,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Prep {
    pub kind: String,
    pub schema: u64,
    pub discussion_id: String,
    pub potential: Text,
    pub indicators: Indicators,
    pub path: Text,
    pub strengths: Text,
    pub needs: Text,
    pub next_assignment: Text,
    pub timing: Text,
}

impl Prep {
    fn get_mut(&mut self, field: PrepField) -> &mut Text {
        match field {
            PrepField::Potential => &mut self.potential,
            PrepField::Path => &mut self.path,
            PrepField::Strengths => &mut self.strengths,
            PrepField::Needs => &mut self.needs,
            PrepField::NextAssignment => &mut self.next_assignment,
            PrepField::Timing => &mut self.timing,
        }
    }

    /// Applies what was typed to `doc` and to this copy of it in one step (see
    /// `Discussion::splice`).
    pub fn splice(
        &mut self,
        doc: &mut AutoCommit,
        field: PrepField,
        splice: &Splice,
    ) -> Result<(), EditError> {
        splice_text(
            doc,
            &automerge::ROOT,
            field.as_key(),
            self.get(field),
            splice,
        )?;
        let slot = self.get_mut(field);
        let mut value = slot.as_str().to_string();
        splice.apply(&mut value)?;
        *slot = Text::with_value(value);
        Ok(())
    }

    pub fn get(&self, field: PrepField) -> &str {
        match field {
            PrepField::Potential => self.potential.as_str(),
            PrepField::Path => self.path.as_str(),
            PrepField::Strengths => self.strengths.as_str(),
            PrepField::Needs => self.needs.as_str(),
            PrepField::NextAssignment => self.next_assignment.as_str(),
            PrepField::Timing => self.timing.as_str(),
        }
    }

    /// The text an interjection of `field` starts from: the prepared answer alone. The
    /// leader sees it, may edit it, and only then adds it to the shared record. The
    /// indicators are private evidence: they join only when the leader includes them
    /// ([`Prep::indicators_line`]), since the list also tells which one was *not* seen.
    pub fn interjection_text(&self, field: PrepField) -> String {
        self.get(field).trim().to_string()
    }

    /// The indicators of potential the leader ticked, as one line the leader may add to
    /// their view of the ultimate potential; `None` when none is ticked.
    pub fn indicators_line(&self) -> Option<String> {
        let seen: Vec<&str> = Indicator::ALL
            .into_iter()
            .filter(|i| self.indicators.get(*i))
            .map(|i| i.label())
            .collect();
        (!seen.is_empty()).then(|| format!("Indicators seen: {}", seen.join(", ")))
    }

    /// Whether `text` is what interjecting `field` offers, unedited: the prepared answer,
    /// alone or (for the ultimate potential) with the indicators line. An edited view is
    /// not, so the leader can still bring in what the preparation says.
    pub fn is_unedited_interjection(&self, field: PrepField, text: &str) -> bool {
        let plain = self.interjection_text(field);
        let text = text.trim();
        if plain.is_empty() {
            return false;
        }
        text == plain
            || (field == PrepField::Potential
                && self
                    .indicators_line()
                    .is_some_and(|line| text == with_line(&plain, &line, true)))
    }
}

/// `text` with `line` added as its last line (`include`), or with every line equal to
/// `line` taken out: what ticking and unticking "Include indicators" does to the text the
/// leader is about to share, whatever else they typed.
pub fn with_line(text: &str, line: &str, include: bool) -> String {
    let kept: Vec<&str> = text.split('\n').filter(|l| l.trim() != line).collect();
    let rest = kept.join("\n").trim_end().to_string();
    match (include, rest.is_empty()) {
        (false, _) => rest,
        (true, true) => line.to_string(),
        (true, false) => format!("{rest}\n{line}"),
    }
}

pub fn create(doc: &mut AutoCommit, discussion_id: &str) -> Result<(), EditError> {
    autosurgeon::reconcile(
        doc,
        Prep {
            kind: KIND.into(),
            schema: SCHEMA_VERSION,
            discussion_id: discussion_id.into(),
            potential: Text::default(),
            indicators: Indicators::default(),
            path: Text::default(),
            strengths: Text::default(),
            needs: Text::default(),
            next_assignment: Text::default(),
            timing: Text::default(),
        },
    )?;
    Ok(())
}

pub fn read(doc: &AutoCommit) -> Result<Prep, DecodeError> {
    decode(doc, KIND)
}

#[derive(Clone, Debug, PartialEq)]
pub enum PrepEdit {
    Field(PrepField, String),
    Indicator(Indicator, bool),
}

/// Applies one edit; returns whether the document changed. Typing goes through
/// [`Prep::splice`].
pub fn apply(doc: &mut AutoCommit, edit: PrepEdit) -> Result<bool, EditError> {
    match edit {
        PrepEdit::Field(field, text) => set_text(doc, &automerge::ROOT, field.as_key(), &text),
        PrepEdit::Indicator(i, on) => {
            let obj = obj_at(doc, &["indicators"])?;
            set_value(doc, &obj, i.as_key(), &on)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(potential: &str, drive: bool, performance: bool) -> Prep {
        Prep {
            kind: KIND.into(),
            schema: SCHEMA_VERSION,
            discussion_id: "d1".into(),
            potential: Text::with_value(potential),
            indicators: Indicators {
                drive,
                willingness: false,
                performance,
            },
            path: Text::default(),
            strengths: Text::with_value("  Calm in incidents \n"),
            needs: Text::default(),
            next_assignment: Text::default(),
            timing: Text::default(),
        }
    }

    #[test]
    fn an_interjection_never_carries_the_indicators_by_itself() {
        let p = prep("Head of platform", true, true);
        assert_eq!(
            p.interjection_text(PrepField::Potential),
            "Head of platform"
        );
        assert_eq!(
            p.interjection_text(PrepField::Strengths),
            "Calm in incidents"
        );
        assert_eq!(
            p.indicators_line().as_deref(),
            Some("Indicators seen: Drive, Performance")
        );
        assert_eq!(
            prep("Head of platform", false, false).indicators_line(),
            None
        );
    }

    #[test]
    fn including_the_indicators_adds_one_line_and_unticking_takes_it_out() {
        let line = "Indicators seen: Drive";
        let with = with_line("Head of platform\n", line, true);
        assert_eq!(with, "Head of platform\nIndicators seen: Drive");
        // Ticking twice adds it once; what the leader typed around it stays.
        assert_eq!(with_line(&with, line, true), with);
        assert_eq!(
            with_line(&format!("{with}\nwithin 3 years"), line, false),
            "Head of platform\nwithin 3 years"
        );
        assert_eq!(with_line("", line, true), line);
        assert_eq!(with_line(line, line, false), "");
    }

    #[test]
    fn only_unedited_text_counts_as_already_interjected() {
        let p = prep("Head of platform", true, false);
        let f = PrepField::Potential;
        assert!(p.is_unedited_interjection(f, "Head of platform"));
        assert!(p.is_unedited_interjection(f, "Head of platform\nIndicators seen: Drive"));
        assert!(!p.is_unedited_interjection(f, "Head of platform, in time"));
        assert!(p.is_unedited_interjection(PrepField::Strengths, "Calm in incidents"));
        // Nothing prepared: nothing was interjected from it.
        assert!(!p.is_unedited_interjection(PrepField::Needs, ""));
    }
}
