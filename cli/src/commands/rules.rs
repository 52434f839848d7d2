//! `contrail rules`: list the lint rules, explain one, or write their documentation pages.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_lint::registry::{self, RULES};
use contrail_lint::{Group, RuleInfo};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule's name or code: print its documentation.
    pub rule: Option<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,

    /// Write one Markdown page per rule, and an index, into DIR (docs/rules in this repository).
    #[arg(long, value_name = "DIR", hide = true)]
    pub write_docs: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &args.write_docs {
        write_docs(dir)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut stdout = std::io::stdout().lock();
    match (&args.rule, args.format) {
        (Some(name), format) => {
            let Some(info) = registry::find(name) else {
                bail!("no lint rule is named `{name}`; `contrail rules` lists them");
            };
            match format {
                RulesFormat::Human => writeln!(stdout, "{}", page(info))?,
                RulesFormat::Json => writeln!(
                    stdout,
                    "{}",
                    serde_json::to_string_pretty(&rule_json(info, true))?
                )?,
            }
        }
        (None, RulesFormat::Json) => {
            let rules: Vec<_> = RULES.iter().map(|r| rule_json(r.info(), false)).collect();
            writeln!(stdout, "{}", serde_json::to_string_pretty(&rules)?)?;
        }
        (None, RulesFormat::Human) => {
            for rule in RULES {
                let info = rule.info();
                writeln!(
                    stdout,
                    "{:<6} {:<36} {:<8} {:<30} {}",
                    info.code.code,
                    info.name(),
                    info.code.default_severity.as_str(),
                    info.category.as_str(),
                    group(info)
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn group(info: &RuleInfo) -> String {
    match info.group {
        Group::Stable => "stable".to_owned(),
        Group::Preview => "preview".to_owned(),
        Group::Deprecated { replaced_by } => format!("deprecated (use {replaced_by})"),
    }
}

fn rule_json(info: &RuleInfo, with_doc: bool) -> serde_json::Value {
    let mut value = json!({
        "code": info.code.code,
        "name": info.name(),
        "category": info.category.as_str(),
        "severity": info.code.default_severity,
        "group": group(info),
        "summary": info.summary(),
    });
    if with_doc {
        value["documentation"] = json!(info.documentation());
    }
    value
}

/// A rule's documentation page, generated from its doc comment.
pub fn page(info: &RuleInfo) -> String {
    format!(
        "# {name} ({code})\n\n{summary}.\n\n| | |\n|---|---|\n| code | `{code}` |\n| category | {category} |\n| default severity | {severity} |\n| group | {group} |\n\n{doc}\n\nConfigure it in `contrail.yaml`:\n\n```yaml\nlint:\n  rules:\n    {name}: error   # error | warning | info | off\n```\n",
        name = info.name(),
        code = info.code.code,
        summary = capitalise(info.summary()),
        category = info.category.as_str(),
        severity = info.code.default_severity,
        group = group(info),
        doc = info.documentation(),
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The pages `write_docs` produces: file name → content.
pub fn generated_docs() -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (format!("{}.md", r.info().name()), page(r.info())))
        .collect();
    let mut index = String::from(
        "# Lint rules\n\nGenerated from each rule's doc comment by `contrail rules --write-docs docs/rules`; do not edit by hand.\n\n| code | rule | category | default | group |\n|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let info = rule.info();
        index.push_str(&format!(
            "| {} | [{}]({}.md) | {} | {} | {} |\n",
            info.code.code,
            info.name(),
            info.name(),
            info.category.as_str(),
            info.code.default_severity,
            group(info)
        ));
    }
    pages.push(("README.md".to_owned(), index));
    pages
}

fn write_docs(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, content) in generated_docs() {
        let path = dir.join(name);
        std::fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/rules is generated; this fails when a rule's doc comment changed and the pages
    /// were not regenerated (`cargo run -- rules --write-docs docs/rules`).
    #[test]
    fn generated_rule_docs_are_up_to_date() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
        for (name, content) in generated_docs() {
            let path = dir.join(&name);
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == content,
                "{} is stale or missing: run `cargo run -- rules --write-docs docs/rules`",
                path.display()
            );
        }
    }
}
