//! A throwaway PostgreSQL server for tests: initdb into a temporary directory, started on an
//! ephemeral port on 127.0.0.1 with trust authentication, stopped (and its directory removed)
//! when dropped or, for [`PostgresServer::shared`], when the test process exits.
//!
//! The server binaries come from `CONTRAIL_PG_BINDIR` (scripts/test.sh exports it), else from
//! the newest `/usr/lib/postgresql/*/bin` (Debian's layout). PostgreSQL refuses to run as root,
//! so as root the server runs as the `postgres` system user.
//!
//! This file has no dependencies beyond std: the registry crate's store tests include it by
//! path so the same fixture serves both crates.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A running PostgreSQL server.
#[derive(Debug)]
pub struct PostgresServer {
    bindir: PathBuf,
    dir: PathBuf,
    port: u16,
    /// As root: run the server's tools as this user.
    run_as: Option<&'static str>,
    /// Extra `-c` settings of the server (TLS).
    settings: String,
    /// A shell that waits for its stdin to close, then stops the server and removes its
    /// directory. Its stdin is held by this process, so the server goes away whenever this
    /// process does, even when it is killed or `shared()`'s static is never dropped.
    watchdog: Child,
}

/// The directory holding `initdb`, `pg_ctl` and `createdb`.
pub fn bindir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CONTRAIL_PG_BINDIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("initdb").is_file(),
            "CONTRAIL_PG_BINDIR={} has no initdb",
            dir.display()
        );
        return dir;
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "PostgreSQL is not installed: set CONTRAIL_PG_BINDIR to the directory holding initdb and pg_ctl \
             (scripts/test.sh installs Debian's postgresql package and sets it)"
        ),
    }
}

fn running_as_root() -> bool {
    // std has no geteuid; `id -u` is in every Debian image the tests run on.
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn unique_dir() -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    std::env::temp_dir().join(format!(
        "contrail-pg-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("an ephemeral port on 127.0.0.1")
}

/// Single-quotes a string for sh.
fn shell_quote(text: &Path) -> String {
    format!("'{}'", text.display().to_string().replace('\'', r"'\''"))
}

impl PostgresServer {
    /// Initialises a cluster in a new temporary directory and starts it; panics with the
    /// server's log when it cannot.
    pub fn start() -> PostgresServer {
        PostgresServer::start_with(None)
    }

    /// [`PostgresServer::start`] with TLS on (`ssl=on`) using this certificate chain and key
    /// (PEM); clients may still connect without TLS.
    pub fn start_with_tls(cert_pem: &str, key_pem: &str) -> PostgresServer {
        PostgresServer::start_with(Some((cert_pem, key_pem)))
    }

    fn start_with(tls: Option<(&str, &str)>) -> PostgresServer {
        let bindir = bindir();
        let run_as = running_as_root().then_some("postgres");
        let dir = unique_dir();
        std::fs::create_dir(&dir).expect("creates the PostgreSQL directory");
        if let Some(user) = run_as {
            let status = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(&dir)
                .status()
                .expect("chown runs");
            assert!(status.success(), "chown {user} {} failed", dir.display());
        }
        // The watchdog starts first so that whatever happens next, the directory goes away.
        let pg_ctl = shell_quote(&bindir.join("pg_ctl"));
        let data = shell_quote(&dir.join("data"));
        let stop = match run_as {
            Some(user) => format!("runuser -u {user} -- {pg_ctl} -D {data} stop -m immediate"),
            None => format!("{pg_ctl} -D {data} stop -m immediate"),
        };
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "cat >/dev/null; if [ -f {data}/postmaster.pid ]; then {stop} >/dev/null 2>&1; fi; rm -rf {}",
                shell_quote(&dir)
            ))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh starts");
        let mut server = PostgresServer {
            bindir,
            dir,
            port: 0,
            run_as,
            settings: String::new(),
            watchdog,
        };
        if let Some((cert, key)) = tls {
            server.settings = server.tls_files(cert, key);
        }
        server.init();
        server.launch();
        server
    }

    /// One server for the whole test process, started on first use.
    pub fn shared() -> &'static PostgresServer {
        static SERVER: OnceLock<PostgresServer> = OnceLock::new();
        SERVER.get_or_init(PostgresServer::start)
    }

    fn tool(&self, name: &str) -> Command {
        let program = self.bindir.join(name);
        let mut command = match self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        };
        // The postgres user may not be allowed into the caller's working directory.
        command.current_dir(&self.dir);
        command
    }

    /// Writes the server's certificate and key where the server can read them (the key
    /// private to the server's user, as PostgreSQL insists) and returns the settings.
    fn tls_files(&self, cert: &str, key: &str) -> String {
        let cert_file = self.dir.join("server.crt");
        let key_file = self.dir.join("server.key");
        std::fs::write(&cert_file, cert).expect("writes the server certificate");
        std::fs::write(&key_file, key).expect("writes the server key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600))
                .expect("chmod 600 the server key");
        }
        if let Some(user) = self.run_as {
            let status = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(&cert_file)
                .arg(&key_file)
                .status()
                .expect("chown runs");
            assert!(status.success(), "chown {user} of the TLS files failed");
        }
        format!(
            " -c ssl=on -c ssl_cert_file='{}' -c ssl_key_file='{}'",
            cert_file.display(),
            key_file.display()
        )
    }

    fn init(&self) {
        let out = self
            .tool("initdb")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args([
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the server on a free port; retries with another port when one was taken between
    /// probing and binding.
    fn launch(&mut self) {
        let log = self.dir.join("server.log");
        for _ in 0..5 {
            let port = free_port();
            let options = format!(
                "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='{}' -c max_connections=300 -c fsync=off{}",
                self.dir.display(),
                self.settings
            );
            // -w: pg_ctl returns once the server accepts connections.
            let status = self
                .tool("pg_ctl")
                .arg("-D")
                .arg(self.dir.join("data"))
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "120", "-o", &options, "start"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("pg_ctl runs");
            if status.success() && TcpStream::connect(("127.0.0.1", port)).is_ok() {
                self.port = port;
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "PostgreSQL did not start; its log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// The port the server listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates a database named `name` and returns its URL (user `postgres`, no password).
    pub fn url(&self, name: &str) -> String {
        let out = self
            .tool("createdb")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .arg(name)
            .output()
            .expect("createdb runs");
        assert!(
            out.status.success(),
            "createdb {name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// A fresh database with a name no other caller in this process gets.
    pub fn fresh_url(&self, prefix: &str) -> String {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        self.url(&format!("{prefix}_{n}"))
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        // Closing the watchdog's stdin makes it stop the server and remove the directory.
        if let Some(mut stdin) = self.watchdog.stdin.take() {
            let _ = stdin.flush();
        }
        let _ = self.watchdog.wait();
    }
}
