//! One module per page.

pub mod compare;
pub mod discussion;
pub mod hr;
pub mod people;
pub mod person;
pub mod settings;
pub mod team;
