//! Reusable view pieces.

pub mod fields;
pub mod live_bar;
pub mod status;
