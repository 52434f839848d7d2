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
//! certificates:                  # client certificates, under mTLS (--tls-client-ca)
//!   - name: orders-service
//!     role: read-write
//!     common-name: orders-service             # or dns-name: …, or uri: spiffe://…
//! ```
//!
//! A request with an `Authorization` header is judged by it; one without is judged by the
//! client certificate its connection presented, if a `certificates:` entry matches it.
//!
//! `policy` says who may do what, `credentials` checks who a request comes from (and how
//! secrets are kept), `config` reads the file; `require` is the middleware that puts them
//! together.

mod certificates;
mod config;
mod credentials;
mod policy;

use std::fmt;
use std::sync::Arc;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use config::{AuthConfigError, MIN_TOKEN_LEN};
pub use credentials::{DEFAULT_ITERATIONS, MIN_ITERATIONS, SLOW_CHECKS, hash_password};
pub use policy::{Access, Role, required_access};

use super::ApiError;
use super::tls::ClientCertificate;
use crate::codes;
use credentials::{Credentials, Failure};

/// The realm named in `WWW-Authenticate`.
pub const REALM: &str = "contrail-registry";

/// The loaded configuration: who may do what.
pub struct Auth {
    credentials: Credentials,
    certificates: Vec<certificates::CertificatePrincipal>,
    public_metrics: bool,
}

impl fmt::Debug for Auth {
    // Names and roles only: secrets and their tags never reach a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("users", &self.credentials.users().collect::<Vec<_>>())
            .field("tokens", &self.credentials.tokens().collect::<Vec<_>>())
            .field("certificates", &self.certificates)
            .field("public_metrics", &self.public_metrics)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Whether `GET /metrics` is open.
    pub fn public_metrics(&self) -> bool {
        self.public_metrics
    }

    /// How many users and tokens are configured (for the startup log).
    pub fn principals(&self) -> (usize, usize) {
        (
            self.credentials.users().count(),
            self.credentials.tokens().count(),
        )
    }

    /// How many client certificates are configured: a server with some needs
    /// `--tls-client-ca`, or nobody could present one.
    pub fn certificates(&self) -> usize {
        self.certificates.len()
    }
}

/// Who made a request; put in the response's extensions for the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedUser(pub String);

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
    let header = request.headers().get(AUTHORIZATION);
    let presented = request
        .extensions()
        .get::<ConnectInfo<ClientCertificate>>()
        .and_then(|info| info.0.der());
    let certificate = presented
        .filter(|_| header.is_none())
        .and_then(|der| certificates::identify(&auth.certificates, der));
    let authenticated = match certificate {
        Some(principal) => Ok((principal.name.clone(), principal.role)),
        None => auth.credentials.authenticate(header).await,
    };
    let (name, role) = match authenticated {
        Ok(principal) => principal,
        Err(failure) => {
            tracing::debug!(reason = ?failure, "authentication failed");
            let message = match failure {
                Failure::Missing if presented.is_some() => {
                    "Unauthorized: the client certificate matches no `certificates:` entry, and no credentials were given"
                }
                Failure::Missing => "Unauthorized: credentials are required",
                Failure::Malformed => {
                    "Unauthorized: expected Authorization: Basic or Bearer credentials"
                }
                Failure::Rejected => "Unauthorized: unknown user, wrong password or unknown token",
            };
            let mut response = ApiError::new(codes::UNAUTHORIZED, message).into_response();
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
    let mut response = if !role.allows(access) {
        ApiError::new(
            codes::FORBIDDEN,
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
