//! TLS end to end: `contrail registry serve --tls-cert/--tls-key [--tls-client-ca]` on a real
//! port, the CLI's `--registry-ca`/`--registry-cert`/`--registry-key`, Confluent's Python client
//! with its `ssl.*` settings, and the PostgreSQL store over TLS per `sslmode`. Every CA,
//! certificate and key is made at test time (rcgen) in a temporary directory: no private key is
//! ever committed.

use std::path::{Path, PathBuf};
use std::process::Output;

use contrail_e2e::postgres::PostgresServer;
use contrail_e2e::{RegistryProcess, contrail, repo_root, start_registry, start_registry_at};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

/// A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate,
/// as PEM files in a temporary directory.
struct Pki {
    dir: tempfile::TempDir,
    /// PostgreSQL's certificate and key (PEM text), for the name `localhost` only, so that
    /// `verify-full` refuses the address 127.0.0.1 where `verify-ca` accepts it.
    pg_cert_pem: String,
    pg_key_pem: String,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let ca = certified_ca("contrail test CA");
        let server = leaf("127.0.0.1", ExtendedKeyUsagePurpose::ServerAuth, &ca);
        let client = leaf("test-client", ExtendedKeyUsagePurpose::ClientAuth, &ca);
        // Clients the auth config names (`client_certificates_sign_in_with_their_roles`).
        let writer = leaf("orders-writer", ExtendedKeyUsagePurpose::ClientAuth, &ca);
        let reader = leaf(
            "dashboards.internal",
            ExtendedKeyUsagePurpose::ClientAuth,
            &ca,
        );
        let pg = leaf("localhost", ExtendedKeyUsagePurpose::ServerAuth, &ca);
        // Another CA, to show a certificate it issued is not trusted.
        let other = certified_ca("some other CA");
        let stranger = leaf("stranger", ExtendedKeyUsagePurpose::ClientAuth, &other);
        // A renewal of the server's certificate by that other CA (the SIGHUP reload test).
        let renewed = leaf("127.0.0.1", ExtendedKeyUsagePurpose::ServerAuth, &other);
        let write = |name: &str, text: &str| {
            std::fs::write(dir.path().join(name), text).expect("writes a PEM file");
        };
        write("ca.pem", &ca.pem());
        write("server.pem", &server.0);
        write("server.key", &server.1);
        write("client.pem", &client.0);
        write("client.key", &client.1);
        write("writer.pem", &writer.0);
        write("writer.key", &writer.1);
        write("reader.pem", &reader.0);
        write("reader.key", &reader.1);
        write("other-ca.pem", &other.pem());
        write("stranger.pem", &stranger.0);
        write("stranger.key", &stranger.1);
        write("renewed.pem", &renewed.0);
        write("renewed.key", &renewed.1);
        Pki {
            dir,
            pg_cert_pem: pg.0,
            pg_key_pem: pg.1,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    /// `--tls-cert server.pem --tls-key server.key`, plus `--tls-client-ca ca.pem` for mTLS.
    fn serve_args(&self, mtls: bool) -> Vec<String> {
        let mut args = vec![
            "--tls-cert".to_owned(),
            self.arg("server.pem"),
            "--tls-key".to_owned(),
            self.arg("server.key"),
        ];
        if mtls {
            args.extend(["--tls-client-ca".to_owned(), self.arg("ca.pem")]);
        }
        args
    }
}

fn certified_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("a CA key"))
        .expect("a self-signed CA")
}

