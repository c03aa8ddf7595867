//! Icons drawn inline as SVG: no emoji font needed (a tablet without one showed empty
//! boxes), and they print.

use leptos::prelude::*;

/// A padlock: private to this device. Decorative when the words beside it say so already
/// (`label` empty), else an image with `label` as its text alternative.
#[component]
pub fn Lock(#[prop(into, optional)] label: String) -> impl IntoView {
    let hidden = label.is_empty().then_some("true");
    let role = (!label.is_empty()).then_some("img");
    let label = (!label.is_empty()).then_some(label);
    view! {
        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden=hidden role=role aria-label=label focusable="false">
            <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
            <rect x="3" y="7" width="10" height="7.5" rx="1.5" fill="currentColor" />
        </svg>
    }
}
