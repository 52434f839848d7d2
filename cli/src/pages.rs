//! The documentation page of every finding code, as Markdown: what `contrail explain` and
//! `contrail rules NAME` print, what SARIF carries as each rule's help, and what
//! `contrail explain --write-docs docs` writes under docs/.

use std::path::{Path, PathBuf};

use contrail_contracts::codes::{self, ALL};
use contrail_contracts::diagnostic::{Code, Family};
use contrail_lint::registry::RULES;
use contrail_lint::{Group, RuleInfo};

/// A rule's group as listings show it.
pub(crate) fn group(info: &RuleInfo) -> String {
    match info.group {
        Group::Stable => "stable".to_owned(),
        Group::Preview => "preview".to_owned(),
        Group::Deprecated { replaced_by } => format!("deprecated (use {replaced_by})"),
    }
}

/// A rule's documentation page, generated from its doc comment.
pub(crate) fn rule_page(info: &RuleInfo) -> String {
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

/// The rule pages and their index: file name under docs/rules → content.
fn rule_docs() -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (format!("{}.md", r.info().name()), rule_page(r.info())))
        .collect();
    let mut index = String::from(
        "# Lint rules\n\nGenerated from each rule's doc comment by `contrail explain --write-docs docs`; do not edit by hand.\n\n| code | rule | category | default | group |\n|---|---|---|---|---|\n",
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

/// A code's documentation page: a lint rule's from its doc comment, any other code's from its
/// line in the table of codes.
pub(crate) fn code_page(code: &Code) -> String {
    if code.family == Family::Lint
        && let Some(info) = contrail_lint::registry::find(code.code)
    {
        return rule_page(info);
    }
    format!(
        "# {name} ({code})\n\n{summary}.\n\n| | |\n|---|---|\n| code | `{code}` |\n| family | {family} |\n| default severity | {severity} |\n\n{doc}\n",
        code = code.code,
        name = code.name,
        summary = capitalise(code.summary),
        family = code.family.as_str(),
        severity = code.default_severity,
        doc = documentation(code.doc),
    )
}

/// A doc comment as Markdown: the one leading space of each line removed.
fn documentation(doc: &str) -> String {
    doc.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// Every generated page, by its path under docs/: one page per code, the rule index, and the
/// index of every code (docs/diagnostics.md).
pub(crate) fn generated_docs() -> Vec<(PathBuf, String)> {
    let mut pages: Vec<(PathBuf, String)> = ALL
        .iter()
        .filter(|c| c.family != Family::Lint)
        .map(|c| (PathBuf::from(c.doc_page()), code_page(c)))
        .collect();
    pages.extend(
        rule_docs()
            .into_iter()
            .map(|(name, content)| (Path::new("rules").join(name), content)),
    );
    pages.push((PathBuf::from("diagnostics.md"), index()));
    pages
}

/// docs/diagnostics.md: every code of every family, linking to its page.
fn index() -> String {
    let mut out = String::from(
        "# Finding codes\n\nEvery finding contrail reports has a stable code (`CV004`) and name (`UNKNOWN_KEY`); codes\nnever change meaning once released. Each code links to its page, which `contrail explain CODE`\nalso prints. Generated from the table of codes by `contrail explain --write-docs docs`; do not\nedit by hand.\n",
    );
    let families = [
        (
            Family::Validation,
            "## Validation (`contrail validate`)\n\nContracts that are not well-formed. Each code has a fixture under `tests/fixtures/validate/`\nthat shows the finding; its page gives the command to run.",
        ),
        (
            Family::Compatibility,
            "## Compatibility (`contrail compat`, `contrail check`)\n\nSchema changes and what they break; [compatibility.md](compatibility.md) explains the modes and\nrules.",
        ),
        (
            Family::LintConfig,
            "## Lint configuration\n\nThe `lint:` section of `contrail.yaml` and inline suppressions ([lint.md](lint.md)).",
        ),
        (
            Family::Lint,
            "## Lint rules (`contrail lint`)\n\nEvent-driven practice; [rules/README.md](rules/README.md) groups them by category.",
        ),
        (
            Family::Observed,
            "## Observed drift (`contrail check --observed`)\n\nA saved `contrail trace` report against the catalog: edges nobody declared, declarations\nnobody follows, broken chains and problem records ([check.md](check.md#observed-drift)).",
        ),
    ];
    for (family, heading) in families {
        out.push_str(&format!(
            "\n{heading}\n\n| code | name | severity | summary |\n|---|---|---|---|\n"
        ));
        for code in codes::of(family) {
            out.push_str(&format!(
                "| [{}]({}) | `{}` | {} | {} |\n",
                code.code,
                code.doc_page(),
                code.name,
                code.default_severity,
                code.summary
            ));
        }
    }
    out
}
