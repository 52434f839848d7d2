//! `contrail`: govern and observe event-driven systems.
//!
//! Exit codes (documented in README.md and docs/validate.md): 0 nothing at error severity, 1 findings at error
//! severity, 2 contrail could not do its job (bad flags, unreadable path).

mod baseline;
mod commands;
mod pages;
mod render;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

// contrail's loaders and checkers allocate many small strings and trees; mimalloc roughly halves
// the time a long compatibility history takes compared with the system allocator
// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Govern and observe event-driven systems: validate contracts, check schema compatibility,
/// lint producers and consumers, serve schemas.
#[derive(Debug, Parser)]
#[command(name = "contrail", version, about, propagate_version = true)]
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
