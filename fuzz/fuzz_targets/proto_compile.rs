//! The `.proto` compile path on arbitrary input: a root file and an imported one
//! (`dep.proto`) separated by a record separator. No panic; what compiles has its first message
//! readable as JSON (`{}` is every proto3 message's default), and errors carry a position
//! inside the file they name.
#![no_main]

use std::path::{Path, PathBuf};

use contrail_contracts::protobuf::{ProtoSource, compile, json_mismatch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (root, dep) = text.split_once('\u{1e}').unwrap_or((text, ""));
    let source = |name: &str, text: &str| ProtoSource { path: PathBuf::from(name), text: text.to_owned() };
    let result = compile("root.proto", source("root.proto", root), |import, _: &Path| {
        (import == "dep.proto").then(|| source("dep.proto", dep))
    });
    match result {
        Ok(compiled) => {
            let _ = compiled.file_descriptor_set();
            if let Some(message) = compiled.message(None) {
                let _ = json_mismatch(&message, &serde_json::json!({}));
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for error in errors {
                let text = if error.location.file == Path::new("dep.proto") { dep } else { root };
                assert!(error.location.start.line as usize <= text.lines().count() + 1);
            }
        }
    }
});
