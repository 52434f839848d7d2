//! One module per subcommand.

pub mod check;
pub mod compat;
pub mod validate;

use std::process::ExitCode;

use contrail_contracts::Diagnostic;

/// 1 when any finding is an error, else 0.
pub fn exit_code(diagnostics: &[Diagnostic]) -> ExitCode {
    if diagnostics.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
