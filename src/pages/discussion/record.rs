//! The shared record on one page, for reading and printing.

use career_core::model::method::{AnswerField, Question};
use career_core::model::trust::safety_code;
use career_core::share::signoff::{Check, SignOff, State};
use career_core::Side;
use leptos::prelude::*;

use super::review::ChangeList;
use super::DiscussionCtx;
use career_core::workspace::Erase;

use crate::components::erase::EraseButton;
use crate::services::{DocStore, Sharing};

/// Who signed what, what changed since, and the button to sign (again).
#[component]
pub fn SignOffPanel() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    // Follows the values too: an edit after signing is listed as an amendment at once.
    let status = Memo::new(move |_| {
        ctx.disc.track();
        docs.sign_off(&ctx.id.get()).map_err(|e| e.to_string())
    });
    move || {
        let d = ctx.disc.get().ok()?;
        let s: SignOff = status.get().ok()?;
        let me = docs.side(&d.id);
        let my_name = sharing.signer_name(&d, me);
        let other_name = sharing.signer_name(&d, me.other());
        let signed_line = |p: Side| {
            s.of(p)
                .map(|sig| format!("{} ({}) on {}", sig.name, p.as_str(), sig.on.human()))
        };
        // Signatures that do not verify are shown, and said not to count.
        let unverified: Vec<String> = Side::BOTH
            .into_iter()
            .filter_map(|p| {
                let sig = s.of(p)?;
                let why = sig.check.problem()?;
                Some(match sig.check {
                    Check::Unconfirmed => format!(
                        "{}'s signature ({}) on {} matches the key that came with what they sent, but you have not compared the safety code yet (Device keys, below). It counts once you have.",
                        sig.name,
                        p.as_str(),
                        sig.on.human()
                    ),
                    Check::FromFile => format!(
                        "{}'s signature ({}) on {} was made with the previous leader's key from the handover file. It counts once you and {} have compared the safety code.",
                        sig.name,
                        p.as_str(),
                        sig.on.human(),
                        sharing.signer_name(&d, Side::Employee),
                    ),
                    _ => format!(
                        "A signature as {} ({}) on {} is not verified: {why}. It does not count.",
                        sig.name,
                        p.as_str(),
                        sig.on.human()
                    ),
                })
            })
            .collect();
        let pending = |sig: &Option<career_core::share::signoff::Signature>| {
            sig.as_ref().is_some_and(|x| x.check.is_pending())
        };
        let (class, headline) = match &s.state {
            // Signatures are there, none counts here yet (why is said below).
            // (Only signatures whose bytes verified are named: a name in one that does not is
            // whatever its writer chose.)
            State::Unsigned if pending(&s.leader) || pending(&s.employee) => {
                let signed: Vec<String> = Side::BOTH
                    .into_iter()
                    .filter(|p| pending(&s.of(*p).cloned()))
                    .filter_map(signed_line)
                    .collect();
                let missing: Vec<String> = Side::BOTH
                    .into_iter()
                    .filter(|p| s.of(*p).is_none())
                    .map(|p| sharing.signer_name(&d, p))
                    .collect();
                let mut line = format!(
                    "Signed by {}, not counted on this device yet (see why below).",
                    signed.join(" and ")
                );
                if !missing.is_empty() {
                    line.push_str(&format!(" Waiting for {}.", missing.join(" and ")));
                }
                ("signoff waiting", line)
            }
            State::Unsigned => (
                "signoff",
                "Not signed yet. When you both agree on this record, each of you signs it."
                    .to_string(),
            ),
            // Both signed the same content, and only the codes are left to compare.
            State::Waiting {
                signed,
                waiting_for,
            } if s.of(*waiting_for).is_some_and(|w| {
                w.check.is_pending()
                    && w.content.is_some()
                    && w.content == s.of(*signed).and_then(|x| x.content)
            }) => (
                "signoff waiting",
                format!(
                    "Signed by both: {} and {}. It is agreed once you have compared the safety code with {} (Device keys, below).",
                    signed_line(Side::Leader).unwrap_or_default(),
                    signed_line(Side::Employee).unwrap_or_default(),
                    other_name,
                ),
            ),
            State::Waiting {
                signed,
                waiting_for,
            } => (
                "signoff waiting",
                format!(
                    "Signed by {}. Waiting for {}.",
                    signed_line(*signed).unwrap_or_default(),
                    sharing.signer_name(&d, *waiting_for),
                ),
            ),
            State::Agreed { on } => (
                "signoff agreed",
                format!(
                    "Agreed on {} by both: {} and {}.",
                    on.human(),
                    signed_line(Side::Leader).unwrap_or_default(),
                    signed_line(Side::Employee).unwrap_or_default(),
                ),
            ),
        };
        let i_signed_latest = s.covers(me) && s.of(me).is_some_and(|sig| sig.check.is_verified());
        let button = if s.of(me).is_some_and(|sig| sig.name == my_name) {
            format!("Sign again as {my_name}")
        } else {
            format!("Sign as {my_name}")
        };
        let amended = (!s.amendments.is_empty()).then(|| view! {
            <div class="amendments" data-testid="amendments">
                <p><strong>{format!("Amended since it was signed, by {}:", s.amended_by.join(" and "))}</strong>" Signing again covers these changes."</p>
                <ChangeList changes=s.amendments.clone() />
            </div>
        });
        // The other's signature is there and only the codes are left to compare: nothing to send.
        let other_pending = s.of(me.other()).is_some_and(|o| o.check.is_pending());
        let waiting_for_other = matches!(&s.state, State::Waiting { signed, .. } if *signed == me)
            && s.amendments.is_empty()
            && !other_pending;
        Some(view! {
            <section class=format!("card {class}") data-testid="signoff">
                <h2>"Sign-off"</h2>
                <p data-testid="signoff-state">{headline}</p>
                {unverified.into_iter().map(|line| view! { <p class="warning" data-testid="signature-unverified">{line}</p> }).collect_view()}
                {amended}
                {(!i_signed_latest).then(|| view! {
                    <button class="primary no-print" data-testid="sign" on:click=move |_| sharing.sign(&ctx.id.get_untracked())>{button.clone()}</button>
                })}
                {waiting_for_other.then(|| view! {
                    <p class="hint no-print">{format!("Send the record to {other_name} (Share) so they can sign too.")}</p>
                })}
            </section>
        })
    }
}

