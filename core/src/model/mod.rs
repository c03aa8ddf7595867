//! The documents and what they mean. Each document is an Automerge document with `kind`
//! and `schema` at the root:
//! - [`people`]: the roster of people a manager talks with;
//! - [`discussion`]: the *shared* record of one discussion;
//! - [`prep`]: the leader's *private* preparation for one discussion;
//! - [`reflection`]: the employee's *private* drafts, published answer by answer;
//! - [`fields`]: the parts of the shared record by name, who may change each, and the
//!   suggestions the other side makes.
//!
//! `am` holds the targeted Automerge edits every document uses; typing as splices is
//! [`crate::text`], sign-off [`crate::share::signoff`].

pub(crate) mod am;
pub mod date;
pub mod discussion;
pub mod fields;
/// Ids live with the document helpers; named here too, as the model's own.
pub use crate::doc::ids;
pub mod method;
pub mod people;
pub mod prep;
pub mod reflection;
pub mod schema;
pub mod side;
pub mod trust;
