//! A small typed, blocking client of the Confluent Schema Registry API (contrail's own or
//! Confluent's), used by the CLI. Errors carry Confluent's `error_code`.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::codes;
use crate::model::{Reference, SchemaType, VersionSelector};

const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// The largest response body the client reads.
const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The registry answered with an error body.
    #[error("registry error {error_code} (HTTP {status}): {message}")]
    Api {
        status: u16,
        error_code: u32,
        message: String,
    },
    /// The registry could not be reached.
    #[error("cannot reach the registry at {url}: {message}")]
    Transport { url: String, message: String },
    /// The registry answered something the client does not understand.
    #[error("unexpected answer from {url}: {message}")]
    Decode { url: String, message: String },
}

impl ClientError {
    /// Confluent's `error_code`, when the registry sent one.
    pub fn error_code(&self) -> Option<u32> {
        match self {
            ClientError::Api { error_code, .. } => Some(*error_code),
            _ => None,
        }
    }

    /// Whether the registry answered that the subject does not exist (or has no live version).
    pub fn is_subject_not_found(&self) -> bool {
        self.error_code() == Some(codes::SUBJECT_NOT_FOUND)
    }
}

/// A schema to register or check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaRequest {
    pub schema: String,
    pub schema_type: SchemaType,
    pub references: Vec<Reference>,
}

impl SchemaRequest {
    /// An Avro schema without references.
    pub fn avro(schema: impl Into<String>) -> SchemaRequest {
        SchemaRequest {
            schema: schema.into(),
            schema_type: SchemaType::Avro,
            references: Vec::new(),
        }
    }

    fn body(&self) -> Value {
        let mut body = json!({"schema": self.schema});
        if self.schema_type != SchemaType::Avro {
            body["schemaType"] = json!(self.schema_type.as_str());
        }
        if !self.references.is_empty() {
            body["references"] = json!(self.references);
        }
        body
    }
}

/// A subject version as the registry returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSchema {
    pub subject: String,
    pub version: i64,
    pub id: i64,
    pub schema_type: SchemaType,
    pub schema: String,
    pub references: Vec<Reference>,
}

/// A schema looked up by its id (`GET /schemas/ids/{id}`), with the subject versions that
/// use it (`GET /schemas/ids/{id}/versions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaById {
    pub id: i64,
    pub schema_type: SchemaType,
    pub schema: String,
    pub references: Vec<Reference>,
    /// Every (subject, version) registered with this schema, as the registry lists them.
    pub subjects: Vec<(String, i64)>,
}

/// The answer of a compatibility check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompatibilityResult {
    pub is_compatible: bool,
    /// Why not (filled when the check ran verbose and the schema is incompatible).
    pub messages: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VersionBody {
    subject: String,
    version: i64,
    id: i64,
    schema_type: Option<String>,
    schema: String,
    #[serde(default)]
    references: Option<Vec<Reference>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdSchemaBody {
    schema_type: Option<String>,
    schema: String,
    #[serde(default)]
    references: Option<Vec<Reference>>,
}

#[derive(Deserialize)]
struct SubjectVersionBody {
    subject: String,
    version: i64,
}

#[derive(Deserialize)]
struct CompatibilityBody {
    is_compatible: bool,
    #[serde(default)]
    messages: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct IdBody {
    id: i64,
}

/// One entry of `/schemas/guids/{guid}/ids`.
#[derive(Deserialize)]
struct ContextIdBody {
    context: String,
    id: i64,
}

/// A blocking registry client.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
    authorization: Option<Authorization>,
}

/// How a client proves who it is to a registry that requires credentials.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// HTTP basic: a user and its password.
    Basic { user: String, password: String },
    /// A bearer token.
    Bearer(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print a secret, not even in a debug dump.
        match self {
            Credentials::Basic { user, .. } => write!(f, "Basic({user}:***)"),
            Credentials::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

/// The value of the `Authorization` header, kept out of `Debug` output.
#[derive(Clone)]
struct Authorization(String);

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Authorization(***)")
    }
}

impl Credentials {
    fn header(&self) -> Authorization {
        use base64::Engine;
        Authorization(match self {
            Credentials::Basic { user, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            ),
            Credentials::Bearer(token) => format!("Bearer {token}"),
        })
    }
}

/// How an `https://` client checks the registry, and proves who it is when the registry asks
/// for a client certificate (mTLS). The default trusts the system's CA certificates and sends
/// no certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientTls {
    /// Trust only the CA certificates in this PEM file, instead of the system's.
    pub ca: Option<PathBuf>,
    /// Present this certificate chain (PEM) to a registry that requires one; with `key`.
    pub cert: Option<PathBuf>,
    /// The private key of `cert` (PEM).
    pub key: Option<PathBuf>,
}

