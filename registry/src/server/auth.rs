//! Optional authentication (HTTP basic and bearer tokens) and authorisation by role.
//!
//! The configuration is a YAML file (read with contrail's own YAML reader, so every error names
//! the file, line and column):
//!
//! ```yaml
//! public-metrics: false          # true: GET /metrics without credentials
//! users:                         # HTTP basic
//!   - name: ci
//!     role: read-write
//!     password-hash: "$pbkdf2-sha256$i=600000$<salt>$<hash>"   # `contrail registry hash-password`
//!   - name: grafana
//!     role: read-only
//!     password-env: GRAFANA_PASSWORD          # or password-file: /run/secrets/grafana
//! tokens:                        # Authorization: Bearer <token>
//!   - name: deployer
//!     role: read-write
//!     token-sha256: "<hex SHA-256 of the token>"
//!   - name: dashboards
//!     role: read-only
//!     token-file: secrets/dashboards.token    # relative to the config file; or token-env
//! ```
//!
//! No secret is ever kept in memory in a comparable plain form: each one becomes an HMAC tag
//! under a key drawn at startup, and a presented secret is checked with `ring::hmac::verify`,
//! which compares in constant time. PBKDF2 hashes are verified once per process and then
//! remembered as such a tag, so the slow hash costs nothing on later requests; the slow checks
//! run on the blocking pool, at most [`SLOW_CHECKS`] at a time, so a flood of wrong passwords
//! cannot starve the request workers.

use std::fmt;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use contrail_contracts::yaml::{self, Node, Value};
use ring::{digest, hmac, pbkdf2};

use super::ApiError;

/// The realm named in `WWW-Authenticate`.
pub const REALM: &str = "contrail-registry";

/// The fewest PBKDF2 iterations accepted: below this a stolen config file is too cheap to
/// brute-force. OWASP recommends 600,000 for PBKDF2-HMAC-SHA256, the default of
/// [`hash_password`].
pub const MIN_ITERATIONS: u32 = 10_000;

/// The iterations `contrail registry hash-password` uses by default.
pub const DEFAULT_ITERATIONS: u32 = 600_000;

/// How many PBKDF2 verifications may run at once.
pub const SLOW_CHECKS: usize = 2;

/// Bearer tokens read from the environment or a file must be at least this long: a token is
/// checked by a fast hash, so its strength is all in its randomness.
pub const MIN_TOKEN_LEN: usize = 16;

/// What a principal may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// GET and HEAD, plus the POSTs that only read: lookup (`POST /subjects/{subject}`) and the
    /// compatibility checks.
    ReadOnly,
    /// Everything.
    ReadWrite,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ReadOnly => "read-only",
            Role::ReadWrite => "read-write",
        }
    }
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No credentials (health probes).
    Open,
    Read,
    Write,
}

/// The access a request needs, from its method and route template (`None`: no route matched).
pub fn required_access(method: &Method, route: Option<&str>, public_metrics: bool) -> Access {
    match route {
        Some("/health" | "/health/live" | "/health/ready") => return Access::Open,
        Some("/metrics") if public_metrics => return Access::Open,
        _ => {}
    }
    if *method == Method::GET || *method == Method::HEAD {
        return Access::Read;
    }
    // These POSTs send a schema to compare, not to store.
    let reads = matches!(
        route,
        Some(
            "/subjects/{subject}"
                | "/compatibility/subjects/{subject}/versions"
                | "/compatibility/subjects/{subject}/versions/{version}"
        )
    );
    if *method == Method::POST && reads {
        Access::Read
    } else {
        Access::Write
    }
}

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

/// How a password is checked.
enum PasswordCheck {
    /// HMAC tag of the SHA-256 of the password (from an env var or a file).
    Tag(Vec<u8>),
    Pbkdf2 {
        iterations: NonZeroU32,
        salt: Vec<u8>,
        hash: Vec<u8>,
        /// The tag of the password once PBKDF2 has accepted it.
        verified: RwLock<Option<Vec<u8>>>,
    },
}

