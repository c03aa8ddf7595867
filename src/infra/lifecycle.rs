//! Runs a callback when the page is hidden or unloaded, so pending edits are written
//! before a tab is closed or a tablet goes to sleep.

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
