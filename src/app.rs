//! Layout and routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use career_core::share::{Package, LINK_PREFIX};

use crate::components::status::{DeviceBanners, MessageList, SaveBanner, SaveIndicator};
use crate::error::AppError;
use crate::infra::guard::{self, Reading};
use crate::infra::location;
use crate::pages::discussion::share::open_package;
use crate::pages::discussion::{DiscussionPage, Tab};
use crate::pages::hr::HrPage;
use crate::pages::people::PeoplePage;
use crate::pages::person::PersonPage;
use crate::pages::settings::SettingsPage;
use crate::pages::team::TeamPage;
use crate::services::{self, Live, Messages, Sharing};

/// Opening a share or live link: removes the fragment from the address and the history
/// first, then takes in the package (or joins the session) and returns where to go. On
/// start this runs before the router reads the address; the caller then puts the target
/// in the address.
fn take_in_link(sharing: Sharing, live: Live, messages: Messages) -> Option<String> {
    let hash = location::hash();
    let here = || {
        leptos::prelude::window()
            .location()
            .pathname()
            .unwrap_or_else(|_| "/".into())
    };
    let live_link = hash.starts_with(career_core::live::envelope::LINK_PREFIX);
    if !live_link && !hash.starts_with(LINK_PREFIX) {
        return None;
    }
    // The shared data (or the session's key) leaves the address bar and the history before
    // any other work: even if reading it stops the app, it does not linger there.
    location::replace_with(&here());
    if live_link {
        let joined = career_core::live::envelope::Room::from_fragment(&hash)
            .ok_or(AppError::BadLiveLink)
            .and_then(|room| live.join(room));
        return Some(match joined {
            Ok(id) => Tab::Conversation.route(&id),
            Err(e) => {
                messages.problem(format!(
                    "This live link could not be opened: {e}. Nothing on this device was changed."
                ));
                here()
            }
        });
    }
    let opened = open_package(sharing, messages, Reading::Link, "This link", || {
        Package::from_fragment(&hash)
    });
    Some(opened.unwrap_or_else(here))
}

/// A link opened in a tab where the app already runs only changes the fragment.
#[component]
fn LinkWatcher() -> impl IntoView {
    let (sharing, live, messages) = (
        expect_context::<Sharing>(),
        expect_context::<Live>(),
        expect_context::<Messages>(),
    );
    let navigate = leptos_router::hooks::use_navigate();
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        if let Some(target) = take_in_link(sharing, live, messages) {
            location::replace_with(&target);
            navigate(
                &target,
                leptos_router::NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    on_cleanup(move || handle.remove());
}

#[component]
pub fn App() -> impl IntoView {
    let (_, sharing, live, messages) = services::provide();
    if let Some(text) = guard::take_notice() {
        messages.problem(text);
    }
    if let Some(target) = take_in_link(sharing, live, messages) {
        location::replace_with(&target);
    }
    view! {
                <Router>
            <LinkWatcher />
            <header class="topbar">
                <A href="/" attr:class="brand">"Career Talk"</A>
                <span class="tagline">"Career conversations, kept on your device"</span>
                                <SaveIndicator />
                <A href="/settings" attr:class="settings-link" attr:data-testid="settings-link">"This device"</A>
            </header>
                        <SaveBanner />
                        <MessageList />
                        <DeviceBanners />
            <crate::components::live_bar::LiveBar />
            <main class="page">
                <Routes fallback=|| view! { <p class="empty">"This page does not exist. " <a href="/">"Go to your people"</a></p> }>
                                        <Route path=path!("/") view=PeoplePage />
                    <Route path=path!("/settings") view=SettingsPage />
                    <Route path=path!("/team") view=TeamPage />
                    <Route path=path!("/hr") view=HrPage />
                    <Route path=path!("/people/:id") view=PersonPage />
                    <Route path=path!("/discussions/:id") view=DiscussionPage />
                    <Route path=path!("/discussions/:id/:tab") view=DiscussionPage />
                </Routes>
            </main>
        </Router>
    }
}
