//! The documents and what they mean. Each document is an Automerge document with `kind`
//! and `schema` at the root:
//! - [`people`]: the roster of people a manager talks with;
//! - [`discussion`]: the *shared* record of one discussion;
//! - [`prep`]: the leader's *private* preparation for one discussion;
//! - [`reflection`]: the employee's *private* drafts, published answer by answer;
//! - [`signoff`]: signatures on the shared record and amendments after them;
//! - [`fields`]: the parts of the shared record by name, who may change each, and the
//!   suggestions the other side makes.
//!
//! [`text`] turns what a person typed into splices (UTF-16 in the browser, UTF-8 here);
//! `am` holds the targeted Automerge edits every document uses.

pub(crate) mod am;
pub mod date;
pub mod discussion;
pub mod fields;
pub mod ids;
pub mod method;
pub mod people;
pub mod prep;
pub mod reflection;
pub mod schema;
pub mod side;
pub mod signoff;
pub mod text;
pub mod trust;
