//! Layout and routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use career_core::live::envelope::Room;
use career_core::share::{Package, LINK_PREFIX};
use career_core::workspace::LinkPreview;
use career_core::Side;

use crate::components::lazy::lazy;
use crate::components::sheet::Sheet;
use crate::components::status::{DeviceBanners, MessageList, SaveBanner, SaveIndicator};
use crate::error::AppError;
use crate::infra::guard::{self, Reading};
use crate::infra::location;
use crate::pages::discussion::{DiscussionPage, Tab};
use crate::pages::people::PeoplePage;
use crate::pages::person::PersonPage;
use crate::services::link::{LinkQuestion, Opening, PendingLink};
use crate::services::{self, DocStore, Live, Messages, Sharing};

/// Opening a share or live link: reads the fragment and removes it from the address and
/// the history before any other work, checks it, and asks before anything is joined or
/// stored. A link that cannot be read is reported at once.
fn read_link(docs: DocStore, messages: Messages, pending: PendingLink) {
    let hash = location::hash();
    let live_link = hash.starts_with(career_core::live::envelope::LINK_PREFIX);
    if !live_link && !hash.starts_with(LINK_PREFIX) {
        return;
    }
    // The shared data (or the session's key) leaves the address bar and the history first:
    // even if reading it stops the app, it does not linger there.
    let here = leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into());
    location::replace_with(&here);
    // Which discussion of this device a link is for, by name.
    let known = |id: &str| {
        docs.discussion(id).ok().map(|d| {
            format!(
                "{}'s career discussion (started {})",
                d.employee.name,
                d.created_on.human()
            )
        })
    };
    let question = if live_link {
        let Some(room) = Room::from_fragment(&hash) else {
            messages.problem(format!(
                "This live link could not be opened: {}. Nothing on this device was changed.",
                AppError::BadLiveLink
            ));
            return;
        };
        let (question, detail) = match known(&room.discussion_id) {
            Some(name) => (
                format!("Join the live session on {name}?"),
                "What you both change is merged as you type. Only a session on this same discussion (the same first change) is merged; anything else is refused.".to_string(),
            ),
            None => (
                "Join a live session on a discussion this device does not have?".to_string(),
                "The discussion arrives from the person who shared the link once you join, and is kept on this device.".to_string(),
            ),
        };
        LinkQuestion {
            opening: Opening::Live(room),
            question,
            detail,
            yes: "Join",
            sync_asked_by: None,
            for_employee: false,
        }
    } else {
        let decoded = guard::reading(Reading::Link, || {
            Package::from_fragment(&hash).map_err(AppError::from)
        });
        let package = match decoded {
            Ok(p) => p,
            Err(e) => {
                messages.problem(format!(
                    "This link could not be opened: {e}. Nothing on this device was changed."
                ));
                return;
            }
        };
        // Who it is between, read from the link (only a whole record can be read alone).
        let preview = guard::reading(Reading::Link, || {
            LinkPreview::of(&package).map_err(AppError::from)
        })
        .ok();
        let name = |n: &str, or: &str| {
            if n.trim().is_empty() {
                or.to_string()
            } else {
                n.trim().to_string()
            }
        };
        let known_here = known(&package.discussion_id);
        let for_employee = known_here.is_none() && package.audience == Side::Employee;
        let (question, detail) = match (&known_here, &preview) {
            (Some(title), _) => (
                format!("Take in what was sent for {title}?"),
                "It is merged into your copy; you see what changed before anything else. A link for another discussion with the same id is refused.".to_string(),
            ),
            (None, Some(p)) if package.audience == Side::Employee => {
                let leader = name(&p.manager, "Your manager");
                (
                    format!("Open your career discussion with {leader}?"),
                    format!(
                        "{leader} shared the record of the career discussion with {} (started {}). It is saved on this device only. What you write in your reflection stays private until you publish it.",
                        name(&p.employee, "you"),
                        p.created_on.human()
                    ),
                )
            }
            (None, Some(p)) => (
                format!("Take in the career discussion with {}?", name(&p.employee, "this person")),
                format!("It is saved on this device, with you as the leader (started {}).", p.created_on.human()),
            ),
            (None, None) if package.audience == Side::Employee => (
                "Open the career discussion shared with you?".to_string(),
                "It is saved on this device only. What you write in your reflection stays private until you publish it.".to_string(),
            ),
            (None, None) => (
                "Take in a career discussion shared with you?".to_string(),
                "It is saved on this device, with you as the leader.".to_string(),
            ),
        };
        let sync_asked_by = preview
            .as_ref()
            .filter(|p| p.sync_asked && known_here.is_none())
            .map(|p| match package.audience {
                Side::Employee => name(&p.manager, "Your manager"),
                Side::Leader => name(&p.employee, "The employee"),
            });
        LinkQuestion {
            opening: Opening::Share(package),
            question,
            detail,
            yes: "Take it in",
            sync_asked_by,
            for_employee,
        }
    };
    pending.0.set(Some(question));
}

