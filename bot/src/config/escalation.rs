//! `[escalation]`: who is paged when nobody acknowledges, in the team's own hours.
//!
//! The runbooks' policy is the default ([`EscalationPolicy::defaults`]), paging the people
//! listed in `oncall` and `lead`, so most teams write only those two lists. A severity given in
//! part (`[escalation.p3] quiet_hours = "none"`) keeps its defaults for the rest. In `notify`,
//! the words `oncall` and `lead` stand for those lists, so a level reads like the runbook.
//! Anywhere a contact is written, `schedule:NAME` may stand for whoever `[schedules.NAME]` has on
//! call when the level fires; a name that is no configured schedule is a problem under its key.
//!
//! The section is read as written and built into the policy in one pass that reports each bad
//! contact, duration or time under its key, so `warroom check-config` names them all.

use chrono::{FixedOffset, NaiveTime, TimeDelta, Weekday};
use serde::Deserialize;
use warroom_commands::escalation::{
    Calendar, EscalationPolicy, Level, Pagee, QuietHours, SeverityEscalation, Weekly, Zone,
};
use warroom_commands::grammar::parse_duration;

use super::problems::Problems;
use super::text::{channel, optional_duration, target};

/// `[escalation]` built: the policy, and whom it pages as written, for `check-config` to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationConfig {
    policy: EscalationPolicy,
    pub oncall: Vec<String>,
    pub lead: Vec<String>,
}

impl EscalationConfig {
    /// The policy the scheduler follows.
    pub fn policy(&self) -> EscalationPolicy {
        self.policy.clone()
    }

    /// The team's time zone, as `check-config` and `serve` state it.
    pub fn zone(&self) -> Zone {
        self.policy.calendar.zone
    }

    /// What to say about a fixed offset: it stays put when the clocks change.
    pub fn zone_warning(&self) -> Option<&'static str> {
        matches!(self.zone(), Zone::Fixed(_)).then_some(
            "a fixed offset does not follow daylight saving, so quiet hours, business days and \
             the digest are an hour off for half the year; name the zone instead, like \
             [escalation] time_zone = \"Europe/Berlin\"",
        )
    }
}

/// `[escalation]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct EscalationSection {
    /// The team's time zone for quiet hours, business days and the digest: `Europe/Berlin`.
    /// Default UTC.
    time_zone: Option<String>,
    /// The older way to say it, a fixed offset (`+01:00`): still read, but it does not follow
    /// daylight saving, so `check-config` and `serve` say to name the zone instead.
    utc_offset: Option<String>,
    /// When the working day starts, for "next business day": `09:00`.
    day_starts: Option<String>,
    /// Whom the default policy pages first: `slack:S…`, `discord:role:…`, `schedule:NAME`, …
    oncall: Vec<String>,
    /// Whom it pages when on-call does not acknowledge; `schedule:NAME` too.
    lead: Vec<String>,
    /// The weekly digest of open incidents: `mon 09:00`. Absent: no digest.
    digest: Option<String>,
    /// Where the digest is posted: `slack:C…` or `discord:CHANNEL_ID`.
    digest_channel: Option<String>,
    p1: Option<SeveritySection>,
    p2: Option<SeveritySection>,
    p3: Option<SeveritySection>,
    p4: Option<SeveritySection>,
}

/// `[escalation.p1]` as written: any key left out keeps the default.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SeveritySection {
    levels: Option<Vec<LevelSection>>,
    /// `15m`, or `none` to page each level once.
    repeat: Option<String>,
    /// `22:00-08:00`, or `none`.
    quiet_hours: Option<String>,
    business_days: Option<bool>,
}

/// One level: `{ after = "5m", notify = ["oncall"], direct = false }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelSection {
    after: String,
    notify: Vec<String>,
    #[serde(default)]
    direct: bool,
}

/// One entry of a list of whom to page: a contact, or `schedule:NAME` naming one of
/// `schedules`.
fn pagee(text: &str, schedules: &[&str]) -> Result<Pagee, String> {
    let pagee = Pagee::parse(text)?;
    match pagee.schedule() {
        Some(name) if !schedules.contains(&name) => {
            let known = match schedules {
                [] => String::new(),
                names => format!(" The schedules are: {}.", names.join(", ")),
            };
            Err(format!(
                "`{text}` names no schedule; add [schedules.{name}] or fix the name.{known}"
            ))
        }
        _ => Ok(pagee),
    }
}

fn pagees(
    path: &str,
    written: &[String],
    schedules: &[&str],
    problems: &mut Problems,
) -> Vec<Pagee> {
    written
        .iter()
        .filter_map(|text| problems.read(path, pagee(text, schedules)))
        .collect()
}

fn time_of_day(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("`{text}` is not a time of day; write it like 09:00."))
}

fn offset(text: &str) -> Result<Zone, String> {
    text.trim()
        .parse::<FixedOffset>()
        .map(Zone::Fixed)
        .map_err(|_| format!("`{text}` is not an offset from UTC; write it like +01:00 or -05:00."))
}