struct User {
    name: String,
    role: Role,
    check: PasswordCheck,
}

struct Token {
    name: String,
    role: Role,
    /// HMAC tag of the token's SHA-256.
    tag: Vec<u8>,
}

/// The loaded configuration: who may do what.
pub struct Auth {
    key: hmac::Key,
    users: Vec<Arc<User>>,
    tokens: Vec<Token>,
    public_metrics: bool,
    slow_checks: tokio::sync::Semaphore,
}

impl fmt::Debug for Auth {
    // Names and roles only: secrets and their tags never reach a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field(
                "users",
                &self
                    .users
                    .iter()
                    .map(|u| (&u.name, u.role))
                    .collect::<Vec<_>>(),
            )
            .field(
                "tokens",
                &self
                    .tokens
                    .iter()
                    .map(|t| (&t.name, t.role))
                    .collect::<Vec<_>>(),
            )
            .field("public_metrics", &self.public_metrics)
            .finish_non_exhaustive()
    }
}

/// Who made a request; put in the response's extensions for the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedUser(pub String);

/// Why a request was not authenticated (for the log; the client gets one generic message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Missing,
    Malformed,
    Rejected,
}

fn sha256(data: &[u8]) -> digest::Digest {
    digest::digest(&digest::SHA256, data)
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
        let rng = ring::rand::SystemRandom::new();
        let key =
            hmac::Key::generate(hmac::HMAC_SHA256, &rng).map_err(|_| AuthConfigError::Invalid {
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
        let (users, tokens, public_metrics) = reader.root(&document.root)?;
        Ok(Auth {
            key,
            users: users.into_iter().map(Arc::new).collect(),
            tokens,
            public_metrics,
            slow_checks: tokio::sync::Semaphore::new(SLOW_CHECKS),
        })
    }

    /// Whether `GET /metrics` is open.
    pub fn public_metrics(&self) -> bool {
        self.public_metrics
    }

    /// How many users and tokens are configured (for the startup log).
    pub fn principals(&self) -> (usize, usize) {
        (self.users.len(), self.tokens.len())
    }

    fn tag(&self, secret: &[u8]) -> Vec<u8> {
        hmac::sign(&self.key, sha256(secret).as_ref())
            .as_ref()
            .to_vec()
    }

    fn matches(&self, secret: &[u8], tag: &[u8]) -> bool {
        hmac::verify(&self.key, sha256(secret).as_ref(), tag).is_ok()
    }

    /// The principal an `Authorization` header names.
    async fn authenticate(&self, header: Option<&HeaderValue>) -> Result<(String, Role), Failure> {
        let header = header.ok_or(Failure::Missing)?;
        let header = header.to_str().map_err(|_| Failure::Malformed)?;
        let (scheme, credentials) = header.split_once(' ').ok_or(Failure::Malformed)?;
        let credentials = credentials.trim();
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = STANDARD
                .decode(credentials)
                .map_err(|_| Failure::Malformed)?;
            let decoded = String::from_utf8(decoded).map_err(|_| Failure::Malformed)?;
            let (name, password) = decoded.split_once(':').ok_or(Failure::Malformed)?;
            let user = self
                .users
                .iter()
                .find(|u| u.name == name)
                .ok_or(Failure::Rejected)?;
            if self.check_password(user, password).await {
                Ok((user.name.clone(), user.role))
            } else {
                Err(Failure::Rejected)
            }
        } else if scheme.eq_ignore_ascii_case("bearer") {
            self.tokens
                .iter()
                .find(|t| self.matches(credentials.as_bytes(), &t.tag))
                .map(|t| (t.name.clone(), t.role))
                .ok_or(Failure::Rejected)
        } else {
            Err(Failure::Malformed)
        }
    }

    async fn check_password(&self, user: &Arc<User>, password: &str) -> bool {
        match &user.check {
            PasswordCheck::Tag(tag) => self.matches(password.as_bytes(), tag),
            PasswordCheck::Pbkdf2 { verified, .. } => {
                let known = verified.read().ok().and_then(|tag| tag.clone());
                if known.is_some_and(|tag| self.matches(password.as_bytes(), &tag)) {
                    return true;
                }
                let Ok(_permit) = self.slow_checks.acquire().await else {
                    return false;
                };
                let user_for_check = Arc::clone(user);
                let attempt = password.to_owned();
                let accepted = tokio::task::spawn_blocking(move || {
                    let PasswordCheck::Pbkdf2 {
                        iterations,
                        salt,
                        hash,
                        ..
                    } = &user_for_check.check
                    else {
                        return false;
                    };
                    pbkdf2::verify(
                        pbkdf2::PBKDF2_HMAC_SHA256,
                        *iterations,
                        salt,
                        attempt.as_bytes(),
                        hash,
                    )
                    .is_ok()
                })
                .await
                .unwrap_or(false);
                if accepted && let Ok(mut slot) = verified.write() {
                    *slot = Some(self.tag(password.as_bytes()));
                }
                accepted
            }
        }
    }
}

