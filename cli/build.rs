//! Names the commit the binary is built from for `--version`: `CONTRAIL_GIT_COMMIT` is
//! `<short hash>[-dirty] <commit date>`, or `unknown` when the source is not a git checkout
//! (a crate tarball) or git is not installed. Nothing here can fail the build.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let commit = describe().unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=CONTRAIL_GIT_COMMIT={commit}");
    // Without any rerun-if-changed cargo would rerun this on every change to the package;
    // with them, only when HEAD moves: checkout (HEAD), commit (the branch's ref, or the
    // worktree's reflog when the ref is packed), and when this script changes.
    println!("cargo:rerun-if-changed=build.rs");
    for path in head_files() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// Runs git in the package's directory; its trimmed stdout, or `None` on any failure.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // `git status` may refresh the index opportunistically; a build must not write it.
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    Some(text.trim().to_owned())
}

fn describe() -> Option<String> {
    let hash = git(&["rev-parse", "--short", "HEAD"]).filter(|h| !h.is_empty())?;
    let date = git(&["log", "-1", "--format=%cs", "HEAD"]).unwrap_or_default();
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|changes| !changes.is_empty());
    let mut out = hash;
    if dirty {
        out.push_str("-dirty");
    }
    if !date.is_empty() {
        out.push(' ');
        out.push_str(&date);
    }
    Some(out)
}

/// The files that change when HEAD moves, as absolute paths, only those that exist (cargo
/// reruns the script on every build for a path that does not). A worktree's `.git` is a file
/// naming its git directory, hence `git rev-parse --git-dir`; branches live in the common
/// directory shared by all worktrees.
fn head_files() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let absolute = |p: String| {
        let p = PathBuf::from(p);
        if p.is_absolute() { p } else { here.join(p) }
    };
    let Some(git_dir) = git(&["rev-parse", "--git-dir"]).map(absolute) else {
        return Vec::new();
    };
    let common_dir = git(&["rev-parse", "--git-common-dir"])
        .map(absolute)
        .unwrap_or_else(|| git_dir.clone());
    let mut files = vec![git_dir.join("HEAD"), git_dir.join("logs").join("HEAD")];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        files.push(common_dir.join(branch));
    }
    files.push(common_dir.join("packed-refs"));
    files.retain(|f| f.is_file());
    files
}
