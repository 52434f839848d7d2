//! Percent-encoding and `file://` URIs: how file names and JSON pointers travel inside `$ref`s,
//! SARIF locations and registry URLs.

use std::path::Path;

/// Decodes `%XX` escapes. A malformed escape (`%`, `%4`, `%zz`) is kept as written, and so is
/// the whole text when what the escapes decode to is not UTF-8: decoding never invents a
/// character the text did not name.
pub fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(high * 16 + low);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Percent-encodes everything but unreserved characters and `/`, for URI paths and fragments.
pub fn percent_encode_path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The `file://` URI of a path, as JSON Schema `$ref`s are resolved against.
pub fn file_uri(path: &Path) -> String {
    // Normalised like the URIs jsonschema resolves (`..` removed), so lookups match.
    let absolute =
        crate::paths::normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
    format!(
        "file://{}",
        percent_encode_path(&absolute.to_string_lossy())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_keeps_what_it_cannot_decode() {
        assert_eq!(percent_decode("/definitions/a%20b"), "/definitions/a b");
        assert_eq!(percent_decode("a%7Bb%7D"), "a{b}");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        for kept in ["%", "%4", "100%", "%zz", "%FF%FE"] {
            assert_eq!(percent_decode(kept), kept);
        }
    }

    #[test]
    fn encoding_round_trips() {
        let text = "/a b/#c/é~";
        assert_eq!(percent_encode_path(text), "/a%20b/%23c/%C3%A9~");
        assert_eq!(percent_decode(&percent_encode_path(text)), text);
    }
}
