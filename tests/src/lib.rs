//! Helpers shared by the end-to-end tests: finding (and building) the `contrail` binary, and
//! locating the repository's fixtures, examples and the shared corpus.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The team's shared folder beside the checkout (`../shared`), holding the AsyncAPI corpus.
pub fn shared_dir() -> PathBuf {
    repo_root().join("../shared")
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

/// A `contrail` command ready to run, with colour off and a stable terminal width.
pub fn contrail() -> Command {
    let mut command = Command::new(contrail_bin());
    command
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("COLUMNS", "100");
    command
}