/// A certificate for `name` (an IP address or host name; the server's also names `localhost`)
/// issued by `ca`: (certificate PEM, key PEM).
fn leaf(
    name: &str,
    usage: ExtendedKeyUsagePurpose,
    ca: &CertifiedIssuer<'static, KeyPair>,
) -> (String, String) {
    let mut names = vec![name.to_owned()];
    if usage == ExtendedKeyUsagePurpose::ServerAuth && name != "localhost" {
        names.push("localhost".to_owned());
    }
    let mut params = CertificateParams::new(names).expect("leaf parameters");
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![usage];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let key = KeyPair::generate().expect("a leaf key");
    let cert = params.signed_by(&key, ca).expect("a signed leaf");
    (cert.pem(), key.serialize_pem())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `contrail` with `args`, without any registry TLS settings from the environment.
fn run(args: &[&str]) -> Output {
    contrail()
        .args(args)
        .env_remove("CONTRAIL_REGISTRY_CA")
        .env_remove("CONTRAIL_REGISTRY_CERT")
        .env_remove("CONTRAIL_REGISTRY_KEY")
        .env_remove("CONTRAIL_REGISTRY_USER_INFO")
        .env_remove("CONTRAIL_REGISTRY_TOKEN")
        .output()
        .expect("contrail runs")
}

fn shop() -> String {
    repo_root().join("examples/shop").display().to_string()
}

fn start_tls(pki: &Pki, mtls: bool, db: &Path) -> RegistryProcess {
    let args = pki.serve_args(mtls);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let registry = start_registry(db, &args);
    assert!(registry.base.starts_with("https://"), "{}", registry.base);
    registry
}

#[test]
fn push_over_https_trusts_the_ca_it_is_given_and_nothing_else() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = start_tls(&pki, false, &dir.path().join("registry.db"));

    // Without the CA the certificate is unknown: a clear error, exit 2, nothing registered.
    let out = run(&["registry", "push", &shop(), "--registry", &registry.base]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("certificate"), "{stderr}");
    assert!(stderr.contains("--registry-ca"), "{stderr}");

    // A CA that did not issue the server's certificate does not help either.
    let out = run(&[
        "registry",
        "push",
        &shop(),
        "--registry",
        &registry.base,
        "--registry-ca",
        &pki.arg("other-ca.pem"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    let out = run(&[
        "registry",
        "push",
        &shop(),
        "--registry",
        &registry.base,
        "--registry-ca",
        &pki.arg("ca.pem"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The environment variable works as the flag does, for pull too.
    let out_dir = dir.path().join("pulled");
    let out = contrail()
        .args(["registry", "pull", "--registry", &registry.base, "--out"])
        .arg(&out_dir)
        .env("CONTRAIL_REGISTRY_CA", pki.path("ca.pem"))
        .output()
        .expect("contrail runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        std::fs::read_dir(&out_dir).expect("pulled").count() > 0,
        "pull wrote nothing"
    );

    // check --against a registry URL goes through the same client.
    let out = run(&[
        "check",
        &shop(),
        "--against",
        &registry.base,
        "--registry-ca",
        &pki.arg("ca.pem"),
        "--format",
        "json",
    ]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("\"compatibility\""),
        "{stdout}{}",
        text(&out.stderr)
    );
}

/// `contrail registry ls` against `base`, trusting only `ca`.
fn ls_trusting(base: &str, ca: &str) -> Output {
    run(&["registry", "ls", "--registry", base, "--registry-ca", ca])
}

/// SIGHUP makes the server read its certificate and key again: a renewed certificate (here from
/// another CA, so the tests can tell which one is served) takes over for new connections, and
/// files that do not load leave the previous certificate in place.
#[test]
fn sighup_reloads_the_certificate_and_keeps_the_old_one_when_the_new_does_not_load() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut registry = start_tls(&pki, false, &dir.path().join("registry.db"));
    let (ca, other_ca) = (pki.arg("ca.pem"), pki.arg("other-ca.pem"));
    let out = ls_trusting(&registry.base, &ca);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let hangup = |registry: &mut RegistryProcess| {
        let pid = registry.child().id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success());
    };
    // Renewed files, issued by the other CA, replace the served ones on disk.
    std::fs::copy(pki.path("renewed.pem"), pki.path("server.pem")).expect("copies");
    std::fs::copy(pki.path("renewed.key"), pki.path("server.key")).expect("copies");
    // Before the signal the old certificate is still served.
    let out = ls_trusting(&registry.base, &ca);
    assert!(out.status.success(), "{}", text(&out.stderr));
    hangup(&mut registry);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !ls_trusting(&registry.base, &other_ca).status.success() {
        assert!(
            std::time::Instant::now() < deadline,
            "the renewed certificate was not served 20 s after SIGHUP"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let out = ls_trusting(&registry.base, &ca);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the old CA no longer verifies the server: {}",
        text(&out.stderr)
    );

    // A broken renewal: the server keeps serving, with the certificate it has.
    std::fs::write(pki.path("server.key"), "not a key\n").expect("writes");
    hangup(&mut registry);
    std::thread::sleep(std::time::Duration::from_secs(1));
    let out = ls_trusting(&registry.base, &other_ca);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn mtls_refuses_clients_without_a_trusted_certificate() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = start_tls(&pki, true, &dir.path().join("registry.db"));
    let push = |extra: &[&str]| {
        let mut args = vec![
            "registry",
            "push",
            "--registry",
            &registry.base,
            "--registry-ca",
        ];
        let ca = pki.arg("ca.pem");
        let shop = shop();
        args.push(&ca);
        args.push(&shop);
        args.extend_from_slice(extra);
        run(&args)
    };

    let out = push(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let (stranger, stranger_key) = (pki.arg("stranger.pem"), pki.arg("stranger.key"));
    let out = push(&[
        "--registry-cert",
        &stranger,
        "--registry-key",
        &stranger_key,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    let (cert, key) = (pki.arg("client.pem"), pki.arg("client.key"));
    let out = push(&["--registry-cert", &cert, "--registry-key", &key]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn confluent_python_client_registers_and_reads_over_mtls() {
    let python = std::env::var_os("CONTRAIL_PYTHON").unwrap_or_else(|| {
        panic!(
            "CONTRAIL_PYTHON is not set: run scripts/test.sh, which installs confluent-kafka \
             (scripts/requirements-test.txt) into a virtualenv and exports its python"
        )
    });
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = start_tls(&pki, true, &dir.path().join("registry.db"));
    let script = repo_root().join("tests/clients/confluent_tls_client.py");
    let client = |extra: &[PathBuf]| {
        std::process::Command::new(&python)
            .arg(&script)
            .arg(&registry.base)
            .arg(pki.path("ca.pem"))
            .args(extra)
            .output()
            .expect("python runs")
    };

    let out = client(&[]);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("refused without a client certificate"),
        "{stdout}{}",
        text(&out.stderr)
    );

    let out = client(&[pki.path("client.pem"), pki.path("client.key")]);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("tls client scenario passed"),
        "{stdout}{}",
        text(&out.stderr)
    );
}

/// `contrail registry serve` with `args`, expected to refuse to start: its stderr.
fn serve_refuses(args: &[&str]) -> String {
    let out = run(&[
        &["registry", "serve", "--listen", "127.0.0.1:0"][..],
        &["--store", "sqlite://:memory:"],
        args,
    ]
    .concat());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("listening on"), "{stderr}");
    stderr
}

#[test]
fn broken_tls_material_stops_the_server_with_the_file_named() {
    let pki = Pki::new();
    let junk = pki.path("junk.pem");
    std::fs::write(&junk, "this is not PEM\n").expect("write");
    let (cert, key, junk_arg) = (
        pki.arg("server.pem"),
        pki.arg("server.key"),
        pki.arg("junk.pem"),
    );

    let stderr = serve_refuses(&["--tls-cert", &junk_arg, "--tls-key", &key]);
    assert!(
        stderr.contains(&format!(
            "the certificate file {junk_arg}: holds no certificate"
        )),
        "{stderr}"
    );

    let stderr = serve_refuses(&["--tls-cert", &cert, "--tls-key", &junk_arg]);
    assert!(
        stderr.contains(&format!(
            "the private key file {junk_arg}: holds no private key"
        )),
        "{stderr}"
    );

    // The client's key with the server's certificate.
    let stderr = serve_refuses(&["--tls-cert", &cert, "--tls-key", &pki.arg("client.key")]);
    assert!(
        stderr.contains("does not belong to the certificate"),
        "{stderr}"
    );

    let missing = pki.arg("missing.pem");
    let stderr = serve_refuses(&[
        "--tls-cert",
        &cert,
        "--tls-key",
        &key,
        "--tls-client-ca",
        &missing,
    ]);
    assert!(
        stderr.contains(&format!("cannot read the client CA file {missing}")),
        "{stderr}"
    );

    // Both or neither.
    let stderr = serve_refuses(&["--tls-cert", &cert]);
    assert!(stderr.contains("--tls-key"), "{stderr}");

    // The client side names its file too.
    let out = run(&[
        "registry",
        "pull",
        "--registry",
        "https://127.0.0.1:9",
        "--out",
        "x",
        "--registry-ca",
        &junk_arg,
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the registry CA file {junk_arg}: holds no certificate"
        )),
        "{stderr}"
    );
}

#[test]
fn postgres_store_over_tls_per_sslmode() {
    let pki = Pki::new();
    let server = PostgresServer::start_with_tls(&pki.pg_cert_pem, &pki.pg_key_pem);
    let base = server.fresh_url("tls");
    let by_name = base.replace("@127.0.0.1:", "@localhost:");
    let ca = pki.arg("ca.pem");

    for url in [
        format!("{by_name}?sslmode=verify-full&sslrootcert={ca}"),
        // verify-ca checks the chain, not the name (the certificate names only localhost).
        format!("{base}?sslmode=verify-ca&sslrootcert={ca}"),
        format!("{base}?sslmode=require"),
        format!("{base}?sslmode=disable"),
    ] {
        let registry = start_registry_at(&url, &[]);
        // A write goes through the store, not only its startup checks.
        let out = run(&["registry", "push", &shop(), "--registry", &registry.base]);
        assert!(out.status.success(), "{url}: {}", text(&out.stderr));
    }

    for (url, why) in [
        (
            format!("{base}?sslmode=verify-full&sslrootcert={ca}"),
            "certificate not valid for name",
        ),
        (
            format!(
                "{by_name}?sslmode=verify-full&sslrootcert={}",
                pki.arg("other-ca.pem")
            ),
            "UnknownIssuer",
        ),
        (format!("{base}?sslmode=verify-ca"), "sslrootcert=FILE"),
    ] {
        let out = run(&[
            "registry",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--store",
            &url,
        ]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{url}: {stderr}");
        assert!(stderr.contains(why), "{url}: {stderr}");
    }
}

/// schema_registry_converter (the Rust client) over mTLS: with the test CA and a client
/// certificate it registers and reads back; without the CA, or without a certificate, it is
/// refused.
#[test]
fn rust_client_registers_and_reads_over_mtls() {
    use schema_registry_converter::avro_common::get_supplied_schema;
    use schema_registry_converter::blocking::avro::{AvroDecoder, AvroEncoder};
    use schema_registry_converter::blocking::schema_registry::SrSettings;
    use schema_registry_converter::schema_registry_common::SubjectNameStrategy;

    contrail_e2e::install_crypto_provider();
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = start_tls(&pki, true, &dir.path().join("registry.db"));
    let read = |name: &str| std::fs::read(pki.path(name)).expect("a PEM file");
    let ca = reqwest::Certificate::from_pem(&read("ca.pem")).expect("the CA parses");
    let mut identity_pem = read("client.pem");
    identity_pem.extend(read("client.key"));
    let identity = reqwest::Identity::from_pem(&identity_pem).expect("the identity parses");
    let settings = |client: reqwest::blocking::ClientBuilder| {
        SrSettings::new_builder(registry.base.clone())
            .no_proxy()
            .build_with(client)
            .expect("schema_registry_converter accepts the client")
    };
    let schema = r#"{"type":"record","name":"Ping","namespace":"tls","fields":[{"name":"id","type":"string"}]}"#;
    let strategy = || {
        SubjectNameStrategy::TopicNameStrategyWithSchema(
            "tls.pings".to_owned(),
            false,
            get_supplied_schema(&apache_avro::Schema::parse_str(schema).expect("Avro")),
        )
    };
    let ping = || vec![("id", apache_avro::types::Value::String("p-1".to_owned()))];

    // The system roots do not know the test CA.
    let untrusted = AvroEncoder::new(settings(reqwest::blocking::Client::builder()))
        .encode(ping(), &strategy());
    assert!(untrusted.is_err(), "{untrusted:?}");
    // The CA alone: the server asks for a client certificate under mTLS.
    let anonymous = AvroEncoder::new(settings(
        reqwest::blocking::Client::builder().tls_certs_only([ca.clone()]),
    ))
    .encode(ping(), &strategy());
    assert!(anonymous.is_err(), "{anonymous:?}");

    let client = || {
        reqwest::blocking::Client::builder()
            .tls_certs_only([ca.clone()])
            .identity(identity.clone())
    };
    let bytes = AvroEncoder::new(settings(client()))
        .encode(ping(), &strategy())
        .unwrap_or_else(|e| panic!("encoding over mTLS: {e}"));
    let decoded = AvroDecoder::new(settings(client()))
        .decode(Some(&bytes))
        .unwrap_or_else(|e| panic!("decoding over mTLS: {e}"));
    assert_eq!(
        decoded.value,
        apache_avro::types::Value::Record(vec![(
            "id".to_owned(),
            apache_avro::types::Value::String("p-1".to_owned())
        )])
    );
}

/// With `--auth-config`, a client certificate is a principal: the `certificates:` entries map
/// a verified certificate (by common name or DNS name) to a role, a request with an
/// `Authorization` header is judged by that instead, and a trusted certificate no entry names
/// signs in as nobody.
#[test]
fn client_certificates_sign_in_with_their_roles() {
    contrail_e2e::install_crypto_provider();
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let auth = dir.path().join("auth.yaml");
    std::fs::write(
        &auth,
        "certificates:\n  - name: orders\n    role: read-write\n    common-name: orders-writer\n  - name: dashboards\n    role: read-only\n    dns-name: dashboards.internal\n",
    )
    .expect("writes the auth config");
    let mut args = pki.serve_args(true);
    args.extend(["--auth-config".to_owned(), auth.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let registry = start_registry(&dir.path().join("registry.db"), &args);

    let read = |name: &str| std::fs::read(pki.path(name)).expect("a PEM file");
    let ca = reqwest::Certificate::from_pem(&read("ca.pem")).expect("the CA parses");
    let client = |who: &str| {
        let mut identity = read(&format!("{who}.pem"));
        identity.extend(read(&format!("{who}.key")));
        reqwest::blocking::Client::builder()
            .tls_certs_only([ca.clone()])
            .identity(reqwest::Identity::from_pem(&identity).expect("an identity"))
            .build()
            .expect("a client")
    };
    let register = |who: &str, subject: &str| {
        let response = client(who)
            .post(format!("{}/subjects/{subject}/versions", registry.base))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .body(r#"{"schema":"\"string\""}"#)
            .send()
            .expect("an answer");
        let status = response.status().as_u16();
        (status, response.text().unwrap_or_default())
    };

    let (status, body) = register("writer", "orders-value");
    assert_eq!(status, 200, "{body}");
    let (status, body) = register("reader", "orders-value");
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("'dashboards' has the role read-only"),
        "{body}"
    );
    let listed = client("reader")
        .get(format!("{}/subjects", registry.base))
        .send()
        .expect("an answer");
    assert_eq!(listed.status().as_u16(), 200);
    assert_eq!(listed.text().unwrap_or_default(), r#"["orders-value"]"#);
    // Trusted by the CA, named by no entry.
    let (status, body) = register("client", "orders-value");
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("matches no `certificates:` entry"), "{body}");
    // An Authorization header is judged on its own, whatever the certificate.
    let with_header = client("writer")
        .get(format!("{}/subjects", registry.base))
        .basic_auth("nobody", Some("wrong"))
        .send()
        .expect("an answer");
    assert_eq!(with_header.status().as_u16(), 401);

    // contrail's own client, as the writer, pushes the shop.
    let out = run(&[
        "registry",
        "push",
        "--registry",
        &registry.base,
        "--registry-ca",
        &pki.arg("ca.pem"),
        "--registry-cert",
        &pki.arg("writer.pem"),
        "--registry-key",
        &pki.arg("writer.key"),
        &shop(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Certificates in the auth config without --tls-client-ca: nobody could present one.
    let mut plain = pki.serve_args(false);
    plain.extend(["--auth-config".to_owned(), auth.display().to_string()]);
    let plain: Vec<&str> = plain.iter().map(String::as_str).collect();
    let stderr = serve_refuses(&plain);
    assert!(stderr.contains("add --tls-client-ca"), "{stderr}");
}
