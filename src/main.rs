//! The `rma-audit` command: parse the command line, run, map the outcome to an exit status.

use std::process::ExitCode;

fn main() -> ExitCode {
    let status = rma_audit::run(std::env::args_os());
    ExitCode::from(status.code() as u8)
}

/// The audit allocates rows and tickets on one thread and frees them on another, millions of
/// times; with mimalloc a large audit takes much less time and less peak memory than with
/// glibc's allocator (figures: benches/README.md). It is built without asking for transparent
/// huge pages (the `no_thp` feature): every page it takes again after returning it to the
/// system was then zeroed 2 MB at a time, and a million-ticket audit spent about 0.8 s of
/// system time on it; with ordinary pages the audit takes less time and less memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
