//! Career Talk's pure core: the documents of a career aspiration discussion, how they are
//! edited and merged, how they are stored in a key-value store, how they travel, and what
//! the leader takes out of them. No browser APIs and no clock: the shell passes in
//! storage, time, randomness and a crash guard.
//!
//! The parts, one folder each, in layers that only point down:
//! - [`text`] and [`doc`]: typing as splices (UTF-16 ↔ UTF-8), words, document names,
//!   a document's first change, and the checks bytes from outside pass before Automerge;
//! - [`model`]: the documents (roster, shared discussion, private preparation, private
//!   reflection), the method's questions, who owns which part of the record;
//! - [`share`]: packages for links and files, what a merge brought (review, conflicts),
//!   ownership on arrival, sign-off, handover files;
//! - [`live`]: live sessions and paired sync — encrypted envelopes, the NATS wire codec,
//!   the sync session, the mailbox;
//! - [`storage`]: how documents live in a key-value store (every storage name in one
//!   module), the derived index, per-device metadata, backups;
//! - [`reports`]: exports, the HR record, calendar files, the team picture, year over year
//!   and scheduling;
//! - [`workspace`]: on top, the application layer the app drives.

pub mod doc;
pub mod error;
pub mod live;
pub mod model;
pub mod reports;
pub mod share;
pub mod storage;
pub mod text;
pub mod workspace;

pub use automerge::{ActorId, AutoCommit};
pub use error::{DecodeError, EditError};
pub use model::date::Day;
pub use model::side::Side;
