//! `[escalation]`: who is paged when nobody acknowledges, in the team's own hours.
//!
//! The runbooks' policy is the default ([`EscalationPolicy::defaults`]), paging the people
//! listed in `oncall` and `lead`, so most teams write only those two lists. A severity given in
//! part (`[escalation.p3] quiet_hours = "none"`) keeps its defaults for the rest. In `notify`,
//! the words `oncall` and `lead` stand for those lists, so a level reads like the runbook.
//!
//! Every value is checked when the file is loaded, so `warroom check-config` names each bad
//! contact, duration or time with its key; the policy the scheduler gets is then always whole.

use chrono::{FixedOffset, NaiveTime, TimeDelta, Weekday};
use serde::Deserialize;
use warroom_commands::escalation::{
    Calendar, Contact, EscalationPolicy, Level, QuietHours, SeverityEscalation, Weekly,
};
use warroom_commands::grammar::parse_duration;
use warroom_commands::incident::Severity;
use warroom_commands::{ChannelRef, Platform};

use super::Problem;
use super::severity::{parse_optional_duration, parse_target};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EscalationConfig {
    /// The team's offset from UTC for quiet hours and business days: `+01:00`. Default UTC.
    pub utc_offset: Option<String>,
    /// When the working day starts, for "next business day": `09:00`.
    pub day_starts: Option<String>,
    /// Whom the default policy pages first: `slack:S…`, `discord:role:…`, …
    pub oncall: Vec<String>,
    /// Whom it pages when on-call does not acknowledge.
    pub lead: Vec<String>,
    /// The weekly digest of open incidents: `mon 09:00`. Absent: no digest.
    pub digest: Option<String>,
    /// Where the digest is posted: `slack:C…` or `discord:CHANNEL_ID`.
    pub digest_channel: Option<String>,
    pub p1: Option<SeverityEscalationConfig>,
    pub p2: Option<SeverityEscalationConfig>,
    pub p3: Option<SeverityEscalationConfig>,
    pub p4: Option<SeverityEscalationConfig>,
}

/// `[escalation.p1]`: any key left out keeps the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SeverityEscalationConfig {
    pub levels: Option<Vec<LevelConfig>>,
    /// `15m`, or `none` to page each level once.
    pub repeat: Option<String>,
    /// `22:00-08:00`, or `none`.
    pub quiet_hours: Option<String>,
    pub business_days: Option<bool>,
}

/// One level: `{ after = "5m", notify = ["oncall"], direct = false }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LevelConfig {
    pub after: String,
    pub notify: Vec<String>,
    #[serde(default)]
    pub direct: bool,
}

/// Collects problems under key paths while reading values.
struct Reader<'a> {
    problems: &'a mut Vec<Problem>,
}

impl Reader<'_> {
    fn read<T>(&mut self, path: &str, result: Result<T, String>) -> Option<T> {
        result
            .map_err(|message| self.problems.push(Problem::new(path, message)))
            .ok()
    }

    fn contacts(&mut self, path: &str, written: &[String]) -> Vec<Contact> {
        written
            .iter()
            .filter_map(|text| self.read(path, Contact::parse(text)))
            .collect()
    }
}

fn time_of_day(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("`{text}` is not a time of day; write it like 09:00."))
}

fn offset(text: &str) -> Result<FixedOffset, String> {
    text.trim()
        .parse::<FixedOffset>()
        .map_err(|_| format!("`{text}` is not an offset from UTC; write it like +01:00 or -05:00."))
}

fn weekly(text: &str) -> Result<(Weekday, NaiveTime), String> {
    let bad = || format!("`{text}` is not a day and time; write it like \"mon 09:00\".");
    let (day, time) = text.trim().split_once(' ').ok_or_else(bad)?;
    let day = day.parse::<Weekday>().map_err(|_| bad())?;
    Ok((day, time_of_day(time).map_err(|_| bad())?))
}

fn channel(text: &str) -> Result<ChannelRef, String> {
    let bad = || format!("`{text}` is not a channel; write slack:C0123ABCD or discord:CHANNEL_ID.");
    let (platform, id) = text.split_once(':').ok_or_else(bad)?;
    match Platform::parse(platform) {
        Some(p @ (Platform::Slack | Platform::Discord))
            if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Ok(ChannelRef::new(p, "", id))
        }
        _ => Err(bad()),
    }
}

fn quiet_hours(text: &str) -> Result<Option<QuietHours>, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    QuietHours::parse(text).map(Some)
}

impl EscalationConfig {
    /// The policy the scheduler follows.
    pub fn policy(&self) -> EscalationPolicy {
        self.build(&mut Vec::new())
    }

    pub(super) fn check(&self, problems: &mut Vec<Problem>) {
        self.build(problems);
    }

