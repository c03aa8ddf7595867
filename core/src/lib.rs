//! Career Talk's pure core: the documents of a career aspiration discussion, how they are
//! edited and merged, how they are stored in a key-value store, how they travel, and what
//! the leader takes out of them. No browser APIs and no clock: the shell passes in
//! storage, time, randomness and a crash guard.
//!
//! The parts, one folder each:
//! - [`model`]: the documents (roster, shared discussion, private preparation, private
//!   reflection), the method's questions, sign-off, and text edits as splices;
//! - [`storage`]: how documents live in a key-value store (every storage name in one
//!   module), the derived index, per-device metadata, backups, checks of stored bytes, and
//!   the [`storage::workspace::Workspace`] the app drives;
//! - [`share`]: packages for links and files, and what a merge brought (review, conflicts);
//! - [`live`]: live sessions — encrypted envelopes, the NATS wire codec, the sync session;
//! - [`reports`]: exports, the HR record, calendar files, the team picture, year over year
//!   and scheduling.

pub mod error;
pub mod live;
pub mod model;
pub mod reports;
pub mod share;
pub mod storage;

pub use automerge::{ActorId, AutoCommit};
pub use error::{DecodeError, EditError};
pub use model::date::Day;
pub use model::side::Side;
