//! App state shared through context: plain data in signals, documents behind one handle.

pub mod app_state;
pub mod device;
pub mod live;
pub mod reports;
pub mod sharing;
pub mod signing;

pub use app_state::{AppState, Notice, SaveState};
