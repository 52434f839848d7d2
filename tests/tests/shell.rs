//! Shell conventions: every command's `--help` (pinned, with examples that run), completions,
//! man pages, `--version`, finding the catalog from a subdirectory, and `contrail init`.

use std::path::{Path, PathBuf};
use std::process::Output;

use contrail_e2e::{contrail, contrail_bin, copy_dir, git, repo_root};

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn run(dir: &Path, args: &[&str]) -> Output {
    contrail()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs")
}

/// The lines of the section of `help` that starts with the line `heading`, up to a blank line.
fn section<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect()
}

/// Every command `--help` lists, found by reading `contrail [PATH] --help` from the top, so a
/// new command is covered without naming it here. `[]` is `contrail` itself.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(path: Vec<String>, out: &mut Vec<Vec<String>>) {
        let output = contrail().args(&path).arg("--help").output().expect("runs");
        assert!(
            output.status.success(),
            "{path:?} --help: {}",
            text(&output)
        );
        let help = String::from_utf8_lossy(&output.stdout).into_owned();
        out.push(path.clone());
        for line in section(&help, "Commands:") {
            let Some(name) = line.split_whitespace().next() else {
                continue;
            };
            if name == "help" {
                continue;
            }
            let mut sub = path.clone();
            sub.push(name.to_owned());
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(Vec::new(), &mut out);
    out
}

#[test]
fn help_of_every_command_is_pinned() {
    let paths = command_paths();
    assert!(
        paths.iter().any(|p| p == &["registry", "serve"]),
        "subcommands are walked: {paths:?}"
    );
    for path in paths {
        let output = contrail().args(&path).arg("--help").output().expect("runs");
        let name = if path.is_empty() {
            "help_contrail".to_owned()
        } else {
            format!("help_contrail_{}", path.join("_"))
        };
        insta::assert_snapshot!(name, String::from_utf8_lossy(&output.stdout));
    }
}

/// A directory laid out like the repository for the examples: `examples/shop`, the fixtures
/// the examples name, in a git repository on `main`; HOME is `home/` inside it.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = repo_root();
    for part in [
        "examples/shop",
        "tests/fixtures/check/shop-v1",
        "tests/fixtures/observed",
    ] {
        copy_dir(&root.join(part), &dir.path().join(part));
    }
    for home_dir in ["home/.zfunc", "home/.config/fish/completions"] {
        std::fs::create_dir_all(dir.path().join(home_dir)).expect("mkdir");
    }
    std::fs::write(dir.path().join("password.txt"), "s3cret\n").expect("write");
    git(dir.path(), &["init", "--quiet", "--initial-branch", "main"]);
    git(dir.path(), &["add", "examples", "tests"]);
    git(dir.path(), &["commit", "--quiet", "-m", "shop"]);
    dir
}

/// Whether an example needs something the test does not start: a registry (every `registry`
/// command but hash-password talks to one), a broker, `man`.
fn needs_a_peer(line: &str) -> bool {
    (line.contains("contrail registry ") && !line.contains("hash-password"))
        || ["http://", "--brokers", "| man"]
            .iter()
            .any(|needle| line.contains(needle))
}

