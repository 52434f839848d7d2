//! Reading the `--auth-config` file, and the secrets it names in environment variables and
//! files, into [`Auth`]. Every error names the file, line and column.

use std::path::{Path, PathBuf};

use contrail_contracts::yaml::{self, Node, Value};

use super::Auth;
use super::certificates::{CertificatePrincipal, Matcher};
use super::credentials::{Credentials, PasswordCheck, SecretKey, Token, User};
use super::policy::Role;

/// Bearer tokens read from the environment or a file must be at least this long: a token is
/// checked by a fast hash, so its strength is all in its randomness.
pub const MIN_TOKEN_LEN: usize = 16;

/// A bad configuration file.
#[derive(Debug, thiserror::Error)]
pub enum AuthConfigError {
    #[error("cannot read the auth config {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: u32,
        column: u32,
        message: String,
    },
}

impl Auth {
    /// Reads and checks `path`, and the secrets it names (environment variables, files).
    pub fn load(path: &Path) -> Result<Auth, AuthConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| AuthConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Auth::parse(&text, path, &|name| std::env::var(name).ok())
    }

    /// Parses a configuration; `env` looks up environment variables, and relative secret
    /// files are read from the directory of `path`.
    pub fn parse(
        text: &str,
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Auth, AuthConfigError> {
        let key = SecretKey::generate().ok_or_else(|| AuthConfigError::Invalid {
            path: path.to_owned(),
            line: 1,
            column: 1,
            message: "the system's random number generator failed".to_owned(),
        })?;
        let reader = Reader {
            path,
            env,
            key: &key,
        };
        let document = yaml::parse(text).map_err(|e| reader.error_at(e.position, e.message))?;
        if let Some(duplicate) = document.duplicate_keys.first() {
            return Err(reader.error(duplicate.span, format!("duplicate key `{}`", duplicate.key)));
        }
        let principals = reader.root(&document.root)?;
        Ok(Auth {
            credentials: Credentials::new(key, principals.users, principals.tokens),
            certificates: principals.certificates,
            public_metrics: principals.public_metrics,
        })
    }
}

/// Reads the YAML tree into users and tokens, with positions in every error.
struct Reader<'a> {
    path: &'a Path,
    env: &'a dyn Fn(&str) -> Option<String>,
    key: &'a SecretKey,
}

/// Everything the file defines.
struct Principals {
    users: Vec<User>,
    tokens: Vec<Token>,
    certificates: Vec<CertificatePrincipal>,
    public_metrics: bool,
}

/// A secret once read.
enum Secret {
    /// The secret itself, from an environment variable or a file.
    Plain(String),
    /// A hash from the config file, and where it is written.
    Hash(String, yaml::Span),
}

