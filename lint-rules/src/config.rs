//! The `lint:` section of `contrail.yaml`.
//!
//! ```yaml
//! lint:
//!   extends: recommended          # recommended (default) | strict | none
//!   rules:
//!     EVENT_NAME_PAST_TENSE: error # error | warning | info | off
//!   ignore:
//!     - path: legacy/             # files under this path (relative to the catalog root)
//!       rules: [CONSUMER_DEAD_LETTER]   # optional: all rules when absent
//!     - event: LegacyThing        # findings about this event
//!     - service: old-billing      # findings about this service
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use contrail_contracts::diagnostic::{Diagnostic, Location, Severity};
use contrail_contracts::paths;
use contrail_contracts::pointer::pointer_join;
use contrail_contracts::yaml::Node;

use crate::registry;
use crate::rule::{Group, RuleInfo};

use contrail_contracts::codes::{INVALID_LINT_CONFIG, SUPPRESSION_WITHOUT_REASON, UNKNOWN_RULE};

/// Reports inline suppressions (`x-contrail-ignore`) that name no known rule or give no reason.
pub fn check_suppressions(catalog: &contrail_contracts::Catalog) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let all = catalog
        .events
        .iter()
        .flat_map(|e| &e.suppressions)
        .chain(catalog.services.iter().flat_map(|s| &s.suppressions));
    for suppression in all {
        let rule = &suppression.rule;
        if registry::find(&rule.value).is_none() {
            let names: Vec<&str> = registry::RULES.iter().map(|r| r.info().name()).collect();
            let help = match contrail_contracts::suggest::did_you_mean(&rule.value, names) {
                Some(s) => format!("did you mean `{s}`? `contrail rules` lists every rule"),
                None => "`contrail rules` lists every rule".to_owned(),
            };
            out.push(
                Diagnostic::new(
                    UNKNOWN_RULE,
                    format!("no lint rule is named `{}`", rule.value),
                )
                .at(rule.location.clone())
                .pointer(rule.pointer.clone())
                .help(help),
            );
        } else if suppression.reason.is_none() {
            out.push(
                Diagnostic::new(SUPPRESSION_WITHOUT_REASON, format!("`{}` is silenced without a reason", rule.value))
                    .at(rule.location.clone())
                    .pointer(rule.pointer.clone())
                    .help("say why, so the next reader can tell whether it still holds: `RULE: \"reason\"`"),
            );
        }
    }
    out
}

/// Whether the event or service a finding is about silences the rule inline.
pub fn suppressed(
    catalog: &contrail_contracts::Catalog,
    info: &RuleInfo,
    event: Option<&str>,
    service: Option<&str>,
) -> bool {
    let matches = |suppressions: &[contrail_contracts::model::Suppression]| {
        suppressions.iter().any(|s| {
            s.rule.value.eq_ignore_ascii_case(info.name())
                || s.rule.value.eq_ignore_ascii_case(info.code.code)
        })
    };
    event
        .and_then(|e| catalog.event(e))
        .is_some_and(|e| matches(&e.suppressions))
        || service
            .and_then(|s| catalog.service(s))
            .is_some_and(|s| matches(&s.suppressions))
}

/// Which rule set a configuration starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Preset {
    /// Stable rules at their default severity.
    #[default]
    Recommended,
    /// Stable and preview rules.
    Strict,
    /// Only rules the configuration turns on.
    None,
}

/// One `ignore:` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub path: Option<PathBuf>,
    pub event: Option<String>,
    pub service: Option<String>,
    /// Rule names; empty means all rules.
    pub rules: Vec<String>,
}

/// The interpreted lint configuration.
#[derive(Debug, Clone, Default)]
pub struct LintConfig {
    pub preset: Preset,
    /// Per-rule severity; `None` turns the rule off.
    pub overrides: BTreeMap<&'static str, Option<Severity>>,
    pub ignores: Vec<Ignore>,
}

