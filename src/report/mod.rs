//! The output files of a run: `findings.csv`, `rejected.csv`, `summary.json` and
//! `report.xlsx`, written atomically into the output directory.
