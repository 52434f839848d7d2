//! `contrail rules`: list the lint rules, or explain one. Their pages under docs/rules are
//! written with every other code's by `contrail explain --write-docs docs`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use contrail_lint::RuleInfo;
use contrail_lint::registry::{self, RULES};
use serde_json::json;

use crate::pages;

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
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match (&args.rule, args.format) {
        (Some(name), format) => {
            let Some(info) = registry::find(name) else {
                bail!("no lint rule is named `{name}`; `contrail rules` lists them");
            };
            match format {
                RulesFormat::Human => writeln!(stdout, "{}", pages::rule_page(info))?,
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
                    pages::group(info)
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rule_json(info: &RuleInfo, with_doc: bool) -> serde_json::Value {
    let mut value = json!({
        "code": info.code.code,
        "name": info.name(),
        "category": info.category.as_str(),
        "severity": info.code.default_severity,
        "group": pages::group(info),
        "summary": info.summary(),
    });
    if with_doc {
        value["documentation"] = json!(info.documentation());
    }
    value
}
