//! The career aspiration discussion method: the leader's five preparation questions, the
//! eight questions for the employee, their guidance, and which preparation answer the leader
//! brings in beside each employee question. Pure data shared by the model and the UI.

use autosurgeon::{Hydrate, Reconcile};

/// The leader's preparation, answered privately before the talk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum PrepField {
    Potential,
    Path,
    Strengths,
    Needs,
    NextAssignment,
    Timing,
}

impl PrepField {
    pub const ALL: [PrepField; 6] = [
        PrepField::Potential,
        PrepField::Path,
        PrepField::Strengths,
        PrepField::Needs,
        PrepField::NextAssignment,
        PrepField::Timing,
    ];

    /// Property name in the prep document.
    pub fn as_key(self) -> &'static str {
        match self {
            PrepField::Potential => "potential",
            PrepField::Path => "path",
            PrepField::Strengths => "strengths",
            PrepField::Needs => "needs",
            PrepField::NextAssignment => "next_assignment",
            PrepField::Timing => "timing",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PrepField::Potential => "Ultimate potential",
            PrepField::Path => "What they need to do to get there",
            PrepField::Strengths => "Key strengths",
            PrepField::Needs => "Immediate developmental needs",
            PrepField::NextAssignment => "Realistic next assignment",
            PrepField::Timing => "When the next assignment could happen",
        }
    }

    /// The name of a view from this field in the shared record, which both people read
    /// (the titles above are the leader's notes to themself).
    pub fn shared_title(self) -> &'static str {
        match self {
            PrepField::Potential => "Ultimate potential",
            PrepField::Path => "What it takes to get there",
            PrepField::Strengths => "Key strengths",
            PrepField::Needs => "Immediate development needs",
            PrepField::NextAssignment => "A realistic next assignment",
            PrepField::Timing => "When the next assignment could happen",
        }
    }

    pub fn question(self) -> &'static str {
        match self {
            PrepField::Potential => {
                "What is this person's ultimate potential: the highest level they can reach here?"
            }
            PrepField::Path => "What do they need to do to get there?",
            PrepField::Strengths => "What are their key strengths, to keep leveraging?",
            PrepField::Needs => "What are their immediate, short-term developmental needs?",
            PrepField::NextAssignment => "What is a realistic next assignment?",
            PrepField::Timing => "And when could it happen?",
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            PrepField::Potential => {
                "Name the level, not just the next step. Note which indicators you have seen: \
                 drive, willingness to do what it takes, and sustained performance."
            }
            PrepField::Path => {
                "Training (e.g. leadership or specific skills) and development (e.g. an \
                 expanded leadership role, or a role in another function)."
            }
            PrepField::Strengths => "The strengths they should keep using and building on.",
            PrepField::Needs => {
                "Concrete and near-term, e.g. \"needs more senior-level exposure\", \
                 \"presentation skills training in the next 12 months\"."
            }
            PrepField::NextAssignment => "A role or assignment you could actually offer.",
            PrepField::Timing => "e.g. \"within 12 months\", \"Q3 2027\", \"in 2–3 years\".",
        }
    }
}

/// Indicators of potential the leader has observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Indicator {
    Drive,
    Willingness,
    Performance,
}

impl Indicator {
    pub const ALL: [Indicator; 3] = [
        Indicator::Drive,
        Indicator::Willingness,
        Indicator::Performance,
    ];
    pub fn as_key(self) -> &'static str {
        match self {
            Indicator::Drive => "drive",
            Indicator::Willingness => "willingness",
            Indicator::Performance => "performance",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Indicator::Drive => "Drive",
            Indicator::Willingness => "Willingness",
            Indicator::Performance => "Performance",
        }
    }
}

/// The eight questions for the employee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum Question {
    ShortTerm,
    LongTerm,
    KnowsWhatItTakes,
    Willing,
    Strengths,
    DevelopmentAreas,
    Next12Months,
    NextAssignment,
}

impl Question {
    pub const ALL: [Question; 8] = [
        Question::ShortTerm,
        Question::LongTerm,
        Question::KnowsWhatItTakes,
        Question::Willing,
        Question::Strengths,
        Question::DevelopmentAreas,
        Question::Next12Months,
        Question::NextAssignment,
    ];