fn weekly(text: &str) -> Result<(Weekday, NaiveTime), String> {
    let bad = || format!("`{text}` is not a day and time; write it like \"mon 09:00\".");
    let (day, time) = text.trim().split_once(' ').ok_or_else(bad)?;
    let day = day.parse::<Weekday>().map_err(|_| bad())?;
    Ok((day, time_of_day(time).map_err(|_| bad())?))
}

fn quiet_hours(text: &str) -> Result<Option<QuietHours>, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    QuietHours::parse(text).map(Some)
}

impl EscalationSection {
    /// The policy, after every bad contact, duration or time, and every name that is not one of
    /// `schedules`, is reported under its key.
    pub(super) fn build(&self, schedules: &[&str], problems: &mut Problems) -> EscalationConfig {
        let oncall = pagees("escalation.oncall", &self.oncall, schedules, problems);
        let lead = pagees("escalation.lead", &self.lead, schedules, problems);
        let mut policy = EscalationPolicy::defaults(&oncall, &lead);
        let defaults = Calendar::default();
        let zone = match (&self.time_zone, &self.utc_offset) {
            (Some(_), Some(_)) => {
                problems.push(
                    "escalation.utc_offset",
                    "cannot be given with escalation.time_zone; keep time_zone, which follows daylight saving.",
                );
                defaults.zone
            }
            (Some(name), None) => problems
                .read("escalation.time_zone", Zone::named(name))
                .unwrap_or(defaults.zone),
            (None, written) => problems.parse_or(
                "escalation.utc_offset",
                written.as_deref(),
                offset,
                defaults.zone,
            ),
        };
        policy.calendar = Calendar {
            zone,
            day_starts: problems.parse_or(
                "escalation.day_starts",
                self.day_starts.as_deref(),
                time_of_day,
                defaults.day_starts,
            ),
        };
        match (&self.digest, &self.digest_channel) {
            (Some(when), Some(to)) => {
                let when = problems.read("escalation.digest", weekly(when));
                let to = problems.read("escalation.digest_channel", channel(to));
                if let (Some((day, at)), Some(channel)) = (when, to) {
                    policy.digest = Some(Weekly { day, at, channel });
                }
            }
            (Some(_), None) => problems.push(
                "escalation.digest_channel",
                "is required with escalation.digest: say where the digest is posted, like slack:C0123ABCD.",
            ),
            (None, Some(_)) => problems.push(
                "escalation.digest",
                "is required with escalation.digest_channel: say when, like \"mon 09:00\".",
            ),
            (None, None) => {}
        }
        for (name, given, target) in [
            ("p1", &self.p1, &mut policy.p1),
            ("p2", &self.p2, &mut policy.p2),
            ("p3", &self.p3, &mut policy.p3),
            ("p4", &self.p4, &mut policy.p4),
        ] {
            if let Some(given) = given {
                let path = format!("escalation.{name}");
                given.over(&path, target, (&oncall, &lead), schedules, problems);
            }
        }
        EscalationConfig {
            policy,
            oncall: self.oncall.clone(),
            lead: self.lead.clone(),
        }
    }
}

impl SeveritySection {
    fn over(
        &self,
        path: &str,
        target: &mut SeverityEscalation,
        (oncall, lead): (&[Pagee], &[Pagee]),
        schedules: &[&str],
        problems: &mut Problems,
    ) {
        if let Some(levels) = &self.levels {
            let mut read = Vec::new();
            let mut last = TimeDelta::zero();
            for (i, level) in levels.iter().enumerate() {
                let at = format!("{path}.levels[{i}]");
                let Some(after) = problems.read(&format!("{at}.after"), parse_after(&level.after))
                else {
                    continue;
                };
                if let warroom_commands::incident::Target::Within(d) = after {
                    if d < last {
                        problems.push(
                            format!("{at}.after"),
                            "comes before the level above it; list levels in the order they fire.",
                        );
                    }
                    last = d;
                }
                let mut notify = Vec::new();
                for name in &level.notify {
                    match name.as_str() {
                        "oncall" => notify.extend_from_slice(oncall),
                        "lead" => notify.extend_from_slice(lead),
                        text => notify
                            .extend(problems.read(&format!("{at}.notify"), pagee(text, schedules))),
                    }
                }
                read.push(Level {
                    after,
                    notify,
                    direct: level.direct,
                });
            }
            target.levels = read;
        }
        if let Some(text) = &self.repeat
            && let Some(repeat) = problems.read(&format!("{path}.repeat"), optional_duration(text))
        {
            target.repeat = repeat;
        }
        if let Some(text) = &self.quiet_hours
            && let Some(quiet) = problems.read(&format!("{path}.quiet_hours"), quiet_hours(text))
        {
            target.quiet_hours = quiet;
        }
        if let Some(business_days) = self.business_days {
            target.business_days = business_days;
        }
    }
}

