//! The parts of the app that are modules of their own, loaded when first opened
//! (`components::lazy`). Each function below is a split point: at build time
//! (`scripts/split.mjs`) everything only it reaches moves into its module, named after the
//! first argument. Each returns the function that makes the part's view.

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

use crate::components::lazy::{NotLoaded, Part};
use crate::pages;

#[wasm_split(team, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn team() -> Result<Part<()>, NotLoaded> {
    Ok(|()| view! { <pages::team::TeamPage /> }.into_any())
}

#[wasm_split(hr, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn hr() -> Result<Part<()>, NotLoaded> {
    Ok(|()| view! { <pages::hr::HrPage /> }.into_any())
}

#[wasm_split(settings, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn settings() -> Result<Part<()>, NotLoaded> {
    Ok(|()| view! { <pages::settings::SettingsPage /> }.into_any())
}

/// One person's discussions year over year.
#[wasm_split(compare, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn compare() -> Result<Part<String>, NotLoaded> {
    Ok(|person_id| view! { <pages::compare::CompareDiscussions person_id /> }.into_any())
}

/// Facilitation mode: one question per screen.
#[wasm_split(meeting, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn meeting() -> Result<Part<()>, NotLoaded> {
    Ok(|()| view! { <pages::discussion::meeting::Meeting /> }.into_any())
}

/// Sharing a discussion: links, files, QR codes, pairing and live sessions.
#[wasm_split(share, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn share() -> Result<Part<()>, NotLoaded> {
    Ok(|()| view! { <pages::discussion::share::Share /> }.into_any())
}

/// The record: sign-off and both devices' keys.
#[wasm_split(record, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn record() -> Result<Part<()>, NotLoaded> {
    Ok(|()| view! { <pages::discussion::record::Record /> }.into_any())
}