/// Both device keys: the safety code to compare in the room, and a changed key to confirm.
#[component]
pub fn KeysPanel() -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let sharing = expect_context::<Sharing>();
    let ctx = expect_context::<DiscussionCtx>();
    move || {
        let d = ctx.disc.get().ok()?;
        let keys = docs.keys_of(&d.id).ok()?;
        let other = sharing.signer_name(&d, keys.side.other());
        let code_of = |other_key| match keys.side {
            Side::Leader => safety_code(&keys.mine, &other_key),
            Side::Employee => safety_code(&other_key, &keys.mine),
        };
        let body = match (keys.pinned, keys.recorded) {
            (None, _) => view! {
                <p>{format!("{other}'s device key arrives with the first thing they send back (a reply, a live session or their signature). Until then their signature cannot be verified here.")}</p>
            }.into_any(),
            (Some(pinned), recorded) if keys.changed() => {
                let new_code = recorded.map(code_of).unwrap_or_default();
                let id = d.id.clone();
                view! {
                    <p class="warning" data-testid="key-changed">{if keys.side == Side::Employee {
                        format!("The leader's device key has changed. That happens when {other} uses a new device or browser, or when the discussion was handed over to a new leader — or when someone else signed or wrote in the leader's name. Signatures made with the new key are not verified until you accept it.")
                    } else {
                        format!("{other}'s device key has changed. That happens when they use a new device or browser — or when someone else signed or wrote in their name. Signatures made with the new key are not verified until you accept it.")
                    }}</p>
                    <p>"Code with the key you had: " <code>{code_of(pinned)}</code></p>
                    <p>"Code with the new key: " <code data-testid="new-safety-code">{new_code}</code></p>
                    <p>{if keys.side == Side::Employee {
                        format!("Ask whoever leads this discussion now ({other}, or their successor) to read out the code on their screen. Accept the new key only if it matches the new code. Signatures already made with the key you had keep counting; none made with it from the moment the new key came in.")
                    } else {
                        format!("Ask {other} to read out the code on their screen. Accept the new key only if it matches the new code. Signatures already made with the key you had keep counting; none made with it from the moment the new key came in.")
                    }}</p>
                    // The key whose code is shown, not whatever the record names at the tap.
                    {recorded.map(|shown| view! {
                        <button class="no-print" data-testid="accept-key" on:click=move |_| docs.confirm_key(&id, &shown)>"Accept the new key"</button>
                    })}
                }.into_any()
            }
            (Some(pinned), _) if !keys.confirmed => {
                let id = d.id.clone();
                let candidates = keys.candidates.clone();
                let several = !candidates.is_empty();
                view! {
                    {several.then(|| view! {
                        <p class="warning" data-testid="key-candidates">{format!("More than one device key came in as {other}'s. Only the one whose code matches {other}'s screen is theirs: compare and confirm that one. The others never count.")}</p>
                    })}
                    <p>{if several { "Code with the first key: " } else { "Safety code: " }} <code data-testid="safety-code">{code_of(pinned)}</code></p>
                    <p class="hint">{format!("Compare it with the code on {other}'s screen, in the room or on a call you know is them. The key came with what they sent; anyone who held the first link could have sent one. Until you tap We compared it, {other}'s signature does not count on this device.")}</p>
                    <button class="primary no-print" data-testid="keys-compared" on:click={
                        let id = id.clone();
                        move |_| docs.confirm_key(&id, &pinned)
                    }>{if several { "We compared this one" } else { "We compared it" }}</button>
                    {candidates.into_iter().map(|k| {
                        let id = id.clone();
                        view! {
                            <p>"Code with another key: " <code data-testid="candidate-code">{code_of(k)}</code>
                                " " <button class="no-print" data-testid="candidate-compared" on:click=move |_| docs.confirm_key(&id, &k)>"We compared this one"</button></p>
                        }
                    }).collect_view()}
                }.into_any()
            }
            (Some(pinned), _) => view! {
                <p>"Safety code: " <code data-testid="safety-code">{code_of(pinned)}</code> " " <span class="badge" data-testid="keys-confirmed">"compared"</span></p>
                <p class="hint">{format!("You marked this code as compared with {other}'s screen: signatures are checked against these keys. If their key changes, you are asked again.")}</p>
            }.into_any(),
        };
        Some(view! {
            <section class="card keys" data-testid="keys">
                <h2>"Device keys"</h2>
                {body}
            </section>
        })
    }
}

