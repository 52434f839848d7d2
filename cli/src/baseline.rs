//! An earlier state of the catalog, loaded from a git ref (`git archive`, so the working tree
//! stays untouched) or a directory: what `check --against` compares schemas with and what
//! `graph --diff` compares the system's shape with.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use anyhow::{Context, bail};
use contrail_contracts::compat::evolution::{self, BaselineVersion, Baselines};
use contrail_contracts::compat::version_of;
use contrail_contracts::{Catalog, LoadOptions, Sources, load_catalog};

/// An earlier state of the catalog, loaded from a git ref or a directory.
pub(crate) struct Baseline {
    /// How the baseline is named in output: `git:REF` or the directory.
    pub(crate) label: String,
    pub(crate) catalog: Catalog,
    sources: Sources,
    /// How to show the baseline's files: the temporary root is replaced by this prefix.
    root: PathBuf,
    display_prefix: String,
    /// Keeps an extracted git tree alive while it is read.
    _extracted: Option<tempfile::TempDir>,
}

impl Baseline {
    /// The baseline `against` names (`git:REF` or a directory) for the catalog at `catalog`;
    /// `flag` is the option that named it, for error messages.
    pub(crate) fn open(flag: &str, against: &str, catalog: &Path) -> anyhow::Result<Baseline> {
        if let Some(reference) = against.strip_prefix("git:") {
            return Baseline::from_git(reference, catalog);
        }
        if against == "registry"
            || against.starts_with("http://")
            || against.starts_with("https://")
        {
            bail!(
                "{flag} {against}: registry baselines arrive with the registry client; use git:REF or a directory for now"
            );
        }
        let dir = PathBuf::from(against);
        if !dir.is_dir() {
            bail!(
                "{flag} {against}: expected git:REF or a directory holding an earlier copy of the catalog"
            );
        }
        let loaded = load_catalog(&dir, LoadOptions::default())?;
        Ok(Baseline {
            label: dir.display().to_string(),
            catalog: loaded.catalog,
            sources: loaded.sources,
            root: dir.clone(),
            display_prefix: dir.display().to_string(),
            _extracted: None,
        })
    }

    /// Extracts the catalog's directory as committed at `reference` (`git archive`, so the
    /// working tree and index are untouched) and loads it.
    fn from_git(reference: &str, catalog: &Path) -> anyhow::Result<Baseline> {
        let catalog_dir =
            std::fs::canonicalize(catalog).with_context(|| format!("{}", catalog.display()))?;
        let top = git(&catalog_dir, &["rev-parse", "--show-toplevel"])
            .with_context(|| format!("{} is not inside a git repository", catalog.display()))?;
        let top = std::fs::canonicalize(top.trim())?;
        let prefix = catalog_dir
            .strip_prefix(&top)
            .unwrap_or(Path::new(""))
            .to_path_buf();
        git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{reference}^{{commit}}"),
            ],
        )
        .with_context(|| format!("git:{reference} is not a commit of this repository"))?;
        let extracted = tempfile::tempdir()?;
        let mut archive = Command::new("git");
        archive
            .current_dir(&top)
            .args(["archive", "--format=tar", reference, "--"]);
        archive.arg(if prefix.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &prefix
        });
        let mut archive = archive
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("running git archive")?;
        let tar_input = archive.stdout.take().context("git archive output")?;
        let untar = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(extracted.path())
            .stdin(tar_input)
            .output()
            .context("running tar")?;
        let archived = archive.wait_with_output()?;
        if !archived.status.success() {
            let stderr = String::from_utf8_lossy(&archived.stderr);
            bail!(
                "{} does not exist at git:{reference} ({})",
                prefix.display(),
                stderr.trim()
            );
        }
        if !untar.status.success() {
            bail!(
                "extracting git:{reference}: {}",
                String::from_utf8_lossy(&untar.stderr).trim()
            );
        }
        let root = extracted.path().join(&prefix);
        let loaded = load_catalog(&root, LoadOptions::default())?;
        Ok(Baseline {
            label: format!("git:{reference}"),
            catalog: loaded.catalog,
            sources: loaded.sources,
            root,
            display_prefix: format!("{reference}:{}", prefix.display()),
            _extracted: Some(extracted),
        })
    }

    /// How a baseline file is shown: `main:examples/shop/schemas/x.avsc`.
    fn display(&self, file: &Path) -> PathBuf {
        match file.strip_prefix(&self.root) {
            Ok(rest) => PathBuf::from(format!(
                "{}/{}",
                self.display_prefix.trim_end_matches('/'),
                rest.display()
            )),
            Err(_) => file.to_path_buf(),
        }
    }

    /// The baseline schema of every event, registered in `sources` under display paths.
    /// An event whose registry subject changed (a new topic under the topic naming strategy)
    /// starts a new subject: it has no baseline, as a registry would see it.
    pub(crate) fn versions(&self, current: &Catalog, sources: &mut Sources) -> Baselines {
        let mut baselines = Baselines::new();
        for event in &self.catalog.events {
            if let Some(now) = current.event(&event.name.value) {
                let subject_then = contrail_contracts::validate::subject_of(&self.catalog, event);
                let subject_now = contrail_contracts::validate::subject_of(current, now);
                if subject_then.is_some() && subject_now.is_some() && subject_then != subject_now {
                    continue;
                }
            }
            let Some(id) = event.schema.as_ref().and_then(|s| s.id) else {
                continue;
            };
            let loaded = self.catalog.schemas.get(id);
            let Ok(schema) = version_of(&self.catalog, id) else {
                continue;
            };
            let file = self.display(&loaded.file);
            if let Some(text) = self.sources.get(&loaded.file) {
                sources.insert(file.clone(), Arc::clone(text));
            }
            baselines
                .entry(event.name.value.clone())
                .or_default()
                .push(BaselineVersion {
                    label: self.label.clone(),
                    schema,
                    json: loaded.json.clone(),
                    canonical: evolution::canonical_avro(loaded.avro.as_ref()),
                    file,
                    node: loaded.node.clone(),
                    protobuf: loaded.protobuf.clone(),
                });
        }
        baselines
    }
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .context("running git")?;
    if !output.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
