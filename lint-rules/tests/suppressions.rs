//! Inline suppressions: `x-contrail-ignore: { RULE: "reason" }` on an event, a service or an
//! AsyncAPI document silences that rule for it; no reason or an unknown rule is a finding.

use std::path::Path;

use contrail_contracts::{LoadOptions, load_catalog};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn codes(dir: &Path) -> Vec<(String, String)> {
    let loaded = load_catalog(dir, LoadOptions::default()).expect("loads");
    contrail_lint::lint(&loaded.catalog)
        .into_iter()
        .map(|d| {
            let file = d.location.map(|l| {
                l.file
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            (d.code.name.to_owned(), file.unwrap_or_default())
        })
        .collect()
}

#[test]
fn suppressions_silence_one_rule_for_one_declaration_and_need_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "contrail.yaml",
        "catalog: t\ndefaults: {compatibility: BACKWARD, owner: team}\nlint: {extends: none, rules: {CONSUMER_DEAD_LETTER: warning, CONSUMER_IDEMPOTENT: warning}}\n",
    );
    write(
        root,
        "events/placed.yaml",
        "event: OrderPlaced\ntopic: t.orders\nkey: id\n",
    );
    write(
        root,
        "services/quiet.yaml",
        "service: quiet\nx-contrail-ignore:\n  CONSUMER_DEAD_LETTER: replays from the source topic instead\nconsumes:\n  - event: OrderPlaced\n    group: quiet\n    idempotency: {key: id}\n",
    );
    write(
        root,
        "services/lazy.yaml",
        "service: lazy\nx-contrail-ignore:\n  CL502: ''\n  CONSUMER_DEADLETTER: typo\nconsumes:\n  - event: OrderPlaced\n    group: lazy\n    idempotency: {key: id}\n",
    );
    write(
        root,
        "services/loud.yaml",
        "service: loud\nconsumes:\n  - event: OrderPlaced\n    group: loud\n    idempotency: {key: id}\n",
    );
    let mut found = codes(root);
    found.sort();
    assert_eq!(
        found,
        [
            ("CONSUMER_DEAD_LETTER".to_owned(), "loud.yaml".to_owned()),
            (
                "SUPPRESSION_WITHOUT_REASON".to_owned(),
                "lazy.yaml".to_owned()
            ),
            ("UNKNOWN_RULE".to_owned(), "lazy.yaml".to_owned()),
        ]
    );
}

#[test]
fn an_asyncapi_document_can_silence_rules_for_its_service() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "contrail.yaml",
        "catalog: t\nlint: {extends: none, rules: {CONSUMER_DEAD_LETTER: warning}}\n",
    );
    write(
        root,
        "billing.yaml",
        "asyncapi: 3.0.0\ninfo:\n  title: billing\n  version: '1'\n  x-contrail-ignore: {CONSUMER_DEAD_LETTER: the broker dead-letters for us}\nchannels:\n  c: {address: t.orders, messages: {OrderPlaced: {payload: {type: object}}}}\noperations:\n  o: {action: receive, channel: {$ref: '#/channels/c'}}\n",
    );
    assert_eq!(codes(root), []);
}
