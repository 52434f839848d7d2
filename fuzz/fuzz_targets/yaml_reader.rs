//! The spanned YAML reader on arbitrary bytes: no panic, bounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(document) = contrail_contracts::yaml::parse(text) {
            let _ = document.root.to_json();
        }
    }
});
