//! Share: a link (with QR code) or file for the other side, exports, and taking in what
//! the other side sent back.

use career_core::live::mailbox::{PairingState, MAX_AGE_DAYS};
use career_core::model::people::RosterText;
use career_core::share::{
    Contents, Package, ShareError, FILE_EXTENSION, MAX_LINK_CHARS, MAX_PACKAGE_BYTES,
};
use career_core::storage::workspace::TextField;
use career_core::Side;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{DiscussionCtx, Tab};
use crate::components::fields::TextInput;
use crate::components::file_picker::{FilePicker, Picked};
use crate::components::sync_status::SyncStatus;
use crate::error::AppError;
use crate::infra::guard::{self, Reading};
use crate::infra::location;
use crate::services::{DocStore, Live, Messages, Sharing};

/// A QR code for links short enough to scan (QR codes top out near 3 KB).
fn qr_svg(link: &str) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::L).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
    )
}

#[derive(Clone, PartialEq)]
struct Made {
    link: String,
    changes_only: bool,
}

#[component]
pub fn Share() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    let made = RwSignal::new(None::<Result<Made, String>>);
    let other = Memo::new(move |_| {
        ctx.disc.track();
        sharing.other_party(&ctx.id.get())
    });
    let leader = move || ctx.perspective.get() == Side::Leader;
    let ask_name = docs.manager().name.trim().is_empty();

    let make = move |whole: bool| {
        let result = sharing
            .package(&ctx.id.get_untracked(), whole)
            .map(|p: Package| Made {
                link: format!("{}/{}", location::origin(), p.to_fragment()),
                changes_only: p.contents == Contents::ChangesOnly,
            })
            .map_err(|e| format!("The link could not be made: {e}."));
        made.set(Some(result));
    };

    view! {
        <section class="card share" data-testid="share">
            {move || if leader() {
                view! {
                    <h3>"Share with " {other}</h3>
                    <p class="warning" data-testid="share-warning">
                        <strong>"Anyone with this link can read this discussion."</strong>
                        " The link carries the shared record itself (in the part after #, which is never sent to any server). "
                        "Your private preparation is never included. Send it only to " {other} "."
                    </p>
                    // Asked while the name is missing when the tab opens, and kept while it is typed.
                    {ask_name.then(|| {
                        let name = Signal::derive(move || docs.manager().name);
                        view! {
                            <TextInput value=name field=TextField::Roster(RosterText::ManagerName)
                                testid="share-manager-name" trim=true label=format!("Your name, as {} will see it", other.get_untracked()) />
                        }
                    })}
                    <button class="primary" data-testid="make-link" on:click=move |_| make(true)>"Create share link"</button>
                }.into_any()
            } else {
                let paired = move || matches!(
                    docs.mailbox_status(&ctx.id.get()).map(|s| s.state),
                    Some(PairingState::Paired(_))
                );
                view! {
                    <h3>"Send your answers back to " {other}</h3>
                    {move || paired().then(|| view! {
                        <p class="help" data-testid="paired-no-reply-needed">
                            "Your devices are paired: what you publish and save here reaches " {other}
                            " by itself when each of you is online. A reply link is only needed if "
                            {other} " asks for one."
                        </p>
                    })}
                    <p class="warning" data-testid="share-warning">
                        <strong>"Anyone with this link can read this discussion."</strong>
                        " It carries your published answers and the shared notes; your private drafts are never included."
                    </p>
                    <button class="primary" data-testid="make-link" on:click=move |_| make(false)>"Create reply link"</button>
                    " "
                    <button data-testid="make-full-link" on:click=move |_| make(true)>"Send everything instead"</button>
                }.into_any()
            }}
            {move || made.get().map(|m| match m {
                Err(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
                Ok(m) if m.link.len() > MAX_LINK_CHARS => view! {
                    <p class="form-error" data-testid="link-too-long">
                        {format!("This discussion is too large for a link ({} characters; links over {} may not open everywhere). Send it as a file instead:", m.link.len(), MAX_LINK_CHARS)}
                    </p>
                    <button data-testid="download-file-instead" on:click=move |_| sharing.download_package(&ctx.id.get_untracked(), true)>"Download as a file"</button>
                }.into_any(),
                Ok(m) => {
                    let qr = qr_svg(&m.link);
                    let link = m.link.clone();
                    let copy = move |_| {
                        let clipboard = leptos::prelude::window().navigator().clipboard();
                        // A refusal is the browser's to show; the link stays in the box to copy.
                        let _ = clipboard.write_text(&link);
                    };
                    view! {
                        <div class="link-box">
                            {m.changes_only.then(|| view! { <p class="help">"Carries only the changes " {other} " does not have yet."</p> })}
                            <textarea readonly rows=3 data-testid="share-link" aria-label="Share link" prop:value=m.link.clone()></textarea>
                            <button on:click=copy>"Copy link"</button>
                            {match qr {
                                Some(svg) => view! { <div class="qr" data-testid="share-qr" inner_html=svg></div> }.into_any(),
                                None => view! { <p class="help" data-testid="qr-too-long">"Too long for a QR code: send the link or a file."</p> }.into_any(),
                            }}
                        </div>
                    }.into_any()
                }
            })}
            <p>
                <button data-testid="download-file" on:click=move |_| sharing.download_package(&ctx.id.get_untracked(), !leader())>
                    "Download as a file (.ctalk)"
                </button>
                " — for e-mail or AirDrop; opens with “Open a file” in Career Talk."
            </p>
        </section>
        <LiveCard />
        <PairingCard />
        <section class="card">
            <h3>"Take in what " {other} " sent"</h3>
            <p class="help">"Opening their link does this by itself. For a file, choose it here. Their changes are merged; nothing of yours is replaced."</p>
            <OpenFile />
        </section>
        <section class="card">
            <h3>"Export the shared record"</h3>
            <button data-testid="export-markdown" on:click=move |_| sharing.download_markdown(&ctx.id.get_untracked())>"Markdown"</button>
            " "
            <button data-testid="export-json" on:click=move |_| sharing.download_json(&ctx.id.get_untracked())>"JSON"</button>
            " "
            <a href=move || format!("/discussions/{}/record", ctx.id.get())>"Printable record"</a>
        </section>
    }
}

