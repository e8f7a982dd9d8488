//! `rma-audit`: audits after-sales tickets (returns, exchanges, warranty repairs) against the
//! vendors' written after-sales policies and reports every breach with the clause it rests on.
//!
//! The binary is a thin shell over [`run`]; tests and benches call the same code.

pub mod audit;
pub mod calendar;
pub mod cli;
pub mod exit;
pub mod finding;
pub mod history;
pub mod ingest;
pub mod l10n;
pub mod policy;
pub mod report;
pub mod rules;
pub mod sample;
pub mod ticket;

#[cfg(test)]
mod testing;

pub use cli::run;
pub use exit::ExitStatus;
