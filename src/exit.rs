//! The exit statuses cron jobs rely on (OUTPUTS.md).

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The audit ran and nothing reached `--fail-on`.
    Ok = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Bad usage, or an input that cannot be read at all.
    Usage = 2,
    /// Internal error, or outputs that could not be written.
    Internal = 3,
    /// The audit ran and wrote its outputs, but its result cannot be trusted (`summary.json`
    /// `untrusted` says why). Wins over [`ExitStatus::Findings`].
    Untrusted = 4,
}

impl ExitStatus {
    /// The process exit status cron jobs see: 0 to 4.
    pub fn code(self) -> i32 {
        self as i32
    }
}
