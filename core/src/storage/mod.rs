//! Where documents live: write-once blobs in a key-value store ([`blobs`]), every storage
//! name in one place ([`keys`]), the derived [`index`] the people list reads, what one
//! device remembers per discussion ([`meta`]), the live rooms it ended ([`retired`]) and
//! backups.

pub mod backup;
pub mod blobs;
pub mod index;
pub mod keys;
pub mod meta;
pub mod retired;
