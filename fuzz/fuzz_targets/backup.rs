//! A backup file chosen on "Import a backup".
#![no_main]
use career_core::storage::backup::Backup;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let _ = Backup::parse(data);
});
