//! A `.ctalk` file: parse the package and load the document it carries.
#![no_main]
use career_core::share::Package;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    if let Ok(p) = Package::from_bytes(data) {
        let _ = p.whole_document();
    }
});
