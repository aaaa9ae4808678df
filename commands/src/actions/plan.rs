//! A resolved plan: exactly what will change, shown before anything runs.

/// What an operation will do, resolved from configuration and the platform's present state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// One line: `run kubectl -n prod rollout undo deployment/api (argv, no shell) for api in production`.
    pub summary: String,
    /// Further lines shown under the summary.
    pub details: Vec<String>,
    /// Identifies the plan's substance; a confirmation runs only if the plan rebuilt at
    /// confirmation time has the same fingerprint (nothing changed in between).
    pub fingerprint: String,
}

impl Plan {
    /// The plan as lines of text, for replies, the audit log and the timeline.
    pub fn to_text(&self) -> String {
        let mut text = self.summary.clone();
        for line in &self.details {
            text.push_str("\n  ");
            text.push_str(line);
        }
        text
    }
}
