//! `contrail docs`: the catalog as a static documentation site — one page per event, service,
//! owner and topic, the whole system, the findings, and a search that works offline.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_contracts::{LoadOptions, load_paths};
use contrail_site::docs::{SiteOptions, render_site};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  contrail docs examples/shop --out /tmp/shop-site
  contrail docs examples/shop --out site --markdown")]
pub struct Args {
    /// The catalog directory.
    #[arg(default_value = ".", value_name = "PATH")]
    pub path: PathBuf,

    /// The directory to write the site into (created; files inside it are overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Also write a Markdown file beside each page, for git forges.
    #[arg(long)]
    pub markdown: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let loaded = load_paths(std::slice::from_ref(&args.path), LoadOptions::default())?;
    // As `contrail lint` does: the load's findings, then the rules' (a catalog with findings
    // still renders; its pages show them).
    let mut findings = loaded.diagnostics.clone();
    findings.extend(contrail_lint::lint(&loaded.catalog));
    contrail_contracts::diagnostic::normalize(&mut findings);
    let graph = loaded.catalog.graph();
    let options = SiteOptions {
        title: None,
        markdown: args.markdown,
    };
    let pages = render_site(&loaded.catalog, &graph, &findings, &options)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for page in &pages {
        let target = inside(&args.out, &page.path)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&target, &page.bytes)
            .with_context(|| format!("writing {}", target.display()))?;
    }
    let summary = contrail_contracts::Summary::of(&findings);
    println!(
        "wrote {} files to {} ({} errors, {} warnings, {} infos shown on the pages)",
        pages.len(),
        args.out.display(),
        summary.errors,
        summary.warnings,
        summary.infos
    );
    println!("open {}", args.out.join("index.html").display());
    Ok(ExitCode::SUCCESS)
}

/// `relative` under `out`, refusing anything that could leave it (the renderer never makes
/// such a path; this is the second lock on the door).
fn inside(out: &Path, relative: &str) -> anyhow::Result<PathBuf> {
    let path = Path::new(relative);
    if relative.is_empty()
        || relative.contains('\\')
        || !path.components().all(|c| matches!(c, Component::Normal(_)))
    {
        bail!("refusing to write `{relative}`: not a plain path inside the output directory");
    }
    Ok(out.join(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_written() {
        let out = Path::new("site");
        assert!(inside(out, "events/a.html").is_ok());
        for bad in ["", "../x", "/etc/x", "a/../../x", "a\\..\\x", "./x"] {
            assert!(inside(out, bad).is_err(), "{bad}");
        }
    }
}