impl ClientTls {
    /// ureq's TLS settings: rustls, the CA file's certificates or the platform's verifier (the
    /// system's roots), and the client certificate.
    fn config(&self) -> Result<ureq::tls::TlsConfig, crate::tls::TlsError> {
        use crate::tls::{TlsError, load_certs, load_key};
        use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsProvider};
        let roots = match &self.ca {
            Some(path) => RootCerts::new_with_certs(
                &load_certs(path, "registry CA")?
                    .iter()
                    .map(|cert| Certificate::from_der(cert.as_ref()).to_owned())
                    .collect::<Vec<_>>(),
            ),
            None => RootCerts::PlatformVerifier,
        };
        let client_cert = match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => {
                let chain: Vec<Certificate<'static>> = load_certs(cert, "client certificate")?
                    .iter()
                    .map(|c| Certificate::from_der(c.as_ref()).to_owned())
                    .collect();
                // Checked here for an error that names the file; ureq keeps its own copy.
                load_key(key, "client key")?;
                let pem = std::fs::read(key).map_err(|source| TlsError::Read {
                    what: "client key",
                    path: key.clone(),
                    source,
                })?;
                let key = PrivateKey::from_pem(&pem)
                    .map_err(|e| TlsError::Other(format!("{}: {e}", key.display())))?;
                Some(ClientCert::new_with_certs(&chain, key))
            }
            (None, None) => None,
            _ => {
                return Err(TlsError::Other(
                    "a client certificate needs both its certificate and its key file".to_owned(),
                ));
            }
        };
        Ok(ureq::tls::TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(roots)
            .client_cert(client_cert)
            .build())
    }
}

/// Splits `http://user:password@host:port/…` into the URL without its user information and
/// basic credentials (percent-decoded), as Confluent's clients accept them in the URL.
fn split_user_info(url: &str) -> (String, Option<Credentials>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return (url.to_owned(), None);
    };
    let (user, password) = rest[..at].split_once(':').unwrap_or((&rest[..at], ""));
    let credentials = Credentials::Basic {
        user: contrail_contracts::uri::percent_decode(user),
        password: contrail_contracts::uri::percent_decode(password),
    };
    (format!("{scheme}://{}", &rest[at + 1..]), Some(credentials))
}

/// Percent-encodes a path segment (everything but RFC 3986's unreserved characters).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `path` with the query parameters `query` (already encoded).
fn with_query(path: &str, query: &[String]) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

fn selector_text(version: VersionSelector) -> String {
    match version {
        VersionSelector::Latest => "latest".to_owned(),
        VersionSelector::Number(n) => n.to_string(),
    }
}

impl Client {
    /// A client of the registry at `base_url` (`http://host:port`), with a 30 s timeout.
    /// User information in the URL (`http://user:password@host:port`) becomes HTTP basic
    /// credentials.
    pub fn new(base_url: &str) -> Client {
        Client::with_timeout(base_url, Duration::from_secs(30))
    }

    /// [`Client::new`] with every request bounded by `timeout`.
    pub fn with_timeout(base_url: &str, timeout: Duration) -> Client {
        // Without files to read, the default TLS settings cannot fail.
        Client::build(
            base_url,
            timeout,
            ClientTls::default().config().unwrap_or_default(),
        )
    }

