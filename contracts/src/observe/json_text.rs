//! Compact JSON text written by hand, byte for byte what `serde_json::to_writer` writes, for
//! the one place where going through serde costs most of the time: `contrail sample` writing
//! every record it reads. Strings that need no escaping (nearly all) are copied in one go.

/// A JSON string: `"` + the text escaped as serde_json escapes it + `"`.
pub fn string(out: &mut Vec<u8>, text: &str) {
    // No early exit, so that the check runs over many bytes at once.
    let clean = text.bytes().fold(true, |clean, b| {
        clean & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if clean {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

/// An object key and its colon: `"key":`.
pub fn key(out: &mut Vec<u8>, key: &str) {
    string(out, key);
    out.push(b':');
}

/// An integer.
pub fn integer(out: &mut Vec<u8>, value: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// A float as serde_json writes an `f64` (`null` when it is not finite).
pub fn float(out: &mut Vec<u8>, value: f64) {
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &value);
}

/// Any serializable value, through serde_json: for the parts written rarely.
pub fn value<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing to a Vec cannot fail; a value whose Serialize fails writes `null` rather than
    // leave the line unparseable.
    let start = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.truncate(start);
        out.extend_from_slice(b"null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for text in [
            "",
            "plain",
            "é ü 日本",
            "quote \" backslash \\ slash /",
            "controls \u{0} \u{1f} \n \r \t \u{8} \u{c} del \u{7f}",
            "\u{2028}\u{2029}",
        ] {
            let mut out = Vec::new();
            string(&mut out, text);
            assert_eq!(out, serde_json::to_vec(text).expect("writes"), "{text:?}");
        }
    }

    #[test]
    fn numbers_and_values_are_serde_jsons() {
        let mut out = Vec::new();
        integer(&mut out, -12_i64);
        out.push(b' ');
        integer(&mut out, u64::MAX);
        out.push(b' ');
        float(&mut out, 0.1);
        out.push(b' ');
        float(&mut out, f64::NAN);
        out.push(b' ');
        key(&mut out, "k");
        value(&mut out, &json!({"a": [1, null]}));
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            r#"-12 18446744073709551615 0.1 null "k":{"a":[1,null]}"#
        );
    }
}