/// A level's `after`: `0m` (at once) is allowed here, unlike a response target.
fn parse_after(text: &str) -> Result<warroom_commands::incident::Target, String> {
    match parse_duration(text) {
        Ok(d) if d == TimeDelta::zero() => Ok(warroom_commands::incident::Target::Within(d)),
        _ => target(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml_text: &str) -> EscalationSection {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn a_severity_given_in_part_keeps_its_defaults_and_names_stand_for_the_lists() {
        let config = config(
            r#"
            oncall = ["slack:S0ONCALL"]
            lead = ["slack:U0LEAD"]
            utc_offset = "+01:00"
            [p1]
            levels = [
              { after = "0m", notify = ["oncall"] },
              { after = "10m", notify = ["lead", "slack:U0MANAGER"], direct = true },
            ]
            repeat = "15m"
            [p3]
            quiet_hours = "none"
            "#,
        );
        let mut problems = Problems::default();
        let policy = config.build(&[], &mut problems).policy;
        let problems = problems.into_vec();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(policy.p1.levels.len(), 2);
        assert_eq!(
            policy.p1.levels[1]
                .notify
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec!["slack:U0LEAD", "slack:U0MANAGER"]
        );
        assert_eq!(policy.p1.repeat, Some(TimeDelta::minutes(15)));
        assert_eq!(policy.p3.quiet_hours, None);
        assert_eq!(policy.p3.levels.len(), 1, "P3 keeps its default level");
        assert_eq!(
            policy.p2.levels[0].notify.len(),
            1,
            "P2's default pages on-call"
        );
        assert_eq!(
            policy.calendar.zone,
            Zone::Fixed(FixedOffset::east_opt(3600).unwrap())
        );
    }

    #[test]
    fn a_named_zone_is_read_and_cannot_be_given_with_an_offset() {
        let mut problems = Problems::default();
        let policy = config(r#"time_zone = "Europe/Berlin""#)
            .build(&[], &mut problems)
            .policy;
        assert!(problems.into_vec().is_empty());
        assert_eq!(policy.calendar.zone.to_string(), "Europe/Berlin");
        for (written, path) in [
            (r#"time_zone = "Berlin""#, "escalation.time_zone"),
            (
                "time_zone = \"Europe/Berlin\"\nutc_offset = \"+01:00\"",
                "escalation.utc_offset",
            ),
        ] {
            let mut problems = Problems::default();
            config(written).build(&[], &mut problems);
            let paths: Vec<String> = problems.into_vec().into_iter().map(|p| p.path).collect();
            assert_eq!(paths, vec![path.to_string()], "{written}");
        }
    }

    #[test]
    fn every_bad_value_is_named_with_its_key() {
        let config = config(
            r#"
            oncall = ["slack:C0CHANNEL"]
            utc_offset = "CET"
            digest = "someday"
            [p2]
            levels = [{ after = "1h", notify = ["oncall"] }, { after = "5m", notify = ["boss"] }]
            quiet_hours = "late"
            "#,
        );
        let mut problems = Problems::default();
        config.build(&[], &mut problems);
        let problems = problems.into_vec();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "escalation.oncall",
                "escalation.utc_offset",
                "escalation.digest_channel",
                "escalation.p2.levels[1].after",
                "escalation.p2.levels[1].notify",
                "escalation.p2.quiet_hours",
            ],
            "{problems:?}"
        );
    }

    #[test]
    fn a_level_names_schedules_that_configuration_has() {
        let config = config(
            r#"
            oncall = ["schedule:primary"]
            lead = ["slack:U0LEAD"]
            [p1]
            levels = [
              { after = "0m", notify = ["oncall"] },
              { after = "30m", notify = ["schedule:secondary", "lead"] },
            ]
            [p2]
            levels = [{ after = "0m", notify = ["schedule:primry", "schedule:"] }]
            "#,
        );
        let mut problems = Problems::default();
        let policy = config
            .build(&["primary", "secondary"], &mut problems)
            .policy;
        let problems = problems.into_vec();
        let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            vec![
                "escalation.p2.levels[0].notify: `schedule:primry` names no schedule; add \
                 [schedules.primry] or fix the name. The schedules are: primary, secondary.",
                "escalation.p2.levels[0].notify: `schedule:` names no schedule; write \
                 schedule:NAME, NAME as in [schedules.NAME].",
            ]
        );
        let named = |level: &Level| -> Vec<String> {
            level.notify.iter().map(ToString::to_string).collect()
        };
        assert_eq!(named(&policy.p1.levels[0]), vec!["schedule:primary"]);
        assert_eq!(
            named(&policy.p1.levels[1]),
            vec!["schedule:secondary", "slack:U0LEAD"]
        );
        assert_eq!(
            named(&policy.p3.levels[0]),
            vec!["schedule:primary"],
            "the defaults page the on-call schedule"
        );
        let mut problems = Problems::default();
        config.build(&[], &mut problems);
        let paths: Vec<String> = problems.into_vec().into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            vec![
                "escalation.oncall",
                "escalation.p1.levels[1].notify",
                "escalation.p2.levels[0].notify",
                "escalation.p2.levels[0].notify",
            ]
        );
    }
}
