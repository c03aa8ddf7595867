//! Share: sending the discussion to the other side (the system's share sheet, a link or a
//! file), live sessions, pairing, opening what the other side sent, and copies.

use career_core::live::mailbox::{Phase, MAX_AGE_DAYS};
use career_core::model::people::RosterText;
use career_core::share::handover::{Handover, MAX_HANDOVER_BYTES};
use career_core::share::{Contents, Package, FILE_EXTENSION, MAX_LINK_CHARS, MAX_PACKAGE_BYTES};
use career_core::workspace::TextField;
use career_core::Side;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{DiscussionCtx, Tab};
use crate::components::fields::TextInput;
use crate::components::file_picker::{FilePicker, Picked};
use crate::components::sync_status::SyncStatus;
use crate::infra::guard::{self, Reading};
use crate::infra::location;
use crate::infra::share_sheet::{self, Shared};
use crate::services::sharing::PACKAGE_MIME;
use crate::services::{DocStore, Live, Messages, Sharing};

/// A QR code a camera can read off a screen: modules of at least [`QR_MODULE_PX`] CSS px
/// with the standard quiet zone of 4 modules, the whole at most [`QR_MAX_PX`] wide. Live
/// links are short enough; a link carrying a whole record is not (`None`: the share sheet,
/// copying or a file do it).
fn qr_svg(link: &str) -> Option<(String, usize)> {
    const QR_MAX_PX: usize = 320;
    const QR_MODULE_PX: usize = 4;
    let code =
        qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::L).ok()?;
    let modules = code.width();
    let px = QR_MAX_PX / (modules + 8);
    (px >= QR_MODULE_PX).then(|| {
        let svg = code
            .render::<qrcode::render::svg::Color>()
            .module_dimensions(px as u32, px as u32)
            .quiet_zone(true)
            .build();
        (svg, modules)
    })
}

/// What happened when the person asked to send.
#[derive(Clone, PartialEq)]
enum Sent {
    Failed(String),
    /// Made; `sheet` is what the share sheet answered (`None` before it did, or without one).
    Made {
        link: String,
        changes_only: bool,
        sheet: Option<Result<(), String>>,
    },
}

/// Offers a link (and the package as a file, where the browser shares files) to the system's
/// share sheet; what it answers is shown under the button. `title` names it in the sheet.
fn send(sharing: Sharing, id: String, whole: bool, title: String, result: RwSignal<Option<Sent>>) {
    let package = match sharing.package(&id, whole) {
        Ok(p) => p,
        Err(e) => {
            result.set(Some(Sent::Failed(format!("It could not be made: {e}."))));
            return;
        }
    };
    let link = format!("{}/{}", location::origin(), package.to_fragment());
    let changes_only = package.contents == Contents::ChangesOnly;
    let shared_link = link.clone();
    let made = move |sheet| Sent::Made {
        link: link.clone(),
        changes_only,
        sheet,
    };
    result.set(Some(made(None)));
    if !share_sheet::available() {
        return;
    }
    let bytes = package.to_bytes();
    let name = sharing.file_name(&id);
    let short_enough = shared_link.len() <= MAX_LINK_CHARS;
    // The link where it fits (it opens on any device); else the file, with where to open
    // it, since a file alone says nothing to someone on a laptop.
    let text = if short_enough {
        format!("{title}: open this link to see it in Career Talk.")
    } else {
        format!(
            "{title}. Open Career Talk at {}/ and choose “Open a file” to take this file in.",
            location::origin()
        )
    };
    // Asked now, while the tap counts; answered later.
    let answer = share_sheet::offer(
        &title,
        &text,
        Some((&name, &bytes, PACKAGE_MIME)),
        (short_enough).then_some(shared_link.as_str()),
    );
    // The link stays offered whatever the sheet answers.
    leptos::task::spawn_local(async move {
        match answer.await {
            Shared::Done => result.set(Some(made(Some(Ok(()))))),
            Shared::Failed(e) => result.set(Some(made(Some(Err(e))))),
            Shared::Cancelled | Shared::Unavailable => {}
        }
    });
}

