//! Which catalog a command works on when its PATH is left out: the nearest directory at or
//! above the working directory that holds `contrail.yaml`, the way git finds its repository
//! and cargo its manifest. Every command that takes a catalog PATH asks here.

use std::path::{Path, PathBuf};

use anyhow::bail;
use contrail_contracts::load::{CATALOG_FILE, find_catalog_root};

/// The catalog to load: `path` when the user named one, else the nearest catalog at or above
/// the working directory, spelled relative to it (`.`, `..`, `../..`) so the files of the
/// catalog are named from where the user stands.
pub(crate) fn resolve(path: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = path {
        return Ok(path.to_path_buf());
    }
    if let Some(root) = nearest() {
        return Ok(root);
    }
    let here = std::env::current_dir()
        .map(|dir| dir.display().to_string())
        .unwrap_or_else(|_| "the working directory".to_owned());
    bail!(
        "no {CATALOG_FILE} found in {here} or any parent directory: name the catalog's \
         directory (PATH), or create a catalog with `contrail init`"
    )
}

/// The nearest directory at or above the working directory that holds `contrail.yaml`,
/// spelled relative to it; for what a command takes from a catalog when it has one (`registry
/// pull`'s registry URL).
pub(crate) fn nearest() -> Option<PathBuf> {
    find_catalog_root(Path::new("."))
}

/// [`resolve`] for commands that take several PATHs (`validate`, `lint`): none named means the
/// nearest catalog.
pub(crate) fn resolve_all(paths: Vec<PathBuf>) -> anyhow::Result<Vec<PathBuf>> {
    if paths.is_empty() {
        return Ok(vec![resolve(None)?]);
    }
    Ok(paths)
}