#[test]
fn every_example_in_help_runs() {
    let sandbox = sandbox();
    let bin_dir = contrail_bin().parent().expect("bin dir").to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let mut ran = 0;
    for command in command_paths() {
        let output = contrail()
            .args(&command)
            .arg("--help")
            .output()
            .expect("runs");
        let help = String::from_utf8_lossy(&output.stdout).into_owned();
        let examples = section_to_end(&help, "Examples:");
        assert!(
            !examples.is_empty(),
            "`contrail {}` has no examples",
            command.join(" ")
        );
        for line in examples.iter().map(|l| l.trim()) {
            if line.is_empty() || line.starts_with('#') || needs_a_peer(line) {
                continue;
            }
            // Examples name paths from the repository's root; one without a catalog PATH runs
            // inside the shop, and `init` in a directory of its own.
            let empty = tempfile::tempdir().expect("tempdir");
            let cwd: PathBuf = if line.starts_with("contrail init") {
                empty.path().to_path_buf()
            } else if line.contains("examples/") || line.contains("tests/") {
                sandbox.path().to_path_buf()
            } else {
                sandbox.path().join("examples/shop")
            };
            let output = std::process::Command::new("bash")
                .args(["-c", line])
                .current_dir(&cwd)
                .env("PATH", &path)
                .env("HOME", sandbox.path().join("home"))
                .env("NO_COLOR", "1")
                .output()
                .expect("bash runs");
            let code = output.status.code().unwrap_or(-1);
            assert!(
                code == 0 || code == 1,
                "example `{line}` in {} exited {code}:\n{}",
                cwd.display(),
                text(&output)
            );
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples ran");
}

/// The lines after the line `heading` to the end of `help`.
fn section_to_end<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines().skip_while(|l| *l != heading).skip(1).collect()
}

#[test]
fn completions_load_in_bash_and_name_the_commands_in_every_shell() {
    let bin_dir = contrail_bin()
        .parent()
        .expect("bin dir")
        .display()
        .to_string();
    let output = std::process::Command::new("bash")
        .args([
            "-c",
            &format!(
                "PATH={bin_dir}:$PATH; source <(contrail completions bash) && complete -p contrail"
            ),
        ])
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{}", text(&output));
    let registered = String::from_utf8_lossy(&output.stdout);
    assert!(
        registered.trim_end().ends_with(" contrail"),
        "a completion for contrail: {registered}"
    );
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run(&repo_root(), &["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}: {}", text(&output));
        let script = String::from_utf8_lossy(&output.stdout);
        for word in ["validate", "registry", "hash-password", "completions"] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
    let output = run(&repo_root(), &["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
}

#[test]
fn man_prints_the_top_page_or_writes_one_per_command() {
    let output = run(&repo_root(), &["man"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.starts_with(".ie"), "roff: {page}");
    assert!(page.contains(".TH contrail 1"), "{page}");
    assert!(
        page.contains("contrail\\-validate(1)"),
        "subcommands listed: {page}"
    );
    assert!(page.contains(".SH EXAMPLES"), "{page}");

    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("man/man1");
    let output = contrail()
        .args(["man", "--out"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    for name in [
        "contrail.1",
        "contrail-validate.1",
        "contrail-registry.1",
        "contrail-registry-serve.1",
        "contrail-init.1",
    ] {
        let page = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(page.contains(".SH SYNOPSIS"), "{name}: {page}");
    }
    // And they are the pages committed under docs/man.
    for entry in std::fs::read_dir(&dir).expect("written") {
        let entry = entry.expect("entry");
        let committed = repo_root().join("docs/man").join(entry.file_name());
        assert_eq!(
            std::fs::read(entry.path()).ok(),
            std::fs::read(&committed).ok(),
            "{} is stale: run `cargo run -p contrail -- man --out docs/man`",
            committed.display()
        );
    }
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let output = run(&repo_root(), &["--version"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(repo_root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let prefix = format!("contrail {} (", env!("CARGO_PKG_VERSION"));
    let inside = version
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("`{version}` is `contrail VERSION (COMMIT DATE)`"));
    match head {
        // Built from this checkout: its HEAD, then the commit's date.
        Some(head) => {
            let (commit, date) = inside.split_once(' ').expect("commit and date");
            assert_eq!(commit.trim_end_matches("-dirty"), head, "{version}");
            assert!(
                date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
                "a date: {version}"
            );
        }
        None => assert_eq!(inside, "unknown"),
    }
}

#[test]
fn a_command_without_path_finds_the_catalog_above_or_says_how_to_make_one() {
    // From deep inside the shop, lint names files from where it runs.
    let copy = tempfile::tempdir().expect("tempdir");
    let shop = copy.path().join("shop");
    copy_dir(&repo_root().join("examples/shop"), &shop);
    std::fs::create_dir_all(shop.join("events/deeper")).expect("mkdir");
    let from_deep = run(&shop.join("events/deeper"), &["lint", "--format", "json"]);
    let from_root = run(&shop, &["lint", "--format", "json"]);
    assert_eq!(from_deep.status.code(), from_root.status.code());
    let deep = String::from_utf8_lossy(&from_deep.stdout);
    assert!(
        deep.contains("\"file\": \"../../events/"),
        "files named from the working directory: {deep}"
    );
    assert_eq!(
        deep.replace("../../", ""),
        String::from_utf8_lossy(&from_root.stdout),
        "the same findings"
    );

    // `registry pull` takes its registry from the catalog above too (whether or not one
    // answers there).
    let pulled = copy.path().join("pulled");
    let pull = contrail()
        .current_dir(shop.join("events/deeper"))
        .args(["registry", "pull", "--out"])
        .arg(&pulled)
        .output()
        .expect("runs");
    assert!(
        !text(&pull).contains("no registry"),
        "the shop's registry: is used: {}",
        text(&pull)
    );

    // Nowhere near a catalog: a clear error, exit 2.
    let nowhere = tempfile::tempdir().expect("tempdir");
    for command in [
        &["validate"][..],
        &["lint"],
        &["check"],
        &["graph"],
        &["docs", "--out", "site"],
        &["registry", "push", "--dry-run"],
    ] {
        let output = run(nowhere.path(), command);
        let said = text(&output);
        assert_eq!(output.status.code(), Some(2), "{command:?}: {said}");
        assert!(
            said.contains("no contrail.yaml found in")
                && said.contains("or any parent directory")
                && said.contains("contrail init"),
            "{command:?}: {said}"
        );
    }
}

/// The names under `dir`, recursively, `/`-separated and sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.expect("entry");
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{name}/"), out);
            }
            out.push(name);
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

fn findings(dir: &Path, command: &str) -> serde_json::Value {
    let output = run(dir, &[command, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    report["diagnostics"].clone()
}

#[test]
fn init_scaffolds_a_catalog_that_validates_and_lints_clean() {
    let work = tempfile::tempdir().expect("tempdir");
    let output = run(work.path(), &["init", "nested/My Events"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let catalog = work.path().join("nested/My Events");
    assert_eq!(
        tree(&catalog),
        [
            "README.md",
            "contrail.yaml",
            "events",
            "events/item-created.yaml",
            "schemas",
            "schemas/item-created.avsc",
            "services",
            "services/items.yaml",
        ]
    );
    let beside: Vec<String> = std::fs::read_dir(work.path().join("nested"))
        .expect("created")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["My Events"], "no staging directory is left behind");
    let config = std::fs::read_to_string(catalog.join("contrail.yaml")).expect("written");
    assert!(config.contains("catalog: my-events\n"), "{config}");
    // Zero findings of any severity, from the catalog and from a subdirectory of it.
    assert_eq!(findings(&catalog, "validate"), serde_json::json!([]));
    assert_eq!(findings(&catalog, "lint"), serde_json::json!([]));
    assert_eq!(
        findings(&catalog.join("events"), "lint"),
        serde_json::json!([])
    );
    let check = run(&catalog, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));

    // In the working directory, when it is empty (or holds only a git repository).
    let here = work.path().join("here");
    std::fs::create_dir_all(here.join(".git")).expect("mkdir");
    let output = run(&here, &["init", "--name", "payments"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        std::fs::read_to_string(here.join("contrail.yaml"))
            .unwrap_or_default()
            .contains("catalog: payments\n")
    );
    assert_eq!(findings(&here, "lint"), serde_json::json!([]));
}

#[test]
fn init_refuses_a_directory_that_is_not_empty_and_writes_nothing() {
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path().join("taken");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("notes.txt"), "mine").expect("write");
    let before = tree(work.path());

    let output = run(work.path(), &["init", "taken"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let said = text(&output);
    assert!(
        said.contains("taken is not empty") && said.contains("--force"),
        "{said}"
    );
    assert_eq!(tree(work.path()), before, "nothing written");

    // A file in the way of a directory of the catalog stops --force before anything moves.
    std::fs::write(dir.join("events"), "not a directory").expect("write");
    let before = tree(work.path());
    let output = run(work.path(), &["init", "taken", "--force"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("in the way"), "{}", text(&output));
    assert_eq!(tree(work.path()), before, "nothing written");

    // With --force and nothing in the way, the starter files join what is there.
    std::fs::remove_file(dir.join("events")).expect("rm");
    let output = run(work.path(), &["init", "taken", "--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt"))
            .ok()
            .as_deref(),
        Some("mine")
    );
    assert_eq!(findings(&dir, "lint"), serde_json::json!([]));

    // A file where the directory should be, and a name that cannot name a catalog.
    std::fs::write(work.path().join("file"), "x").expect("write");
    let output = run(work.path(), &["init", "file"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let output = run(work.path(), &["init", "fresh", "--name", "Not A Name"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("not-a-name"), "{}", text(&output));
    assert!(!work.path().join("fresh").exists());

    // Not inside another catalog, which would read the new one's files as its own.
    let output = run(&dir.join("events"), &["init", "inner"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("is inside the catalog at"),
        "{}",
        text(&output)
    );
    assert!(!dir.join("events/inner").exists());
}

/// `pre-commit run` in a repository whose config uses this repository's
/// `.pre-commit-hooks.yaml`: a catalog `contrail init` made passes every hook, and one with a
/// mistake fails them with the finding in the output.
#[test]
fn the_pre_commit_hooks_pass_a_clean_catalog_and_stop_a_broken_one() {
    let python = contrail_e2e::shop_traffic::python();
    let work = tempfile::tempdir().expect("a temporary directory");
    // The hooks as they are in this checkout, committed in a repository of their own
    // (pre-commit clones a hook repository at a revision).
    let hooks = work.path().join("hooks");
    std::fs::create_dir(&hooks).expect("created");
    std::fs::copy(
        repo_root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .expect("copied");
    git(&hooks, &["init", "-q", "-b", "main"]);
    git(&hooks, &["add", "-A"]);
    git(&hooks, &["commit", "-q", "-m", "hooks"]);
    let rev = std::process::Command::new("git")
        .current_dir(&hooks)
        .args(["rev-parse", "HEAD"])
        .output()
        .expect("git runs");
    let rev = String::from_utf8_lossy(&rev.stdout).trim().to_owned();

    let project = work.path().join("project");
    std::fs::create_dir(&project).expect("created");
    let init = run(&project, &["init", "."]);
    assert!(init.status.success(), "{}", text(&init));
    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: contrail-validate\n      - id: contrail-lint\n      - id: contrail-check\n",
            hooks.display()
        ),
    )
    .expect("written");
    git(&project, &["init", "-q", "-b", "main"]);
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-q", "-m", "catalog"]);

    let bin_dir = contrail_bin().parent().expect("a directory").to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("a PATH");
    let pre_commit = |dir: &Path| {
        std::process::Command::new(&python)
            .current_dir(dir)
            .args(["-m", "pre_commit", "run", "--all-files", "--color", "never"])
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", work.path().join("pre-commit-home"))
            .output()
            .expect("pre-commit runs")
    };
    let passed = pre_commit(&project);
    let out = text(&passed);
    assert!(passed.status.success(), "{out}");
    for hook in ["contrail validate", "contrail lint", "contrail check"] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(hook) && l.ends_with("Passed")),
            "{hook}: {out}"
        );
    }

    // A key the contract format does not know: every hook stops the commit.
    let config = project.join("contrail.yaml");
    let mut text_of_config = std::fs::read_to_string(&config).expect("read");
    text_of_config.push_str("bogus: 1\n");
    std::fs::write(&config, text_of_config).expect("written");
    git(&project, &["add", "-A"]);
    let failed = pre_commit(&project);
    let out = text(&failed);
    assert_eq!(failed.status.code(), Some(1), "{out}");
    assert!(out.contains("CV004"), "{out}");
    for hook in ["contrail validate", "contrail check"] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(hook) && l.ends_with("Failed")),
            "{hook}: {out}"
        );
    }
}
