//! Page lifecycle hooks: flush edits when the page is hidden or unloaded (before a tab is
//! closed or a tablet goes to sleep), and hear when another tab writes to storage.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub fn on_page_hide(callback: impl Fn() + 'static) {
    let callback = std::rc::Rc::new(callback);
    let document = leptos::prelude::document();
    let window = leptos::prelude::window();

    let cb = callback.clone();
    let doc2 = document.clone();
    let on_visibility = Closure::<dyn Fn()>::new(move || {
        if doc2.visibility_state() == web_sys::VisibilityState::Hidden {
            cb();
        }
    });
    let cb = callback.clone();
    let on_pagehide = Closure::<dyn Fn()>::new(move || cb());
    // Listeners on the page itself: adding them does not fail in a browser that runs the app.
    let _ = document.add_event_listener_with_callback(
        "visibilitychange",
        on_visibility.as_ref().unchecked_ref(),
    );
    let _ =
        window.add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
    // The listeners live as long as the page.
    on_visibility.forget();
    on_pagehide.forget();
}

/// Calls `callback` with the key of every localStorage entry another tab of this browser
/// sets or removes, `None` when it cleared storage (the `storage` event never fires in the
/// tab that wrote).
pub fn on_storage_change(callback: impl Fn(Option<String>) + 'static) {
    let listener =
        Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |ev: web_sys::StorageEvent| {
            callback(ev.key());
        });
    let _ = leptos::prelude::window()
        .add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
    listener.forget();
}
