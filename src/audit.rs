//! The audit driver: reads every input, resolves each ticket's policy version, evaluates the
//! rules in parallel (the one rayon seam), and gathers findings, rejections and coverage.
