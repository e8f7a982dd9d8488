//! The `rma-audit` command: parse the command line, run, map the outcome to an exit status.

use std::process::ExitCode;

fn main() -> ExitCode {
    let status = rma_audit::run(std::env::args_os());
    ExitCode::from(status.code() as u8)
}

/// The audit allocates rows and tickets on one thread and frees them on another, millions of
/// times; with mimalloc a large audit takes much less time and less peak memory than with
/// glibc's allocator (figures: benches/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
