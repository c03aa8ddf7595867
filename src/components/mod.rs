//! Reusable view pieces.

pub mod fields;
pub mod status;