impl LintConfig {
    /// Reads the `lint:` node of `contrail.yaml` (`file`), reporting problems in it.
    pub fn from_node(
        node: Option<&Node>,
        file: Option<&Path>,
        root: &Path,
    ) -> (LintConfig, Vec<Diagnostic>) {
        let mut config = LintConfig::default();
        let mut out = Vec::new();
        let Some(node) = node else {
            return (config, out);
        };
        let at = |n: &Node| file.map(|f| n.location(f));
        let mut bad = |n: &Node, pointer: String, message: String| {
            out.push(
                Diagnostic::new(INVALID_LINT_CONFIG, message)
                    .at_opt(at(n))
                    .pointer(pointer),
            );
        };
        if !node.is_null() && node.as_map().is_none() {
            bad(
                node,
                "/lint".into(),
                format!("`lint` must be a mapping, found {}", node.kind_name()),
            );
            return (config, out);
        }
        if let Some(extends) = node.get("extends") {
            match extends.as_str() {
                Some("recommended") => config.preset = Preset::Recommended,
                Some("strict") => config.preset = Preset::Strict,
                Some("none") => config.preset = Preset::None,
                _ => bad(
                    extends,
                    "/lint/extends".into(),
                    "`extends` must be recommended, strict or none".into(),
                ),
            }
        }
        let mut unknown = Vec::new();
        if let Some(rules) = node.get("rules") {
            match rules.as_map() {
                Some(entries) => {
                    for entry in entries {
                        let pointer = pointer_join("/lint/rules", &entry.key);
                        let Some(info) = registry::find(&entry.key) else {
                            unknown.push((entry.key.clone(), entry.key_span, pointer));
                            continue;
                        };
                        let severity = match entry.value.as_str() {
                            Some("error") => Some(Severity::Error),
                            Some("warning") => Some(Severity::Warning),
                            Some("info") => Some(Severity::Info),
                            Some("off") => None,
                            _ => {
                                bad(
                                    &entry.value,
                                    pointer,
                                    format!(
                                        "the severity of {} must be error, warning, info or off",
                                        info.name()
                                    ),
                                );
                                continue;
                            }
                        };
                        config.overrides.insert(info.name(), severity);
                    }
                }
                None => bad(
                    rules,
                    "/lint/rules".into(),
                    "`rules` must map rule names to error, warning, info or off".into(),
                ),
            }
        }
        if let Some(ignores) = node.get("ignore") {
            for (i, item) in ignores.as_seq().unwrap_or(&[]).iter().enumerate() {
                let pointer = format!("/lint/ignore/{i}");
                let mut ignore = Ignore {
                    path: item
                        .get("path")
                        .and_then(Node::as_str)
                        .map(|p| paths::join(root, p)),
                    event: item.get("event").and_then(Node::as_str).map(str::to_owned),
                    service: item
                        .get("service")
                        .and_then(Node::as_str)
                        .map(str::to_owned),
                    rules: Vec::new(),
                };
                for (j, rule) in item
                    .get("rules")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    let name = rule.as_str().unwrap_or("");
                    match registry::find(name) {
                        Some(info) => ignore.rules.push(info.name().to_owned()),
                        None => unknown.push((
                            name.to_owned(),
                            rule.span,
                            format!("{pointer}/rules/{j}"),
                        )),
                    }
                }
                if ignore.path.is_none() && ignore.event.is_none() && ignore.service.is_none() {
                    bad(
                        item,
                        pointer,
                        "an `ignore` entry needs `path`, `event` or `service`".into(),
                    );
                    continue;
                }
                config.ignores.push(ignore);
            }
        }
        for (name, span, pointer) in unknown {
            let names: Vec<&str> = registry::RULES.iter().map(|r| r.info().name()).collect();
            let help = match contrail_contracts::suggest::did_you_mean(&name, names) {
                Some(s) => format!("did you mean `{s}`? `contrail rules` lists every rule"),
                None => "`contrail rules` lists every rule".to_owned(),
            };
            let location = file.map(|f| Location {
                file: f.to_path_buf(),
                start: span.start,
                end: span.end,
            });
            out.push(
                Diagnostic::new(UNKNOWN_RULE, format!("no lint rule is named `{name}`"))
                    .at_opt(location)
                    .pointer(pointer)
                    .help(help),
            );
        }
        (config, out)
    }

    /// The severity a rule runs at, or `None` when it is off.
    pub fn severity(&self, info: &RuleInfo) -> Option<Severity> {
        if let Some(overridden) = self.overrides.get(info.name()) {
            return *overridden;
        }
        let on = !matches!(
            (self.preset, info.group),
            (_, Group::Deprecated { .. })
                | (Preset::None, _)
                | (Preset::Recommended, Group::Preview)
        );
        on.then_some(info.code.default_severity)
    }

    /// Whether a finding of `rule` about `event`/`service` in `file` is ignored.
    pub fn ignored(
        &self,
        rule: &str,
        file: Option<&Path>,
        event: Option<&str>,
        service: Option<&str>,
    ) -> bool {
        self.ignores.iter().any(|ignore| {
            let rule_matches = ignore.rules.is_empty() || ignore.rules.iter().any(|r| r == rule);
            let subject_matches =
                ignore.path.as_ref().is_some_and(|p| {
                    file.is_some_and(|f| paths::is_within(&paths::normalize(f), p))
                }) || ignore.event.as_deref().is_some_and(|e| event == Some(e))
                    || ignore
                        .service
                        .as_deref()
                        .is_some_and(|s| service == Some(s));
            rule_matches && subject_matches
        })
    }
}
