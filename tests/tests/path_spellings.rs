//! However a catalog's path is spelled — `.`, `./`, no PATH, `events/..`, from the parent
//! directory, absolute, through a symlink, from a subdirectory with or without PATH — every
//! command gives the same output but for the prefix of file names. Until 0.1.x a catalog named `.` lost its
//! `defaults:`, so `contrail check` run in the catalog compared schemas under BACKWARD instead
//! of the declared mode.
//!
//! Both the shop and `tests/fixtures/paths/catalog` (which uses every path-sensitive setting,
//! see its README) are put in a git repository with their earlier schemas as the previous
//! commit, copied as a directory baseline and pushed to a registry baseline, then every command
//! runs through every spelling.

use std::path::{Path, PathBuf};

use contrail_e2e::{RegistryProcess, contrail, copy_dir, git, git_init_commit, repo_root};

/// A catalog set up for the spellings: `work/repo/catalog` in a git repository whose HEAD~1
/// has the earlier schemas, `work/baseline` a copy of that earlier catalog, `work/link` a
/// symlink to the catalog, and a registry holding the earlier schemas.
struct Setup {
    work: tempfile::TempDir,
    registry: RegistryProcess,
}

impl Setup {
    fn new(catalog: &Path, earlier_schemas: &Path) -> Setup {
        let work = tempfile::tempdir().expect("tempdir");
        let repo = work.path().join("repo");
        let current = repo.join("catalog");
        copy_dir(catalog, &current);
        let baseline = work.path().join("baseline");
        copy_dir(catalog, &baseline);
        copy_dir(earlier_schemas, &baseline.join("schemas"));
        copy_dir(&baseline.join("schemas"), &current.join("schemas"));
        git_init_commit(&repo, "catalog", "earlier");
        copy_dir(&catalog.join("schemas"), &current.join("schemas"));
        git(&repo, &["commit", "--quiet", "-am", "now"]);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&current, work.path().join("link")).expect("symlink");
        let registry = contrail_e2e::start_registry(
            &work.path().join("registry.db"),
            &["--log-level", "warn"],
        );
        let push = contrail()
            .args(["registry", "push", "--registry", &registry.base])
            .arg(&baseline)
            .output()
            .expect("runs");
        assert_eq!(
            push.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&push.stdout),
            String::from_utf8_lossy(&push.stderr)
        );
        Setup { work, registry }
    }

    fn catalog(&self) -> PathBuf {
        self.work.path().join("repo/catalog")
    }

    /// Every way to name the catalog: the directory to run in, the PATH argument (none: the
    /// default `.`), and how the catalog's files are then named in the output.
    fn spellings(&self) -> Vec<Spelling> {
        let catalog = self.catalog();
        let repo = self.work.path().join("repo");
        let absolute = catalog.display().to_string();
        let link = self.work.path().join("link").display().to_string();
        let spelling = |cwd: &Path, path: Option<&str>, shown: &str| Spelling {
            cwd: cwd.to_path_buf(),
            path: path.map(str::to_owned),
            shown: shown.to_owned(),
        };
        let mut all = vec![
            spelling(&catalog, None, ""),
            spelling(&catalog, Some("."), ""),
            spelling(&catalog, Some("./"), ""),
            spelling(&catalog, Some("events/.."), ""),
            // From the repository root and from a subdirectory of the catalog: `check
            // --against git:REF` finds the catalog inside the repository either way.
            spelling(&repo, Some("catalog"), "catalog/"),
            spelling(&repo, Some("./catalog/events/../"), "catalog/"),
            spelling(&catalog.join("events"), Some(".."), "../"),
            // No PATH in a subdirectory: the catalog is found above, like git finds its
            // repository, and its files are named from where the command runs.
            spelling(&catalog.join("events"), None, "../"),
            spelling(&catalog.join("schemas"), None, "../"),
            spelling(self.work.path(), Some(&absolute), &format!("{absolute}/")),
        ];
        if cfg!(unix) {
            all.push(spelling(self.work.path(), Some("link"), "link/"));
            all.push(spelling(&repo, Some(&link), &format!("{link}/")));
        }
        all
    }

    /// The commands that take a catalog, as argument lists around the catalog's PATH.
    fn commands(&self, schema: &str, earlier_schema: &Path) -> Vec<Invocation> {
        let registry = self.registry.base.clone();
        let baseline = self.work.path().join("baseline").display().to_string();
        let earlier_schema = earlier_schema.display().to_string();
        let mut commands = Vec::new();
        for format in ["human", "json"] {
            commands.push(Invocation::path(&["validate", "--format", format], &[]));
            commands.push(Invocation::path(&["lint", "--format", format], &[]));
            commands.push(Invocation::path(&["check", "--format", format], &[]));
            for against in ["git:HEAD~1", &baseline, &registry] {
                commands.push(Invocation::path(
                    &["check", "--format", format],
                    &["--against", against],
                ));
            }
            commands.push(Invocation::path(
                &["registry", "push", "--dry-run", "--format", format],
                &["--registry", &registry],
            ));
            commands.push(Invocation::file(
                &["compat", "--mode", "FULL_TRANSITIVE", "--format", format],
                schema,
                &[&earlier_schema],
            ));
        }
        commands.push(Invocation::path(
            &["check", "--format", "sarif"],
            &["--against", "git:HEAD~1"],
        ));
        commands
    }
}

