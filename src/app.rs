//! Layout and routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use career_core::local::Perspective;
use career_core::share::{Package, LINK_PREFIX};

use crate::components::status::{DeviceBanners, ErrorBanner, NoticeBanner, SaveIndicator};
use crate::infra::guard::{self, Reading};
use crate::infra::location;
use crate::pages::discussion::DiscussionPage;
use crate::pages::hr::HrPage;
use crate::pages::people::PeoplePage;
use crate::pages::person::PersonPage;
use crate::pages::settings::SettingsPage;
use crate::pages::team::TeamPage;
use crate::state::{AppState, Notice};

/// Opening a share link: takes in the package from the fragment and returns where to go.
/// On start this runs before the router reads the address; the caller then replaces the
/// address (fragment included) in the history, so the shared data does not linger there.
fn take_in_link(state: AppState) -> Option<String> {
    let hash = location::hash();
    if hash.starts_with(career_core::live::envelope::LINK_PREFIX) {
        let path = leptos::prelude::window()
            .location()
            .pathname()
            .unwrap_or_else(|_| "/".into());
        let joined = career_core::live::envelope::Room::from_fragment(&hash)
            .ok_or_else(|| "the live link is incomplete or altered".to_string())
            .and_then(|room| state.join_live(room));
        return Some(match joined {
            Ok(id) => format!("/discussions/{id}/conversation"),
            Err(e) => {
                state.notice.set(Some(Notice {
                    ok: false,
                    text: format!("This live link could not be opened: {e}. Nothing on this device was changed."),
                }));
                path
            }
        });
    }
    if !hash.starts_with(LINK_PREFIX) {
        return None;
    }
    let path = leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into());
    let result = guard::reading(Reading::Link, || {
        Package::from_fragment(&hash)
            .map_err(|e| e.to_string())
            .and_then(|p| state.take_in(p))
    });
    let target = match result {
        Ok(imported) => {
            state.notice.set(Some(Notice {
                ok: true,
                text: imported.message,
            }));
            let tab = match state.perspective(&imported.discussion_id) {
                Perspective::Employee => "reflect",
                Perspective::Leader => "conversation",
            };
            format!("/discussions/{}/{tab}", imported.discussion_id)
        }
        Err(e) => {
            state.notice.set(Some(Notice {
                ok: false,
                text: format!(
                    "This link could not be opened: {e}. Nothing on this device was changed."
                ),
            }));
            path
        }
    };
    Some(target)
}

/// A link opened in a tab where the app already runs only changes the fragment.
#[component]
fn LinkWatcher() -> impl IntoView {
    let state = expect_context::<AppState>();
    let navigate = leptos_router::hooks::use_navigate();
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        if let Some(target) = take_in_link(state) {
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
    let state = AppState::init();
    provide_context(state);
    if let Some(text) = guard::take_notice() {
        state.notice.set(Some(Notice { ok: false, text }));
    }
    if let Some(target) = take_in_link(state) {
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
                        <ErrorBanner />
                        <NoticeBanner />
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
