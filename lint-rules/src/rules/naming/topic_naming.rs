use std::collections::BTreeMap;

use contrail_contracts::model::Spanned;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks topic names (an event's `topic`, and the topics services produce to and consume
    /// from): lowercase segments of letters, digits and `_`, separated by `.`, `-` or `/`, with
    /// no spaces and no empty segments; `{parameter}` segments of AsyncAPI channels are
    /// allowed. A version suffix (`.v2`) must be used consistently within a family of topics
    /// (topics sharing their first segment): when most of a family is versioned, an
    /// unversioned member is reported, and the other way round. An AsyncAPI 3 channel whose
    /// `address` is null or absent has no topic name yet (it is known only at runtime); the
    /// channel key contrail uses in its place is not checked.
    ///
    /// ## Why is this bad?
    /// Topic names are shared across teams and tools: ACLs and quotas match them by prefix,
    /// connectors derive table names from them, and Kafka warns that `.` and `_` collide in
    /// metric names. Mixed case and spaces break tooling; half-versioned families leave
    /// readers guessing which topic is current.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderPlaced
    /// topic: Shop Orders
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: OrderPlaced
    /// topic: shop.orders
    /// ```
    ///
    /// ## Fix
    /// Rename the topic (create the new one, migrate producers, then consumers) to
    /// `<domain>.<entity>[.<vN>]`.
    ///
    /// ## References
    /// - Confluent, "Kafka topic naming conventions"
    /// - Apache Kafka documentation: legal topic names
    pub struct TopicNaming {
        code: TOPIC_NAMING,
        category: Naming,
        group: Group::Stable,
    }
}

impl Rule for TopicNaming {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        // Every distinct topic once, at its first mention, with what mentions it.
        // AsyncAPI 3 channels without an address stand in their channel key for the topic:
        // the real name is only known at runtime, so there is no name to judge.
        let mut all: Vec<(&Spanned<String>, Subject)> = Vec::new();
        for event in &ctx.catalog.events {
            if let Some(topic) = event.topic.as_ref().filter(|_| !event.topic_is_channel_key) {
                all.push((topic, Subject::Event(event.name.value.clone())));
            }
        }
        for service in &ctx.catalog.services {
            let subject = || Subject::Service(service.name.value.clone());
            let produced = service.produces.iter().filter(|p| !p.topic_is_channel_key);
            for topic in produced.filter_map(|p| p.topic.as_ref()) {
                all.push((topic, subject()));
            }
            let consumed = service.consumes.iter().filter(|c| !c.topic_is_channel_key);
            for topic in consumed.filter_map(|c| c.topic.as_ref()) {
                all.push((topic, subject()));
            }
        }
        let mut topics: Vec<(&Spanned<String>, Subject)> = Vec::new();
        for (topic, subject) in all {
            if !topics.iter().any(|(t, _)| t.value == topic.value) {
                topics.push((topic, subject));
            }
        }

        for (topic, subject) in &topics {
            if let Some(problem) = shape_problem(&topic.value) {
                out.report(
                    subject.clone(),
                    format!("topic `{}` {problem}", topic.value),
                    topic.location.clone(),
                )
                .pointer(topic.pointer.clone())
                .help(format!(
                    "use lowercase segments separated by `.` or `-`, e.g. `{}`",
                    suggest(&topic.value)
                ));
            }
        }

        let mut families: BTreeMap<String, Vec<&(&Spanned<String>, Subject)>> = BTreeMap::new();
        for entry in &topics {
            families
                .entry(family(&entry.0.value))
                .or_default()
                .push(entry);
        }
        for members in families.values() {
            let versioned = members
                .iter()
                .filter(|(t, _)| version(&t.value).is_some())
                .count();
            let unversioned = members.len() - versioned;
            if versioned == 0 || unversioned == 0 {
                continue;
            }
            let report_versioned = versioned < unversioned;
            let example = members
                .iter()
                .find(|(t, _)| version(&t.value).is_some() != report_versioned)
                .map(|(t, _)| t.value.clone())
                .unwrap_or_default();
            for (topic, subject) in members
                .iter()
                .filter(|(t, _)| version(&t.value).is_some() == report_versioned)
            {
                let message = if report_versioned {
                    format!(
                        "topic `{}` has a version suffix, unlike the rest of its family (`{example}`)",
                        topic.value
                    )
                } else {
                    format!(
                        "topic `{}` has no version suffix, unlike the rest of its family (`{example}`)",
                        topic.value
                    )
                };
                out.report(subject.clone(), message, topic.location.clone())
                    .pointer(topic.pointer.clone())
                    .help("version all topics of a family the same way (`<name>.v1`), or none");
            }
        }
    }
}

/// What is wrong with a topic's shape, if anything.
fn shape_problem(topic: &str) -> Option<&'static str> {
    if topic.chars().any(char::is_whitespace) {
        return Some("contains whitespace");
    }
    let mut rest = topic.strip_prefix('/').unwrap_or(topic);
    rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() && topic.starts_with('/') {
        // The root path of a WebSocket or HTTP server.
        return None;
    }
    for segment in rest.split(['.', '-', '/']) {
        if segment.is_empty() {
            return Some("has an empty segment (two separators in a row, or one at an end)");
        }
        if segment.starts_with('{') && segment.ends_with('}') {
            continue;
        }
        if segment.chars().any(|c| c.is_uppercase()) {
            return Some("is not lowercase");
        }
        if !segment
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Some(
                "contains characters other than lowercase letters, digits, `_`, `.`, `-` and `/`",
            );
        }
    }
    None
}

fn suggest(topic: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in topic.trim().chars() {
        if c.is_uppercase() {
            if previous_lower {
                out.push('-');
            }
            out.extend(c.to_lowercase());
            previous_lower = false;
        } else if c.is_whitespace() {
            if !out.ends_with(['.', '-']) {
                out.push('.');
            }
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

fn segments(topic: &str) -> impl Iterator<Item = &str> {
    topic.split(['.', '-', '/']).filter(|s| !s.is_empty())
}

fn family(topic: &str) -> String {
    segments(topic).next().unwrap_or("").to_ascii_lowercase()
}

/// The `N` of a trailing `vN` segment.
fn version(topic: &str) -> Option<u32> {
    let last = segments(topic).last()?;
    last.strip_prefix(['v', 'V'])?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        for ok in [
            "shop.orders",
            "shop.orders.v2",
            "orders-events",
            "order_events",
            "smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured",
            "/user/signedup",
            "/",
        ] {
            assert_eq!(shape_problem(ok), None, "{ok}");
        }
        for bad in [
            "Shop.Orders",
            "shop orders",
            "shop..orders",
            "shop.orders.",
            "shop:orders",
        ] {
            assert!(shape_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(version("shop.orders.v2"), Some(2));
        assert_eq!(version("shop.orders"), None);
        assert_eq!(suggest("Shop Orders"), "shop.orders");
    }
}