    fn build(&self, problems: &mut Vec<Problem>) -> EscalationPolicy {
        let mut r = Reader { problems };
        let oncall = r.contacts("escalation.oncall", &self.oncall);
        let lead = r.contacts("escalation.lead", &self.lead);
        let mut policy = EscalationPolicy::defaults(&oncall, &lead);
        let mut calendar = Calendar::default();
        if let Some(text) = &self.utc_offset {
            calendar.offset = r
                .read("escalation.utc_offset", offset(text))
                .unwrap_or(calendar.offset);
        }
        if let Some(text) = &self.day_starts {
            calendar.day_starts = r
                .read("escalation.day_starts", time_of_day(text))
                .unwrap_or(calendar.day_starts);
        }
        policy.calendar = calendar;
        match (&self.digest, &self.digest_channel) {
            (Some(when), Some(to)) => {
                let when = r.read("escalation.digest", weekly(when));
                let to = r.read("escalation.digest_channel", channel(to));
                if let (Some((day, at)), Some(channel)) = (when, to) {
                    policy.digest = Some(Weekly { day, at, channel });
                }
            }
            (Some(_), None) => r.problems.push(Problem::new(
                "escalation.digest_channel",
                "is required with escalation.digest: say where the digest is posted, like slack:C0123ABCD.",
            )),
            (None, Some(_)) => r.problems.push(Problem::new(
                "escalation.digest",
                "is required with escalation.digest_channel: say when, like \"mon 09:00\".",
            )),
            (None, None) => {}
        }
        for severity in Severity::ALL {
            let given = match severity {
                Severity::P1 => &self.p1,
                Severity::P2 => &self.p2,
                Severity::P3 => &self.p3,
                Severity::P4 => &self.p4,
            };
            if let Some(given) = given {
                let path = format!("escalation.{}", severity.as_str());
                let target = match severity {
                    Severity::P1 => &mut policy.p1,
                    Severity::P2 => &mut policy.p2,
                    Severity::P3 => &mut policy.p3,
                    Severity::P4 => &mut policy.p4,
                };
                given.over(&path, target, &oncall, &lead, &mut r);
            }
        }
        policy
    }
}

impl SeverityEscalationConfig {
    fn over(
        &self,
        path: &str,
        target: &mut SeverityEscalation,
        oncall: &[Contact],
        lead: &[Contact],
        r: &mut Reader<'_>,
    ) {
        if let Some(levels) = &self.levels {
            let mut read = Vec::new();
            let mut last = TimeDelta::zero();
            for (i, level) in levels.iter().enumerate() {
                let at = format!("{path}.levels[{}]", i + 1);
                let Some(after) = r.read(&format!("{at}.after"), parse_after(&level.after)) else {
                    continue;
                };
                if let warroom_commands::incident::Target::Within(d) = after {
                    if d < last {
                        r.problems.push(Problem::new(
                            format!("{at}.after"),
                            "comes before the level above it; list levels in the order they fire.",
                        ));
                    }
                    last = d;
                }
                let mut notify = Vec::new();
                for name in &level.notify {
                    match name.as_str() {
                        "oncall" => notify.extend_from_slice(oncall),
                        "lead" => notify.extend_from_slice(lead),
                        text => {
                            notify.extend(r.read(&format!("{at}.notify"), Contact::parse(text)))
                        }
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
            && let Some(repeat) = r.read(&format!("{path}.repeat"), parse_optional_duration(text))
        {
            target.repeat = repeat;
        }
        if let Some(text) = &self.quiet_hours
            && let Some(quiet) = r.read(&format!("{path}.quiet_hours"), quiet_hours(text))
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
        _ => parse_target(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warroom_commands::ports::Mention;

    fn config(toml_text: &str) -> EscalationConfig {
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
        let mut problems = Vec::new();
        let policy = config.build(&mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(policy.p1.levels.len(), 2);
        assert_eq!(
            policy.p1.levels[1]
                .notify
                .iter()
                .map(|c| c.mention.clone())
                .collect::<Vec<_>>(),
            vec![
                Mention::User("U0LEAD".into()),
                Mention::User("U0MANAGER".into())
            ]
        );
        assert_eq!(policy.p1.repeat, Some(TimeDelta::minutes(15)));
        assert_eq!(policy.p3.quiet_hours, None);
        assert_eq!(policy.p3.levels.len(), 1, "P3 keeps its default level");
        assert_eq!(
            policy.p2.levels[0].notify.len(),
            1,
            "P2's default pages on-call"
        );
        assert_eq!(policy.calendar.offset, FixedOffset::east_opt(3600).unwrap());
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
        let mut problems = Vec::new();
        config.build(&mut problems);
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "escalation.oncall",
                "escalation.utc_offset",
                "escalation.digest_channel",
                "escalation.p2.levels[2].after",
                "escalation.p2.levels[2].notify",
                "escalation.p2.quiet_hours",
            ],
            "{problems:?}"
        );
    }
}
