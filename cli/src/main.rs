//! `contrail`: govern and observe event-driven systems.
//!
//! Exit codes (documented in README.md and docs/validate.md): 0 nothing at error severity, 1 findings at error
//! severity, 2 contrail could not do its job (bad flags, unreadable path).

mod baseline;
mod catalog;
mod commands;
mod examples;
mod pages;
mod render;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

// contrail's loaders and checkers allocate many small strings and trees; mimalloc roughly halves
// the time a long compatibility history takes compared with the system allocator
// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The version `--version` prints: the package's, and the commit it was built from with that
/// commit's date (`unknown` outside a git checkout; see build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("CONTRAIL_GIT_COMMIT"),
    ")"
);

/// The command line as clap sees it, with every command's examples: what parses the
/// arguments, and what completions, man pages and the help snapshots are generated from.
pub(crate) fn command() -> clap::Command {
    examples::attach(Cli::command())
}

/// Govern and observe event-driven systems: validate contracts, check schema compatibility,
/// lint producers and consumers, serve schemas.
#[derive(Debug, Parser)]
#[command(name = "contrail", version = VERSION, about, propagate_version = true)]
pub struct Cli {
    /// When to colour human output. `auto` honours NO_COLOR and whether stdout is a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that contracts are well-formed: YAML, keys, schemas, references, examples.
    Validate(commands::validate::Args),
    /// Validate the catalog and check every changed schema against a baseline (git, directory).
    Check(commands::check::Args),
    /// Check that a new schema can replace its earlier versions (Avro, JSON Schema).
    Compat(commands::compat::Args),
    /// Lint producers and consumers against event-driven practice.
    Lint(commands::lint::Args),
    /// Draw the catalog as a graph (JSON, DOT, Mermaid), or show what a change breaks.
    Graph(commands::graph::Args),
    /// Generate a static documentation site from the catalog (HTML, optionally Markdown).
    Docs(commands::docs::Args),
    /// List the lint rules, or explain one.
    Rules(commands::rules::Args),
    /// Explain a finding code (`CV004`, `CC002`, `CL101`), or list every code.
    Explain(commands::explain::Args),
    /// Run the Confluent-compatible schema registry (`contrail registry serve`).
    Registry(commands::registry::Args),
    /// Read records from live topics, decode them and check each against its contract.
    #[cfg(feature = "kafka")]
    Sample(commands::sample::Args),
    /// Follow correlation ids across live topics: flows, hop latencies, broken chains.
    #[cfg(feature = "kafka")]
    Trace(commands::trace::Args),
    /// Create a new catalog to start from: one event, its schema, one service; lints clean.
    Init(commands::init::Args),
    /// Print the shell completion script for bash, zsh, fish, PowerShell or elvish.
    Completions(commands::completions::Args),
    /// Print the manual page, or write every command's page into a directory.
    Man(commands::man::Args),
}

fn main() -> ExitCode {
    let cli = Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit());
    let color = cli.color.enabled();
    let outcome = match cli.command {
        Command::Validate(args) => commands::validate::run(args, color),
        Command::Check(args) => commands::check::run(args, color),
        Command::Compat(args) => commands::compat::run(args, color),
        Command::Lint(args) => commands::lint::run(args, color),
        Command::Graph(args) => commands::graph::run(args),
        Command::Docs(args) => commands::docs::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Registry(args) => commands::registry::run(args, color),
        #[cfg(feature = "kafka")]
        Command::Sample(args) => commands::sample::run(args),
        #[cfg(feature = "kafka")]
        Command::Trace(args) => commands::trace::run(args),
        Command::Init(args) => commands::init::run(args),
        Command::Completions(args) => commands::completions::run(args),
        Command::Man(args) => commands::man::run(args),
    };
    match outcome {
        Ok(code) => code,
        // A reader that stopped reading (`contrail ... | head`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        command().debug_assert();
    }

    /// The commands built only with the `kafka` feature.
    fn needs_kafka(path: &str) -> bool {
        matches!(path, "sample" | "trace")
    }

    /// Every command and subcommand `--help` lists, by path (`registry serve`).
    fn command_paths(command: &clap::Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_owned());
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            command_paths(sub, &examples::child_path(path, sub.get_name()), out);
        }
    }

    #[test]
    fn every_command_has_examples_and_every_example_a_command() {
        let mut paths = Vec::new();
        command_paths(&command(), "", &mut paths);
        let documented: Vec<&str> = examples::all().map(|(p, _)| p).collect();
        for path in &paths {
            assert!(
                documented.contains(&path.as_str()),
                "`contrail {path}` has no examples: add them to cli/src/examples.rs"
            );
        }
        for path in documented {
            if !cfg!(feature = "kafka") && needs_kafka(path) {
                continue;
            }
            assert!(
                paths.iter().any(|p| p == path),
                "cli/src/examples.rs has examples for `contrail {path}`, which does not exist"
            );
        }
    }

    /// The words of the `contrail` invocation in a shell line: from `contrail` up to the first
    /// pipe, redirection, closing parenthesis or separator; quotes removed.
    fn invocation(line: &str) -> Vec<String> {
        let start = line.find("contrail ").unwrap_or(0);
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quote: Option<char> = None;
        for c in line[start..].chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '\'' | '"') => quote = Some(c),
                (None, '|' | '<' | '>' | ')' | ';' | '&') => break,
                (None, c) if c.is_whitespace() => {
                    if !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                }
                (None, c) => word.push(c),
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
        words
    }

    #[test]
    fn every_example_parses_and_uses_its_command() {
        for (path, examples) in examples::all() {
            if !cfg!(feature = "kafka") && needs_kafka(path) {
                continue;
            }
            let lines: Vec<&str> = examples::command_lines(examples).collect();
            assert!(
                (2..=4).contains(&lines.len()),
                "`contrail {path}` should show two or three invocations: {lines:?}"
            );
            for line in lines {
                let words = invocation(line);
                if let Err(e) = command().try_get_matches_from(&words) {
                    panic!("example of `contrail {path}` does not parse: {line}\n{e}");
                }
                let prefix = format!("contrail {path}");
                assert!(
                    words.join(" ").starts_with(prefix.trim_end()),
                    "example of `contrail {path}` runs another command: {line}"
                );
            }
        }
    }
}
