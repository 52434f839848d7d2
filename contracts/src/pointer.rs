//! JSON pointers (RFC 6901), as findings name the value they are about.

/// Escapes one JSON pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape_pointer_token`].
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends a token to a JSON pointer.
pub fn pointer_join(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    push_token(&mut out, token);
    out
}

/// Appends several tokens to a JSON pointer.
pub fn pointer_join_all(pointer: &str, tokens: &[&str]) -> String {
    let mut out = pointer.to_owned();
    for token in tokens {
        push_token(&mut out, token);
    }
    out
}

fn push_token(out: &mut String, token: &str) {
    out.push('/');
    if token.contains(['~', '/']) {
        out.push_str(&escape_pointer_token(token));
    } else {
        out.push_str(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped_and_unescaped() {
        assert_eq!(pointer_join("/a", "b/c~d"), "/a/b~1c~0d");
        assert_eq!(pointer_join_all("", &["x", "1", "~"]), "/x/1/~0");
        assert_eq!(unescape_pointer_token("b~1c~0d"), "b/c~d");
        // `~01` is `~1` escaped, not `/`.
        assert_eq!(unescape_pointer_token("~01"), "~1");
    }
}
