//! `contrail man`: manual pages generated from the same clap definitions as `--help`, one
//! per command (`contrail.1`, `contrail-validate.1`, `contrail-registry-serve.1`, ...).
//! docs/man/ holds them as generated; a test fails when they are stale.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write every page (contrail.1 and one per subcommand) into DIR, created if missing.
    /// Default: print contrail.1 to stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let pages = pages().context("rendering the manual pages")?;
    match &args.out {
        None => {
            let top = pages
                .first()
                .map(|(_, page)| page.as_slice())
                .unwrap_or_default();
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(top)
                .and_then(|()| stdout.flush())
                .context("writing the manual page")?;
        }
        Some(dir) => write_pages(dir, &pages)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn write_pages(dir: &Path, pages: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, page) in pages {
        let path = dir.join(name);
        std::fs::write(&path, page).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Every page as (file name, roff): `contrail.1` first, then each visible subcommand's,
/// depth first in the order `--help` lists them.
pub(crate) fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    // The pages are committed (docs/man/): they carry the package version, never the commit
    // `--version` names, so they only change when the commands do.
    let mut command = crate::command()
        .version(env!("CARGO_PKG_VERSION"))
        .long_version(None::<&str>)
        .disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect(&command, &mut pages)?;
    Ok(pages)
}

fn collect(command: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    let man = Man::new(command.clone()).source(concat!("contrail ", env!("CARGO_PKG_VERSION")));
    pages.push((man.get_filename(), render(&man, command)?));
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, pages)?;
    }
    Ok(())
}

/// clap_mangen's page, with the examples of `--help` as an EXAMPLES section set verbatim
/// (clap_mangen would fill them into one paragraph under EXTRA).
fn render(man: &Man, command: &clap::Command) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if command.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut out)?;
    }
    if let Some(examples) = command.get_after_long_help() {
        let mut roff = Roff::default();
        roff.control("SH", ["EXAMPLES"]);
        roff.control("nf", []);
        for line in examples
            .to_string()
            .lines()
            .skip_while(|l| *l == "Examples:")
        {
            roff.text([roman(line)]);
        }
        roff.control("fi", []);
        roff.to_writer(&mut out)?;
    }
    man.render_version_section(&mut out)?;
    Ok(out)
}

// Without the `kafka` feature there are no `sample` and `trace` pages to compare.
#[cfg(all(test, feature = "kafka"))]
mod tests {
    use super::*;

    fn man_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/man")
    }

    /// docs/man/ is generated; this fails when a command's help changed and the pages were
    /// not regenerated.
    #[test]
    fn man_pages_are_up_to_date() {
        let pages = pages().expect("renders");
        for (name, page) in &pages {
            let path = man_dir().join(name);
            let on_disk = std::fs::read(&path).unwrap_or_default();
            assert!(
                on_disk == *page,
                "{} is stale or missing: run `cargo run -p contrail -- man --out docs/man`",
                path.display()
            );
        }
        for entry in std::fs::read_dir(man_dir()).expect("docs/man") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            assert!(
                pages.iter().any(|(page, _)| *page == name),
                "docs/man/{name} belongs to no command: delete it"
            );
        }
    }

    #[test]
    fn every_command_has_a_page_named_after_its_path() {
        let names: Vec<String> = pages()
            .expect("renders")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        for name in [
            "contrail.1",
            "contrail-validate.1",
            "contrail-registry-serve.1",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    }
}