/// The middleware: 401 without valid credentials, 403 when the role does not allow the
/// request; otherwise the request goes on and the response names the user.
pub(crate) async fn require(
    State(auth): State<Arc<Auth>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let access = required_access(request.method(), route.as_deref(), auth.public_metrics);
    if access == Access::Open {
        return next.run(request).await;
    }
    let (name, role) = match auth
        .authenticate(request.headers().get(AUTHORIZATION))
        .await
    {
        Ok(principal) => principal,
        Err(failure) => {
            tracing::debug!(reason = ?failure, "authentication failed");
            let message = match failure {
                Failure::Missing => "Unauthorized: credentials are required",
                Failure::Malformed => {
                    "Unauthorized: expected Authorization: Basic or Bearer credentials"
                }
                Failure::Rejected => "Unauthorized: unknown user, wrong password or unknown token",
            };
            let mut response = ApiError::new(40101, message).into_response();
            let headers = response.headers_mut();
            for challenge in [
                format!("Basic realm=\"{REALM}\", charset=\"UTF-8\""),
                format!("Bearer realm=\"{REALM}\""),
            ] {
                if let Ok(value) = HeaderValue::from_str(&challenge) {
                    headers.append(WWW_AUTHENTICATE, value);
                }
            }
            return response;
        }
    };
    let mut response = if access == Access::Write && role == Role::ReadOnly {
        ApiError::new(
            40301,
            format!(
                "Forbidden: '{name}' has the role {} and may not {} {}",
                role.as_str(),
                request.method(),
                route.as_deref().unwrap_or(request.uri().path()),
            ),
        )
        .into_response()
    } else {
        next.run(request).await
    };
    response.extensions_mut().insert(AuthenticatedUser(name));
    response
}

/// A PHC string for `password`: `$pbkdf2-sha256$i=N$<salt>$<hash>` with a fresh 16-byte salt
/// (unpadded standard base64, as the PHC format says).
pub fn hash_password(password: &str, iterations: u32) -> Result<String, String> {
    use ring::rand::SecureRandom;
    let iterations = NonZeroU32::new(iterations)
        .filter(|n| n.get() >= MIN_ITERATIONS)
        .ok_or_else(|| format!("iterations must be at least {MIN_ITERATIONS}"))?;
    let mut salt = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| "the system's random number generator failed".to_owned())?;
    let mut hash = [0u8; 32];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        &salt,
        password.as_bytes(),
        &mut hash,
    );
    Ok(format!(
        "$pbkdf2-sha256$i={iterations}${}${}",
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(hash)
    ))
}

/// Reads the YAML tree into users and tokens, with positions in every error.
struct Reader<'a> {
    path: &'a Path,
    env: &'a dyn Fn(&str) -> Option<String>,
    key: &'a hmac::Key,
}

