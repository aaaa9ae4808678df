//! Response targets per severity, from configuration.
//!
//! The defaults are the runbooks' severity table: P1 service down (respond in 15 min,
//! acknowledge in 5, updates every 30 min, post-mortem within 48 h of resolution), P2 major
//! degradation (1 h), P3 minor (4 h), P4 low (next business day). Where the runbooks give only
//! a response time, the acknowledge target equals it.

use chrono::TimeDelta;

use super::Severity;
use crate::timefmt;

/// A deadline relative to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Within(TimeDelta),
    NextBusinessDay,
}

impl Target {
    pub fn describe(self) -> String {
        match self {
            Target::Within(d) => timefmt::duration(d),
            Target::NextBusinessDay => "next business day".to_string(),
        }
    }
}

/// What one severity level promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityTargets {
    /// The runbook's description, e.g. "Service down".
    pub description: String,
    pub respond: Target,
    pub acknowledge: Target,
    /// How often the channel expects a status update while the incident is open.
    pub update_every: Option<TimeDelta>,
    /// When the post-mortem is due after resolution; `None` when none is required.
    pub postmortem_due: Option<TimeDelta>,
}

impl SeverityTargets {
    /// One line for replies: `respond within 15m · acknowledge within 5m · update every 30m`.
    pub fn summary(&self) -> String {
        let mut parts = vec![
            format!("respond {}", within(self.respond)),
            format!("acknowledge {}", within(self.acknowledge)),
        ];
        if let Some(every) = self.update_every {
            parts.push(format!("update every {}", timefmt::duration(every)));
        }
        parts.join(" · ")
    }
}

fn within(target: Target) -> String {
    match target {
        Target::Within(_) => format!("within {}", target.describe()),
        Target::NextBusinessDay => "by the next business day".to_string(),
    }
}

/// The targets of every severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityPolicy {
    pub p1: SeverityTargets,
    pub p2: SeverityTargets,
    pub p3: SeverityTargets,
    pub p4: SeverityTargets,
}

impl SeverityPolicy {
    pub fn targets(&self, severity: Severity) -> &SeverityTargets {
        match severity {
            Severity::P1 => &self.p1,
            Severity::P2 => &self.p2,
            Severity::P3 => &self.p3,
            Severity::P4 => &self.p4,
        }
    }
}

impl Default for SeverityPolicy {
    fn default() -> Self {
        let targets = |description: &str, respond: Target, ack: Target, update: Option<i64>| {
            SeverityTargets {
                description: description.to_string(),
                respond,
                acknowledge: ack,
                update_every: update.map(TimeDelta::minutes),
                postmortem_due: Some(TimeDelta::hours(48)),
            }
        };
        let mins = |m| Target::Within(TimeDelta::minutes(m));
        SeverityPolicy {
            p1: targets("Service down", mins(15), mins(5), Some(30)),
            p2: targets("Major degradation", mins(60), mins(60), Some(60)),
            p3: SeverityTargets {
                postmortem_due: None,
                ..targets("Minor degradation", mins(240), mins(240), None)
            },
            p4: SeverityTargets {
                postmortem_due: None,
                ..targets(
                    "Low impact",
                    Target::NextBusinessDay,
                    Target::NextBusinessDay,
                    None,
                )
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_runbook_table() {
        let policy = SeverityPolicy::default();
        assert_eq!(
            policy.targets(Severity::P1).summary(),
            "respond within 15m · acknowledge within 5m · update every 30m"
        );
        assert_eq!(
            policy.targets(Severity::P2).respond,
            Target::Within(TimeDelta::hours(1))
        );
        assert_eq!(
            policy.targets(Severity::P3).respond,
            Target::Within(TimeDelta::hours(4))
        );
        assert_eq!(
            policy.targets(Severity::P4).respond,
            Target::NextBusinessDay
        );
        assert_eq!(
            policy.p1.postmortem_due,
            Some(TimeDelta::hours(48)),
            "post-mortem within 48 h"
        );
    }
}
