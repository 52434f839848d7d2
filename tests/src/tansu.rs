//! A throwaway tansu broker (a Kafka-compatible broker written in Rust) for the end-to-end
//! tests of reading live topics: in-memory storage, an ephemeral port on 127.0.0.1, killed when
//! dropped.
//!
//! The binary comes from `CONTRAIL_TANSU`; scripts/test.sh builds tansu 0.6.0 into its cache
//! and sets it, with `CONTRAIL_REQUIRE_TANSU` so CI cannot skip these tests. Without either
//! variable the tests say how to get tansu and check nothing.
//!
//! Known quirks of tansu 0.6.0, worked around in the tests only:
//! - ListOffsets(latest) answers the newest batch's base offset + 1, not the log end: produce
//!   each partition's last record in a batch of its own (flush before it).
//! - offsets-for-times goes by when a record was written, not its CreateTime, and answers a
//!   time after the newest record with offset 0 (Kafka: -1, "no such offset").
//! - a fetch waits `fetch.wait.max.ms` even when data is there: set it to about 10 ms.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running tansu broker.
#[derive(Debug)]
pub struct TansuProcess {
    child: Child,
    binary: PathBuf,
    /// `127.0.0.1:PORT`, the bootstrap address.
    pub bootstrap: String,
}

impl TansuProcess {
    /// Creates `topic` with `partitions` partitions (`tansu topic create`).
    pub fn create_topic(&self, topic: &str, partitions: u32) {
        let output = Command::new(&self.binary)
            .args(["topic", "create", topic, "--partitions"])
            .arg(partitions.to_string())
            .arg("--broker")
            .arg(format!("tcp://{}", self.bootstrap))
            .output()
            .expect("tansu runs");
        assert!(
            output.status.success(),
            "tansu topic create {topic}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for TansuProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The tansu binary, or `None` (with a message) when the tests may skip.
fn binary() -> Option<PathBuf> {
    match std::env::var_os("CONTRAIL_TANSU") {
        Some(path) => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "CONTRAIL_TANSU={} is not a file: run scripts/test.sh, which installs tansu 0.6.0 \
                 (cargo install tansu --version 0.6.0 --features dynostore --root DIR)",
                path.display()
            );
            Some(path)
        }
        None => {
            // scripts/test.sh sets both, so CI never skips.
            assert!(
                std::env::var_os("CONTRAIL_REQUIRE_TANSU").is_none(),
                "CONTRAIL_TANSU is not set: run scripts/test.sh, which installs tansu 0.6.0 \
                 (cargo install tansu --version 0.6.0 --features dynostore --root DIR) and sets it"
            );
            eprintln!(
                "CONTRAIL_TANSU is not set, so the broker tests check nothing; scripts/test.sh installs tansu"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("an ephemeral port on 127.0.0.1")
}

/// Starts tansu with in-memory storage on a free port, once the port accepts connections.
/// `None` when tansu is not installed and not required (see the module's documentation).
pub fn start_tansu() -> Option<TansuProcess> {
    let binary = binary()?;
    let port = free_port();
    let url = format!("tcp://127.0.0.1:{port}");
    let log = tempfile_path(port);
    let log_file = std::fs::File::create(&log).expect("tansu's log file");
    let child = Command::new(&binary)
        .args([
            "broker",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
        ])
        .args(["--storage-engine", "memory://tansu/"])
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("log file"))
        .stderr(log_file)
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", binary.display()));
    // From here on a failed assertion kills the broker.
    let mut process = TansuProcess {
        child,
        binary: binary.clone(),
        bootstrap: format!("127.0.0.1:{port}"),
    };
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return Some(process);
        }
        let exited = process.child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            let mut text = String::new();
            let _ = std::fs::File::open(&log).and_then(|mut f| f.read_to_string(&mut text));
            panic!(
                "tansu did not listen on {address} ({}): {text}",
                exited.map_or_else(|| "timed out".to_owned(), |s| s.to_string())
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn tempfile_path(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("contrail-tansu-{}-{port}.log", std::process::id()))
}
