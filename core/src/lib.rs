//! Career Talk's pure core: the documents of a career aspiration discussion, how they are
//! edited and merged, how they are stored in a key-value store, and when the next talk is
//! due. No browser APIs and no clock: the shell passes in storage, time, ids and actors.
//!
//! Documents (each an Automerge document with `kind` and `schema` at the root):
//! - [`people`]: the roster of people a manager talks with;
//! - [`discussion`]: the *shared* record of one discussion;
//! - [`prep`]: the leader's *private* preparation for one discussion;
//! - [`reflection`]: the employee's *private* drafts, published answer by answer.

pub(crate) mod am;
pub mod backup;
pub mod caret;
pub mod date;
pub mod discussion;
pub mod error;
pub mod export;
pub mod hr;
pub mod ics;
pub mod ids;
pub mod index;
pub mod live;
pub mod local;
pub mod method;
pub mod over_time;
pub mod people;
pub mod precheck;
pub mod prep;
pub mod reflection;
pub mod review;
pub mod schedule;
pub mod schema;
pub mod share;
pub mod signoff;
pub mod store;
pub mod team;

pub use automerge::{ActorId, AutoCommit};
pub use date::Day;
pub use error::{DecodeError, EditError};
