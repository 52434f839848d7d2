//! Helpers shared by the end-to-end tests: finding (and building) the `contrail` binary,
//! locating the repository's fixtures, examples and the vendored AsyncAPI corpus, and starting
//! real peers (a registry, PostgreSQL, a tansu broker), and the shop example's traffic on a
//! broker ([`shop_traffic`]).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub mod http;
pub mod postgres;
pub mod shop_traffic;
pub mod stores;
pub mod tansu;

pub use tansu::{TansuProcess, start_tansu};

/// The repository root.
/// Installs ring as the process's rustls crypto provider, once. The tests build reqwest (under
/// schema_registry_converter) with rustls but without a provider of its own, so that no C
/// build of aws-lc is needed; reqwest then refuses to build any client, plain HTTP included,
/// until a provider is installed.
pub fn install_crypto_provider() {
    // An error means one is installed already, which is all that is asked.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The real AsyncAPI documents vendored in `tests/corpus/asyncapi` (see its MANIFEST.md).
pub fn corpus_dir() -> PathBuf {
    repo_root().join("tests/corpus/asyncapi")
}

/// The `contrail` binary, built from this checkout with the profile the tests run under.
///
/// The end-to-end tests live in a crate of their own, so cargo does not hand them the binary's
/// path; the first call builds it (a no-op when it is up to date).
pub fn contrail_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(path) = std::env::var_os("CONTRAIL_BIN") {
            return PathBuf::from(path);
        }
        let test_exe = std::env::current_exe().expect("the test binary knows its path");
        // target/<profile>/deps/e2e-<hash> → target/<profile>
        let profile_dir = test_exe
            .parent()
            .and_then(Path::parent)
            .expect("test binary in target/<profile>/deps");
        let release = profile_dir.file_name().is_some_and(|n| n == "release");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut build = Command::new(cargo);
        build
            .current_dir(repo_root())
            .args(["build", "--quiet", "-p", "contrail", "--bin", "contrail"]);
        if release {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "building the contrail binary failed");
        profile_dir.join(format!("contrail{}", std::env::consts::EXE_SUFFIX))
    })
}

/// Copies the directory tree `from` to `to` (created), for tests that change a catalog.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Runs `git` in `dir` with a fixed identity, for tests that build a repository history.
pub fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "contrail tests")
        .env("GIT_AUTHOR_EMAIL", "tests@contrail.invalid")
        .env("GIT_COMMITTER_NAME", "contrail tests")
        .env("GIT_COMMITTER_EMAIL", "tests@contrail.invalid")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// Makes `repo` a git repository whose first commit (`message`) holds `path`.
pub fn git_init_commit(repo: &Path, path: &str, message: &str) {
    git(repo, &["init", "--quiet"]);
    git(repo, &["add", path]);
    git(repo, &["commit", "--quiet", "-m", message]);
}

/// A temporary git repository with the example shop committed as it is under `shop/`; the
/// caller changes the working tree.
pub fn committed_shop() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &repo_root().join("examples/shop"),
        &repo.path().join("shop"),
    );
    git_init_commit(repo.path(), "shop", "shop");
    repo
}

/// `(event, compatible)` for every schema a `contrail check --format json` report compared.
pub fn compatibility_verdicts(report: &serde_json::Value) -> Vec<(&str, bool)> {
    report["compatibility"]["checked"]
        .as_array()
        .expect("checked")
        .iter()
        .map(|c| {
            (
                c["event"].as_str().unwrap_or(""),
                c["compatible"].as_bool().unwrap_or(true),
            )
        })
        .collect()
}

/// A command's stdout as JSON; panics with stdout and stderr when it is not.
pub fn stdout_json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// A `contrail` command ready to run, with colour off and a stable terminal width.
pub fn contrail() -> Command {
    let mut command = Command::new(contrail_bin());
    command
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("COLUMNS", "100");
    command
}