struct Spelling {
    cwd: PathBuf,
    path: Option<String>,
    /// What the catalog's files are prefixed with in the output.
    shown: String,
}

/// A command line with the catalog (or a file inside it) in the middle.
struct Invocation {
    before: Vec<String>,
    /// A file inside the catalog instead of the catalog itself.
    file: Option<String>,
    after: Vec<String>,
}

impl Invocation {
    fn path(before: &[&str], after: &[&str]) -> Invocation {
        Invocation {
            before: before.iter().map(|s| s.to_string()).collect(),
            file: None,
            after: after.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn file(before: &[&str], file: &str, after: &[&str]) -> Invocation {
        Invocation {
            file: Some(file.to_owned()),
            ..Invocation::path(before, after)
        }
    }

    /// Runs it through `spelling`. Returns the printed text with the spelling's prefix of file
    /// names removed.
    fn run(&self, spelling: &Spelling) -> (String, i32) {
        let mut command = contrail();
        command.current_dir(&spelling.cwd).args(&self.before);
        match (&self.file, &spelling.path) {
            (Some(file), Some(path)) => {
                command.arg(format!("{}/{file}", path.trim_end_matches('/')));
            }
            // compat takes files, not a catalog: named from where it runs.
            (Some(file), None) => {
                command.arg(format!("{}{file}", spelling.shown));
            }
            (None, Some(path)) => {
                command.arg(path);
            }
            (None, None) => {}
        }
        command.args(&self.after);
        let output = command.output().expect("runs");
        let text = format!(
            "{}{}",
            without_rule_pages(&String::from_utf8_lossy(&output.stdout)),
            String::from_utf8_lossy(&output.stderr)
        );
        (
            unprefixed(&text, &spelling.shown),
            output.status.code().unwrap_or(-1),
        )
    }

    fn describe(&self) -> String {
        let mut words = self.before.clone();
        words.extend(self.file.iter().map(|f| format!("PATH/{f}")));
        if self.file.is_none() {
            words.push("PATH".into());
        }
        words.extend(self.after.iter().cloned());
        words.join(" ")
    }
}

/// SARIF output without the rules' help pages: they are the same text whatever the path, and
/// their examples hold relative file names (`schema: ../schemas/x.avsc`) that the unprefixing
/// below cannot tell from the file names the output names. Other output is returned as is.
fn without_rule_pages(stdout: &str) -> String {
    let Ok(mut sarif) = serde_json::from_str::<serde_json::Value>(stdout) else {
        return stdout.to_owned();
    };
    let Some(runs) = sarif.get_mut("runs").and_then(|r| r.as_array_mut()) else {
        return stdout.to_owned();
    };
    for run in runs {
        if let Some(rules) = run
            .pointer_mut("/tool/driver/rules")
            .and_then(|r| r.as_array_mut())
        {
            for rule in rules.iter_mut().filter_map(|r| r.as_object_mut()) {
                rule.remove("help");
            }
        }
    }
    serde_json::to_string_pretty(&sarif).unwrap_or_else(|_| stdout.to_owned())
}

/// `text` with `prefix` removed where a file name starts: after a quote, a blank, a parenthesis
/// or the start
/// of a line; SARIF writes absolute paths as `file://` URIs, which lose the scheme with the
/// prefix. A baseline's files (`HEAD~1:catalog/...`) keep theirs: they are named from the
/// repository, not from the working directory.
fn unprefixed(text: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        if out.ends_with("file://") {
            out.truncate(out.len() - "file://".len());
        } else if !(out.is_empty() || out.ends_with(['"', ' ', '\n', '\t', '\'', '(', '`'])) {
            out.push_str(prefix);
        }
        rest = &rest[at + prefix.len()..];
    }
    out.push_str(rest);
    out
}

fn same_output_through_every_spelling(setup: &Setup, schema: &str, earlier_schema: &Path) {
    let spellings = setup.spellings();
    for invocation in setup.commands(schema, earlier_schema) {
        let mut first: Option<(String, i32, String)> = None;
        for spelling in &spellings {
            let (text, code) = invocation.run(spelling);
            let label = format!(
                "`contrail {}` in {} with PATH {:?}",
                invocation.describe(),
                spelling.cwd.display(),
                spelling.path
            );
            assert!(
                code == 0 || code == 1,
                "{label} could not run (exit {code}):\n{text}"
            );
            match &first {
                None => first = Some((text, code, label)),
                Some((expected, expected_code, first_label)) => {
                    assert_eq!(
                        (&text, code),
                        (expected, *expected_code),
                        "{label} differs from {first_label}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_shop_reports_the_same_through_every_spelling_of_its_path() {
    let setup = Setup::new(
        &repo_root().join("examples/shop"),
        &repo_root().join("tests/fixtures/check/shop-v1/schemas"),
    );
    same_output_through_every_spelling(
        &setup,
        "schemas/order-shipped.avsc",
        &repo_root().join("tests/fixtures/check/shop-v1/schemas/order-shipped.avsc"),
    );
    // And what they all say is what the catalog declares.
    let lint = contrail()
        .current_dir(setup.catalog())
        .args(["lint", "--format", "json"])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&lint.stdout).expect("JSON");
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        !codes.contains(&"CL401") && !codes.contains(&"CL203"),
        "the catalog's defaults apply: {codes:?}"
    );
}

#[test]
fn every_path_sensitive_setting_holds_through_every_spelling() {
    let fixture = repo_root().join("tests/fixtures/paths");
    let setup = Setup::new(&fixture.join("catalog"), &fixture.join("v1/schemas"));
    same_output_through_every_spelling(
        &setup,
        "schemas/account-opened.avsc",
        &fixture.join("v1/schemas/account-opened.avsc"),
    );

    // What every spelling agrees on is right: run in the catalog, with no PATH.
    let check = contrail()
        .current_dir(setup.catalog())
        .args(["check", "--format", "json", "--against", "git:HEAD~1"])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON");
    assert_eq!(
        report["compatibility"]["checked"],
        serde_json::json!([{
            "event": "AccountOpened",
            "mode": "FULL_TRANSITIVE",
            "versions": 1,
            "compatible": false,
            "incompatibilities": 1,
        }]),
        "the defaults' mode applies, and removing a field without a default breaks FORWARD"
    );
    let codes: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or(""),
                d["location"]["file"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for (code, why) in [
        ("CL401", "defaults.compatibility applies"),
        ("CL203", "defaults.correlation applies"),
        ("CL101", "legacy/ is ignored for EVENT_NAME_PAST_TENSE"),
        ("CL502", "the inline suppression holds"),
        (
            "CL701",
            "billing.yaml is read from the client's side: AccountCharged has a producer",
        ),
        (
            "CL704",
            "billing.yaml is read from the client's side: it does not produce AccountOpened",
        ),
        (
            "CV011",
            "schemas are found beside the file and from the root",
        ),
    ] {
        assert!(codes.iter().all(|(c, _)| *c != code), "{why}: {codes:?}");
    }
    assert_eq!(
        check.status.code(),
        Some(1),
        "the breaking change is an error"
    );
}

#[test]
fn check_from_a_subdirectory_of_the_repository_compares_with_the_same_baseline() {
    let fixture = repo_root().join("tests/fixtures/paths");
    let setup = Setup::new(&fixture.join("catalog"), &fixture.join("v1/schemas"));
    let run = |cwd: PathBuf, path: &str| {
        let output = contrail()
            .current_dir(cwd)
            .args(["check", path, "--format", "json", "--against", "git:HEAD~1"])
            .output()
            .expect("runs");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        report["compatibility"].clone()
    };
    let from_root = run(setup.work.path().join("repo"), "catalog");
    let from_schemas = run(setup.catalog().join("schemas"), "..");
    assert_eq!(from_root, from_schemas);
    assert_eq!(from_root["checked"][0]["compatible"], false);
}
