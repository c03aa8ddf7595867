//! Reusable view pieces.

pub mod calendar;
pub mod erase;
pub mod fields;
pub mod file_picker;
pub mod handover;
pub mod icon;
pub mod lazy;
pub mod live_bar;
pub mod sheet;
pub mod status;
pub mod sync_status;
