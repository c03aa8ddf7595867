//! Where documents live: write-once blobs in a key-value store ([`blobs`]), every storage
//! name in one place ([`keys`]), the derived [`index`] the people list reads, what one
//! device remembers per discussion ([`meta`]), backups, the checks outside bytes pass
//! before Automerge parses them ([`precheck`]), and the [`workspace::Workspace`] that ties
//! them together for the app.

pub mod backup;
pub mod blobs;
pub mod index;
pub mod keys;
pub mod meta;
pub mod precheck;
pub mod workspace;
