//! Layout and routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::components::status::{ErrorBanner, SaveIndicator};
use crate::pages::discussion::DiscussionPage;
use crate::pages::people::PeoplePage;
use crate::pages::person::PersonPage;
use crate::state::AppState;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::init();
    provide_context(state);
    view! {
        <Router>
            <header class="topbar">
                <A href="/" attr:class="brand">"Career Talk"</A>
                <span class="tagline">"Career conversations, kept on your device"</span>
                <SaveIndicator />
            </header>
            <ErrorBanner />
            <main class="page">
                <Routes fallback=|| view! { <p class="empty">"This page does not exist. " <a href="/">"Go to your people"</a></p> }>
                    <Route path=path!("/") view=PeoplePage />
                    <Route path=path!("/people/:id") view=PersonPage />
                    <Route path=path!("/discussions/:id") view=DiscussionPage />
                    <Route path=path!("/discussions/:id/:tab") view=DiscussionPage />
                </Routes>
            </main>
        </Router>
    }
}
