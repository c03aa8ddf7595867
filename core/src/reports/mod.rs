//! What leaves the app for people to read: Markdown/JSON exports, the record for HR,
//! calendar files, the team picture, the year-over-year comparison, and when the next
//! discussion is due, and the names of the files they go in. All computed from documents; none of them writes one.

pub mod export;
pub mod file_names;
pub mod hr;
pub mod ics;
pub mod over_time;
pub mod retention;
pub mod schedule;
pub mod team;
