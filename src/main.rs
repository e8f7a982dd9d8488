//! The `rma-audit` command: parse the command line, run, map the outcome to an exit status.

use std::process::ExitCode;

fn main() -> ExitCode {
    let status = rma_audit::run(std::env::args_os());
    ExitCode::from(status.code() as u8)
}
