//! The `brokers:` section of `contrail.yaml`: named broker profiles, read into
//! [`Broker`]s with a finding for every malformed part (docs/brokers.md describes the format).
//!
//! Keys other than `bootstrap` are librdkafka settings, which this crate does not know, so
//! they are not checked by name: librdkafka refuses an unknown one when contrail connects.
//! Values are kept as written; `${VAR}` references are only checked for their syntax.

use std::path::Path;

use super::fields::{key_location, location};
use crate::brokers::{bootstrap_problem, references, reserved_setting};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Broker, Spanned};
use crate::pointer::pointer_join;
use crate::suggest::did_you_mean;
use crate::yaml::{Node, Value};

const EXAMPLE: &str = "write `brokers: { local: { bootstrap: localhost:9092 } }`";

/// Reads the `brokers` node (at `pointer` in `file`).
pub(super) fn brokers(
    file: &Path,
    node: &Node,
    pointer: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Broker> {
    let Some(entries) = node.as_map() else {
        diagnostics.push(
            Diagnostic::new(
                codes::INVALID_BROKER_PROFILE,
                format!(
                    "`brokers` must map profile names to their settings, found {}",
                    node.kind_name()
                ),
            )
            .at(location(file, node))
            .pointer(pointer)
            .help(EXAMPLE),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries {
        let profile_pointer = pointer_join(pointer, &entry.key);
        let name = Spanned::new(
            entry.key.clone(),
            key_location(file, entry),
            profile_pointer.clone(),
        );
        let Some(settings) = entry.value.as_map() else {
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_BROKER_PROFILE,
                    format!(
                        "broker profile `{}` must be a mapping of settings, found {}",
                        entry.key,
                        entry.value.kind_name()
                    ),
                )
                .at(location(file, &entry.value))
                .pointer(profile_pointer)
                .help(format!("write `{}: {{ bootstrap: HOST:PORT }}`", entry.key)),
            );
            continue;
        };
        let mut bootstrap = None;
        let mut read = Vec::new();
        for setting in settings {
            let value_pointer = pointer_join(&profile_pointer, &setting.key);
            let value_location = location(file, &setting.value);
            let invalid = |message: String| {
                Diagnostic::new(codes::INVALID_BROKER_PROFILE, message)
                    .at(value_location.clone())
                    .pointer(value_pointer.clone())
            };
            let text = match &setting.value.value {
                Value::String(text) => text.clone(),
                Value::Int(i) => i.to_string(),
                Value::Float(f) => f.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null | Value::Seq(_) | Value::Map(_) => {
                    diagnostics.push(
                        invalid(format!(
                            "`{}` of broker profile `{}` must be a single value, found {}",
                            setting.key,
                            entry.key,
                            setting.value.kind_name()
                        ))
                        .help("librdkafka settings are strings: write lists comma-separated, as librdkafka does"),
                    );
                    continue;
                }
            };
            let variables = match references(&text) {
                Ok(variables) => variables,
                Err(e) => {
                    diagnostics.push(invalid(format!(
                        "`{}` of broker profile `{}`: {e}",
                        setting.key, entry.key
                    )));
                    continue;
                }
            };
            if setting.key == "bootstrap" {
                // With `${VAR}` in it the address is only known once expanded.
                if let Some(problem) = bootstrap_problem(&text).filter(|_| variables.is_empty()) {
                    diagnostics.push(invalid(format!(
                        "broker profile `{}`: {problem}",
                        entry.key
                    )));
                    continue;
                }
                bootstrap = Some(Spanned::new(text, value_location, value_pointer));
                continue;
            }
            if let Some(reason) = reserved_setting(&setting.key) {
                diagnostics.push(
                    Diagnostic::new(
                        codes::RESERVED_BROKER_SETTING,
                        format!(
                            "broker profile `{}` sets `{}`, which contrail sets itself",
                            entry.key, setting.key
                        ),
                    )
                    .at(key_location(file, setting))
                    .pointer(value_pointer)
                    .help(format!("remove it: {reason}")),
                );
                continue;
            }
            read.push((
                Spanned::new(
                    setting.key.clone(),
                    key_location(file, setting),
                    value_pointer.clone(),
                ),
                Spanned::new(text, value_location, value_pointer),
            ));
        }
        match bootstrap {
            Some(bootstrap) => out.push(Broker {
                name,
                bootstrap,
                settings: read,
            }),
            None if settings.iter().any(|s| s.key == "bootstrap") => {
                // `bootstrap` is there but was reported above.
            }
            None => {
                let misspelt = settings
                    .iter()
                    .find(|s| did_you_mean(&s.key, ["bootstrap"]).is_some());
                let d = Diagnostic::new(
                    codes::INVALID_BROKER_PROFILE,
                    format!("broker profile `{}` has no `bootstrap`", entry.key),
                );
                diagnostics.push(match misspelt {
                    Some(s) => d
                        .at(key_location(file, s))
                        .pointer(pointer_join(&profile_pointer, &s.key))
                        .help(format!("did you mean `bootstrap` for `{}`?", s.key)),
                    None => d
                        .at(name.location.clone())
                        .pointer(profile_pointer)
                        .help("add `bootstrap: HOST:PORT`, the brokers to connect to"),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn read(text: &str) -> (Vec<Broker>, Vec<(String, String, String)>) {
        let file = Path::new("contrail.yaml");
        let document = yaml::parse(text).expect("YAML");
        let node = document.root.get("brokers").expect("brokers");
        let mut diagnostics = Vec::new();
        let brokers = brokers(file, node, "/brokers", &mut diagnostics);
        let found = diagnostics
            .iter()
            .map(|d| {
                let at = d
                    .location
                    .as_ref()
                    .map(|l| format!("{}:{}", l.start.line, l.start.column))
                    .unwrap_or_default();
                (d.code.code.to_owned(), at, d.message.clone())
            })
            .collect();
        (brokers, found)
    }

    #[test]
    fn profiles_keep_their_settings_as_written() {
        let (brokers, found) = read(
            "brokers:\n  local:\n    bootstrap: localhost:9092\n  cloud:\n    bootstrap: ${BOOTSTRAP}\n    security.protocol: SASL_SSL\n    sasl.password: ${PASSWORD}\n    fetch.wait.max.ms: 10\n    enable.ssl.certificate.verification: false\n",
        );
        assert_eq!(found, Vec::<(String, String, String)>::new());
        assert_eq!(brokers.len(), 2);
        assert_eq!(brokers[0].name.value, "local");
        assert_eq!(brokers[0].bootstrap.value, "localhost:9092");
        assert!(brokers[0].settings.is_empty());
        let cloud = &brokers[1];
        assert_eq!(cloud.bootstrap.value, "${BOOTSTRAP}");
        assert_eq!(cloud.bootstrap.pointer, "/brokers/cloud/bootstrap");
        let settings: Vec<(&str, &str)> = cloud
            .settings
            .iter()
            .map(|(k, v)| (k.value.as_str(), v.value.as_str()))
            .collect();
        assert_eq!(
            settings,
            [
                ("security.protocol", "SASL_SSL"),
                ("sasl.password", "${PASSWORD}"),
                ("fetch.wait.max.ms", "10"),
                ("enable.ssl.certificate.verification", "false"),
            ]
        );
        assert_eq!(cloud.settings[1].1.location.start.line, 7);
    }

    #[test]
    fn malformed_sections_are_findings_with_positions() {
        let (brokers, found) = read("brokers: [localhost:9092]\n");
        assert!(brokers.is_empty());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "CV060");
        assert_eq!(found[0].1, "1:10");
        assert!(found[0].2.contains("found a sequence"), "{found:?}");

        let (brokers, found) = read(
            "brokers:\n  a: localhost:9092\n  b:\n    bootstap: localhost:9092\n  c:\n    bootstrap: localhost\n  d:\n    bootstrap: h:1\n    ssl.ca.location: [a, b]\n    sasl.password: ${PASS\n    group.id: mine\n  e:\n    security.protocol: SSL\n",
        );
        assert_eq!(brokers.len(), 1, "only d is usable: {found:?}");
        assert!(brokers[0].settings.is_empty());
        let codes: Vec<(&str, &str)> = found
            .iter()
            .map(|(c, at, _)| (c.as_str(), at.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("CV060", "2:6"),   // a: not a mapping
                ("CV060", "4:5"),   // b: misspelt bootstrap, at the key
                ("CV060", "6:16"),  // c: no port
                ("CV060", "9:22"),  // d: a list
                ("CV060", "10:20"), // d: unclosed ${
                ("CV061", "11:5"),  // d: group.id
                ("CV060", "12:3"),  // e: no bootstrap, at the profile's name
            ]
        );
        assert!(found[2].2.contains("`localhost` has no port"), "{found:?}");
        assert!(found[6].2.contains("has no `bootstrap`"), "{found:?}");
    }

    #[test]
    fn a_misspelt_bootstrap_gets_a_suggestion() {
        let file = Path::new("contrail.yaml");
        for key in ["bootstap", "bootstrap.servers", "Bootstrap"] {
            let text = format!("brokers:\n  p:\n    {key}: localhost:9092\n");
            let document = yaml::parse(&text).expect("YAML");
            let node = document.root.get("brokers").expect("brokers");
            let mut diagnostics = Vec::new();
            let _ = brokers(file, node, "/brokers", &mut diagnostics);
            let missing = diagnostics
                .iter()
                .find(|d| d.message.contains("has no `bootstrap`"))
                .unwrap_or_else(|| panic!("{key}: {diagnostics:?}"));
            assert_eq!(
                missing.help.as_deref(),
                Some(format!("did you mean `bootstrap` for `{key}`?").as_str())
            );
        }
    }
}
