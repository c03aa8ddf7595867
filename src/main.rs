//! Career Talk in the browser: a thin Leptos shell around `career-core`. It owns storage,
//! the clock, randomness and the DOM; everything about documents lives in the core.

mod app;
mod components;
mod error;
mod infra;
mod pages;
mod services;

fn main() {
    infra::guard::install();
    infra::clock::use_locale_dates();
    leptos::mount::mount_to_body(app::App);
}
