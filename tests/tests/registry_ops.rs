//! The registry's operational side end to end: Prometheus metrics, authentication and roles,
//! structured logs. Each test runs the real binary on an ephemeral port with SQLite on disk.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine;
use contrail_e2e::http::{self, MEDIA_TYPE, Reply};
use serde_json::{Value, json};

/// Credentials for one request.
#[derive(Debug, Clone, Copy)]
enum Creds<'a> {
    None,
    Basic(&'a str, &'a str),
    Bearer(&'a str),
}

/// POST and PUT send the registry's media type; GET sends no `Accept`.
fn call(base: &str, method: &str, path: &str, creds: Creds<'_>, body: Option<&Value>) -> Reply {
    let authorization = match creds {
        Creds::None => None,
        Creds::Basic(user, password) => Some(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )),
        Creds::Bearer(token) => Some(format!("Bearer {token}")),
    };
    let mut headers = Vec::new();
    if let Some(value) = &authorization {
        headers.push(("Authorization", value.as_str()));
    }
    if method != "GET" {
        headers.push(("Content-Type", MEDIA_TYPE));
    }
    http::request(
        method,
        &format!("{base}{path}"),
        &headers,
        &body.map(Value::to_string).unwrap_or_default(),
        Duration::from_secs(60),
    )
}

fn string_schema() -> Value {
    json!({"schema": "\"string\""})
}

