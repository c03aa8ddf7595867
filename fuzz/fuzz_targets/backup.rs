//! A backup file chosen on "Import a backup".
#![no_main]
use career_core::backup::Backup;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Backup::parse(data);
});
