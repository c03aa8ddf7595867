//! App state shared through context: plain data in signals, documents behind one handle.

pub mod app_state;

pub use app_state::{AppState, SaveState};