fn record_schema() -> Value {
    json!({"schema": r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#})
}

/// The value of the one sample line that starts with `series ` in an exposition.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.split(' ').next()?.parse().ok())
}

#[test]
fn metrics_count_requests_by_route_template_and_time_store_calls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = contrail_e2e::start_registry(&dir.path().join("r.db"), &[]);
    let base = server.base.as_str();

    call(
        base,
        "POST",
        "/subjects/orders-value/versions",
        Creds::None,
        Some(&string_schema()),
    )
    .assert_status(200);
    // The same schema again: no new version.
    call(
        base,
        "POST",
        "/subjects/orders-value/versions",
        Creds::None,
        Some(&string_schema()),
    )
    .assert_status(200);
    call(
        base,
        "POST",
        "/subjects/payments-value/versions",
        Creds::None,
        Some(&string_schema()),
    )
    .assert_status(200);
    call(
        base,
        "GET",
        "/subjects/orders-value/versions",
        Creds::None,
        None,
    )
    .assert_status(200);
    call(base, "GET", "/subjects/missing/versions", Creds::None, None).assert_error(404, 40401);
    call(base, "GET", "/no/such/path", Creds::None, None).assert_error(404, 404);
    call(base, "GET", "/not-here-either", Creds::None, None).assert_error(404, 404);

    let reply = call(base, "GET", "/metrics", Creds::None, None);
    reply.assert_status(200);
    assert_eq!(
        reply.content_type,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    let text = &reply.body;
    assert!(text.ends_with("# EOF\n"), "{text}");

    let requests = |method: &str, route: &str, status: u16| {
        sample(
            text,
            &format!(
                "contrail_registry_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}}"
            ),
        )
    };
    assert_eq!(
        requests("POST", "/subjects/{subject}/versions", 200),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        requests("GET", "/subjects/{subject}/versions", 200),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        requests("GET", "/subjects/{subject}/versions", 404),
        Some(1.0),
        "{text}"
    );
    // Both unknown paths share one series.
    assert_eq!(requests("GET", "unmatched", 404), Some(2.0), "{text}");
    // Raw paths and subject names never become labels.
    assert!(!text.contains("orders-value"), "{text}");
    assert!(!text.contains("/no/such/path"), "{text}");

    // The latency histogram: every request of the route falls in the +Inf bucket.
    assert_eq!(
        sample(
            text,
            "contrail_registry_http_request_duration_seconds_bucket{le=\"+Inf\",method=\"POST\",route=\"/subjects/{subject}/versions\"}"
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            text,
            "contrail_registry_http_request_duration_seconds_count{method=\"GET\",route=\"unmatched\"}"
        ),
        Some(2.0),
        "{text}"
    );

    // Store calls by operation: three registrations reached the store.
    assert_eq!(
        sample(
            text,
            "contrail_registry_store_operation_duration_seconds_count{operation=\"register\"}"
        ),
        Some(3.0),
        "{text}"
    );
    assert!(
        text.contains("contrail_registry_store_operation_duration_seconds_bucket{le=\"+Inf\",operation=\"versions\"}"),
        "{text}"
    );
    assert_eq!(
        sample(
            text,
            "contrail_registry_registrations_total{outcome=\"created\"}"
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(
            text,
            "contrail_registry_registrations_total{outcome=\"existing\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert!(
        text.contains("# TYPE contrail_registry_http_request_duration_seconds histogram"),
        "{text}"
    );
}

/// `contrail registry hash-password` with the fewest iterations the server accepts, so the
/// tests do not spend seconds in PBKDF2.
fn hash_password(password: &str) -> String {
    let mut child = contrail_e2e::contrail()
        .args(["registry", "hash-password", "--iterations", "10000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("contrail runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        writeln!(stdin, "{password}").expect("the password is written");
    }
    let output = child.wait_with_output().expect("hash-password finishes");
    assert!(output.status.success(), "{output:?}");
    let hash = String::from_utf8(output.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned();
    assert!(hash.starts_with("$pbkdf2-sha256$i=10000$"), "{hash}");
    hash
}

fn sha256_hex(text: &str) -> String {
    let mut child = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sha256sum (coreutils) runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin.write_all(text.as_bytes()).expect("written");
    }
    let output = child.wait_with_output().expect("sha256sum finishes");
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned()
}

const READER_PASSWORD: &str = "reader secret: with a colon";
const WRITER_PASSWORD: &str = "writer-password-from-a-file";
const DEPLOY_TOKEN: &str = "deploy-0123456789abcdef0123456789abcdef";
const DASHBOARD_TOKEN: &str = "dashboards-fedcba9876543210fedcba98";

/// An auth config with a user of each role and a token of each role, each secret given a
/// different way.
fn write_auth_config(dir: &Path) -> std::path::PathBuf {
    std::fs::write(dir.join("writer.password"), format!("{WRITER_PASSWORD}\n"))
        .expect("password file");
    std::fs::write(dir.join("dashboards.token"), DASHBOARD_TOKEN).expect("token file");
    let config = format!(
        "users:\n  - name: reader\n    role: read-only\n    password-hash: \"{}\"\n  - name: writer\n    role: read-write\n    password-file: writer.password\ntokens:\n  - name: deployer\n    role: read-write\n    token-sha256: {}\n  - name: dashboards\n    role: read-only\n    token-file: dashboards.token\n",
        hash_password(READER_PASSWORD),
        sha256_hex(DEPLOY_TOKEN),
    );
    let path = dir.join("auth.yaml");
    std::fs::write(&path, config).expect("auth config");
    path
}

#[test]
fn auth_enforces_credentials_and_roles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = write_auth_config(dir.path());
    let config = config.to_str().expect("a UTF-8 path");
    let server = contrail_e2e::start_registry(&dir.path().join("r.db"), &["--auth-config", config]);
    let base = server.base.as_str();
    let reader = Creds::Basic("reader", READER_PASSWORD);
    let writer = Creds::Basic("writer", WRITER_PASSWORD);

    // Probes need no credentials.
    for path in ["/health", "/health/live", "/health/ready"] {
        call(base, "GET", path, Creds::None, None).assert_status(200);
    }

    // Nothing else does without them, and the answer says how to authenticate.
    let reply = call(base, "GET", "/subjects", Creds::None, None);
    reply.assert_error(401, 40101);
    assert!(
        reply
            .www_authenticate
            .iter()
            .any(|c| c.starts_with("Basic realm=")),
        "{reply:?}"
    );
    assert!(
        reply
            .www_authenticate
            .iter()
            .any(|c| c.starts_with("Bearer realm=")),
        "{reply:?}"
    );
    call(base, "GET", "/metrics", Creds::None, None).assert_error(401, 40101);
    call(base, "GET", "/no/such/path", Creds::None, None).assert_error(401, 40101);

    // Wrong secrets; a password is not a token, nor a token a password.
    for creds in [
        Creds::Basic("reader", "wrong"),
        Creds::Basic("nobody", READER_PASSWORD),
        Creds::Bearer("not-a-token-at-all-0000"),
        Creds::Bearer(WRITER_PASSWORD),
        Creds::Basic("deployer", DEPLOY_TOKEN),
    ] {
        let reply = call(base, "GET", "/subjects", creds, None);
        assert_eq!(reply.status, 401, "{creds:?}: {}", reply.body);
        reply.assert_error(401, 40101);
    }

    // read-write users and tokens register.
    call(
        base,
        "POST",
        "/subjects/orders-value/versions",
        writer,
        Some(&string_schema()),
    )
    .assert_status(200);
    call(
        base,
        "POST",
        "/subjects/orders-value/versions",
        Creds::Bearer(DEPLOY_TOKEN),
        Some(&json!({"schema": "\"string\"", "schemaType": "AVRO"})),
    )
    .assert_status(200);
    call(
        base,
        "PUT",
        "/config/orders-value",
        writer,
        Some(&json!({"compatibility": "NONE"})),
    )
    .assert_status(200);

    // read-only reads, looks up and checks compatibility, twice (the second time the PBKDF2
    // result is remembered) …
    for _ in 0..2 {
        let subjects = call(base, "GET", "/subjects", reader, None);
        subjects.assert_status(200);
        assert_eq!(subjects.json(), json!(["orders-value"]));
    }
    call(
        base,
        "POST",
        "/subjects/orders-value",
        reader,
        Some(&string_schema()),
    )
    .assert_status(200);
    call(
        base,
        "POST",
        "/subjects/orders-value",
        reader,
        Some(&record_schema()),
    )
    .assert_error(404, 40403);
    let verdict = call(
        base,
        "POST",
        "/compatibility/subjects/orders-value/versions/latest",
        reader,
        Some(&record_schema()),
    );
    verdict.assert_status(200);
    assert_eq!(verdict.json()["is_compatible"], json!(true));
    call(
        base,
        "GET",
        "/subjects/orders-value/versions/1",
        Creds::Bearer(DASHBOARD_TOKEN),
        None,
    )
    .assert_status(200);
    call(base, "GET", "/metrics", reader, None).assert_status(200);

    // … but writes nothing.
    call(
        base,
        "POST",
        "/subjects/orders-value/versions",
        reader,
        Some(&record_schema()),
    )
    .assert_error(403, 40301);
    call(
        base,
        "POST",
        "/subjects/orders-value/versions",
        Creds::Bearer(DASHBOARD_TOKEN),
        Some(&record_schema()),
    )
    .assert_error(403, 40301);
    call(
        base,
        "PUT",
        "/config",
        reader,
        Some(&json!({"compatibility": "NONE"})),
    )
    .assert_error(403, 40301);
    call(
        base,
        "PUT",
        "/mode",
        Creds::Bearer(DASHBOARD_TOKEN),
        Some(&json!({"mode": "READONLY"})),
    )
    .assert_error(403, 40301);
    let versions = call(base, "GET", "/subjects/orders-value/versions", reader, None);
    assert_eq!(
        versions.json(),
        json!([1]),
        "the refused registrations stored nothing"
    );

    // Refusals are counted like any other answer.
    let metrics = call(base, "GET", "/metrics", writer, None).body;
    assert_eq!(
        sample(
            &metrics,
            "contrail_registry_http_requests_total{method=\"POST\",route=\"/subjects/{subject}/versions\",status=\"403\"}"
        ),
        Some(2.0),
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            "contrail_registry_http_requests_total{method=\"GET\",route=\"/subjects\",status=\"401\"}"
        ),
        Some(6.0),
        "{metrics}"
    );
}

#[test]
fn public_metrics_opens_only_the_metrics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("t.token");
    std::fs::write(&token_file, DEPLOY_TOKEN).expect("token file");
    let config = dir.path().join("auth.yaml");
    std::fs::write(
        &config,
        "public-metrics: true\ntokens:\n  - {name: ci, role: read-write, token-file: t.token}\n",
    )
    .expect("auth config");
    let server = contrail_e2e::start_registry(
        &dir.path().join("r.db"),
        &["--auth-config", config.to_str().expect("UTF-8")],
    );
    call(&server.base, "GET", "/metrics", Creds::None, None).assert_status(200);
    call(&server.base, "GET", "/subjects", Creds::None, None).assert_error(401, 40101);
    call(
        &server.base,
        "GET",
        "/subjects",
        Creds::Bearer(DEPLOY_TOKEN),
        None,
    )
    .assert_status(200);
}

/// Runs `registry serve --auth-config config` (with `environment` applied to the command),
/// asserts that it refuses to start (exit 2), and returns what it printed on stderr.
fn serve_refused(config: &Path, environment: impl FnOnce(&mut Command) -> &mut Command) -> String {
    let mut command = contrail_e2e::contrail();
    command
        .args([
            "registry",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--store",
            "sqlite://:memory:",
        ])
        .arg("--auth-config")
        .arg(config)
        .stdin(Stdio::null());
    let output = environment(&mut command).output().expect("contrail runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_bad_auth_config_stops_the_server_with_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("auth.yaml");
    std::fs::write(
        &config,
        "users:\n  - name: ci\n    role: superuser\n    password-env: CI_PASSWORD\n",
    )
    .expect("auth config");
    let stderr = serve_refused(&config, |c| c.env("CI_PASSWORD", "whatever"));
    assert!(
        stderr.contains(&format!(
            "{}:3:11: unknown role `superuser`",
            config.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("listening on"), "{stderr}");

    // A secret that is not there is named, and its value position given.
    std::fs::write(
        &config,
        "users:\n  - name: ci\n    role: read-write\n    password-env: CONTRAIL_TEST_UNSET_PASSWORD\n",
    )
    .expect("auth config");
    let stderr = serve_refused(&config, |c| c.env_remove("CONTRAIL_TEST_UNSET_PASSWORD"));
    assert!(
        stderr.contains(&format!(
            "{}:4:19: the environment variable `CONTRAIL_TEST_UNSET_PASSWORD` is not set or empty",
            config.display()
        )),
        "{stderr}"
    );
}

#[test]
fn json_logs_are_one_object_per_line_with_route_status_and_user() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = write_auth_config(dir.path());
    let db = dir.path().join("r.db");
    let mut child = contrail_e2e::contrail()
        .args(["registry", "serve", "--listen", "127.0.0.1:0", "--store"])
        .arg(format!("sqlite://{}", db.display()))
        .arg("--auth-config")
        .arg(&config)
        .args(["--log-format", "json", "--log-level", "debug"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("contrail starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (sender, lines) = mpsc::channel();
    let reader_thread = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let first = lines
        .recv_timeout(Duration::from_secs(60))
        .expect("the registry prints its address");
    let base = first
        .strip_prefix("contrail registry listening on ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("the first line is the plain address line: {first}"))
        .to_owned();

    call(
        &base,
        "POST",
        "/subjects/orders-value/versions",
        Creds::Basic("writer", WRITER_PASSWORD),
        Some(&string_schema()),
    )
    .assert_status(200);
    call(
        &base,
        "GET",
        "/subjects",
        Creds::Basic("reader", "wrong password"),
        None,
    )
    .assert_error(401, 40101);
    call(&base, "GET", "/health", Creds::None, None).assert_status(200);

    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(stopped.success());
    let status = child.wait().expect("the registry exits");
    assert!(status.success(), "{status:?}");
    reader_thread.join().expect("stderr is read to the end");
    let rest: Vec<String> = lines.try_iter().collect();

    let events: Vec<Value> = rest
        .iter()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
        })
        .collect();
    let access = |method: &str, route: &str| {
        events
            .iter()
            .find(|e| e["message"] == "request" && e["method"] == method && e["route"] == route)
            .unwrap_or_else(|| panic!("no access log of {method} {route} in {rest:#?}"))
    };
    let register = access("POST", "/subjects/{subject}/versions");
    assert_eq!(register["status"], json!(200));
    assert_eq!(register["user"], json!("writer"));
    assert_eq!(register["path"], json!("/subjects/orders-value/versions"));
    assert_eq!(register["level"], json!("INFO"));
    assert!(register["latency_ms"].as_f64().is_some(), "{register}");
    assert!(
        register["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{register}"
    );
    let refused = access("GET", "/subjects");
    assert_eq!(refused["status"], json!(401));
    assert!(refused.get("user").is_none_or(Value::is_null), "{refused}");
    // Probes log at DEBUG only.
    assert_eq!(access("GET", "/health")["level"], json!("DEBUG"));

    for message in ["registry started", "registry stopped"] {
        assert!(
            events.iter().any(|e| e["message"] == message),
            "{message}: {rest:#?}"
        );
    }
    // No secret reaches the log.
    for secret in [
        WRITER_PASSWORD,
        "wrong password",
        DEPLOY_TOKEN,
        DASHBOARD_TOKEN,
    ] {
        assert!(
            !rest.iter().any(|line| line.contains(secret)),
            "{secret} logged"
        );
    }
}

#[test]
fn push_pull_and_check_send_credentials_from_the_environment_or_the_url() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("writer.password"), WRITER_PASSWORD).expect("password file");
    std::fs::write(dir.path().join("t.token"), DEPLOY_TOKEN).expect("token file");
    let config = dir.path().join("auth.yaml");
    std::fs::write(
        &config,
        "users:\n  - {name: writer, role: read-write, password-file: writer.password}\ntokens:\n  - {name: ci, role: read-write, token-file: t.token}\n",
    )
    .expect("auth config");
    let server = contrail_e2e::start_registry(
        &dir.path().join("r.db"),
        &["--auth-config", config.to_str().expect("UTF-8")],
    );
    let shop = contrail_e2e::repo_root().join("examples/shop");
    let push = |url: &str, env: &[(&str, &str)]| {
        let mut command = contrail_e2e::contrail();
        command
            .args(["registry", "push", "--registry", url])
            .arg(&shop)
            .env_remove("CONTRAIL_REGISTRY_USER_INFO")
            .env_remove("CONTRAIL_REGISTRY_TOKEN");
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().expect("contrail runs")
    };

    // Without credentials the registry's refusal is reported, and nothing lands.
    let refused = push(&server.base, &[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("40101"), "{stderr}");
    assert!(!stderr.contains(DEPLOY_TOKEN) && !stderr.contains(WRITER_PASSWORD));

    // A bearer token from the environment.
    let pushed = push(&server.base, &[("CONTRAIL_REGISTRY_TOKEN", DEPLOY_TOKEN)]);
    assert!(
        pushed.status.success(),
        "{}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let subjects = call(
        &server.base,
        "GET",
        "/subjects",
        Creds::Bearer(DEPLOY_TOKEN),
        None,
    );
    assert!(
        subjects.json().as_array().is_some_and(|s| !s.is_empty()),
        "{subjects:?}"
    );

    // Basic credentials from the environment, then in the URL (percent-encoded).
    let user_info = format!("writer:{WRITER_PASSWORD}");
    let again = push(
        &server.base,
        &[("CONTRAIL_REGISTRY_USER_INFO", user_info.as_str())],
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let in_url = server
        .base
        .replacen("http://", &format!("http://writer:{WRITER_PASSWORD}@"), 1);
    let out = dir.path().join("pulled");
    let pulled = contrail_e2e::contrail()
        .args(["registry", "pull", "--registry", &in_url, "--out"])
        .arg(&out)
        .env_remove("CONTRAIL_REGISTRY_USER_INFO")
        .env_remove("CONTRAIL_REGISTRY_TOKEN")
        .output()
        .expect("contrail runs");
    assert!(
        pulled.status.success(),
        "{}",
        String::from_utf8_lossy(&pulled.stderr)
    );
    assert!(
        std::fs::read_dir(&out).expect("pulled files").count() > 0,
        "pull wrote the subjects"
    );

    // check --against the registry authenticates the same way.
    let checked = contrail_e2e::contrail()
        .args(["check", "--against", &server.base])
        .arg(&shop)
        .env("CONTRAIL_REGISTRY_TOKEN", DEPLOY_TOKEN)
        .env_remove("CONTRAIL_REGISTRY_USER_INFO")
        .output()
        .expect("contrail runs");
    let stdout = String::from_utf8_lossy(&checked.stdout);
    assert!(!stdout.contains("40101"), "{stdout}");
    assert!(
        checked.status.code().is_some_and(|c| c <= 1),
        "check ran against the registry: {stdout}{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}
