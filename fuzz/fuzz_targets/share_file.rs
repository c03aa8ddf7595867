//! A `.ctalk` file: parse the package and load the document it carries.
#![no_main]
use career_core::share::Package;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = Package::from_bytes(data) {
        let _ = p.whole_document();
    }
});
