//! The address bar: reading a share link's fragment, and removing it from the address and
//! the history once taken in, so the shared data does not linger there.

use wasm_bindgen::JsValue;

pub fn hash() -> String {
    leptos::prelude::window()
        .location()
        .hash()
        .unwrap_or_default()
}

pub fn origin() -> String {
    leptos::prelude::window()
        .location()
        .origin()
        .unwrap_or_default()
}

/// Replaces the current history entry (fragment included) with `path`.
pub fn replace_with(path: &str) {
    if let Ok(history) = leptos::prelude::window().history() {
        // Without history support the fragment stays in the address; nothing else to do.
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(path));
    }
}

/// Whether the browser says it is online (`navigator.onLine`): false means no network at
/// all; true says nothing about a particular server.
pub fn online() -> bool {
    leptos::prelude::window().navigator().on_line()
}
