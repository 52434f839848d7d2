//! Avro schema resolution and compatibility on arbitrary input: the input is split in two
//! schemas (reader and writer) read as YAML/JSON; no panic, a resolved schema reads itself.
#![no_main]

use contrail_contracts::compat::avro::{AvroSchema, can_read, risky_changes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (a, b) = text.split_once('\u{1e}').unwrap_or((text, text));
    let parse = |t: &str| contrail_contracts::yaml::parse(t).ok().map(|d| d.root.to_json());
    let (Some(a), Some(b)) = (parse(a), parse(b)) else { return };
    let (Ok(reader), Ok(writer)) = (AvroSchema::parse(&a, &[]), AvroSchema::parse(&b, &[&a])) else { return };
    assert!(can_read(&reader, &reader).is_empty(), "a schema must read itself");
    let _ = can_read(&reader, &writer);
    let _ = can_read(&writer, &reader);
    let _ = risky_changes(&reader, &writer);
});
