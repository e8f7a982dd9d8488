//! Audits of good input: the four outputs and their row accounting.