    /// A client that checks an `https://` registry and identifies itself as `tls` says; fails
    /// when a file `tls` names cannot be read or holds no usable PEM.
    pub fn with_tls(
        base_url: &str,
        timeout: Duration,
        tls: &ClientTls,
    ) -> Result<Client, crate::tls::TlsError> {
        Ok(Client::build(base_url, timeout, tls.config()?))
    }

    fn build(base_url: &str, timeout: Duration, tls: ureq::tls::TlsConfig) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .tls_config(tls)
            .build()
            .into();
        let (base, credentials) = split_user_info(base_url);
        Client {
            base: base.trim_end_matches('/').to_owned(),
            agent,
            authorization: credentials.as_ref().map(Credentials::header),
        }
    }

    /// The client, sending `credentials` with every request (replacing any from the URL).
    pub fn with_credentials(mut self, credentials: &Credentials) -> Client {
        self.authorization = Some(credentials.header());
        self
    }

    /// The registry's URL, without user information.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn authorize<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.authorization {
            Some(Authorization(value)) => request.header("Authorization", value),
            None => request,
        }
    }

    /// Sends a request; `body` makes it a POST. Returns the decoded JSON of a 2xx answer.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, ClientError> {
        let url = format!("{}{path}", self.base);
        let transport = |e: ureq::Error| ClientError::Transport {
            url: url.clone(),
            message: with_tls_hint(e.to_string()),
        };
        let result = match (method, body) {
            ("POST", Some(body)) => self
                .authorize(self.agent.post(&url))
                .header("Accept", MEDIA_TYPE)
                .header("Content-Type", MEDIA_TYPE)
                .send(body.to_string()),
            ("DELETE", _) => self
                .authorize(self.agent.delete(&url))
                .header("Accept", MEDIA_TYPE)
                .call(),
            _ => self
                .authorize(self.agent.get(&url))
                .header("Accept", MEDIA_TYPE)
                .call(),
        };
        let mut response = result.map_err(transport)?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .map_err(transport)?;
        let decode = |message: String| ClientError::Decode {
            url: url.clone(),
            message,
        };
        if !(200..300).contains(&status) {
            let error: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let error_code = error
                .get("error_code")
                .and_then(Value::as_u64)
                .and_then(|c| u32::try_from(c).ok())
                .unwrap_or(u32::from(status));
            let message = error
                .get("message")
                .and_then(Value::as_str)
                .map_or_else(|| text.trim().to_owned(), str::to_owned);
            return Err(ClientError::Api {
                status,
                error_code,
                message,
            });
        }
        serde_json::from_str(&text).map_err(|e| decode(format!("{e}: {}", text.trim())))
    }

    fn decode<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        value: Value,
    ) -> Result<T, ClientError> {
        serde_json::from_value(value).map_err(|e| ClientError::Decode {
            url: format!("{}{path}", self.base),
            message: e.to_string(),
        })
    }

    /// `GET /subjects`.
    pub fn subjects(&self) -> Result<Vec<String>, ClientError> {
        let path = "/subjects";
        let value = self.call("GET", path, None)?;
        self.decode(path, value)
    }

    /// `GET /subjects/{subject}/versions`.
    pub fn versions(&self, subject: &str) -> Result<Vec<i64>, ClientError> {
        self.versions_including(subject, false)
    }

    /// `GET /subjects/{subject}/versions/{version}`.
    pub fn version(
        &self,
        subject: &str,
        version: VersionSelector,
    ) -> Result<RegisteredSchema, ClientError> {
        self.version_at(subject, version, false)
    }

    fn version_at(
        &self,
        subject: &str,
        version: VersionSelector,
        deleted: bool,
    ) -> Result<RegisteredSchema, ClientError> {
        let mut path = format!(
            "/subjects/{}/versions/{}",
            encode_segment(subject),
            selector_text(version)
        );
        if deleted {
            path.push_str("?deleted=true");
        }
        let value = self.call("GET", &path, None)?;
        let body: VersionBody = self.decode(&path, value)?;
        let schema_type = parse_schema_type(body.schema_type.as_deref()).map_err(|message| {
            ClientError::Decode {
                url: format!("{}{path}", self.base),
                message,
            }
        })?;
        Ok(RegisteredSchema {
            subject: body.subject,
            version: body.version,
            id: body.id,
            schema_type,
            schema: body.schema,
            references: body.references.unwrap_or_default(),
        })
    }

    /// `GET /schemas/ids/{id}` and `GET /schemas/ids/{id}/versions`: the schema a record's
    /// wire format points at, and where it is registered. `None` when the registry does not
    /// know the id (Confluent's 40403).
    pub fn schema_by_id(&self, id: i64) -> Result<Option<SchemaById>, ClientError> {
        let path = format!("/schemas/ids/{id}");
        let value = match self.call("GET", &path, None) {
            Err(e) if e.error_code() == Some(codes::SCHEMA_NOT_FOUND) => return Ok(None),
            other => other?,
        };
        let body: IdSchemaBody = self.decode(&path, value)?;
        let schema_type = parse_schema_type(body.schema_type.as_deref()).map_err(|message| {
            ClientError::Decode {
                url: format!("{}{path}", self.base),
                message,
            }
        })?;
        let versions_path = format!("{path}/versions");
        let value = self.call("GET", &versions_path, None)?;
        let versions: Vec<SubjectVersionBody> = self.decode(&versions_path, value)?;
        Ok(Some(SchemaById {
            id,
            schema_type,
            schema: body.schema,
            references: body.references.unwrap_or_default(),
            subjects: versions
                .into_iter()
                .map(|v| (v.subject, v.version))
                .collect(),
        }))
    }

    /// The schema a GUID names (Confluent 8's second name for a schema), with its id and where
    /// it is used: `GET /schemas/guids/{guid}/ids` for the id in the default context, then
    /// [`Client::schema_by_id`]. `None` when no schema has the GUID, and from a registry that
    /// has no GUIDs at all (the route itself is a 404): it cannot know the schema either.
    pub fn schema_by_guid(&self, guid: &str) -> Result<Option<SchemaById>, ClientError> {
        let path = format!("/schemas/guids/{}/ids", encode_segment(guid));
        let value = match self.call("GET", &path, None) {
            Err(e)
                if matches!(
                    e.error_code(),
                    Some(codes::SCHEMA_NOT_FOUND | codes::NOT_FOUND)
                ) =>
            {
                return Ok(None);
            }
            other => other?,
        };
        let ids: Vec<ContextIdBody> = self.decode(&path, value)?;
        // The default context's id is the one the schema's subjects (and `/schemas/ids`) use.
        let id = ids
            .iter()
            .find(|entry| entry.context == ".")
            .or_else(|| ids.first())
            .map(|entry| entry.id);
        match id {
            Some(id) => self.schema_by_id(id),
            None => Ok(None),
        }
    }

    /// `GET /subjects/{subject}/versions/{version}/referencedby`: the ids of the schemas
    /// whose references name this version.
    pub fn referenced_by(
        &self,
        subject: &str,
        version: VersionSelector,
    ) -> Result<Vec<i64>, ClientError> {
        let path = format!(
            "/subjects/{}/versions/{}/referencedby",
            encode_segment(subject),
            selector_text(version)
        );
        let value = self.call("GET", &path, None)?;
        self.decode(&path, value)
    }

    /// `POST /subjects/{subject}/versions`; returns the schema's global id.
    pub fn register(&self, subject: &str, schema: &SchemaRequest) -> Result<i64, ClientError> {
        let path = format!("/subjects/{}/versions", encode_segment(subject));
        let value = self.call("POST", &path, Some(&schema.body()))?;
        let body: IdBody = self.decode(&path, value)?;
        Ok(body.id)
    }

    /// `POST /compatibility/subjects/{subject}/versions[/{version}]?verbose=true`: against
    /// one version, or (`None`) against the versions the subject's compatibility level names.
    pub fn check_compatibility(
        &self,
        subject: &str,
        version: Option<VersionSelector>,
        schema: &SchemaRequest,
    ) -> Result<CompatibilityResult, ClientError> {
        let mut path = format!(
            "/compatibility/subjects/{}/versions",
            encode_segment(subject)
        );
        if let Some(version) = version {
            path.push('/');
            path.push_str(&selector_text(version));
        }
        path.push_str("?verbose=true");
        let value = self.call("POST", &path, Some(&schema.body()))?;
        let body: CompatibilityBody = self.decode(&path, value)?;
        Ok(CompatibilityResult {
            is_compatible: body.is_compatible,
            messages: body.messages.unwrap_or_default(),
        })
    }

    /// `GET /subjects?subjectPrefix=P&deleted=true`: the subjects whose names start with
    /// `prefix`, and with `deleted` those whose versions are all soft-deleted too. The prefix is
    /// applied here as well, for registries that ignore `subjectPrefix`.
    pub fn subjects_matching(
        &self,
        prefix: Option<&str>,
        deleted: bool,
    ) -> Result<Vec<String>, ClientError> {
        let mut query = Vec::new();
        if let Some(prefix) = prefix.filter(|p| !p.is_empty()) {
            query.push(format!("subjectPrefix={}", encode_segment(prefix)));
        }
        if deleted {
            query.push("deleted=true".to_owned());
        }
        let path = with_query("/subjects", &query);
        let value = self.call("GET", &path, None)?;
        let mut subjects: Vec<String> = self.decode(&path, value)?;
        if let Some(prefix) = prefix {
            subjects.retain(|s| s.starts_with(prefix));
        }
        Ok(subjects)
    }

    /// `GET /subjects/{subject}/versions[?deleted=true]`: the live versions, or with `deleted`
    /// the soft-deleted ones too.
    pub fn versions_including(
        &self,
        subject: &str,
        deleted: bool,
    ) -> Result<Vec<i64>, ClientError> {
        let mut path = format!("/subjects/{}/versions", encode_segment(subject));
        if deleted {
            path.push_str("?deleted=true");
        }
        let value = self.call("GET", &path, None)?;
        self.decode(&path, value)
    }

    /// `GET /subjects/{subject}/versions/{version}?deleted=true`: like [`Client::version`], but
    /// a soft-deleted version is found too (and `latest` is the latest of all versions).
    pub fn version_including_deleted(
        &self,
        subject: &str,
        version: VersionSelector,
    ) -> Result<RegisteredSchema, ClientError> {
        self.version_at(subject, version, true)
    }

    /// `GET /config` (the registry's compatibility level) or, with a subject, `GET
    /// /config/{subject}`: the subject's own level, `None` when it has none (Confluent's 40408;
    /// older registries answer 40401).
    pub fn compatibility_level(
        &self,
        subject: Option<&str>,
    ) -> Result<Option<String>, ClientError> {
        // GET answers `compatibilityLevel`; some registries answer `compatibility`.
        self.setting(
            "/config",
            subject,
            codes::SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
            &["compatibilityLevel", "compatibility"],
        )
    }

    /// `GET /mode` (the registry's mode) or, with a subject, `GET /mode/{subject}`: the
    /// subject's own mode, `None` when it has none (Confluent's 40409).
    pub fn mode(&self, subject: Option<&str>) -> Result<Option<String>, ClientError> {
        self.setting(
            "/mode",
            subject,
            codes::SUBJECT_MODE_NOT_CONFIGURED,
            &["mode"],
        )
    }

    /// A registry-wide setting at `base`, or a subject's own at `base/{subject}` (`None` when
    /// the registry answers `unset`, or 40401 as older registries do): the first of `keys` in
    /// the answer, upper case.
    fn setting(
        &self,
        base: &str,
        subject: Option<&str>,
        unset: u32,
        keys: &[&str],
    ) -> Result<Option<String>, ClientError> {
        // `defaultToGlobal` makes no difference to a registry's own setting, but a client whose
        // URL names a context (`…/contexts/.eu`) then gets the setting in force there, which
        // the context need not set itself.
        let path = match subject {
            Some(subject) => format!("{base}/{}", encode_segment(subject)),
            None => format!("{base}?defaultToGlobal=true"),
        };
        let value = match self.call("GET", &path, None) {
            Err(e)
                if subject.is_some()
                    && (e.error_code() == Some(unset) || e.is_subject_not_found()) =>
            {
                return Ok(None);
            }
            other => other?,
        };
        Ok(keys
            .iter()
            .find_map(|key| value.get(*key).and_then(Value::as_str))
            .map(str::to_ascii_uppercase))
    }

    /// `DELETE /subjects/{subject}/versions/{version}[?permanent=true]`; returns the version
    /// deleted.
    pub fn delete_version(
        &self,
        subject: &str,
        version: i64,
        permanent: bool,
    ) -> Result<i64, ClientError> {
        let mut path = format!("/subjects/{}/versions/{version}", encode_segment(subject));
        if permanent {
            path.push_str("?permanent=true");
        }
        let value = self.call("DELETE", &path, None)?;
        self.decode(&path, value)
    }

    /// `DELETE /subjects/{subject}[?permanent=true]`; returns the versions deleted.
    pub fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i64>, ClientError> {
        let mut path = format!("/subjects/{}", encode_segment(subject));
        if permanent {
            path.push_str("?permanent=true");
        }
        let value = self.call("DELETE", &path, None)?;
        self.decode(&path, value)
    }
}

