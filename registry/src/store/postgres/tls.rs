//! TLS to PostgreSQL as libpq users expect it from the URL: `sslmode` (`disable`, `prefer`,
//! `require`, `verify-ca`, `verify-full`), `sslrootcert` (a CA file, or `system` for the
//! system's CA certificates), and `sslcert`/`sslkey` for a client certificate.
//!
//! tokio-postgres knows only `disable`, `prefer` and `require`, and no file parameters, so
//! these are taken out of the URL here and turned into a rustls configuration:
//!
//! | sslmode | TLS | server certificate checked |
//! |---|---|---|
//! | `disable` | never | – |
//! | `prefer` (default) | if the server offers it | no |
//! | `require` | always | no; with `sslrootcert`, as `verify-ca` (libpq does the same) |
//! | `verify-ca` | always | chains to `sslrootcert` |
//! | `verify-full` | always | chains to `sslrootcert` and names the host |
//!
//! `sslrootcert=system` defaults `sslmode` to `verify-full`, as in libpq 16.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::SslMode;

use crate::error::{Error, Result};
use crate::tls::{load_certs, load_key, load_roots, provider};

/// What the URL asks of TLS, once the parameters tokio-postgres does not know are taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PgTls {
    pub(super) mode: Mode,
    root_cert: Option<RootCert>,
    client_cert: Option<(PathBuf, PathBuf)>,
}

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RootCert {
    File(PathBuf),
    System,
}

impl Mode {
    /// The mode tokio-postgres negotiates with (verification is the connector's business).
    pub(super) fn ssl_mode(self) -> SslMode {
        match self {
            Mode::Disable => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
        }
    }
}

/// Splits the TLS parameters off a `postgres://` URL: the URL tokio-postgres can parse, and
/// what they ask for. Invalid values are errors naming the parameter.
pub(super) fn split_url(url: &str, shown: &str) -> Result<(String, PgTls)> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, query),
        None => (url, ""),
    };
    let mut kept = Vec::new();
    let mut mode = None;
    let mut root_cert = None;
    let mut cert = None;
    let mut key = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = contrail_contracts::uri::percent_decode(value);
        match contrail_contracts::uri::percent_decode(name).as_str() {
            "sslmode" => {
                mode = Some(match value.as_str() {
                    "disable" => Mode::Disable,
                    // libpq's `allow` tries plain first; without TLS support on the server
                    // `prefer` ends the same way, and with it the session is encrypted.
                    "allow" | "prefer" => Mode::Prefer,
                    "require" => Mode::Require,
                    "verify-ca" => Mode::VerifyCa,
                    "verify-full" => Mode::VerifyFull,
                    other => {
                        return Err(Error::Unsupported(format!(
                            "invalid sslmode `{other}` in {shown}: expected disable, prefer, require, verify-ca or verify-full"
                        )));
                    }
                });
            }
            "sslrootcert" => {
                root_cert = Some(if value == "system" {
                    RootCert::System
                } else {
                    RootCert::File(PathBuf::from(value))
                });
            }
            "sslcert" => cert = Some(PathBuf::from(value)),
            "sslkey" => key = Some(PathBuf::from(value)),
            _ => kept.push(pair),
        }
    }
    let mode = match (mode, &root_cert) {
        (Some(Mode::Require), Some(_)) => Mode::VerifyCa,
        (Some(mode), _) => mode,
        (None, Some(RootCert::System)) => Mode::VerifyFull,
        (None, _) => Mode::Prefer,
    };
    if matches!(mode, Mode::VerifyCa | Mode::VerifyFull) && root_cert.is_none() {
        return Err(Error::Unsupported(format!(
            "sslmode={} in {shown} needs the CA to check the server against: add sslrootcert=FILE (PEM), or sslrootcert=system for the system's CA certificates",
            if mode == Mode::VerifyCa {
                "verify-ca"
            } else {
                "verify-full"
            }
        )));
    }
    if root_cert == Some(RootCert::System) && mode == Mode::VerifyCa {
        return Err(Error::Unsupported(format!(
            "sslrootcert=system in {shown} needs sslmode=verify-full (as in libpq): public CAs vouch for names, not for servers"
        )));
    }
    let client_cert = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        _ => {
            return Err(Error::Unsupported(format!(
                "{shown}: a client certificate needs both sslcert and sslkey"
            )));
        }
    };
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((
        url,
        PgTls {
            mode,
            root_cert,
            client_cert,
        },
    ))
}