/// Copy, "Show link" and the QR code (when scannable) for a link just made.
#[component]
fn LinkWays(
    link: String,
    #[prop(into)] other: Signal<String>,
    /// The link box's test id.
    testid: &'static str,
    qr_testid: &'static str,
) -> impl IntoView {
    // What the clipboard answered: "Copied" only once it took the link.
    let copied = RwSignal::new(None::<bool>);
    let copy = {
        let link = link.clone();
        move |_| {
            let promise = leptos::prelude::window()
                .navigator()
                .clipboard()
                .write_text(&link);
            leptos::task::spawn_local(async move {
                let taken = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copied.set(Some(taken));
            });
        }
    };
    let qr = qr_svg(&link);
    view! {
        <div class="link-ways">
            <button data-testid="copy-link" on:click=copy>"Copy link"</button>
            {move || copied.get().map(|taken| if taken {
                view! { <span class="help" role="status" data-testid="copied">"Copied: paste it into a message to " {other} "."</span> }.into_any()
            } else {
                view! { <span class="form-error" role="alert" data-testid="copied">"This browser did not allow copying: open “Show link” and copy it from there."</span> }.into_any()
            })}
            <details class="show-link">
                <summary data-testid="show-link">"Show link"</summary>
                <textarea readonly rows=3 data-testid=testid aria-label="Link" prop:value=link></textarea>
            </details>
            {qr.map(|(svg, modules)| view! {
                <figure class="qr">
                    <div data-testid=qr_testid data-modules=modules.to_string() inner_html=svg></div>
                    <figcaption class="help">"Or scan it with the other device's camera."</figcaption>
                </figure>
            })}
        </div>
    }
}

#[component]
pub fn Share() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    let sent = RwSignal::new(None::<Sent>);
    let other = Memo::new(move |_| {
        ctx.disc.track();
        sharing.other_party(&ctx.id.get())
    });
    let leader = move || ctx.perspective.get() == Side::Leader;
    let ask_name = docs.manager().name.trim().is_empty();
    let sheet = share_sheet::available();
    let make = move |whole: bool| {
        let title = format!("Career discussion with {}", other.get_untracked());
        send(sharing, ctx.id.get_untracked(), whole, title, sent)
    };
    let send_label = move || {
        let dots = if sheet { "…" } else { "" };
        if leader() {
            format!("Send to {}{dots}", other.get())
        } else {
            format!("Send my answers to {}{dots}", other.get())
        }
    };

    view! {
        <section class="card share" data-testid="share">
            {move || if leader() {
                view! {
                    <h2>"Send the discussion to " {other}</h2>
                    <p class="warning" data-testid="share-warning">
                        <strong>"Whoever has what you send can read this discussion."</strong>
                        " Send it only to " {other} ". Your private preparation is never included."
                    </p>
                    // Asked while the name is missing when the tab opens, and kept while it is typed.
                    {ask_name.then(|| {
                        let name = Signal::derive(move || docs.manager().name);
                        view! {
                            <TextInput value=name field=TextField::Roster(RosterText::ManagerName)
                                testid="share-manager-name" trim=true label=format!("Your name, as {} will see it", other.get_untracked()) />
                        }
                    })}
                }.into_any()
            } else {
                let paired = move || docs
                    .mailbox_status(&ctx.id.get())
                    .is_some_and(|s| s.state.paired().is_some());
                view! {
                    <h2>"Send your answers to " {other}</h2>
                    {move || paired().then(|| view! {
                        <p class="help" data-testid="paired-no-reply-needed">
                            "Your devices are paired: what you publish and save here reaches " {other}
                            " by itself when each of you is online. Send it this way only if " {other} " asks."
                        </p>
                    })}
                    <p class="warning" data-testid="share-warning">
                        <strong>"Whoever has what you send can read this discussion."</strong>
                        " It carries your published answers and the shared notes; your private drafts are never included."
                    </p>
                }.into_any()
            }}
            <div class="actions">
                <button class="primary" data-testid="make-link" on:click=move |_| make(leader())>{send_label}</button>
                <button data-testid="download-file" on:click=move |_| sharing.download_package(&ctx.id.get_untracked(), leader())>
                    "Save as a file"
                </button>
            </div>
            <p class="help">
                {move || if sheet {
                    "Send opens your device's share sheet (Mail, Messages, AirDrop). "
                } else {
                    "Send makes a link to paste into an e-mail or message. "
                }}
                "A file suits e-mail attachments and AirDrop: " {other} " opens it with “Open a file” on this page."
            </p>
            {move || (!leader()).then(|| view! {
                <p class="help reply-advice" data-testid="reply-advice">
                    <span>"Only what " {other} " does not have yet is sent. If " {other}
                    " no longer has this discussion (a new device, say), send all of it instead."</span>
                    <button class="small" data-testid="make-full-link" on:click=move |_| make(true)>"Send all of it"</button>
                </p>
            })}
            {move || sent.get().map(|s| match s {
                Sent::Failed(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
                Sent::Made { link, .. } if link.len() > MAX_LINK_CHARS => view! {
                    <p class="form-error" data-testid="link-too-long">
                        {format!("This discussion is too large for a link ({} characters; links over {} may not open everywhere). Send it as a file instead:", link.len(), MAX_LINK_CHARS)}
                    </p>
                    <button data-testid="download-file-instead" on:click=move |_| sharing.download_package(&ctx.id.get_untracked(), true)>"Save as a file"</button>
                }.into_any(),
                Sent::Made { link, changes_only, sheet } => {
                    let handed = sheet == Some(Ok(()));
                    view! {
                    <div class="link-box" data-testid="sent">
                        {match sheet {
                            Some(Err(e)) => Some(view! {
                                <p class="form-error" role="alert">{format!("The share sheet did not take it ({e}). Copy the link or save a file instead.")}</p>
                            }),
                            _ => None,
                        }}
                        <p role="status">
                            {if handed { "Handed to the share sheet. " } else { "The link is ready. " }}
                            {changes_only.then(|| view! { "It carries only the changes " {other} " does not have yet." })}
                        </p>
                        <LinkWays link=link other=other testid="share-link" qr_testid="share-qr" />
                    </div>
                    }.into_any()
                }
            })}
        </section>
        <LiveCard />
        <PairingCard />
        <section class="card">
            <h2>"Open what " {other} " sent you"</h2>
            <p class="help">"A link from " {other} " opens by itself when you tap it. For a file, choose it here. What they changed is merged into your copy and shown to you before anything else."</p>
            <OpenFile />
        </section>
        <section class="card">
            <h2>"Keep a copy of the shared record"</h2>
            <div class="actions">
                <button data-testid="export-markdown" on:click=move |_| sharing.download_markdown(&ctx.id.get_untracked())>"As a text document"</button>
                <button data-testid="export-json" on:click=move |_| sharing.download_json(&ctx.id.get_untracked())>"As data for other tools"</button>
                <a class="button" href=move || format!("/discussions/{}/record", ctx.id.get())>"Printable record"</a>
            </div>
        </section>
    }
}