impl Reader<'_> {
    fn error_at(&self, position: contrail_contracts::Position, message: String) -> AuthConfigError {
        AuthConfigError::Invalid {
            path: self.path.to_owned(),
            line: position.line,
            column: position.column,
            message,
        }
    }

    fn error(&self, span: yaml::Span, message: impl Into<String>) -> AuthConfigError {
        self.error_at(span.start, message.into())
    }

    fn map<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [yaml::Entry], AuthConfigError> {
        node.as_map().ok_or_else(|| {
            self.error(
                node.span,
                format!("{what} must be a mapping, not {}", node.kind_name()),
            )
        })
    }

    fn string<'n>(&self, node: &'n Node, key: &str) -> Result<&'n str, AuthConfigError> {
        match &node.value {
            Value::String(s) if !s.is_empty() => Ok(s),
            _ => Err(self.error(node.span, format!("`{key}` must be a non-empty string"))),
        }
    }

    fn root(&self, root: &Node) -> Result<Principals, AuthConfigError> {
        let entries = self.map(root, "the auth config")?;
        let mut users = Vec::new();
        let mut tokens = Vec::new();
        let mut certificates = Vec::new();
        let mut public_metrics = false;
        let mut names: Vec<String> = Vec::new();
        for entry in entries {
            match entry.key.as_str() {
                "public-metrics" => {
                    public_metrics = entry.value.as_bool().ok_or_else(|| {
                        self.error(entry.value.span, "`public-metrics` must be true or false")
                    })?;
                }
                "users" | "tokens" | "certificates" => {
                    let items = match &entry.value.value {
                        Value::Seq(items) => items.as_slice(),
                        Value::Null => &[],
                        _ => {
                            return Err(self.error(
                                entry.value.span,
                                format!("`{}` must be a list", entry.key),
                            ));
                        }
                    };
                    for item in items {
                        if entry.key == "certificates" {
                            let principal = self.certificate(item)?;
                            if names.contains(&principal.name) {
                                return Err(self.error(
                                    item.span,
                                    format!("the name `{}` is used twice; names identify principals in logs", principal.name),
                                ));
                            }
                            names.push(principal.name.clone());
                            certificates.push(principal);
                            continue;
                        }
                        let (name, role, secret) = self.principal(item, &entry.key)?;
                        if names.contains(&name) {
                            return Err(self.error(
                                item.span,
                                format!("the name `{name}` is used twice; names identify principals in logs"),
                            ));
                        }
                        names.push(name.clone());
                        if entry.key == "users" {
                            let check = self.password(secret)?;
                            users.push(User { name, role, check });
                        } else {
                            let tag = self.token(item, secret)?;
                            tokens.push(Token { name, role, tag });
                        }
                    }
                }
                other => {
                    return Err(self.error(
                        entry.key_span,
                        format!(
                            "unknown key `{other}`; expected `users`, `tokens`, `certificates` or `public-metrics`"
                        ),
                    ));
                }
            }
        }
        if users.is_empty() && tokens.is_empty() && certificates.is_empty() {
            return Err(self.error(
                root.span,
                "the auth config defines no users, tokens or certificates, so nobody could use the registry",
            ));
        }
        Ok(Principals {
            users,
            tokens,
            certificates,
            public_metrics,
        })
    }

    /// A `certificates:` entry: `name`, `role` and exactly one of `common-name`, `dns-name`
    /// and `uri`.
    fn certificate(&self, item: &Node) -> Result<CertificatePrincipal, AuthConfigError> {
        let (name, role, (key, value)) =
            self.entry(item, "certificates", &["common-name", "dns-name", "uri"])?;
        let text = self.string(value, key)?.to_owned();
        let matcher = match key {
            "common-name" => Matcher::CommonName(text),
            "dns-name" => Matcher::DnsName(text),
            _ => Matcher::Uri(text),
        };
        Ok(CertificatePrincipal {
            name,
            role,
            matcher,
        })
    }

    /// `name`, `role` and exactly one of the keys `choices` (which it returns with its value)
    /// of an entry of `list`.
    fn entry<'n>(
        &self,
        item: &'n Node,
        list: &str,
        choices: &[&'static str],
    ) -> Result<(String, Role, (&'static str, &'n Node)), AuthConfigError> {
        let entries = self.map(item, &format!("an entry of `{list}`"))?;
        let alternatives = match choices {
            [first, second, third] => format!("`{first}`, `{second}` or `{third}`"),
            _ => choices.join(", "),
        };
        let mut name = None;
        let mut role = None;
        let mut chosen = None;
        for entry in entries {
            let key = entry.key.as_str();
            if let Some(choice) = choices.iter().find(|c| **c == key) {
                if chosen.is_some() {
                    return Err(self.error(
                        entry.key_span,
                        format!("give only one of {}", alternatives.replace(" or ", " and ")),
                    ));
                }
                chosen = Some((*choice, &entry.value));
                continue;
            }
            match key {
                "name" => name = Some(self.string(&entry.value, key)?.to_owned()),
                "role" => role = Some(self.role(&entry.value)?),
                other => {
                    return Err(self.error(
                        entry.key_span,
                        format!("unknown key `{other}`; expected `name`, `role`, {alternatives}"),
                    ));
                }
            }
        }
        let name = name.ok_or_else(|| self.error(item.span, "missing `name`"))?;
        let role = role.ok_or_else(|| {
            self.error(
                item.span,
                format!("`{name}` has no `role` (`read-only` or `read-write`)"),
            )
        })?;
        let chosen = chosen.ok_or_else(|| {
            self.error(item.span, format!("`{name}` needs one of {alternatives}"))
        })?;
        Ok((name, role, chosen))
    }

    fn role(&self, value: &Node) -> Result<Role, AuthConfigError> {
        let text = self.string(value, "role")?;
        Role::from_name(text).ok_or_else(|| {
            self.error(
                value.span,
                format!("unknown role `{text}`; expected `read-only` or `read-write`"),
            )
        })
    }

    /// `name`, `role` and exactly one secret source of a user (`password-…`) or a token
    /// (`token-…`).
    fn principal(
        &self,
        item: &Node,
        list: &str,
    ) -> Result<(String, Role, Secret), AuthConfigError> {
        let choices: &[&'static str] = if list == "users" {
            &["password-hash", "password-env", "password-file"]
        } else {
            &["token-sha256", "token-env", "token-file"]
        };
        let (name, role, (key, value)) = self.entry(item, list, choices)?;
        if list == "users" && name.contains(':') {
            return Err(self.error(
                item.span,
                "a user name cannot contain `:` (HTTP basic separates name and password with it)",
            ));
        }
        let text = self.string(value, key)?.to_owned();
        let span = value.span;
        // Errors about the secret point at its value.
        let secret = if key.ends_with("-env") {
            Secret::Plain(self.read_env(&text, span)?)
        } else if key.ends_with("-file") {
            Secret::Plain(self.read_file(&text, span)?)
        } else {
            Secret::Hash(text, span)
        };
        Ok((name, role, secret))
    }

    fn read_env(&self, var: &str, span: yaml::Span) -> Result<String, AuthConfigError> {
        match (self.env)(var) {
            Some(value) if !value.is_empty() => Ok(value),
            _ => Err(self.error(
                span,
                format!("the environment variable `{var}` is not set or empty"),
            )),
        }
    }

    fn read_file(&self, file: &str, span: yaml::Span) -> Result<String, AuthConfigError> {
        let path = self
            .path
            .parent()
            .map_or_else(|| PathBuf::from(file), |dir| dir.join(file));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| self.error(span, format!("cannot read {}: {e}", path.display())))?;
        // Files written by `echo` or editors end in a newline that is not part of the secret.
        let secret = text.trim_end_matches(['\n', '\r']);
        if secret.is_empty() {
            return Err(self.error(span, format!("{} is empty", path.display())));
        }
        Ok(secret.to_owned())
    }

    fn password(&self, secret: Secret) -> Result<PasswordCheck, AuthConfigError> {
        match secret {
            Secret::Plain(plain) => Ok(PasswordCheck::Tag(self.key.tag(plain.as_bytes()))),
            Secret::Hash(hash, span) => PasswordCheck::from_phc(&hash).map_err(|why| {
                self.error(
                    span,
                    format!(
                        "`password-hash` {why}; expected `$pbkdf2-sha256$i=ITERATIONS$SALT$HASH` as `contrail registry hash-password` prints it"
                    ),
                )
            }),
        }
    }

    fn token(&self, item: &Node, secret: Secret) -> Result<Vec<u8>, AuthConfigError> {
        match secret {
            Secret::Plain(plain) => {
                if plain.len() < MIN_TOKEN_LEN {
                    return Err(self.error(
                        item.span,
                        format!(
                            "the token is shorter than {MIN_TOKEN_LEN} characters; use a random one, e.g. `openssl rand -hex 32`"
                        ),
                    ));
                }
                Ok(self.key.tag(plain.as_bytes()))
            }
            Secret::Hash(hex, span) => {
                let digest = decode_hex(&hex).filter(|d| d.len() == 32).ok_or_else(|| {
                    self.error(
                        span,
                        "`token-sha256` must be 64 hexadecimal digits (`printf %s \"$TOKEN\" | sha256sum`)",
                    )
                })?;
                Ok(self.key.tag_digest(&digest))
            }
        }
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "READER_PASSWORD" => Some("reader-password".to_owned()),
            "CI_TOKEN" => Some("0123456789abcdef-ci-token".to_owned()),
            "SHORT_TOKEN" => Some("short".to_owned()),
            _ => None,
        }
    }

    fn parse(text: &str) -> Result<Auth, AuthConfigError> {
        Auth::parse(text, Path::new("conf/auth.yaml"), &env)
    }

    /// The `file:line:column: message` of a rejected config.
    #[track_caller]
    fn error(text: &str) -> String {
        match parse(text) {
            Ok(auth) => panic!("accepted: {auth:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn bearer(token: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("Bearer {token}")).expect("a valid header")
    }

    #[test]
    fn a_full_config_parses() {
        let digest: String =
            ring::digest::digest(&ring::digest::SHA256, b"0123456789abcdef-deploy")
                .as_ref()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
        let text = format!(
            "public-metrics: true\nusers:\n  - name: reader\n    role: read-only\n    password-env: READER_PASSWORD\ntokens:\n  - name: ci\n    role: read-write\n    token-env: CI_TOKEN\n  - name: deploy\n    role: read-write\n    token-sha256: {digest}\n"
        );
        let auth = parse(&text).expect("a valid config");
        assert!(auth.public_metrics());
        assert_eq!(auth.principals(), (1, 2));
        // Debug never shows secrets or their tags.
        let debug = format!("{auth:?}");
        assert!(
            debug.contains("reader") && !debug.contains("reader-password"),
            "{debug}"
        );
        assert!(!debug.contains(&digest), "{debug}");
    }

    #[test]
    fn certificates_name_one_thing_to_match() {
        let auth = parse(
            "certificates:\n  - {name: orders, role: read-write, uri: 'spiffe://shop/orders'}\n  - {name: ops, role: read-only, common-name: ops}\n",
        )
        .expect("certificates alone are enough");
        assert_eq!((auth.principals(), auth.certificates()), ((0, 0), 2));
        assert_eq!(
            error("certificates:\n  - {name: a, role: read-only, common-name: a, dns-name: a.b}\n"),
            "conf/auth.yaml:2:48: give only one of `common-name`, `dns-name` and `uri`"
        );
        assert_eq!(
            error("certificates:\n  - {name: a, role: read-only}\n"),
            "conf/auth.yaml:2:5: `a` needs one of `common-name`, `dns-name` or `uri`"
        );
        assert_eq!(
            error("certificates:\n  - {name: a, role: read-only, cn: a}\n"),
            "conf/auth.yaml:2:32: unknown key `cn`; expected `name`, `role`, `common-name`, `dns-name` or `uri`"
        );
        assert_eq!(
            error(
                "users:\n  - {name: a, role: read-only, password-env: READER_PASSWORD}\ncertificates:\n  - {name: a, role: read-only, common-name: a}\n"
            ),
            "conf/auth.yaml:4:5: the name `a` is used twice; names identify principals in logs"
        );
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        assert_eq!(
            error("users:\n  - name: a\n    role: admin\n    password-env: READER_PASSWORD\n"),
            "conf/auth.yaml:3:11: unknown role `admin`; expected `read-only` or `read-write`"
        );
        assert_eq!(
            error("users:\n  - name: a\n    role: read-only\n    pasword-env: X\n"),
            "conf/auth.yaml:4:5: unknown key `pasword-env`; expected `name`, `role`, `password-hash`, `password-env` or `password-file`"
        );
        assert_eq!(
            error(
                "tokens:\n  - name: a\n    role: read-only\n    token-env: CI_TOKEN\n    token-file: x\n"
            ),
            "conf/auth.yaml:5:5: give only one of `token-sha256`, `token-env` and `token-file`"
        );
        assert_eq!(
            error("users:\n  - name: a\n    password-env: READER_PASSWORD\n"),
            "conf/auth.yaml:2:5: `a` has no `role` (`read-only` or `read-write`)"
        );
        assert_eq!(
            error("users:\n  - name: a\n    role: read-only\n"),
            "conf/auth.yaml:2:5: `a` needs one of `password-hash`, `password-env` or `password-file`"
        );
        assert_eq!(
            error("users:\n  - name: a\n    role: read-only\n    password-env: UNSET\n"),
            "conf/auth.yaml:4:19: the environment variable `UNSET` is not set or empty"
        );
        assert_eq!(
            error("tokens:\n  - name: a\n    role: read-only\n    token-env: SHORT_TOKEN\n"),
            "conf/auth.yaml:2:5: the token is shorter than 16 characters; use a random one, e.g. `openssl rand -hex 32`"
        );
        assert!(
            error("tokens:\n  - name: a\n    role: read-only\n    token-sha256: abc\n")
                .starts_with("conf/auth.yaml:4:19: `token-sha256` must be 64 hexadecimal digits")
        );
        assert!(
            error("users:\n  - name: a\n    role: read-only\n    password-hash: \"$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\"\n")
                .starts_with("conf/auth.yaml:4:20: `password-hash` has fewer than 10000 iterations")
        );
        assert!(
            error("users:\n  - name: a\n    role: read-only\n    password-hash: plain-text\n")
                .starts_with("conf/auth.yaml:4:20: `password-hash` has the wrong number")
        );
        assert_eq!(
            error(
                "users:\n  - {name: a, role: read-only, password-env: READER_PASSWORD}\n  - {name: a, role: read-only, password-env: READER_PASSWORD}\n"
            ),
            "conf/auth.yaml:3:5: the name `a` is used twice; names identify principals in logs"
        );
        assert_eq!(
            error("users:\n  - {name: 'a:b', role: read-only, password-env: READER_PASSWORD}\n"),
            "conf/auth.yaml:2:5: a user name cannot contain `:` (HTTP basic separates name and password with it)"
        );
        assert_eq!(
            error("user: []\n"),
            "conf/auth.yaml:1:1: unknown key `user`; expected `users`, `tokens`, `certificates` or `public-metrics`"
        );
        assert_eq!(
            error("users: []\n"),
            "conf/auth.yaml:1:1: the auth config defines no users, tokens or certificates, so nobody could use the registry"
        );
        assert_eq!(
            error("users: []\nusers: []\n"),
            "conf/auth.yaml:2:1: duplicate key `users`"
        );
        assert!(
            error("users: [\n").starts_with("conf/auth.yaml:"),
            "{}",
            error("users: [\n")
        );
        assert!(
            error("- a\n").starts_with("conf/auth.yaml:1:1: the auth config must be a mapping")
        );
    }

    #[test]
    fn an_unreadable_file_is_named() {
        let message = Auth::load(Path::new("/nonexistent/auth.yaml"))
            .expect_err("no such file")
            .to_string();
        assert!(
            message.starts_with("cannot read the auth config /nonexistent/auth.yaml: "),
            "{message}"
        );
    }

    #[test]
    fn secret_files_are_read_beside_the_config() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("token"), "0123456789abcdef-from-file\n").expect("write");
        let config = dir.path().join("auth.yaml");
        let text = "tokens:\n  - {name: t, role: read-only, token-file: token}\n";
        let auth = Auth::parse(text, &config, &env).expect("a valid config");
        let found = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(
                auth.credentials
                    .authenticate(Some(&bearer("0123456789abcdef-from-file"))),
            );
        assert_eq!(found, Ok(("t".to_owned(), Role::ReadOnly)));
        let missing = Auth::parse(
            "tokens:\n  - {name: t, role: read-only, token-file: absent}\n",
            &config,
            &env,
        )
        .expect_err("no such file")
        .to_string();
        assert!(missing.contains(":2:44: cannot read "), "{missing}");
    }
}
