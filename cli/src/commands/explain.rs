//! `contrail explain`: any finding code's documentation page, from the one table of codes
//! (`contrail_contracts::codes`); and the generated pages under docs/ (`--write-docs docs`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_contracts::codes::{self, ALL};
use contrail_contracts::diagnostic::Code;
use serde_json::json;

use crate::pages::{code_page, generated_docs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  contrail explain CV004\n  contrail explain EVENT_NAME_PAST_TENSE\n  contrail explain --format json"
)]
pub struct Args {
    /// A code (`CV004`, `CC002`, `CL101`) or its name (`UNKNOWN_KEY`): print its page. Without
    /// it, list every code.
    pub code: Option<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ExplainFormat::Human)]
    pub format: ExplainFormat,

    /// Write every generated page (docs/codes, docs/rules, docs/diagnostics.md) under DIR (docs
    /// in this repository).
    #[arg(long, value_name = "DIR", hide = true)]
    pub write_docs: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &args.write_docs {
        write_docs(dir)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut stdout = std::io::stdout().lock();
    match &args.code {
        Some(wanted) => {
            let Some(code) = codes::find(wanted) else {
                let names = ALL.iter().flat_map(|c| [c.code, c.name]);
                let hint = match contrail_contracts::suggest::did_you_mean(wanted, names) {
                    Some(close) => format!("did you mean `{close}`? "),
                    None => String::new(),
                };
                bail!("no finding code is named `{wanted}`; {hint}`contrail explain` lists them");
            };
            match args.format {
                ExplainFormat::Human => write!(stdout, "{}", code_page(&code))?,
                ExplainFormat::Json => writeln!(
                    stdout,
                    "{}",
                    serde_json::to_string_pretty(&code_json(&code, true))?
                )?,
            }
        }
        None => match args.format {
            ExplainFormat::Json => {
                let all: Vec<_> = ALL.iter().map(|c| code_json(c, false)).collect();
                writeln!(stdout, "{}", serde_json::to_string_pretty(&all)?)?;
            }
            ExplainFormat::Human => {
                for code in ALL {
                    writeln!(
                        stdout,
                        "{:<6} {:<40} {:<8} {:<19} {}",
                        code.code,
                        code.name,
                        code.default_severity.as_str(),
                        code.family.as_str(),
                        code.summary
                    )?;
                }
            }
        },
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn code_json(code: &Code, with_page: bool) -> serde_json::Value {
    let mut value = json!({
        "code": code.code,
        "name": code.name,
        "family": code.family,
        "severity": code.default_severity,
        "summary": code.summary,
        "page": format!("docs/{}", code.doc_page()),
    });
    if with_page {
        value["documentation"] = json!(code_page(code));
    }
    value
}

fn write_docs(dir: &Path) -> anyhow::Result<()> {
    for (path, content) in generated_docs() {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
    }

    /// The pages under docs/ are generated; this fails when a code's or a rule's doc comment
    /// changed and the pages were not regenerated.
    #[test]
    fn generated_docs_are_up_to_date() {
        for (path, content) in generated_docs() {
            let path = docs_dir().join(path);
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == content,
                "{} is stale or missing: run `cargo run -- explain --write-docs docs`",
                path.display()
            );
        }
    }

    #[test]
    fn no_page_is_left_behind_for_a_code_that_is_gone() {
        let generated: Vec<PathBuf> = generated_docs().into_iter().map(|(p, _)| p).collect();
        for dir in ["codes", "rules"] {
            for entry in std::fs::read_dir(docs_dir().join(dir)).expect("docs dir") {
                let name = entry.expect("entry").file_name();
                let page = Path::new(dir).join(&name);
                assert!(
                    generated.contains(&page),
                    "docs/{} belongs to no code: delete it",
                    page.display()
                );
            }
        }
    }

    #[test]
    fn every_code_has_a_page() {
        for code in ALL {
            assert!(
                docs_dir().join(code.doc_page()).is_file(),
                "{} has no page at docs/{}",
                code.code,
                code.doc_page()
            );
            assert!(
                code_page(code).starts_with(&format!("# {} ({})\n", code.name, code.code)),
                "{}",
                code.code
            );
        }
    }
}