/// Asks about a link just opened; on yes, joins or takes in and goes there.
#[component]
fn LinkPrompt() -> impl IntoView {
    let (sharing, live, messages, pending) = (
        expect_context::<Sharing>(),
        expect_context::<Live>(),
        expect_context::<Messages>(),
        expect_context::<PendingLink>(),
    );
    let docs = expect_context::<DocStore>();
    let navigate = leptos_router::hooks::use_navigate();
    let sync = RwSignal::new(true);
    let answer = move |_| {
        let Some(q) = pending.0.get_untracked() else {
            return;
        };
        pending.0.set(None);
        let asked = q.sync_asked_by.is_some();
        let target = match q.opening {
            Opening::Live(room) => match live.join(room) {
                Ok(id) => Some(Tab::Conversation.route(&id)),
                Err(e) => {
                    messages.problem(format!(
                        "This live link could not be opened: {e}. Nothing on this device was changed."
                    ));
                    None
                }
            },
            Opening::Share(package) => {
                let id = package.discussion_id.clone();
                let target = sharing
                    .open(Reading::Link, "This link", || Ok(package))
                    .map(|opened| Tab::after_opening(&opened));
                // The answer to the sender's question about sync, once the record is here.
                if target.is_some() && asked {
                    docs.answer_pairing(&id, sync.get_untracked());
                }
                target
            }
        };
        if let Some(target) = target {
            navigate(&target, Default::default());
        }
    };
    // Held by the reactive owner: the sheet's content must be `Send`, the router's navigate
    // is not.
    let answer = StoredValue::new_local(answer);
    move || {
        pending.0.get().map(|q| {
            view! {
                // Closing any other way (Not now, Escape) is a no.
                <Sheet labelled_by="link-question" testid="link-prompt" on_close=Callback::new(move |_| pending.0.set(None))>
                    <h2 id="link-question">{q.question}</h2>
                    <p data-testid="link-detail">{q.detail}</p>
                    {q.sync_asked_by.map(|who| view! {
                        <label class="check">
                            <input type="checkbox" data-testid="link-sync"
                                prop:checked=move || sync.get()
                                on:change=move |ev| sync.set(event_target_checked(&ev)) />
                            {format!(" Keep our devices in sync ({who} asked for this): what either of you saves reaches the other's device by itself, end-to-end encrypted. You can turn it off on Share.")}
                        </label>
                    })}
                    <div class="sheet-actions">
                        <button type="submit" class="secondary" data-testid="link-no">"Not now"</button>
                        <button type="submit" class="primary" autofocus data-testid="link-yes" on:click=move |e| answer.with_value(|a| a(e))>{q.yes}</button>
                    </div>
                </Sheet>
            }
        })
    }
}

/// A link opened in a tab where the app already runs only changes the fragment.
#[component]
fn LinkWatcher() -> impl IntoView {
    let (docs, messages, pending) = (
        expect_context::<DocStore>(),
        expect_context::<Messages>(),
        expect_context::<PendingLink>(),
    );
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        read_link(docs, messages, pending)
    });
    on_cleanup(move || handle.remove());
}

#[component]
pub fn App() -> impl IntoView {
    let (docs, _, _, messages) = services::provide();
    if let Some(text) = guard::take_notice() {
        messages.problem(text);
    }
    let pending = PendingLink(RwSignal::new(None));
    provide_context(pending);
    read_link(docs, messages, pending);
    view! {
                <Router>
            <LinkWatcher />
            <LinkPrompt />
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
                    <Route path=path!("/settings") view=|| lazy("this device's settings", crate::pages::settings::part, ()) />
                    <Route path=path!("/team") view=|| lazy("the team picture", crate::pages::team::part, ()) />
                    <Route path=path!("/hr") view=|| lazy("the record for HR", crate::pages::hr::part, ()) />
                    <Route path=path!("/people/:id") view=PersonPage />
                    <Route path=path!("/discussions/:id") view=DiscussionPage />
                    <Route path=path!("/discussions/:id/:tab") view=DiscussionPage />
                </Routes>
            </main>
        </Router>
    }
}
