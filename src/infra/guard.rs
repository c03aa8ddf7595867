//! A crash guard around reading bytes from outside.
//!
//! Automerge 0.12 panics on some malformed input (found by fuzzing; see fuzz/RESULTS.md).
//! The core contains such panics natively, but this app is built with `panic = "abort"`, so
//! in the browser a panic stops the app. Every read of outside bytes (stored documents, a
//! link, a file, a backup, a live message) runs under [`reading`], which notes what is being
//! read. If it panics, the hook sets that input aside — a stored document is listed as
//! unreadable (and flagged as damaged from then on, its bytes untouched and downloadable), a
//! link's fragment is dropped from the address — leaves a note for the next start and
//! reloads. Only edits made in the last moment before the crash (not yet saved, at most
//! 300 ms of typing) can be lost; saved data is never changed by any of this.

use std::cell::RefCell;
use std::collections::BTreeMap;

use career_core::storage::keys::{DocName, StorageKey};
use career_core::workspace::Guard;
use serde::{Deserialize, Serialize};

fn key(k: StorageKey) -> String {
    k.key()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reading {
    /// A stored document; `fingerprint` names the blobs it was read from.
    Stored {
        name: String,
        fingerprint: String,
    },
    Link,
    File,
    Backup,
    Live,
    /// A message of a paired discussion's mailbox: the `seq`th of `side`'s subject.
    Mailbox {
        discussion: String,
        side: String,
        seq: u64,
    },
}

thread_local! {
    static CURRENT: RefCell<Option<Reading>> = const { RefCell::new(None) };
    static CRASHED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `read` with `what` noted as the input being read.
pub fn reading<T>(what: Reading, read: impl FnOnce() -> T) -> T {
    let previous = CURRENT.with(|c| c.replace(Some(what)));
    let out = read();
    CURRENT.with(|c| *c.borrow_mut() = previous);
    out
}

/// The crash guard as the core's workspace sees it: stored documents are read under it.
pub struct CrashGuard;

impl Guard for CrashGuard {
    fn reading_stored(&self, doc: &DocName, fingerprint: &str, read: &mut dyn FnMut()) {
        let what = Reading::Stored {
            name: doc.key(),
            fingerprint: fingerprint.to_string(),
        };
        reading(what, read)
    }

    fn set_aside(&self, doc: &DocName, fingerprint: &str) -> bool {
        is_unreadable(&doc.key(), fingerprint)
    }
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn unreadable() -> BTreeMap<String, String> {
    local()
        .and_then(|s| s.get_item(&key(StorageKey::Unreadable)).ok().flatten())
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default()
}

/// Whether reading this stored document once stopped the app (and it has not changed since).
fn is_unreadable(name: &str, fingerprint: &str) -> bool {
    unreadable().get(name).is_some_and(|f| f == fingerprint)
}

/// Mailbox messages to skip: (discussion, side, sequence).
fn mailbox_skips() -> Vec<(String, String, u64)> {
    local()
        .and_then(|s| s.get_item(&key(StorageKey::MailboxSkip)).ok().flatten())
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default()
}

/// The mailbox messages a crash left to skip, once (the caller moves the positions).
pub fn take_mailbox_skips() -> Vec<(String, String, u64)> {
    let skips = mailbox_skips();
    if !skips.is_empty() {
        if let Some(s) = local() {
            // Kept when it cannot be removed: skipping again is harmless.
            let _ = s.remove_item(&key(StorageKey::MailboxSkip));
        }
    }
    skips
}

/// The note a crash left for this start, if any (shown once).
pub fn take_notice() -> Option<String> {
    let s = session()?;
    let text = s.get_item(&key(StorageKey::CrashNotice)).ok().flatten()?;
    // The panic path and its notes: the app is stopping, there is no one to report to, and a
    // failed write only makes the restart less helpful.
    let _ = s.remove_item(&key(StorageKey::CrashNotice));
    Some(text)
}

/// Replaces the default panic hook (which still logs to the console).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // After an abort the page may still call in (events during the reload) and panic
        // again on state the first panic left half-changed: only the first one counts.
        if CRASHED.with(|c| c.replace(true)) {
            return;
        }
        let current = CURRENT.with(|c| c.try_borrow().ok().and_then(|c| c.clone()));
        on_crash(current);
    }));
}

fn on_crash(current: Option<Reading>) {
    let Some(what) = current else {
        show_stopped();
        return;
    };
    if reloaded_too_often() {
        show_stopped();
        return;
    }
    let text = match what {
        Reading::Stored { name, fingerprint } => {
            let mut list = unreadable();
            list.insert(name, fingerprint);
            if let (Some(s), Ok(v)) = (local(), serde_json::to_string(&list)) {
                let _ = s.set_item(&key(StorageKey::Unreadable), &v);
            }
            "A stored discussion could not be read and stopped the app. It has been set \
             aside, unchanged: it is marked as damaged and its stored data can be downloaded."
        }
        Reading::Link => {
            drop_fragment();
            "That link could not be read: it is damaged. Nothing on this device was changed."
        }
        Reading::File => {
            "That file could not be read: it is damaged. Nothing on this device was changed."
        }
        Reading::Backup => {
            "That backup could not be read: it is damaged. Nothing on this device was changed."
        }
        Reading::Live => {
            "A message in the live session could not be read, so you left the session. \
             Everything saved is still here; join again with the link."
        }
        Reading::Mailbox {
            discussion,
            side,
            seq,
        } => {
            // The next start moves the mailbox position past it.
            let mut skip = mailbox_skips();
            skip.push((discussion, side, seq));
            if let (Some(s), Ok(v)) = (local(), serde_json::to_string(&skip)) {
                let _ = s.set_item(&key(StorageKey::MailboxSkip), &v);
            }
            "A message that arrived through sync could not be read and stopped the app. It \
             has been skipped; nothing on this device was changed by it."
        }
    };
    if let Some(s) = session() {
        let _ = s.set_item(&key(StorageKey::CrashNotice), text);
    }
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// At most three automatic reloads a minute: a crash that comes back is shown instead.
fn reloaded_too_often() -> bool {
    let now = js_sys::Date::now();
    let Some(s) = session() else { return true };
    let mut times: Vec<f64> = s
        .get_item(&key(StorageKey::CrashReloads))
        .ok()
        .flatten()
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default();
    times.retain(|t| now - t < 60_000.0);
    if times.len() >= 3 {
        return true;
    }
    times.push(now);
    let _ = s.set_item(
        &key(StorageKey::CrashReloads),
        &serde_json::to_string(&times).unwrap_or_default(),
    );
    false
}

fn drop_fragment() {
    if let Some(w) = web_sys::window() {
        let path = w.location().pathname().unwrap_or_else(|_| "/".into());
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
}

/// Covers the page with a plain message and a reload link (no script needed to use it: the
/// app's code may not run any more).
fn show_stopped() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Ok(div), Some(body)) = (doc.create_element("div"), doc.body()) else {
        return;
    };
    let _ = div.set_attribute("class", "crashed");
    let _ = div.set_attribute("role", "alert");
    let _ = div.set_attribute("data-testid", "crashed");
    div.set_inner_html(
        "<h1>Career Talk stopped</h1>\
         <p>Something went wrong and the app stopped. Everything saved is still in this \
         browser; edits from the last moment may be missing.</p>\
         <p><a href=\"/\">Reload Career Talk</a></p>",
    );
    let _ = body.append_child(&div);
}
