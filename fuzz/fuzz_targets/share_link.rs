//! A share link's fragment, as typed or pasted: decode and merge into a local discussion.
#![no_main]
use career_core::share::{merge_into, Package};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let text = String::from_utf8_lossy(data);
    if let Ok(p) = Package::from_fragment(&text) {
        let _ = p.whole_document();
        let mut local = career_core::AutoCommit::new();
        let _ = merge_into(&mut local, &p);
    }
});
