//! Parts of the app loaded when first needed. The first module holds the shell, the people
//! list, one discussion and Automerge; each rarer part (the team picture, the HR record, the
//! year-over-year comparison, this device's settings and backups, sharing with its QR codes
//! and live links, the record and sign-off, the meeting mode) is a module of its own,
//! fetched the first time it is opened (`scripts/split.mjs` splits the build along the
//! `wasm_split` functions in `crate::parts`; the service worker precaches every module, so
//! a part once opened — or precached — opens offline too).
//!
//! A part is a function in its module that makes the view: it arrives as a plain function
//! pointer, so the view is made in the page's own reactive owner and context, like any
//! other. While it loads the page says what is loading (after a moment, so a fast load does
//! not flash); if it does not arrive the page says so and offers to try again, and nothing
//! else on the page is affected.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;

use career_core::text::capitalise;

/// Makes a part's view once its module is here.
pub type Part<A> = fn(A) -> AnyView;

/// A part's module did not arrive (the details are in the browser's console).
#[derive(Debug, Clone, Copy)]
pub struct NotLoaded;

impl From<SplitLoaderError> for NotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        NotLoaded
    }
}

enum Phase<A: 'static> {
    Loading,
    Failed,
    Ready(Part<A>),
}

impl<A> Clone for Phase<A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A> Copy for Phase<A> {}

/// The part `load` brings, made with `args`; `what` names it in messages ("the team
/// picture").
pub fn lazy<A, F, Fut>(what: &'static str, load: F, args: A) -> impl IntoView
where
    A: Clone + Send + Sync + 'static,
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Part<A>, NotLoaded>> + 'static,
{
    let phase = RwSignal::new(Phase::Loading);
    let fetch = move || {
        phase.set(Phase::Loading);
        spawn_local(async move {
            let arrived = match load().await {
                Ok(part) => Phase::Ready(part),
                Err(NotLoaded) => Phase::Failed,
            };
            // The page may have been left meanwhile.
            phase.try_set(arrived);
        });
    };
    fetch();
    move || match phase.get() {
        // Made untracked: the part's own reads are its own business, not a reason to
        // make it again.
        Phase::Ready(part) => {
            let args = args.clone();
            untrack(move || part(args))
        }
        Phase::Loading => view! {
            <div class="part-loading" role="status" data-testid="part-loading">
                <progress aria-label=format!("Loading {what}")></progress>
                <span>"Loading " {what} "…"</span>
            </div>
        }
        .into_any(),
        Phase::Failed => {
            let offline = !window().navigator().on_line();
            view! {
                <div class="banner bad" role="alert" data-testid="part-failed">
                    <span>
                        <strong>{capitalise(what)} " could not be loaded"</strong>
                        // Only what the browser says: whether it is offline.
                        {offline.then_some(" while this device is offline")}
                        "."
                    </span>
                    <button data-testid="part-retry" on:click=move |_| fetch()>"Try again"</button>
                </div>
            }
            .into_any()
        }
    }
}
