//! Browser glue, one concern per file.

pub mod broadcast;
pub mod clock;
pub mod download;
pub mod file;
pub mod guard;
pub mod kv;
pub mod lifecycle;
pub mod location;
pub mod pwa;
pub mod random;
pub mod relay;
pub mod share_sheet;
