//! One module per page.

pub mod discussion;
pub mod people;
pub mod person;
pub mod settings;
