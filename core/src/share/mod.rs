//! Sharing a discussion between the two sides by link or file ([`Package`]: the shared
//! record, or only the changes the other side lacks, never the private preparation), and
//! reading what a merge brought ([`review`]: changed fields and conflicting values).

pub mod handover;
pub mod ownership;
mod package;
pub mod review;
pub mod tracked;
pub mod words;

pub use package::*;
