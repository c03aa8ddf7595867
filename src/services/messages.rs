//! Messages for the user, in a queue: what an action did, and what went wrong. A new
//! message never hides an older one (the list shows the newest and folds the rest behind
//! one line); what went wrong stays until dismissed (or five newer messages came), what
//! an action did goes by itself after [`INFO_FOR`] (the same text twice shows once).

use leptos::prelude::*;

use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub id: u64,
    /// A success or plain information; `false` for something that went wrong.
    pub ok: bool,
    pub text: String,
}

/// At most this many are kept; the oldest go first.
const KEEP: usize = 5;
/// How long a message saying what an action did stays.
pub const INFO_FOR: std::time::Duration = std::time::Duration::from_secs(20);

#[derive(Clone, Copy)]
pub struct Messages {
    list: RwSignal<Vec<Message>>,
    next: StoredValue<u64>,
}

impl Messages {
    pub fn new() -> Messages {
        Messages {
            list: RwSignal::new(vec![]),
            next: StoredValue::new(0),
        }
    }

    pub fn list(&self) -> Signal<Vec<Message>> {
        self.list.into()
    }

    fn push(&self, ok: bool, text: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|l| {
            l.retain(|m| m.text != text);
            l.push(Message { id, ok, text });
            let len = l.len();
            if len > KEEP {
                l.drain(..len - KEEP);
            }
        });
    }

    pub fn info(&self, text: impl Into<String>) {
        self.push(true, text.into());
        let id = self.next.get_value() - 1;
        let me = *self;
        set_timeout(move || me.dismiss(id), INFO_FOR);
    }

    pub fn problem(&self, text: impl Into<String>) {
        self.push(false, text.into());
    }

    /// Reports an error as "`what`: `error`."
    pub fn error(&self, what: &str, e: &AppError) {
        self.problem(format!("{what}: {e}."));
    }

    /// Reports the error of `result`, if any, and passes its value on.
    pub fn check<T>(&self, what: &str, result: Result<T, AppError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(what, &e);
                None
            }
        }
    }

    pub fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|m| m.id != id));
    }
}