/// A running `contrail registry serve`, killed when dropped, so a failing assertion leaves no
/// server behind.
#[derive(Debug)]
pub struct RegistryProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` when started with `--tls-cert`.
    pub base: String,
}

impl RegistryProcess {
    /// The process, for signals and exit statuses.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// SIGKILL: no shutdown code runs, nothing is flushed.
    pub fn kill_9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RegistryProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `contrail registry serve` on an ephemeral port with SQLite at `db`, once it reports
/// that it listens. stderr keeps being drained so the server never blocks on it.
pub fn start_registry(db: &Path, extra: &[&str]) -> RegistryProcess {
    start_registry_at(&format!("sqlite://{}", db.display()), extra)
}

/// Starts `contrail registry serve` on an ephemeral port with the store at `store_url`
/// (`sqlite://…` or `postgres://…`, shown in the startup line as given since test URLs carry
/// no password), once it reports that it listens. stderr keeps being drained so the server
/// never blocks on it.
pub fn start_registry_at(store_url: &str, extra: &[&str]) -> RegistryProcess {
    let mut child = Command::new(contrail_bin())
        .args(["registry", "serve", "--listen", "127.0.0.1:0", "--store"])
        .arg(store_url)
        .args(extra)
        .env_remove("CONTRAIL_REGISTRY_LISTEN")
        .env_remove("CONTRAIL_REGISTRY_STORE")
        .env_remove("CONTRAIL_REGISTRY_TLS_CERT")
        .env_remove("CONTRAIL_REGISTRY_TLS_KEY")
        .env_remove("CONTRAIL_REGISTRY_TLS_CLIENT_CA")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the contrail binary starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    // From here on a failed assertion kills the server.
    let mut process = RegistryProcess {
        child,
        base: String::new(),
    };
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if !sent {
                let _ = sender.send(line.clone());
                sent = line.contains("listening on");
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(remaining) {
            Ok(line) => {
                if let Some(rest) = line.strip_prefix("contrail registry listening on ") {
                    let base = rest.split(' ').next().unwrap_or_default().to_owned();
                    assert!(
                        base.starts_with("http://127.0.0.1:")
                            || base.starts_with("https://127.0.0.1:"),
                        "{line}"
                    );
                    assert!(line.ends_with(&format!("(store: {store_url})")), "{line}");
                    process.base = base;
                    return process;
                }
                eprintln!("registry: {line}");
            }
            Err(_) => {
                let _ = process.child.kill();
                panic!(
                    "the registry did not report its address: {:?}",
                    process.child.wait()
                );
            }
        }
    }
}

/// Copies examples/shop to `to` and changes its shape, for `contrail graph --diff`: orders
/// also produces a new event RefundRequested (on a new topic), payments consumes it, and the
/// inventory service is gone.
pub fn changed_shop(to: &Path) {
    copy_dir(&repo_root().join("examples/shop"), to);
    std::fs::remove_file(to.join("services/inventory.yaml")).expect("remove inventory");
    std::fs::write(
        to.join("events/refund-requested.yaml"),
        "event: RefundRequested\nkind: domain\ndescription: A customer asked for a refund.\ntopic: shop.refunds\nkey: orderId\nowner: team-orders\n",
    )
    .expect("write the event");
    let orders = to.join("services/orders.yaml");
    let text = std::fs::read_to_string(&orders).expect("orders");
    let text = text.replace(
        "produces:\n  - event: OrderPlaced\n",
        "produces:\n  - event: OrderPlaced\n  - event: RefundRequested\n",
    );
    std::fs::write(&orders, text).expect("write orders");
    let payments = to.join("services/payments.yaml");
    let text = std::fs::read_to_string(&payments).expect("payments");
    let text = text.replace(
        "consumes:\n",
        "consumes:\n  - event: RefundRequested\n    group: payments\n    reads: [orderId]\n",
    );
    std::fs::write(&payments, text).expect("write payments");
}