/// Sync without meeting: each side's answer, where the sync stands, and changing it.
/// Devices sync only when both said yes.
#[component]
fn PairingCard() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    let other = Memo::new(move |_| {
        ctx.disc.track();
        sharing.other_party(&ctx.id.get())
    });
    let phase = Memo::new(move |_| {
        docs.mailbox_status(&ctx.id.get())
            .map(|s| s.state.phase(ctx.perspective.get()))
    });
    let answer = move |yes: bool| docs.answer_pairing(&ctx.id.get_untracked(), yes);
    view! {
        <section class="card pairing" data-testid="pairing">
            <h2>"Keep in sync with " {other}</h2>
            <p><SyncStatus id=ctx.id side=ctx.perspective other=other /></p>
            {move || match phase.get() {
                Some(Phase::Paired) => view! {
                    <p class="help">
                        "You both said yes: your saved changes reach " {other} "'s device whenever each of you is online — no reply links needed. "
                        "They travel end-to-end encrypted through the relay, which stores only ciphertext, for at most "
                        {MAX_AGE_DAYS} " days. Your private preparation and unpublished drafts never leave this device."
                    </p>
                    <button data-testid="stop-pairing" on:click=move |_| answer(false)>"Stop syncing"</button>
                    <span class="help">" Both devices stop syncing; nothing already merged is removed."</span>
                }.into_any(),
                Some(Phase::Asked) => view! {
                    <p data-testid="pairing-asked">
                        {other} " asks to keep your two devices in sync: what each of you saves reaches the other's device by itself, end-to-end encrypted. Nothing syncs unless you say yes."
                    </p>
                    <div class="actions">
                        <button class="primary" data-testid="pairing-yes" on:click=move |_| answer(true)>"Turn sync on"</button>
                        <button data-testid="pairing-no" on:click=move |_| answer(false)>"No, thanks"</button>
                    </div>
                }.into_any(),
                Some(Phase::Waiting) => view! {
                    <p class="help">"You said yes. Nothing syncs until " {other} " says yes too."</p>
                    <button data-testid="stop-pairing" on:click=move |_| answer(false)>"Turn sync off"</button>
                }.into_any(),
                Some(Phase::OffByMe) => view! {
                    <p class="help">"You turned sync off: changes go by link or file."</p>
                    <button data-testid="pairing-yes" on:click=move |_| answer(true)>"Turn sync on"</button>
                }.into_any(),
                Some(Phase::OffByOther) => view! {
                    <p class="help">{other} " turned sync off: changes go by link or file. Sync starts again only if " {other} " turns it on."</p>
                }.into_any(),
                _ => view! {
                    <label class="check">
                        <input type="checkbox" data-testid="pair-when-sharing"
                            prop:checked=move || docs.pair_when_sharing.get()
                            on:change=move |ev| docs.pair_when_sharing.set(event_target_checked(&ev)) />
                        " Pair our devices when I share (recommended): once " {other}
                        " says yes too, saved changes reach each other's device whenever each of you is online, end-to-end encrypted."
                    </label>
                }.into_any(),
            }}
        </section>
    }
}

