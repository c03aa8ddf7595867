//! A link opened in this tab that waits for the person's answer (see `app::read_link`):
//! what it opens, and the question asked. Pages read it to show what sits behind the
//! question.

use career_core::live::envelope::Room;
use career_core::share::Package;
use leptos::prelude::*;

/// A link waiting for the person's yes: nothing is stored and no session joined before it.
#[derive(Clone)]
pub enum Opening {
    Live(Room),
    Share(Package),
}

#[derive(Clone)]
pub struct LinkQuestion {
    pub opening: Opening,
    pub question: String,
    pub detail: String,
    pub yes: &'static str,
    /// The sender asks for paired sync: who, to say so beside the box.
    pub sync_asked_by: Option<String>,
    /// A discussion shared with this device's person as the employee (for the page behind
    /// the question).
    pub for_employee: bool,
}

/// The link opened in this tab that waits for an answer.
#[derive(Clone, Copy)]
pub struct PendingLink(pub RwSignal<Option<LinkQuestion>>);
