//! `contrail completions SHELL`: the shell completion script, generated from the same clap
//! definitions as `--help`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut command = crate::command();
    // Generated into memory first: clap_complete panics when its writer fails, and a closed
    // stdout (`contrail completions bash | head`) is not a reason to panic.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "contrail", &mut script);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&script)
        .and_then(|()| stdout.flush())
        .context("writing the completion script")?;
    Ok(ExitCode::SUCCESS)
}
