//! TLS material from PEM files: the registry server's certificate and key, the CA that client
//! certificates must chain to (mTLS), and the CA files the client and the PostgreSQL store
//! trust. rustls with the `ring` provider throughout (the one ureq already uses, so there is
//! no second crypto library and no C build beyond ring's).
//!
//! Every error names the file it is about and what was expected in it, so an operator can fix
//! a broken deployment from the message alone.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read.
    #[error("cannot read the {what} file {}: {source}", path.display())]
    Read {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file is not what it should be (not PEM, no certificate, no key, a broken certificate).
    #[error("the {what} file {}: {problem}", path.display())]
    Invalid {
        what: &'static str,
        path: PathBuf,
        problem: String,
    },
    /// The private key is not the key of the certificate.
    #[error(
        "the private key in {} does not belong to the certificate in {} (their public keys differ)",
        key.display(),
        cert.display()
    )]
    KeyMismatch { cert: PathBuf, key: PathBuf },
    /// Any other refusal of rustls.
    #[error("{0}")]
    Other(String),
}

/// The crypto provider of every TLS connection contrail makes or accepts.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        what,
        path: path.to_owned(),
        source,
    })
}

fn invalid(path: &Path, what: &'static str, problem: impl Into<String>) -> TlsError {
    TlsError::Invalid {
        what,
        path: path.to_owned(),
        problem: problem.into(),
    }
}

/// Every certificate (`-----BEGIN CERTIFICATE-----`) in the PEM file at `path`, in order;
/// other PEM sections are skipped. `what` names the file in errors ("certificate", "CA").
pub fn load_certs(
    path: &Path,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = read(path, what)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(path, what, format!("not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(invalid(
            path,
            what,
            "holds no certificate (expected a PEM block `-----BEGIN CERTIFICATE-----`)",
        ));
    }
    Ok(certs)
}

/// The first private key (PKCS#8, PKCS#1 RSA or SEC1 EC) in the PEM file at `path`.
pub fn load_key(path: &Path, what: &'static str) -> Result<PrivateKeyDer<'static>, TlsError> {
    use rustls_pki_types::pem::Error as PemError;
    let bytes = read(path, what)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        PemError::NoItemsFound => invalid(
            path,
            what,
            "holds no private key (expected a PEM block `-----BEGIN PRIVATE KEY-----`, `-----BEGIN RSA PRIVATE KEY-----` or `-----BEGIN EC PRIVATE KEY-----`; an encrypted key must be decrypted first)",
        ),
        other => invalid(path, what, format!("not valid PEM: {other}")),
    })
}

/// A root store of every certificate in the PEM file at `path`.
pub fn load_roots(path: &Path, what: &'static str) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for cert in load_certs(path, what)? {
        roots
            .add(cert)
            .map_err(|e| invalid(path, what, format!("holds an unusable CA certificate: {e}")))?;
    }
    Ok(roots)
}

/// Where the registry server's TLS material is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTls {
    /// The certificate chain, leaf first (PEM).
    pub cert: PathBuf,
    /// The leaf's private key (PEM).
    pub key: PathBuf,
    /// When set, clients must present a certificate that chains to a CA in this file (mTLS);
    /// a client without one is refused during the handshake.
    pub client_ca: Option<PathBuf>,
}

impl ServerTls {
    /// The rustls configuration: TLS 1.2 and 1.3, HTTP/1.1 by ALPN, the certificate checked
    /// against its key before anything listens.
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, TlsError> {
        let certs = load_certs(&self.cert, "certificate")?;
        let key = load_key(&self.key, "private key")?;
        let provider = provider();
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Other(e.to_string()))?;
        let builder = match &self.client_ca {
            Some(path) => {
                let roots = load_roots(path, "client CA")?;
                let verifier = WebPkiClientVerifier::builder_with_provider(roots.into(), provider)
                    .build()
                    .map_err(|e| invalid(path, "client CA", e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_single_cert(certs, key).map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => TlsError::KeyMismatch {
                cert: self.cert.clone(),
                key: self.key.clone(),
            },
            rustls::Error::InvalidCertificate(problem) => invalid(
                &self.cert,
                "certificate",
                format!("holds a certificate rustls cannot use: {problem:?}"),
            ),
            other => invalid(&self.key, "private key", other.to_string()),
        })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_and_what_was_expected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.pem");
        let text = dir.path().join("text.pem");
        std::fs::write(&text, "not a certificate\n").expect("write");
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        )
        .expect("write");

        let error = load_certs(&missing, "certificate").expect_err("missing");
        assert!(
            error.to_string().starts_with(&format!(
                "cannot read the certificate file {}",
                missing.display()
            )),
            "{error}"
        );
        let error = load_certs(&text, "certificate").expect_err("no PEM");
        assert!(
            error.to_string().contains("holds no certificate"),
            "{error}"
        );
        let error = load_certs(&broken, "certificate").expect_err("bad base64");
        assert!(error.to_string().contains("not valid PEM"), "{error}");
        let error = load_key(&text, "private key").expect_err("no key");
        assert!(
            error.to_string().contains(&format!(
                "the private key file {}: holds no private key",
                text.display()
            )),
            "{error}"
        );
    }
}