/// A file picker that takes in a `.ctalk` package and opens its discussion.
#[component]
pub fn OpenFile() -> impl IntoView {
    let sharing = expect_context::<Sharing>();
    let messages = expect_context::<Messages>();
    let navigate = use_navigate();
    let docs = expect_context::<DocStore>();
    let on_file = Callback::new(move |(name, bytes): Picked| {
        // A handover file from a person's previous manager, or a shared discussion.
        if Handover::is_handover(&bytes) {
            match guard::reading(Reading::File, || docs.take_handover(&bytes)) {
                Ok(taken) => {
                    messages.info(format!(
                        "{}'s career history is on your people list: {} new discussion{}{}.{} The file names {} as the previous manager.",
                        taken.name,
                        taken.added,
                        if taken.added == 1 { "" } else { "s" },
                        if taken.merged > 0 { format!(", {} merged with your copy", taken.merged) } else { String::new() },
                        if taken.preps > 0 { " The previous manager's preparation came with it." } else { "" },
                        if taken.from.trim().is_empty() { "no one" } else { taken.from.trim() },
                    ));
                    navigate(&format!("/people/{}", taken.person_id), Default::default());
                }
                Err(e) => messages.problem(format!(
                    "{name} could not be opened: {e}. Nothing on this device was changed."
                )),
            }
            return;
        }
        let opened = sharing.open(Reading::File, &name, || Package::from_bytes(&bytes));
        if let Some(opened) = opened {
            navigate(&Tab::after_opening(&opened), Default::default());
        }
    });
    view! {
        <FilePicker label="Open a file" accept=format!(".{FILE_EXTENSION},.json,application/json") testid="open-file"
            max_bytes=MAX_HANDOVER_BYTES.max(MAX_PACKAGE_BYTES) on_file=on_file />
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
            <h2>"Live session"</h2>
            <p class="help">"Both of you type in the same discussion at the same time, on your own devices, in the room or remote. Messages are end-to-end encrypted: the relay passes them on without being able to read them."</p>
            {move || if here() {
                let info = live.info.get().expect("checked");
                let other = Signal::derive(move || "the others".to_string());
                view! {
                    <p class="warning"><strong>"Anyone with this link can join and read this discussion."</strong></p>
                    <LinkWays link=info.link.clone() other=other testid="live-link" qr_testid="live-qr" />
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

/// Sharing a discussion: links, files, QR codes, pairing and live sessions. A module of its own, loaded when first opened (see `components::lazy`): at build
/// time (`scripts/split.mjs`) everything only this function reaches moves into it.
#[leptos::wasm_split::wasm_split(share, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn part() -> Result<crate::components::lazy::Part<()>, crate::components::lazy::NotLoaded> {
    Ok(|()| view! { <Share /> }.into_any())
}
