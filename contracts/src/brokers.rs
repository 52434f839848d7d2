//! Broker profiles: the `brokers:` section of `contrail.yaml`, as pure rules shared by the
//! loader (which reports findings) and the Kafka reader (which refuses the same things).
//!
//! Values may name environment variables as `${VAR}`; they are kept raw in the model and
//! expanded by the caller with [`expand`], which takes the lookup as a function so this crate
//! never reads the environment.

/// Settings contrail sets itself, with why. A profile may not set them: sampling never joins a
/// consumer group, never commits, and must know where each partition ends.
pub const RESERVED_SETTINGS: &[(&str, &str)] = &[
    (
        "bootstrap.servers",
        "write the brokers' addresses as `bootstrap`",
    ),
    (
        "group.id",
        "contrail never joins a consumer group; it uses a throwaway group id that commits nothing",
    ),
    ("group.instance.id", "contrail never joins a consumer group"),
    (
        "enable.auto.commit",
        "contrail never commits offsets, so sampling never changes what a consumer group sees",
    ),
    (
        "enable.auto.offset.store",
        "contrail never stores or commits offsets",
    ),
    (
        "auto.offset.reset",
        "contrail computes each partition's start position itself (--from)",
    ),
    (
        "enable.partition.eof",
        "contrail needs to know when a partition reaches its end",
    ),
    (
        "allow.auto.create.topics",
        "reading a topic that does not exist must not create it",
    ),
];

/// Why `key` may not be set in a broker profile, when contrail sets it itself.
pub fn reserved_setting(key: &str) -> Option<&'static str> {
    RESERVED_SETTINGS
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, reason)| *reason)
}

/// A `${VAR}` reference that cannot be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    /// The variable is not set.
    #[error("environment variable `{0}` is not set")]
    Missing(String),
    /// `${` without a closing `}`, or a name that is not `[A-Za-z_][A-Za-z0-9_]*`.
    #[error(
        "`{reference}` is not a variable reference: write `${{NAME}}` (letters, digits, `_`), or `$$` for a literal `$`"
    )]
    Malformed { reference: String },
}

/// One piece of a value: literal text or a variable reference.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

/// Splits `value` into text and `${NAME}` references; `$$` is a literal `$`, and a `$` not
/// followed by `{` or `$` is itself.
fn pieces(value: &str) -> Result<Vec<Piece<'_>>, ExpandError> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        if at > 0 {
            out.push(Piece::Text(&rest[..at]));
        }
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push(Piece::Text("$"));
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let Some(close) = body.find('}') else {
                return Err(ExpandError::Malformed {
                    reference: rest[at..].to_owned(),
                });
            };
            let name = &body[..close];
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(ExpandError::Malformed {
                    reference: format!("${{{name}}}"),
                });
            }
            out.push(Piece::Var(name));
            rest = &body[close + 1..];
        } else {
            out.push(Piece::Text("$"));
            rest = after;
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// The variables `value` references, in order; an error for a malformed reference. The loader
/// uses it to report bad references without reading the environment.
pub fn references(value: &str) -> Result<Vec<&str>, ExpandError> {
    Ok(pieces(value)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Var(name) => Some(name),
            Piece::Text(_) => None,
        })
        .collect())
}

/// Replaces each `${NAME}` in `value` with `lookup(NAME)`; `$$` is a literal `$`. The first
/// variable `lookup` does not know is an error: a secret that is not set must not silently
/// become an empty password.
pub fn expand(value: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, ExpandError> {
    let mut out = String::with_capacity(value.len());
    for piece in pieces(value)? {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Var(name) => match lookup(name) {
                Some(found) => out.push_str(&found),
                None => return Err(ExpandError::Missing(name.to_owned())),
            },
        }
    }
    Ok(out)
}

/// Why `bootstrap` (after expansion, or as written when it has no references) is not a list of
/// `HOST:PORT` (optionally `scheme://HOST:PORT`), comma-separated.
pub fn bootstrap_problem(bootstrap: &str) -> Option<String> {
    if bootstrap.trim().is_empty() {
        return Some("`bootstrap` is empty".to_owned());
    }
    for entry in bootstrap.split(',') {
        let entry = entry.trim();
        if entry.is_empty() {
            return Some(
                "`bootstrap` has an empty entry: separate addresses with one comma".to_owned(),
            );
        }
        let address = entry.split_once("://").map_or(entry, |(_, a)| a);
        let problem = match address.rsplit_once(':') {
            None => Some("has no port"),
            Some((host, _)) if host.is_empty() || host == "[]" => Some("has no host"),
            Some((_, port)) => match port.parse::<u16>() {
                Ok(0) | Err(_) => Some("has no valid port (1-65535)"),
                Ok(_) => None,
            },
        };
        if let Some(problem) = problem {
            return Some(format!(
                "`{entry}` {problem}: write HOST:PORT, e.g. localhost:9092"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "USER" => Some("alice".to_owned()),
            "PASS" => Some("s3cr$t".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn variables_are_replaced_and_text_is_kept() {
        assert_eq!(expand("plain", env), Ok("plain".to_owned()));
        assert_eq!(expand("${USER}", env), Ok("alice".to_owned()));
        assert_eq!(
            expand("u=${USER}:${PASS}!", env),
            Ok("u=alice:s3cr$t!".to_owned())
        );
        assert_eq!(expand("${EMPTY}x", env), Ok("x".to_owned()));
        // A replacement is never expanded again.
        assert_eq!(expand("${PASS}", env), Ok("s3cr$t".to_owned()));
        assert_eq!(
            expand("cost: $5 $$ $${USER}", env),
            Ok("cost: $5 $ ${USER}".to_owned())
        );
        assert_eq!(expand("trailing $", env), Ok("trailing $".to_owned()));
        assert_eq!(expand("é${USER}é", env), Ok("éaliceé".to_owned()));
    }

    #[test]
    fn missing_and_malformed_references_are_errors() {
        assert_eq!(
            expand("${NOPE}", env),
            Err(ExpandError::Missing("NOPE".to_owned()))
        );
        for bad in ["${USER", "${}", "${1X}", "${A-B}", "x ${ USER }"] {
            assert!(
                matches!(expand(bad, env), Err(ExpandError::Malformed { .. })),
                "{bad}"
            );
        }
        assert_eq!(references("a${X}b${Y_2}$$"), Ok(vec!["X", "Y_2"]));
        let message = expand("${USER", env).expect_err("unclosed").to_string();
        assert!(
            message.contains("`${USER` is not a variable reference"),
            "{message}"
        );
    }

    #[test]
    fn bootstrap_lists_need_hosts_and_ports() {
        assert_eq!(bootstrap_problem("localhost:9092"), None);
        assert_eq!(
            bootstrap_problem("a:1, b:2,SASL_SSL://c.example:9093"),
            None
        );
        assert_eq!(bootstrap_problem("[::1]:9092"), None);
        assert!(bootstrap_problem("").is_some());
        assert!(bootstrap_problem("localhost").is_some_and(|p| p.contains("has no port")));
        assert!(bootstrap_problem(":9092").is_some_and(|p| p.contains("has no host")));
        assert!(bootstrap_problem("h:0").is_some());
        assert!(bootstrap_problem("h:99999").is_some());
        assert!(bootstrap_problem("a:1,").is_some());
        assert_eq!(
            reserved_setting("group.id").map(|r| r.contains("never joins")),
            Some(true)
        );
        assert_eq!(reserved_setting("security.protocol"), None);
    }
}