/// A transport error, with what to do about it when TLS is why: the CLI's users meet these
/// first when they point contrail at an `https://` registry.
fn with_tls_hint(message: String) -> String {
    if message.contains("invalid peer certificate") {
        format!(
            "{message} (the registry's TLS certificate is not trusted: give the CA that issued it with --registry-ca FILE or CONTRAIL_REGISTRY_CA)"
        )
    } else if [
        "CertificateRequired",
        "BadCertificate",
        "UnknownCA",
        "CertificateUnknown",
    ]
    .iter()
    .any(|alert| message.contains(alert))
    {
        format!(
            "{message} (the registry requires a client certificate it trusts: give one with --registry-cert FILE and --registry-key FILE)"
        )
    } else {
        message
    }
}

/// A `schemaType` as the registry sends it: absent means Avro.
fn parse_schema_type(name: Option<&str>) -> Result<SchemaType, String> {
    name.map_or(Ok(SchemaType::Avro), str::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("orders-value"), "orders-value");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(encode_segment(":.ctx:x"), "%3A.ctx%3Ax");
    }

    #[test]
    fn user_information_in_the_url_becomes_basic_credentials() {
        let (base, credentials) = split_user_info("http://ci:p%40ss:word@registry:8081/ctx");
        assert_eq!(base, "http://registry:8081/ctx");
        assert_eq!(
            credentials,
            Some(Credentials::Basic {
                user: "ci".to_owned(),
                password: "p@ss:word".to_owned()
            })
        );
        assert_eq!(split_user_info("http://registry:8081/a@b").1, None);
        let client = Client::new("http://ci:secret@registry:8081/");
        assert_eq!(client.base_url(), "http://registry:8081");
        let debug = format!("{client:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert_eq!(
            Credentials::Basic {
                user: "ci".to_owned(),
                password: "secret".to_owned()
            }
            .header()
            .0,
            "Basic Y2k6c2VjcmV0"
        );
    }

    #[test]
    fn avro_requests_omit_the_schema_type() {
        let body = SchemaRequest::avro("\"string\"").body();
        assert_eq!(body, json!({"schema": "\"string\""}));
    }
}
