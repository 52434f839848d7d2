//! The "Examples:" section at the end of every command's `--help` (and man page).
//!
//! One table, keyed by the command's path, so every command's examples are in one place and a
//! test can hold them to account: every command has some, every entry names a command, every
//! example parses (`cli/src/main.rs` tests), and the ones that need no registry or broker run
//! against `examples/shop` from the repository's root (`tests/tests/shell.rs`). Paths are
//! relative to the repository's root; an example without a PATH runs inside a catalog.

/// `(command path, examples)`: the path is the subcommand names after `contrail`, joined by a
/// space (`""` for `contrail` itself).
const EXAMPLES: &[(&str, &str)] = &[
    (
        "",
        "\
  # Check a catalog, then lint it
  contrail validate examples/shop
  contrail lint examples/shop

  # Start a new catalog
  contrail init my-events",
    ),
    (
        "validate",
        "\
  # Validate the catalog in this directory (or the nearest one above it)
  contrail validate

  # A catalog elsewhere, as JSON
  contrail validate examples/shop --format json

  # One contract, checked in the context of its catalog
  contrail validate examples/shop/services/payments.yaml",
    ),
    (
        "check",
        "\
  # Everything CI needs, against the schemas on the main branch
  contrail check examples/shop --against git:main

  # Against an earlier copy of the catalog, as SARIF for code scanning
  contrail check examples/shop --against tests/fixtures/check/shop-v1 --format sarif > check.sarif

  # Against a registry, with GitHub annotations
  contrail check examples/shop --against http://localhost:8081 --format github",
    ),
    (
        "compat",
        "\
  # Can the new schema replace the old one under FULL?
  contrail compat --mode FULL examples/shop/schemas/order-shipped.avsc tests/fixtures/check/shop-v1/schemas/order-shipped.avsc

  # A schema against its whole history, as JSON
  contrail compat --mode BACKWARD_TRANSITIVE --format json examples/shop/schemas/order-shipped.avsc tests/fixtures/check/shop-v1/schemas/order-shipped.avsc",
    ),
    (
        "lint",
        "\
  # Lint the catalog in this directory (or the nearest one above it)
  contrail lint

  # A catalog elsewhere, as SARIF for code scanning
  contrail lint examples/shop --format sarif > lint.sarif",
    ),
    (
        "graph",
        "\
  # Who produces and consumes what, as Mermaid
  contrail graph examples/shop --format mermaid

  # What a change to one field would break
  contrail graph examples/shop --impact OrderPlaced.total.amountMinor

  # A drawing grouped by owning team
  contrail graph examples/shop --format svg --group-by owner > shop.svg",
    ),
    (
        "docs",
        "\
  # A documentation site for the catalog
  contrail docs examples/shop --out site

  # With the traffic a trace observed
  contrail docs examples/shop --out site --observed tests/fixtures/observed/shop-trace.json",
    ),
    (
        "rules",
        "\
  # Every lint rule with its default severity
  contrail rules

  # One rule's documentation
  contrail rules CONSUMER_IDEMPOTENT",
    ),
    (
        "explain",
        "\
  # What a finding code means and how to fix it
  contrail explain CV004

  # A lint rule's page, by name, as JSON
  contrail explain EVENT_NAME_PAST_TENSE --format json",
    ),
    (
        "registry",
        "\
  # Serve a registry, then register the catalog's schemas in it
  contrail registry serve --store sqlite://registry.db
  contrail registry push examples/shop --registry http://localhost:8081",
    ),
    (
        "registry serve",
        "\
  # On 127.0.0.1:8081, SQLite in your data directory
  contrail registry serve

  # On every interface, with the catalog's API and docs under /ui/
  contrail registry serve --listen 0.0.0.0:8081 --store sqlite://registry.db --catalog examples/shop

  # Several replicas sharing one PostgreSQL database
  contrail registry serve --store postgres://registry@db.internal:5432/registry",
    ),
    (
        "registry push",
        "\
  # What would change, registering nothing (URL from the catalog's `registry:`)
  contrail registry push examples/shop --dry-run

  # Register every schema, as JSON
  contrail registry push examples/shop --registry http://localhost:8081 --format json",
    ),
    (
        "registry pull",
        "\
  # Every subject's latest schema into pulled/
  contrail registry pull --registry http://localhost:8081 --out pulled

  # Only some subjects, overwriting what differs
  contrail registry pull --registry http://localhost:8081 --subject shop.orders --out pulled --force",
    ),
    (
        "registry ls",
        "\
  # Every subject with its latest version
  contrail registry ls --registry http://localhost:8081

  # Only the shop's, as JSON; with soft-deleted subjects too
  contrail registry ls --registry http://localhost:8081 --prefix shop. --format json
  contrail registry ls --registry http://localhost:8081 --deleted",
    ),
    (
        "registry show",
        "\
  # The latest version of a subject, then version 2 as JSON
  contrail registry show shop.orders-value --registry http://localhost:8081
  contrail registry show shop.orders-value@2 --registry http://localhost:8081 --format json

  # A schema by its global id
  contrail registry show --id 42 --registry http://localhost:8081",
    ),
    (
        "registry diff",
        "\
  # What changed between two versions, checked at the subject's compatibility level
  contrail registry diff shop.orders-value 1 2 --registry http://localhost:8081

  # The latest against version 1, at another level, as JSON
  contrail registry diff shop.orders-value 1 latest --level FULL --registry http://localhost:8081 --format json",
    ),
    (
        "registry delete",
        "\
  # Soft-delete one version (hidden; its id stays readable)
  contrail registry delete shop.orders-value@3 --registry http://localhost:8081

  # Every version, permanently, without asking
  contrail registry delete shop.orders-value --permanent --yes --registry http://localhost:8081",
    ),
    (
        "registry hash-password",
        "\
  # The password-hash of an --auth-config user
  echo 's3cret' | contrail registry hash-password

  # Slower to check, slower to brute-force
  contrail registry hash-password --iterations 1000000 < password.txt",
    ),
    (
        "sample",
        "\
  # The first records of every topic the catalog declares
  contrail sample examples/shop --brokers localhost:9092 --registry http://localhost:8081

  # The last ten minutes of one topic, one record per line
  contrail sample examples/shop --brokers localhost:9092 --topic shop.orders --from -10m --format ndjson

  # One order's records
  contrail sample examples/shop --brokers localhost:9092 --where /orderId=o-1001",
    ),
    (
        "trace",
        "\
  # Flows, hop latencies and broken chains in what the topics hold
  contrail trace examples/shop --brokers localhost:9092 --registry http://localhost:8081

  # The last hour as a JSON report, for `check --observed`
  contrail trace examples/shop --brokers localhost:9092 --from -1h --format json > trace.json

  # One order's flow as a timeline
  contrail trace examples/shop --brokers localhost:9092 --correlation-id o-1001",
    ),
    (
        "init",
        "\
  # A new catalog in a new directory
  contrail init my-events

  # In the current (empty) directory, named explicitly
  contrail init --name payments

  # From a live schema registry (run it again to follow the registry; your edits stay)
  contrail init events --from-registry http://localhost:8081 --subject-prefix shop.",
    ),
    (
        "completions",
        "\
  # Load completions into the running bash
  source <(contrail completions bash)

  # Install them for zsh and fish
  contrail completions zsh > ~/.zfunc/_contrail
  contrail completions fish > ~/.config/fish/completions/contrail.fish",
    ),
    (
        "man",
        "\
  # Read the top page
  contrail man | man -l -

  # Every page, for a man directory
  contrail man --out man/man1",
    ),
];

/// Every command's examples by command path, in the table's order.
#[cfg(test)]
pub(crate) fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    EXAMPLES.iter().copied()
}

/// `command` with its and every subcommand's examples after the long help.
pub(crate) fn attach(command: clap::Command) -> clap::Command {
    attach_at(command, "")
}

fn attach_at(mut command: clap::Command, path: &str) -> clap::Command {
    if let Some((_, examples)) = EXAMPLES.iter().find(|(p, _)| *p == path) {
        command = command.after_long_help(section(examples));
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = child_path(path, &name);
        command = command.mut_subcommand(&name, |sub| attach_at(sub, &sub_path));
    }
    command
}

/// The path of the subcommand `name` of the command at `path`.
pub(crate) fn child_path(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path} {name}")
    }
}

/// The "Examples:" section: every line indented by two spaces (the table's own indentation
/// does not count: a `\` line continuation drops the first line's).
fn section(examples: &str) -> String {
    let mut out = String::from("Examples:");
    for line in examples.lines().map(str::trim) {
        out.push('\n');
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
    }
    out
}

/// The command lines of an examples text: every line that is not a comment or blank.
#[cfg(test)]
pub(crate) fn command_lines(examples: &str) -> impl Iterator<Item = &str> {
    examples
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}
