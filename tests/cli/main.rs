//! End-to-end tests: the real `rma-audit` binary on fixture files, with its outputs read back.

mod audit_outputs;
mod bad_input;
mod bounds;
mod calendar_coverage;
mod commands;
mod corpus;
mod exports;
mod freight_tie_out;
mod harness;
mod header_spelling;
mod history;
mod history_queries;
mod history_runs;
mod hostile;
mod hostile_policies;
mod hostile_values;
mod languages;
mod latest_and_period;
mod nightly;
mod output_atomicity;
mod output_dir;
mod output_safety;
mod policy_edit;
mod sample_data;
mod scorecards;
mod waivers;
