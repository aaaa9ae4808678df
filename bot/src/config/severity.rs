//! Response targets per severity, as a team writes them.
//!
//! The defaults are the runbooks' severity table, [`SeverityPolicy::default()`], so a team writes
//! only what differs, and a level given in part keeps that level's defaults for the rest:
//! `[severity.p1]` with only `acknowledge = "10m"` changes P1's acknowledge target and nothing
//! else. That is why a level cannot be read on its own: what a missing key means depends on which
//! level it is missing from.

use chrono::TimeDelta;
use serde::Deserialize;
use serde::de::{Deserializer, Error as _};
use warroom_commands::grammar::parse_duration;
use warroom_commands::incident::{SeverityPolicy, SeverityTargets, Target};

/// How a target that falls on the next working day is written.
const NEXT_BUSINESS_DAY: &str = "next-business-day";
/// How "no update or post-mortem expected" is written.
const NONE: &str = "none";

/// `[severity.p1]` to `[severity.p4]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "PartialSeverity")]
pub struct SeverityConfig {
    pub p1: SeverityLevelConfig,
    pub p2: SeverityLevelConfig,
    pub p3: SeverityLevelConfig,
    pub p4: SeverityLevelConfig,
}

/// What one severity level promises, read from strings like `"15m"` or `"next-business-day"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityLevelConfig {
    /// Shown next to the level in replies and post-mortems, e.g. "Service down".
    pub description: String,
    /// How soon someone must be working on the incident: a duration or `next-business-day`.
    pub respond: Target,
    /// How soon the incident must be acknowledged: a duration or `next-business-day`.
    pub acknowledge: Target,
    /// How often the channel expects a status update while the incident is open; `none` (`None`)
    /// when no regular updates are expected.
    pub update_every: Option<TimeDelta>,
    /// How long after resolution the post-mortem is due; `none` (`None`) when none is required.
    pub postmortem_due: Option<TimeDelta>,
}

impl Default for SeverityConfig {
    fn default() -> Self {
        let policy = SeverityPolicy::default();
        SeverityConfig {
            p1: policy.p1.into(),
            p2: policy.p2.into(),
            p3: policy.p3.into(),
            p4: policy.p4.into(),
        }
    }
}

impl SeverityConfig {
    /// The targets the incident handlers work with.
    pub fn policy(&self) -> SeverityPolicy {
        SeverityPolicy {
            p1: self.p1.targets(),
            p2: self.p2.targets(),
            p3: self.p3.targets(),
            p4: self.p4.targets(),
        }
    }
}

impl SeverityLevelConfig {
    pub fn targets(&self) -> SeverityTargets {
        SeverityTargets {
            description: self.description.clone(),
            respond: self.respond,
            acknowledge: self.acknowledge,
            update_every: self.update_every,
            postmortem_due: self.postmortem_due,
        }
    }
}

impl From<SeverityTargets> for SeverityLevelConfig {
    fn from(targets: SeverityTargets) -> Self {
        SeverityLevelConfig {
            description: targets.description,
            respond: targets.respond,
            acknowledge: targets.acknowledge,
            update_every: targets.update_every,
            postmortem_due: targets.postmortem_due,
        }
    }
}

/// `respond` and `acknowledge`: a duration longer than zero, or `next-business-day`.
pub(super) fn parse_target(text: &str) -> Result<Target, String> {
    if text.trim().eq_ignore_ascii_case(NEXT_BUSINESS_DAY) {
        return Ok(Target::NextBusinessDay);
    }
    positive_duration(text, NEXT_BUSINESS_DAY).map(Target::Within)
}

/// `update_every` and `postmortem_due`: a duration longer than zero, or `none`.
pub(super) fn parse_optional_duration(text: &str) -> Result<Option<TimeDelta>, String> {
    if text.trim().eq_ignore_ascii_case(NONE) {
        return Ok(None);
    }
    positive_duration(text, NONE).map(Some)
}

/// A duration longer than zero: a target, a grace, a link's lifetime.
pub(super) fn parse_positive_duration(text: &str) -> Result<TimeDelta, String> {
    match parse_duration(text) {
        Ok(duration) if duration > TimeDelta::zero() => Ok(duration),
        Ok(_) => Err(format!(
            "`{text}` is no time at all; write a duration longer than zero, like 15m."
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// A duration, with `alternative` offered in the message when the text is not one.
fn positive_duration(text: &str, alternative: &str) -> Result<TimeDelta, String> {
    parse_positive_duration(text).map_err(|message| {
        format!(
            "{}, or {alternative}.",
            message.strip_suffix('.').unwrap_or(&message)
        )
    })
}

/// A level as written: only the keys present, laid over that level's defaults.
#[derive(Default, Deserialize)]
#[serde(default)]
struct PartialSeverity {
    p1: PartialLevel,
    p2: PartialLevel,
    p3: PartialLevel,
    p4: PartialLevel,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct PartialLevel {
    description: Option<String>,
    #[serde(deserialize_with = "target")]
    respond: Option<Target>,
    #[serde(deserialize_with = "target")]
    acknowledge: Option<Target>,
    #[serde(deserialize_with = "optional_duration")]
    update_every: Option<Option<TimeDelta>>,
    #[serde(deserialize_with = "optional_duration")]
    postmortem_due: Option<Option<TimeDelta>>,
}

impl From<PartialSeverity> for SeverityConfig {
    fn from(given: PartialSeverity) -> Self {
        let defaults = SeverityConfig::default();
        SeverityConfig {
            p1: given.p1.over(defaults.p1),
            p2: given.p2.over(defaults.p2),
            p3: given.p3.over(defaults.p3),
            p4: given.p4.over(defaults.p4),
        }
    }
}

impl PartialLevel {
    fn over(self, defaults: SeverityLevelConfig) -> SeverityLevelConfig {
        SeverityLevelConfig {
            description: self.description.unwrap_or(defaults.description),
            respond: self.respond.unwrap_or(defaults.respond),
            acknowledge: self.acknowledge.unwrap_or(defaults.acknowledge),
            update_every: self.update_every.unwrap_or(defaults.update_every),
            postmortem_due: self.postmortem_due.unwrap_or(defaults.postmortem_due),
        }
    }
}

fn target<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Target>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_target(&text).map(Some).map_err(D::Error::custom)
}

fn optional_duration<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<TimeDelta>>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_optional_duration(&text)
        .map(Some)
        .map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_targets_as_written_in_the_runbooks() {
        assert_eq!(
            parse_target("15m"),
            Ok(Target::Within(TimeDelta::minutes(15)))
        );
        assert_eq!(
            parse_target("48h"),
            Ok(Target::Within(TimeDelta::hours(48)))
        );
        assert_eq!(
            parse_target("next-business-day"),
            Ok(Target::NextBusinessDay)
        );
        assert_eq!(parse_optional_duration("none"), Ok(None));
        assert_eq!(
            parse_optional_duration("1h30m"),
            Ok(Some(TimeDelta::minutes(90)))
        );
    }

    #[test]
    fn says_what_to_write_instead() {
        assert_eq!(
            parse_target("5x").unwrap_err(),
            "`5x` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or 1h30m, or next-business-day."
        );
        assert_eq!(
            parse_optional_duration("never").unwrap_err(),
            "`never` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or 1h30m, or none."
        );
        assert!(parse_target("0m").unwrap_err().contains("longer than zero"));
        assert!(
            parse_target("none").is_err(),
            "an incident always has a response target"
        );
    }
}
