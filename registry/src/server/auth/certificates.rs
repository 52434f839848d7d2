//! Client certificates as principals. Under mTLS (`--tls-client-ca`) the TLS handshake has
//! already verified the client's certificate against the CA; the `certificates:` entries of
//! the auth config then say who a certificate is and which role it has, matched by the
//! certificate's subject common name, or by a DNS name or URI among its subject alternative
//! names (the SPIFFE-style `spiffe://…` identities of service meshes are URIs).

use x509_cert::Certificate;
use x509_cert::der::asn1::Any;
use x509_cert::der::oid::db::{rfc4519, rfc5280};
use x509_cert::der::{Decode, Tag, Tagged};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use super::policy::Role;

/// What a `certificates:` entry matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Matcher {
    /// The subject's common name (CN), exactly.
    CommonName(String),
    /// A DNS name among the subject alternative names, ignoring ASCII case.
    DnsName(String),
    /// A URI among the subject alternative names, exactly.
    Uri(String),
}

impl Matcher {
    fn matches(&self, names: &CertificateNames) -> bool {
        match self {
            Matcher::CommonName(cn) => names.common_names.iter().any(|n| n == cn),
            Matcher::DnsName(dns) => names.dns_names.iter().any(|n| n.eq_ignore_ascii_case(dns)),
            Matcher::Uri(uri) => names.uris.iter().any(|n| n == uri),
        }
    }
}

/// A `certificates:` entry: a verified certificate that matches is `name` with `role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertificatePrincipal {
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) matcher: Matcher,
}

/// The names a certificate gives itself.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct CertificateNames {
    pub(crate) common_names: Vec<String>,
    pub(crate) dns_names: Vec<String>,
    pub(crate) uris: Vec<String>,
}

impl CertificateNames {
    /// Reads the subject CNs and the DNS and URI subject alternative names of a DER
    /// certificate; `None` when it does not parse (rustls verified it, so that does not
    /// happen for a client that completed the handshake).
    pub(crate) fn read(der: &[u8]) -> Option<CertificateNames> {
        let certificate = Certificate::from_der(der).ok()?;
        let tbs = &certificate.tbs_certificate;
        let mut names = CertificateNames::default();
        for rdn in &tbs.subject.0 {
            for attribute in rdn.0.iter() {
                if attribute.oid == rfc4519::CN
                    && let Some(text) = directory_string(&attribute.value)
                {
                    names.common_names.push(text);
                }
            }
        }
        for extension in tbs.extensions.iter().flatten() {
            if extension.extn_id != rfc5280::ID_CE_SUBJECT_ALT_NAME {
                continue;
            }
            let Ok(alternatives) = SubjectAltName::from_der(extension.extn_value.as_bytes()) else {
                continue;
            };
            for name in alternatives.0 {
                match name {
                    GeneralName::DnsName(dns) => names.dns_names.push(dns.as_str().to_owned()),
                    GeneralName::UniformResourceIdentifier(uri) => {
                        names.uris.push(uri.as_str().to_owned())
                    }
                    _ => {}
                }
            }
        }
        Some(names)
    }
}

/// The text of a name attribute in the string types certificates use for it.
fn directory_string(value: &Any) -> Option<String> {
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
            std::str::from_utf8(value.value()).ok().map(str::to_owned)
        }
        _ => None,
    }
}

/// The first entry a certificate (DER) matches: its name and role.
pub(crate) fn identify<'p>(
    principals: &'p [CertificatePrincipal],
    der: &[u8],
) -> Option<&'p CertificatePrincipal> {
    let names = CertificateNames::read(der)?;
    principals.iter().find(|p| p.matcher.matches(&names))
}

#[cfg(test)]
mod tests {
    use rcgen::{CertificateParams, DnType, KeyPair, SanType};

    use super::*;

    fn certificate(cn: &str, dns: &[&str], uri: Option<&str>) -> Vec<u8> {
        let mut params =
            CertificateParams::new(dns.iter().map(|d| (*d).to_owned()).collect::<Vec<_>>())
                .expect("parameters");
        params.distinguished_name.push(DnType::CommonName, cn);
        if let Some(uri) = uri {
            params
                .subject_alt_names
                .push(SanType::URI(uri.try_into().expect("an IA5 URI")));
        }
        let key = KeyPair::generate().expect("a key");
        params.self_signed(&key).expect("signs").der().to_vec()
    }

    #[test]
    fn names_are_read_from_subject_and_alternative_names() {
        let der = certificate(
            "orders-service",
            &["orders.internal"],
            Some("spiffe://shop/orders"),
        );
        assert_eq!(
            CertificateNames::read(&der),
            Some(CertificateNames {
                common_names: vec!["orders-service".to_owned()],
                dns_names: vec!["orders.internal".to_owned()],
                uris: vec!["spiffe://shop/orders".to_owned()],
            })
        );
        assert_eq!(CertificateNames::read(b"not a certificate"), None);
    }

    #[test]
    fn the_first_matching_entry_names_the_principal() {
        let principals = [
            CertificatePrincipal {
                name: "orders".to_owned(),
                role: Role::ReadWrite,
                matcher: Matcher::Uri("spiffe://shop/orders".to_owned()),
            },
            CertificatePrincipal {
                name: "billing".to_owned(),
                role: Role::ReadOnly,
                matcher: Matcher::DnsName("billing.internal".to_owned()),
            },
            CertificatePrincipal {
                name: "ops".to_owned(),
                role: Role::ReadWrite,
                matcher: Matcher::CommonName("ops".to_owned()),
            },
        ];
        let who = |der: Vec<u8>| identify(&principals, &der).map(|p| p.name.as_str());
        assert_eq!(
            who(certificate("x", &[], Some("spiffe://shop/orders"))),
            Some("orders")
        );
        assert_eq!(
            who(certificate("x", &["BILLING.internal"], None)),
            Some("billing")
        );
        assert_eq!(who(certificate("ops", &[], None)), Some("ops"));
        assert_eq!(
            who(certificate("Ops", &[], None)),
            None,
            "CNs match exactly"
        );
        assert_eq!(who(certificate("stranger", &["a.b"], None)), None);
    }
}
