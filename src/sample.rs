//! `rma-audit sample`: generates realistic ticket exports for the shipped policies.
