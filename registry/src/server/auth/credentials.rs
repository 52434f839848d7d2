//! Checking credentials: HTTP basic and bearer parsing, PBKDF2 password hashes, and constant-time
//! comparison.
//!
//! No secret is ever kept in memory in a comparable plain form: each one becomes an HMAC tag
//! under a key drawn at startup ([`SecretKey`]), and a presented secret is checked with
//! `ring::hmac::verify`, which compares in constant time. PBKDF2 hashes are verified once per
//! process and then remembered as such a tag, so the slow hash costs nothing on later
//! requests; the slow checks run on the blocking pool, at most [`SLOW_CHECKS`] at a time, so a
//! flood of wrong passwords cannot starve the request workers.

use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};

use axum::http::HeaderValue;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use ring::{digest, hmac, pbkdf2};

use super::policy::Role;

/// The fewest PBKDF2 iterations accepted: below this a stolen config file is too cheap to
/// brute-force. OWASP recommends 600,000 for PBKDF2-HMAC-SHA256, the default of
/// [`hash_password`].
pub const MIN_ITERATIONS: u32 = 10_000;

/// The iterations `contrail registry hash-password` uses by default.
pub const DEFAULT_ITERATIONS: u32 = 600_000;

/// How many PBKDF2 verifications may run at once.
pub const SLOW_CHECKS: usize = 2;

/// The process's HMAC key: secrets are kept and compared as tags under it.
pub(super) struct SecretKey(hmac::Key);

fn sha256(data: &[u8]) -> digest::Digest {
    digest::digest(&digest::SHA256, data)
}

impl SecretKey {
    /// A fresh random key; `None` when the system's random number generator fails.
    pub(super) fn generate() -> Option<SecretKey> {
        let rng = ring::rand::SystemRandom::new();
        hmac::Key::generate(hmac::HMAC_SHA256, &rng)
            .ok()
            .map(SecretKey)
    }

    /// The tag of a secret.
    pub(super) fn tag(&self, secret: &[u8]) -> Vec<u8> {
        self.tag_digest(sha256(secret).as_ref())
    }

    /// The tag of a secret of which only the SHA-256 is known (`token-sha256`).
    pub(super) fn tag_digest(&self, digest: &[u8]) -> Vec<u8> {
        hmac::sign(&self.0, digest).as_ref().to_vec()
    }

    /// Whether `secret` has the tag `tag`, compared in constant time.
    fn matches(&self, secret: &[u8], tag: &[u8]) -> bool {
        hmac::verify(&self.0, sha256(secret).as_ref(), tag).is_ok()
    }
}

/// How a password is checked.
pub(super) enum PasswordCheck {
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

impl PasswordCheck {
    /// Reads a PHC string `$pbkdf2-sha256$i=N$<salt>$<hash>`, as [`hash_password`] writes it.
    /// The error says what is wrong with it.
    pub(super) fn from_phc(text: &str) -> Result<PasswordCheck, String> {
        let parts: Vec<&str> = text.split('$').collect();
        let [empty, algorithm, params, salt, hash] = parts.as_slice() else {
            return Err("has the wrong number of `$`-separated parts".to_owned());
        };
        if !empty.is_empty() || *algorithm != "pbkdf2-sha256" {
            return Err("is not a pbkdf2-sha256 PHC string".to_owned());
        }
        let iterations = params
            .strip_prefix("i=")
            .and_then(|n| n.parse::<u32>().ok())
            .ok_or("has no `i=ITERATIONS`")?;
        let iterations = NonZeroU32::new(iterations)
            .filter(|n| n.get() >= MIN_ITERATIONS)
            .ok_or_else(|| format!("has fewer than {MIN_ITERATIONS} iterations"))?;
        let salt = STANDARD_NO_PAD
            .decode(salt.trim_end_matches('='))
            .ok()
            .filter(|s| s.len() >= 8)
            .ok_or("has a salt that is not base64 of at least 8 bytes")?;
        let hash = STANDARD_NO_PAD
            .decode(hash.trim_end_matches('='))
            .ok()
            .filter(|h| (16..=64).contains(&h.len()))
            .ok_or("has a hash that is not base64 of 16 to 64 bytes")?;
        Ok(PasswordCheck::Pbkdf2 {
            iterations,
            salt,
            hash,
            verified: RwLock::new(None),
        })
    }
}

/// A user who signs in with HTTP basic.
pub(super) struct User {
    pub name: String,
    pub role: Role,
    pub check: PasswordCheck,
}

/// A bearer token.
pub(super) struct Token {
    pub name: String,
    pub role: Role,
    /// HMAC tag of the token's SHA-256.
    pub tag: Vec<u8>,
}

/// Why a request was not authenticated (for the log; the client gets one generic message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Failure {
    Missing,
    Malformed,
    Rejected,
}

