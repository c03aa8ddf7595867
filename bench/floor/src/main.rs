//! The smallest app shaped like Career Talk: a router with two pages, a list, and a form
//! whose text field is bound to a signal. Its bundle size is the framework's floor.
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_params_map;
use leptos_router::path;

#[component]
fn People() -> impl IntoView {
    let people = RwSignal::new(vec!["Sam Okafor".to_string(), "Maria Lund".to_string()]);
    let name = RwSignal::new(String::new());
    view! {
        <h1>"People"</h1>
        <ul>
            <For each=move || people.get().into_iter().enumerate() key=|(i, _)| *i let((i, p))>
                <li><A href=format!("/people/{i}")>{p}</A></li>
            </For>
        </ul>
        <input prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
        <button on:click=move |_| people.update(|p| p.push(name.get_untracked()))>"Add"</button>
    }
}

#[component]
fn Person() -> impl IntoView {
    let params = use_params_map();
    let notes = RwSignal::new(String::new());
    view! {
        <h1>"Person " {move || params.read().get("id").unwrap_or_default()}</h1>
        <textarea prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
        <p>{move || notes.with(|n| n.len())} " characters"</p>
        <A href="/">"Back"</A>
    }
}

fn main() {
    leptos::mount::mount_to_body(|| {
        view! {
            <Router>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=People />
                    <Route path=path!("/people/:id") view=Person />
                </Routes>
            </Router>
        }
    })
}