#[component]
pub fn Record() -> impl IntoView {
    let ctx = expect_context::<DiscussionCtx>();
    // The panel sits outside the part that re-renders with every change to the record.
    let record = move || {
        ctx.disc.get().ok().map(|d| {
            let when = d.held_on.map(|h| format!("Held on {}", h.human())).unwrap_or_else(|| "Not held yet".into());
            view! {
                <article class="record" data-testid="record">
                    // A browser without printing has nothing to report.
                    <p class="no-print"><button on:click=move |_| { let _ = leptos::prelude::window().print(); }>"Print"</button></p>
                    <h2>"Career discussion: " {d.employee.name.clone()}</h2>
                    <p class="sub">{format!("{} · Leader: {} · {}", d.employee.role, if d.manager.name.is_empty() { "—" } else { &d.manager.name }, when)}</p>
                    {Question::ALL.into_iter().enumerate().map(|(n, q)| {
                        let answer = d.answers.get(AnswerField::of(q)).trim().to_string();
                        let views: Vec<String> = d.views_for(q).map(|v| v.text.as_str().to_string()).collect();
                        let willing = (q == Question::Willing).then_some(d.willing).flatten();
                        let timing = (q == Question::NextAssignment)
                            .then(|| d.answers.get(AnswerField::NextAssignmentTiming).trim().to_string())
                            .filter(|t| !t.is_empty());
                        let unanswered = answer.is_empty() && willing.is_none() && timing.is_none();
                        view! {
                            <section class="record-q">
                                <h3>{format!("{}. {}", n + 1, q.title())}</h3>
                                {willing.map(|w| view! { <p><strong>{w.label()}</strong></p> })}
                                {(!answer.is_empty()).then(|| view! { <p class="prose">{answer}</p> })}
                                {timing.map(|t| view! { <p>"When: " {t}</p> })}
                                {unanswered.then(|| view! { <p class="muted">"Not answered."</p> })}
                                {views.into_iter().map(|v| view! { <blockquote class="leader-view prose"><span class="badge leader">{if d.manager.name.trim().is_empty() { "Leader's view".to_string() } else { format!("{}'s view", d.manager.name.trim()) }}</span>" "{v}</blockquote> }).collect_view()}
                            </section>
                        }
                    }).collect_view()}
                    <h3>"Notes"</h3>
                    {if d.notes.as_str().trim().is_empty() {
                        view! { <p class="muted">"No shared notes."</p> }.into_any()
                    } else {
                        view! { <p class="prose">{d.notes.as_str().to_string()}</p> }.into_any()
                    }}
                    <h3>"Plan"</h3>
                    <p>{format!("Track: {} · Readiness: {}", d.track.label(), d.readiness.map(|r| r.label()).unwrap_or("not decided"))}</p>
                    {if d.actions.is_empty() {
                        view! { <p class="muted">"No actions."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="record-actions">
                                {d.actions.iter().map(|a| view! {
                                    <li>
                                        <strong>{if a.done { "Done: " } else { "To do: " }}</strong>
                                        <span class="prose">{a.text.as_str().to_string()}</span>
                                        {format!(" — {}{}", a.owner.name_in(&d), a.due.map(|d| format!(", due {}", d.human())).unwrap_or_default())}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </article>
            }
        })
    };
    view! {
        <SignOffPanel />
        <KeysPanel />
        {record}
        <section class="erase-zone no-print">
            <EraseButton what=Erase::Discussion(ctx.id.get_untracked()) label="Delete this discussion from this device…" whose=untrack(move || match ctx.perspective.get() {
                Side::Leader => ctx.employee_name().get(),
                Side::Employee => ctx.leader_name().get(),
            }) testid="erase-discussion" />
        </section>
    }
}

/// The record: sign-off and both devices' keys. A module of its own, loaded when first opened (see `components::lazy`): at build
/// time (`scripts/split.mjs`) everything only this function reaches moves into it.
#[leptos::wasm_split::wasm_split(record, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn part() -> Result<crate::components::lazy::Part<()>, crate::components::lazy::NotLoaded> {
    Ok(|()| view! { <Record /> }.into_any())
}
