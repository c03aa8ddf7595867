//! Sharing a discussion between the two sides by link or file ([`Package`]: the shared
//! record, or only the changes the other side lacks, never the private preparation),
//! reading what a merge brought ([`review`]: changed fields and conflicting values), who
//! may change what on arrival ([`ownership`]), signing the agreed record ([`signoff`]) and
//! handing a person over to a new manager ([`handover`]).

pub mod handover;
pub mod join;
pub mod ownership;
mod package;
pub mod review;
pub mod signoff;
pub mod tracked;

pub use package::*;
