//! How contrail names files: one spelling per file within a load.
//!
//! A catalog can be named many ways (`.`, `./`, `sub/..`, `../shop`, an absolute path, a path
//! through a symlink), and every stage compares paths: the loader looks for `contrail.yaml`
//! among the files it walked, lint ignores files under a path, AsyncAPI documents are listed
//! by path, `check` finds the catalog inside its git repository. Those comparisons only hold
//! when every path is spelled one way. The rule, kept by the functions here:
//!
//! - every path is lexically [`normalize`]d: no `.` components, no `..` after a name, and the
//!   current directory itself is `.`;
//! - a file under a directory is named [`join`]`(dir, relative)`, never `dir.join(relative)`
//!   (`Path::join(".", "x")` is `./x`, which is not `x`);
//! - "is this under that directory" is [`relative_to`] or [`is_within`], which know that every
//!   relative path is under `.`.

use std::path::{Component, Path, PathBuf};

/// Removes `.` components and each `..` that follows a name, without touching the file system,
/// so one file reached by two relative spellings has one name. A `..` at the start of a
/// relative path is kept; one right after the root is dropped (`/..` is `/`). Nothing left is
/// `.`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// `relative` under `dir`, normalized: the one way to name a file below a directory.
pub fn join(dir: &Path, relative: impl AsRef<Path>) -> PathBuf {
    normalize(&dir.join(relative))
}

/// `path` relative to `dir` when it lies under it (both normalized). Every relative path that
/// does not climb out with `..` lies under `.`.
pub fn relative_to<'a>(path: &'a Path, dir: &Path) -> Option<&'a Path> {
    if dir == Path::new(".") && path.is_relative() {
        return (!path.starts_with("..")).then_some(path);
    }
    path.strip_prefix(dir).ok()
}

/// Whether `path` is `dir` or lies under it (both normalized).
pub fn is_within(path: &Path, dir: &Path) -> bool {
    relative_to(path, dir).is_some()
}

/// The path as the user wrote it, normalized — unless a `..` in it follows a symlink, where
/// dropping `link/..` lexically would name another directory than the file system does: then
/// the file system's answer, as an absolute path.
pub fn resolve_user_path(path: &Path) -> PathBuf {
    let lexical = normalize(path);
    let mut seen_name = false;
    let climbs_after_a_name = path.components().any(|c| match c {
        Component::Normal(_) => {
            seen_name = true;
            false
        }
        Component::ParentDir => seen_name,
        _ => false,
    });
    if !climbs_after_a_name {
        return lexical;
    }
    match (std::fs::canonicalize(path), std::fs::canonicalize(&lexical)) {
        (Ok(physical), Ok(lexical_target)) if physical != lexical_target => physical,
        _ => lexical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_gives_one_spelling() {
        for (written, expected) in [
            (".", "."),
            ("./", "."),
            ("", "."),
            ("sub/..", "."),
            ("./a/./b/", "a/b"),
            ("a/../../b", "../b"),
            ("../a", "../a"),
            ("/a/../..", "/"),
            ("/a/./b", "/a/b"),
        ] {
            assert_eq!(
                normalize(Path::new(written)),
                Path::new(expected),
                "{written}"
            );
        }
    }

    #[test]
    fn join_matches_what_a_walk_of_the_directory_names() {
        // A walk of `.` lists `./events`, normalized to `events`.
        assert_eq!(
            join(Path::new("."), "contrail.yaml"),
            Path::new("contrail.yaml")
        );
        assert_eq!(
            join(Path::new("shop"), "./events/x.yaml"),
            Path::new("shop/events/x.yaml")
        );
        assert_eq!(
            join(Path::new(".."), "contrail.yaml"),
            Path::new("../contrail.yaml")
        );
        assert_eq!(join(Path::new("shop"), "../other"), Path::new("other"));
    }

    #[test]
    fn every_relative_path_is_under_the_current_directory() {
        assert_eq!(
            relative_to(Path::new("events/x.yaml"), Path::new(".")),
            Some(Path::new("events/x.yaml"))
        );
        assert_eq!(relative_to(Path::new("../x.yaml"), Path::new(".")), None);
        assert_eq!(relative_to(Path::new("/x.yaml"), Path::new(".")), None);
        assert_eq!(
            relative_to(Path::new("shop/events/x.yaml"), Path::new("shop")),
            Some(Path::new("events/x.yaml"))
        );
        assert_eq!(
            relative_to(Path::new("shopping/x.yaml"), Path::new("shop")),
            None
        );
        assert!(is_within(Path::new("shop"), Path::new("shop")));
    }

    #[test]
    fn a_climb_after_a_symlink_follows_the_file_system() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real/inner");
        std::fs::create_dir_all(&real).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("other")).expect("mkdir");
        #[cfg(unix)]
        {
            let link = dir.path().join("other/link");
            std::os::unix::fs::symlink(&real, &link).expect("symlink");
            // Lexically `other/link/..` is `other`; the file system says `real`.
            let resolved = resolve_user_path(&link.join(".."));
            assert_eq!(
                resolved,
                std::fs::canonicalize(dir.path().join("real")).expect("canonical")
            );
        }
        // Without a symlink the user's spelling is kept.
        let plain = dir.path().join("real/inner/..");
        assert_eq!(resolve_user_path(&plain), dir.path().join("real"));
    }
}