/// The principals a registry knows and what checks their secrets.
pub(super) struct Credentials {
    key: SecretKey,
    users: Vec<Arc<User>>,
    tokens: Vec<Token>,
    slow_checks: tokio::sync::Semaphore,
}

impl Credentials {
    /// `users` and `tokens` hold tags made with `key`.
    pub(super) fn new(key: SecretKey, users: Vec<User>, tokens: Vec<Token>) -> Credentials {
        Credentials {
            key,
            users: users.into_iter().map(Arc::new).collect(),
            tokens,
            slow_checks: tokio::sync::Semaphore::new(SLOW_CHECKS),
        }
    }

    /// The names and roles of the users.
    pub(super) fn users(&self) -> impl Iterator<Item = (&str, Role)> {
        self.users.iter().map(|u| (u.name.as_str(), u.role))
    }

    /// The names and roles of the tokens.
    pub(super) fn tokens(&self) -> impl Iterator<Item = (&str, Role)> {
        self.tokens.iter().map(|t| (t.name.as_str(), t.role))
    }

    /// The principal an `Authorization` header names.
    pub(super) async fn authenticate(
        &self,
        header: Option<&HeaderValue>,
    ) -> Result<(String, Role), Failure> {
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
                .find(|t| self.key.matches(credentials.as_bytes(), &t.tag))
                .map(|t| (t.name.clone(), t.role))
                .ok_or(Failure::Rejected)
        } else {
            Err(Failure::Malformed)
        }
    }

    async fn check_password(&self, user: &Arc<User>, password: &str) -> bool {
        match &user.check {
            PasswordCheck::Tag(tag) => self.key.matches(password.as_bytes(), tag),
            PasswordCheck::Pbkdf2 { verified, .. } => {
                let known = verified.read().ok().and_then(|tag| tag.clone());
                if known.is_some_and(|tag| self.key.matches(password.as_bytes(), &tag)) {
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
                    *slot = Some(self.key.tag(password.as_bytes()));
                }
                accepted
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user: &str, password: &str) -> HeaderValue {
        let value = format!("Basic {}", STANDARD.encode(format!("{user}:{password}")));
        HeaderValue::from_str(&value).expect("a valid header")
    }

    fn bearer(token: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("Bearer {token}")).expect("a valid header")
    }

    #[tokio::test]
    async fn credentials_are_checked() {
        let hash = hash_password("s3cret:with colon", MIN_ITERATIONS).expect("hashes");
        let key = SecretKey::generate().expect("a key");
        let users = vec![
            User {
                name: "alice".to_owned(),
                role: Role::ReadWrite,
                check: PasswordCheck::from_phc(&hash).expect("a PHC string"),
            },
            User {
                name: "bob".to_owned(),
                role: Role::ReadOnly,
                check: PasswordCheck::Tag(key.tag(b"reader-password")),
            },
        ];
        let tokens = vec![Token {
            name: "ci".to_owned(),
            role: Role::ReadWrite,
            tag: key.tag(b"0123456789abcdef-ci-token"),
        }];
        let credentials = Credentials::new(key, users, tokens);
        let check = |header: Option<HeaderValue>| {
            let credentials = &credentials;
            async move { credentials.authenticate(header.as_ref()).await }
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
        assert!(PasswordCheck::from_phc(&a).is_ok());
    }
}