/// Sync without meeting: whether sharing pairs the two devices, where the sync stands, and
/// stopping it.
#[component]
fn PairingCard() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    let other = Memo::new(move |_| {
        ctx.disc.track();
        sharing.other_party(&ctx.id.get())
    });
    let state = Memo::new(move |_| docs.mailbox_status(&ctx.id.get()).map(|s| s.state));
    view! {
        <section class="card pairing" data-testid="pairing">
            <h3>"Keep in sync with " {other}</h3>
            <p><SyncStatus id=ctx.id side=ctx.perspective other=other /></p>
            {move || match state.get() {
                Some(PairingState::Paired(_)) => view! {
                    <p class="help">
                        "Your saved changes reach " {other} "'s device whenever each of you is online — no reply links needed. "
                        "They travel end-to-end encrypted through the relay, which stores only ciphertext, for at most "
                        {MAX_AGE_DAYS} " days. Your private preparation and unpublished drafts never leave this device."
                    </p>
                    <button data-testid="stop-pairing" on:click=move |_| docs.stop_pairing(&ctx.id.get_untracked())>"Stop pairing"</button>
                    <span class="help">" Both devices stop syncing; nothing already merged is removed."</span>
                }.into_any(),
                _ => view! {
                    <label class="check">
                        <input type="checkbox" data-testid="pair-when-sharing"
                            prop:checked=move || docs.pair_when_sharing.get()
                            on:change=move |ev| docs.pair_when_sharing.set(event_target_checked(&ev)) />
                        " Pair our devices when I share (recommended): from then on, saved changes reach "
                        {other} " whenever each of you is online, end-to-end encrypted."
                    </label>
                }.into_any(),
            }}
        </section>
    }
}

/// Takes in a package from a link or a file (`what` names it in messages): says what
/// happened and returns where to go — the discussion, on this device's first tab for a new
/// one. Decoding runs under the crash guard. `None` when nothing was taken in.
pub fn open_package(
    sharing: Sharing,
    messages: Messages,
    source: Reading,
    what: &str,
    decode: impl FnOnce() -> Result<Package, ShareError>,
) -> Option<String> {
    let result = guard::reading(source, || {
        decode()
            .map_err(AppError::from)
            .and_then(|p| sharing.take_in(&p))
    });
    match result {
        Ok(opened) => {
            messages.info(opened.message);
            let tab = match opened.side {
                Side::Employee => Tab::Reflect,
                Side::Leader => Tab::Conversation,
            };
            Some(tab.route(&opened.discussion_id))
        }
        Err(e) => {
            messages.problem(format!(
                "{what} could not be opened: {e}. Nothing on this device was changed."
            ));
            None
        }
    }
}

/// A file picker that takes in a `.ctalk` package and opens its discussion.
#[component]
pub fn OpenFile() -> impl IntoView {
    let sharing = expect_context::<Sharing>();
    let messages = expect_context::<Messages>();
    let navigate = use_navigate();
    let on_file = Callback::new(move |(name, bytes): Picked| {
        let opened = open_package(sharing, messages, Reading::File, &name, || {
            Package::from_bytes(&bytes)
        });
        if let Some(target) = opened {
            navigate(&target, Default::default());
        }
    });
    view! {
        <FilePicker label="Open a file" accept=format!(".{FILE_EXTENSION}") testid="open-file"
            max_bytes=MAX_PACKAGE_BYTES on_file=on_file />
    }
}

/// Starting (or joining) a live session on this discussion.
#[component]
fn LiveCard() -> impl IntoView {
    let live = expect_context::<Live>();
    let ctx = expect_context::<DiscussionCtx>();
    let here = move || {
        live.info
            .with(|i| i.as_ref().is_some_and(|i| i.discussion_id == ctx.id.get()))
    };
    view! {
        <section class="card live-card" data-testid="live-card">
            <h3>"Live session"</h3>
            <p class="help">"Both of you type in the same discussion at the same time, on your own devices, in the room or remote. Messages are end-to-end encrypted: the relay passes them on without being able to read them."</p>
            {move || if here() {
                let info = live.info.get().expect("checked");
                let qr = qr_svg(&info.link);
                view! {
                    <p class="warning"><strong>"Anyone with this link can join and read this discussion."</strong></p>
                    <textarea readonly rows=2 data-testid="live-link" aria-label="Live session link" prop:value=info.link.clone()></textarea>
                    {qr.map(|svg| view! { <div class="qr" data-testid="live-qr" inner_html=svg></div> })}
                    <p>
                        {info.host.then(|| view! { <button data-testid="end-live" on:click=move |_| live.end()>"End the session for everyone"</button> })}
                        " "
                        <button data-testid="leave-live" on:click=move |_| live.leave()>"Leave"</button>
                    </p>
                }.into_any()
            } else {
                view! {
                    <button class="primary" data-testid="start-live" on:click=move |_| { live.start(&ctx.id.get_untracked()); }>"Start live session"</button>
                }.into_any()
            }}
        </section>
    }
}