/// Where a secret comes from, as written.
enum Source {
    /// A hash given in the file.
    Hash(String),
    Env(String),
    File(String),
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

    fn root(&self, root: &Node) -> Result<(Vec<User>, Vec<Token>, bool), AuthConfigError> {
        let entries = self.map(root, "the auth config")?;
        let mut users = Vec::new();
        let mut tokens = Vec::new();
        let mut public_metrics = false;
        let mut names: Vec<String> = Vec::new();
        for entry in entries {
            match entry.key.as_str() {
                "public-metrics" => {
                    public_metrics = entry.value.as_bool().ok_or_else(|| {
                        self.error(entry.value.span, "`public-metrics` must be true or false")
                    })?;
                }
                "users" | "tokens" => {
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
                            "unknown key `{other}`; expected `users`, `tokens` or `public-metrics`"
                        ),
                    ));
                }
            }
        }
        if users.is_empty() && tokens.is_empty() {
            return Err(self.error(
                root.span,
                "the auth config defines no users and no tokens, so nobody could use the registry",
            ));
        }
        Ok((users, tokens, public_metrics))
    }

    /// `name`, `role` and exactly one secret source of a user (`password-…`) or a token
    /// (`token-…`).
    fn principal(
        &self,
        item: &Node,
        list: &str,
    ) -> Result<(String, Role, Secret), AuthConfigError> {
        let prefix = if list == "users" { "password" } else { "token" };
        let hash_key = if list == "users" {
            "password-hash"
        } else {
            "token-sha256"
        };
        let entries = self.map(item, &format!("an entry of `{list}`"))?;
        let mut name = None;
        let mut role = None;
        let mut source: Option<(Source, yaml::Span)> = None;
        for entry in entries {
            let key = entry.key.as_str();
            let value = &entry.value;
            let this_source = if key == hash_key {
                Some(Source::Hash(self.string(value, key)?.to_owned()))
            } else if key == format!("{prefix}-env") {
                Some(Source::Env(self.string(value, key)?.to_owned()))
            } else if key == format!("{prefix}-file") {
                Some(Source::File(self.string(value, key)?.to_owned()))
            } else {
                None
            };
            if let Some(this_source) = this_source {
                if source.is_some() {
                    return Err(self.error(
                        entry.key_span,
                        format!(
                            "give only one of `{hash_key}`, `{prefix}-env` and `{prefix}-file`"
                        ),
                    ));
                }
                source = Some((this_source, value.span));
                continue;
            }
            match key {
                "name" => name = Some(self.string(value, key)?.to_owned()),
                "role" => {
                    role = Some(match self.string(value, key)? {
                        "read-only" => Role::ReadOnly,
                        "read-write" => Role::ReadWrite,
                        other => {
                            return Err(self.error(
                                value.span,
                                format!(
                                    "unknown role `{other}`; expected `read-only` or `read-write`"
                                ),
                            ));
                        }
                    });
                }
                other => {
                    return Err(self.error(
                        entry.key_span,
                        format!(
                            "unknown key `{other}`; expected `name`, `role`, `{hash_key}`, `{prefix}-env` or `{prefix}-file`"
                        ),
                    ));
                }
            }
        }
        let name = name.ok_or_else(|| self.error(item.span, "missing `name`"))?;
        if list == "users" && name.contains(':') {
            return Err(self.error(
                item.span,
                "a user name cannot contain `:` (HTTP basic separates name and password with it)",
            ));
        }
        let role = role.ok_or_else(|| {
            self.error(
                item.span,
                format!("`{name}` has no `role` (`read-only` or `read-write`)"),
            )
        })?;
        let (source, span) = source.ok_or_else(|| {
            self.error(
                item.span,
                format!("`{name}` needs one of `{hash_key}`, `{prefix}-env` or `{prefix}-file`"),
            )
        })?;
        // Errors about the secret point at its value.
        let secret = match source {
            Source::Env(var) => Secret::Plain(self.read_env(&var, span)?),
            Source::File(file) => Secret::Plain(self.read_file(&file, span)?),
            Source::Hash(hash) => Secret::Hash(hash, span),
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

    fn tag(&self, secret: &[u8]) -> Vec<u8> {
        hmac::sign(self.key, sha256(secret).as_ref())
            .as_ref()
            .to_vec()
    }

    fn password(&self, secret: Secret) -> Result<PasswordCheck, AuthConfigError> {
        match secret {
            Secret::Plain(plain) => Ok(PasswordCheck::Tag(self.tag(plain.as_bytes()))),
            Secret::Hash(hash, span) => self.parse_phc(&hash, span),
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
                Ok(self.tag(plain.as_bytes()))
            }
            Secret::Hash(hex, span) => {
                let digest = decode_hex(&hex).filter(|d| d.len() == 32).ok_or_else(|| {
                    self.error(
                        span,
                        "`token-sha256` must be 64 hexadecimal digits (`printf %s \"$TOKEN\" | sha256sum`)",
                    )
                })?;
                Ok(hmac::sign(self.key, &digest).as_ref().to_vec())
            }
        }
    }

    /// `$pbkdf2-sha256$i=N$<salt>$<hash>`.
    fn parse_phc(&self, text: &str, span: yaml::Span) -> Result<PasswordCheck, AuthConfigError> {
        let bad = |why: &str| {
            self.error(
                span,
                format!(
                    "`password-hash` {why}; expected `$pbkdf2-sha256$i=ITERATIONS$SALT$HASH` as `contrail registry hash-password` prints it"
                ),
            )
        };
        let parts: Vec<&str> = text.split('$').collect();
        let [empty, algorithm, params, salt, hash] = parts.as_slice() else {
            return Err(bad("has the wrong number of `$`-separated parts"));
        };
        if !empty.is_empty() || *algorithm != "pbkdf2-sha256" {
            return Err(bad("is not a pbkdf2-sha256 PHC string"));
        }
        let iterations = params
            .strip_prefix("i=")
            .and_then(|n| n.parse::<u32>().ok())
            .ok_or_else(|| bad("has no `i=ITERATIONS`"))?;
        let iterations = NonZeroU32::new(iterations)
            .filter(|n| n.get() >= MIN_ITERATIONS)
            .ok_or_else(|| bad(&format!("has fewer than {MIN_ITERATIONS} iterations")))?;
        let salt = STANDARD_NO_PAD
            .decode(salt.trim_end_matches('='))
            .ok()
            .filter(|s| s.len() >= 8)
            .ok_or_else(|| bad("has a salt that is not base64 of at least 8 bytes"))?;
        let hash = STANDARD_NO_PAD
            .decode(hash.trim_end_matches('='))
            .ok()
            .filter(|h| (16..=64).contains(&h.len()))
            .ok_or_else(|| bad("has a hash that is not base64 of 16 to 64 bytes"))?;
        Ok(PasswordCheck::Pbkdf2 {
            iterations,
            salt,
            hash,
            verified: RwLock::new(None),
        })
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

    fn basic(user: &str, password: &str) -> HeaderValue {
        let value = format!("Basic {}", STANDARD.encode(format!("{user}:{password}")));
        HeaderValue::from_str(&value).expect("a valid header")
    }

    fn bearer(token: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("Bearer {token}")).expect("a valid header")
    }

    #[test]
    fn a_full_config_parses() {
        let digest: String = sha256(b"0123456789abcdef-deploy")
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
            "conf/auth.yaml:1:1: unknown key `user`; expected `users`, `tokens` or `public-metrics`"
        );
        assert_eq!(
            error("users: []\n"),
            "conf/auth.yaml:1:1: the auth config defines no users and no tokens, so nobody could use the registry"
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
            .block_on(auth.authenticate(Some(&bearer("0123456789abcdef-from-file"))));
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

    #[tokio::test]
    async fn credentials_are_checked() {
        let hash = hash_password("s3cret:with colon", MIN_ITERATIONS).expect("hashes");
        let text = format!(
            "users:\n  - name: alice\n    role: read-write\n    password-hash: \"{hash}\"\n  - name: bob\n    role: read-only\n    password-env: READER_PASSWORD\ntokens:\n  - {{name: ci, role: read-write, token-env: CI_TOKEN}}\n"
        );
        let auth = parse(&text).expect("a valid config");
        let check = |header: Option<HeaderValue>| {
            let auth = &auth;
            async move { auth.authenticate(header.as_ref()).await }
        };
        let alice = Ok(("alice".to_owned(), Role::ReadWrite));
        // Twice: the second answer comes from the remembered tag.
        assert_eq!(
            check(Some(basic("alice", "s3cret:with colon"))).await,
            alice
        );
        assert_eq!(
            check(Some(basic("alice", "s3cret:with colon"))).await,
            alice
        );
        assert_eq!(
            check(Some(basic("alice", "s3cret"))).await,
            Err(Failure::Rejected)
        );
        assert_eq!(
            check(Some(basic("bob", "reader-password"))).await,
            Ok(("bob".to_owned(), Role::ReadOnly))
        );
        assert_eq!(
            check(Some(basic("bob", "reader-passwor"))).await,
            Err(Failure::Rejected)
        );
        assert_eq!(
            check(Some(basic("carol", "reader-password"))).await,
            Err(Failure::Rejected)
        );
        assert_eq!(
            check(Some(bearer("0123456789abcdef-ci-token"))).await,
            Ok(("ci".to_owned(), Role::ReadWrite))
        );
        assert_eq!(
            check(Some(bearer("0123456789abcdef-ci-tokem"))).await,
            Err(Failure::Rejected)
        );
        assert_eq!(check(None).await, Err(Failure::Missing));
        assert_eq!(
            check(Some(HeaderValue::from_static("Digest x"))).await,
            Err(Failure::Malformed)
        );
        assert_eq!(
            check(Some(HeaderValue::from_static("Basic !!!"))).await,
            Err(Failure::Malformed)
        );
        // Scheme names are case-insensitive (RFC 9110).
        assert_eq!(
            check(Some(HeaderValue::from_static(
                "bearer 0123456789abcdef-ci-token"
            )))
            .await,
            Ok(("ci".to_owned(), Role::ReadWrite))
        );
    }

    #[test]
    fn hashes_are_salted_and_bounded() {
        let a = hash_password("pw", MIN_ITERATIONS).expect("hashes");
        let b = hash_password("pw", MIN_ITERATIONS).expect("hashes");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(hash_password("pw", MIN_ITERATIONS - 1).is_err());
    }

    #[test]
    fn access_follows_method_and_route() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(
            required_access(&get, Some("/health/ready"), false),
            Access::Open
        );
        assert_eq!(required_access(&get, Some("/metrics"), false), Access::Read);
        assert_eq!(required_access(&get, Some("/metrics"), true), Access::Open);
        assert_eq!(
            required_access(&get, Some("/subjects"), false),
            Access::Read
        );
        assert_eq!(required_access(&get, None, false), Access::Read);
        assert_eq!(
            required_access(&post, Some("/subjects/{subject}"), false),
            Access::Read
        );
        assert_eq!(
            required_access(
                &post,
                Some("/compatibility/subjects/{subject}/versions/{version}"),
                false
            ),
            Access::Read
        );
        assert_eq!(
            required_access(&post, Some("/subjects/{subject}/versions"), false),
            Access::Write
        );
        assert_eq!(
            required_access(&Method::PUT, Some("/config"), false),
            Access::Write
        );
        assert_eq!(
            required_access(&Method::DELETE, Some("/subjects/{subject}"), false),
            Access::Write
        );
        // A POST to a path that does not exist still needs a writer.
        assert_eq!(required_access(&post, None, false), Access::Write);
    }
}
