//! Response targets per severity, as a team writes them.
//!
//! The defaults are the runbooks' severity table, [`SeverityPolicy::default()`], so a team writes
//! only what differs, and a level given in part keeps that level's defaults for the rest:
//! `[severity.p1]` with only `acknowledge = "10m"` changes P1's acknowledge target and nothing
//! else. That is why a level is read as the keys present, laid over its defaults.

use chrono::TimeDelta;
use serde::{Deserialize, Deserializer};
use warroom_commands::incident::{SeverityPolicy, SeverityTargets, Target};

use super::text::{optional_duration, read_text, target};

/// `[severity.p1]` to `[severity.p4]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct SeveritySection {
    p1: LevelSection,
    p2: LevelSection,
    p3: LevelSection,
    p4: LevelSection,
}

/// One level as written: only the keys present. Every value is read (and checked) by serde.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LevelSection {
    /// Shown next to the level in replies and post-mortems, e.g. "Service down".
    description: Option<String>,
    /// How soon someone must be working on the incident: a duration or `next-business-day`.
    #[serde(deserialize_with = "some_target")]
    respond: Option<Target>,
    /// How soon the incident must be acknowledged: a duration or `next-business-day`.
    #[serde(deserialize_with = "some_target")]
    acknowledge: Option<Target>,
    /// How often the channel expects a status update; `none` when no regular updates are
    /// expected.
    #[serde(deserialize_with = "some_optional_duration")]
    update_every: Option<Option<TimeDelta>>,
    /// How long after resolution the post-mortem is due; `none` when none is required.
    #[serde(deserialize_with = "some_optional_duration")]
    postmortem_due: Option<Option<TimeDelta>>,
}

impl SeveritySection {
    /// The targets the incident handlers enforce.
    pub(super) fn build(&self) -> SeverityPolicy {
        let defaults = SeverityPolicy::default();
        SeverityPolicy {
            p1: self.p1.over(defaults.p1),
            p2: self.p2.over(defaults.p2),
            p3: self.p3.over(defaults.p3),
            p4: self.p4.over(defaults.p4),
        }
    }
}

impl LevelSection {
    fn over(&self, defaults: SeverityTargets) -> SeverityTargets {
        SeverityTargets {
            description: self.description.clone().unwrap_or(defaults.description),
            respond: self.respond.unwrap_or(defaults.respond),
            acknowledge: self.acknowledge.unwrap_or(defaults.acknowledge),
            update_every: self.update_every.unwrap_or(defaults.update_every),
            postmortem_due: self.postmortem_due.unwrap_or(defaults.postmortem_due),
        }
    }
}

fn some_target<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Target>, D::Error> {
    read_text(d, target).map(Some)
}

fn some_optional_duration<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<TimeDelta>>, D::Error> {
    read_text(d, optional_duration).map(Some)
}