impl PgTls {
    /// The connector every pooled connection uses.
    pub(super) fn connector(&self) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
        let provider = provider();
        let roots = match &self.root_cert {
            None => None,
            Some(RootCert::File(path)) => {
                Some(load_roots(path, "sslrootcert").map_err(|e| Error::Store(e.to_string()))?)
            }
            Some(RootCert::System) => {
                let found = rustls_native_certs::load_native_certs();
                let mut roots = RootCertStore::empty();
                let (added, _) = roots.add_parsable_certificates(found.certs);
                if added == 0 {
                    return Err(Error::Store(
                        "sslrootcert=system: no CA certificates found on this system".to_owned(),
                    ));
                }
                Some(roots)
            }
        };
        let verifier = match (self.mode, roots) {
            (Mode::VerifyCa | Mode::VerifyFull, Some(roots)) => Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| Error::Store(format!("sslrootcert: {e}")))?,
            ),
            _ => None,
        };
        let verifier = Arc::new(LibpqVerifier {
            webpki: verifier,
            check_name: self.mode == Mode::VerifyFull,
            provider: provider.clone(),
        });
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Store(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match &self.client_cert {
            Some((cert, key)) => {
                let chain = load_certs(cert, "sslcert").map_err(|e| Error::Store(e.to_string()))?;
                let key = load_key(key, "sslkey").map_err(|e| Error::Store(e.to_string()))?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| Error::Store(format!("sslcert/sslkey: {e}")))?
            }
            None => builder.with_no_client_auth(),
        };
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }
}

/// libpq's checks: none (`prefer`, `require` without a CA), the chain only (`verify-ca`), or
/// the chain and the host name (`verify-full`). Handshake signatures are always verified, so
/// even an unchecked certificate's key must be the server's.
#[derive(Debug)]
struct LibpqVerifier {
    webpki: Option<Arc<WebPkiServerVerifier>>,
    check_name: bool,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for LibpqVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some(webpki) = &self.webpki else {
            return Ok(ServerCertVerified::assertion());
        };
        match webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            // The name is checked last, so the chain was good.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(url: &str) -> Result<(String, PgTls)> {
        split_url(url, url)
    }

    #[test]
    fn libpq_parameters_leave_the_url_and_set_the_mode() {
        let (url, tls) = split("postgres://u@h/db").expect("plain");
        assert_eq!(url, "postgres://u@h/db");
        assert_eq!(tls.mode, Mode::Prefer);

        let (url, tls) =
            split("postgres://u@h/db?application_name=x&sslmode=verify-full&sslrootcert=%2Fca.pem")
                .expect("verify-full");
        assert_eq!(url, "postgres://u@h/db?application_name=x");
        assert_eq!(tls.mode, Mode::VerifyFull);
        assert_eq!(
            tls.root_cert,
            Some(RootCert::File(PathBuf::from("/ca.pem")))
        );

        // libpq: `require` with a CA file checks the chain.
        let (_, tls) = split("postgres://u@h/db?sslmode=require&sslrootcert=ca.pem").expect("req");
        assert_eq!(tls.mode, Mode::VerifyCa);
        let (_, tls) = split("postgres://u@h/db?sslrootcert=system").expect("system");
        assert_eq!(tls.mode, Mode::VerifyFull);
        let (_, tls) = split("postgres://u@h/db?sslmode=disable").expect("disable");
        assert_eq!(tls.mode.ssl_mode(), SslMode::Disable);
    }

    #[test]
    fn impossible_combinations_are_refused_with_the_parameter_named() {
        let error = split("postgres://u@h/db?sslmode=verify-ca").expect_err("no CA");
        assert!(error.to_string().contains("sslrootcert=FILE"), "{error}");
        let error = split("postgres://u@h/db?sslmode=secure").expect_err("bad mode");
        assert!(
            error.to_string().contains("invalid sslmode `secure`"),
            "{error}"
        );
        let error = split("postgres://u@h/db?sslcert=c.pem").expect_err("no key");
        assert!(error.to_string().contains("sslkey"), "{error}");
    }
}
