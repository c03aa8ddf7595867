//! The installed-app side: the service worker (offline shell and updates) and asking the
//! browser to keep this site's data.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static REGISTRATION: RefCell<Option<web_sys::ServiceWorkerRegistration>> = const { RefCell::new(None) };
}

/// Registers `/sw.js`; calls `on_update` when a new version is installed and waiting.
pub fn register_service_worker(on_update: impl Fn() + Clone + 'static) {
    let navigator = leptos::prelude::window().navigator();
    if !js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false) {
        return;
    }
    let container = navigator.service_worker();
    leptos::task::spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.register("/sw.js")).await else {
            leptos::logging::warn!("the offline app shell could not be installed");
            return;
        };
        // A browser that blocks service workers may answer with nothing at all.
        let Ok(registration) = registration.dyn_into::<web_sys::ServiceWorkerRegistration>() else {
            leptos::logging::warn!("the offline app shell could not be installed");
            return;
        };
        let has_controller = move || {
            leptos::prelude::window()
                .navigator()
                .service_worker()
                .controller()
                .is_some()
        };
        if registration.waiting().is_some() && has_controller() {
            on_update();
        }
        let reg = registration.clone();
        let on_found = Closure::<dyn Fn()>::new(move || {
            let Some(worker) = reg.installing() else {
                return;
            };
            let w = worker.clone();
            let on_update = on_update.clone();
            let on_state = Closure::<dyn Fn()>::new(move || {
                if w.state() == web_sys::ServiceWorkerState::Installed && has_controller() {
                    on_update();
                }
            });
            worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
        REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));
    });
}

/// Lets the waiting version take over, then reloads once it has.
pub fn activate_update() {
    let container = leptos::prelude::window().navigator().service_worker();
    let reload = Closure::<dyn Fn()>::new(|| {
        // The new version is active either way; a failed reload leaves the old page usable.
        let _ = leptos::prelude::window().location().reload();
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    REGISTRATION.with(|r| {
        if let Some(waiting) = r.borrow().as_ref().and_then(|reg| reg.waiting()) {
            // Posting to a worker that is already gone is harmless: it was replaced anyway.
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &"SKIP_WAITING".into());
            let _ = waiting.post_message(&message);
        }
    });
}

/// Asks the browser not to evict this site's storage; returns whether it agreed.
pub async fn persist() -> Option<bool> {
    let storage = leptos::prelude::window().navigator().storage();
    JsFuture::from(storage.persist().ok()?)
        .await
        .ok()?
        .as_bool()
}

pub async fn persisted() -> Option<bool> {
    let storage = leptos::prelude::window().navigator().storage();
    JsFuture::from(storage.persisted().ok()?)
        .await
        .ok()?
        .as_bool()
}

/// (usage, quota) in bytes for this site, as the browser estimates them.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = leptos::prelude::window().navigator().storage();
    let estimate: web_sys::StorageEstimate = JsFuture::from(storage.estimate().ok()?)
        .await
        .ok()?
        .unchecked_into();
    Some((estimate.get_usage()?, estimate.get_quota()?))
}