    pub fn as_key(self) -> &'static str {
        match self {
            Question::ShortTerm => "short_term",
            Question::LongTerm => "long_term",
            Question::KnowsWhatItTakes => "knows_what_it_takes",
            Question::Willing => "willing",
            Question::Strengths => "strengths",
            Question::DevelopmentAreas => "development_areas",
            Question::Next12Months => "next_12_months",
            Question::NextAssignment => "next_assignment",
        }
    }

    pub fn from_key(key: &str) -> Option<Question> {
        Question::ALL.into_iter().find(|q| q.as_key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            Question::ShortTerm => "Short-term aspirations",
            Question::LongTerm => "Longer-term aspirations",
            Question::KnowsWhatItTakes => "Knowing what it takes",
            Question::Willing => "Willing to do what it takes",
            Question::Strengths => "Key strengths",
            Question::DevelopmentAreas => "Key development areas",
            Question::Next12Months => "Steps for the next 12 months",
            Question::NextAssignment => "Desired next assignment",
        }
    }

    pub fn prompt(self) -> &'static str {
        match self {
            Question::ShortTerm => {
                "What are your short-term aspirations: your next assignment, in the next 2–5 years?"
            }
            Question::LongTerm => {
                "What are your longer-term aspirations: your ultimate goal or level?"
            }
            Question::KnowsWhatItTakes => "Do you know what it takes to get there?",
            Question::Willing => "Are you willing to do what it takes?",
            Question::Strengths => "What are your key strengths?",
            Question::DevelopmentAreas => "What are your key development areas?",
            Question::Next12Months => "What steps and actions will you take in the next 12 months?",
            Question::NextAssignment => "What would you like as a next assignment?",
        }
    }

    /// The leader's preparation answers to refer to beside this question.
    pub fn leader_sources(self) -> &'static [PrepField] {
        match self {
            Question::ShortTerm => &[PrepField::Path, PrepField::NextAssignment],
            Question::LongTerm => &[PrepField::Potential],
            Question::KnowsWhatItTakes => &[PrepField::Path],
            Question::Willing => &[PrepField::Potential],
            Question::Strengths => &[PrepField::Strengths],
            Question::DevelopmentAreas => &[PrepField::Needs],
            Question::Next12Months => &[PrepField::Needs],
            Question::NextAssignment => &[PrepField::NextAssignment, PrepField::Timing],
        }
    }
}

/// A free-text answer in the shared discussion. Most questions have one; "willing" has a
/// structured answer plus notes, and the next assignment has a timing too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnswerField {
    ShortTerm,
    LongTerm,
    KnowsWhatItTakes,
    WillingNotes,
    Strengths,
    DevelopmentAreas,
    Next12Months,
    NextAssignment,
    NextAssignmentTiming,
}

impl AnswerField {
    pub const ALL: [AnswerField; 9] = [
        AnswerField::ShortTerm,
        AnswerField::LongTerm,
        AnswerField::KnowsWhatItTakes,
        AnswerField::WillingNotes,
        AnswerField::Strengths,
        AnswerField::DevelopmentAreas,
        AnswerField::Next12Months,
        AnswerField::NextAssignment,
        AnswerField::NextAssignmentTiming,
    ];

    pub fn as_key(self) -> &'static str {
        match self {
            AnswerField::ShortTerm => "short_term",
            AnswerField::LongTerm => "long_term",
            AnswerField::KnowsWhatItTakes => "knows_what_it_takes",
            AnswerField::WillingNotes => "willing_notes",
            AnswerField::Strengths => "strengths",
            AnswerField::DevelopmentAreas => "development_areas",
            AnswerField::Next12Months => "next_12_months",
            AnswerField::NextAssignment => "next_assignment",
            AnswerField::NextAssignmentTiming => "next_assignment_timing",
        }
    }

    pub fn from_key(key: &str) -> Option<AnswerField> {
        AnswerField::ALL.into_iter().find(|f| f.as_key() == key)
    }

    /// The main free-text field of a question.
    pub fn of(question: Question) -> AnswerField {
        match question {
            Question::ShortTerm => AnswerField::ShortTerm,
            Question::LongTerm => AnswerField::LongTerm,
            Question::KnowsWhatItTakes => AnswerField::KnowsWhatItTakes,
            Question::Willing => AnswerField::WillingNotes,
            Question::Strengths => AnswerField::Strengths,
            Question::DevelopmentAreas => AnswerField::DevelopmentAreas,
            Question::Next12Months => AnswerField::Next12Months,
            Question::NextAssignment => AnswerField::NextAssignment,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_points_at_some_leader_preparation() {
        for q in Question::ALL {
            assert!(!q.leader_sources().is_empty(), "{q:?}");
            assert_eq!(Question::from_key(q.as_key()), Some(q));
        }
        // The pairings the method calls for.
        assert!(Question::Strengths
            .leader_sources()
            .contains(&PrepField::Strengths));
        assert!(Question::DevelopmentAreas
            .leader_sources()
            .contains(&PrepField::Needs));
        assert!(Question::NextAssignment
            .leader_sources()
            .contains(&PrepField::NextAssignment));
        assert!(Question::LongTerm
            .leader_sources()
            .contains(&PrepField::Potential));
    }
}
