//! Escalation policies per severity, as configuration states them.
//!
//! A level names when it fires (relative to the declaration) and whom it pages. Defaults follow
//! the runbooks' severity table: P1 pages on-call at once, again when the 5-minute acknowledge
//! target passes, and the engineering lead (by direct message too) after 30 minutes; P2 pages
//! on-call, and the lead after an hour; P3 pages on-call after 4 hours outside quiet hours; P4
//! on the next business day.

use chrono::{NaiveTime, TimeDelta, Weekday};

use super::Calendar;
use crate::incident::{Severity, Target};
use crate::ports::Mention;
use crate::{Platform, timefmt};

/// Someone a level pages, on one platform: a person or a group (Slack user group, Discord role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub platform: Platform,
    pub mention: Mention,
}

impl Contact {
    /// Parses `slack:U024BE7LH` (a person), `slack:S0614TZR7` (a user group),
    /// `discord:user:80351110224678912` or `discord:role:41771983423143936`; the error is a
    /// sentence. Discord's ids do not say whether they are a person or a role, hence the word.
    pub fn parse(text: &str) -> Result<Contact, String> {
        let bad = || {
            format!(
                "`{text}` is not someone to page; write slack:U… (a person), slack:S… (a user group), discord:user:ID or discord:role:ID."
            )
        };
        let (platform, rest) = text.split_once(':').ok_or_else(bad)?;
        let id_ok = |id: &str| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric());
        let mention = match Platform::parse(platform).ok_or_else(bad)? {
            Platform::Slack if id_ok(rest) && rest.starts_with('S') => {
                Mention::Group(rest.to_string())
            }
            Platform::Slack if id_ok(rest) && (rest.starts_with('U') || rest.starts_with('W')) => {
                Mention::User(rest.to_string())
            }
            Platform::Discord => match rest.split_once(':') {
                Some(("user", id)) if id_ok(id) => Mention::User(id.to_string()),
                Some(("role", id)) if id_ok(id) => Mention::Group(id.to_string()),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        };
        Ok(Contact {
            platform: Platform::parse(platform).ok_or_else(bad)?,
            mention,
        })
    }
}

impl std::fmt::Display for Contact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.platform, &self.mention) {
            (Platform::Discord, Mention::User(id)) => write!(f, "discord:user:{id}"),
            (Platform::Discord, Mention::Group(id)) => write!(f, "discord:role:{id}"),
            (platform, Mention::User(id) | Mention::Group(id)) => write!(f, "{platform}:{id}"),
        }
    }
}

/// One step of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// When the level fires if nobody has acknowledged, counted from the declaration.
    pub after: Target,
    /// Whom it pages, in the incident's channel: fixed contacts, and schedules read when the
    /// level fires (see [`super::whom`]). Contacts on other platforms are left out.
    pub notify: Vec<super::Pagee>,
    /// Also send each person a direct message.
    pub direct: bool,
}

/// How one severity escalates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityEscalation {
    /// In the order they fire; `after` never decreases.
    pub levels: Vec<Level>,
    /// After the last level, page its contacts again at this interval until acknowledged.
    pub repeat: Option<TimeDelta>,
    /// No page during these hours; a level due then fires when they end.
    pub quiet_hours: Option<super::QuietHours>,
    /// Pages only on Monday to Friday; a level due at a weekend fires on Monday morning.
    pub business_days: bool,
}

/// The weekly digest of incidents still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weekly {
    pub day: Weekday,
    pub at: NaiveTime,
    /// Where the digest is posted.
    pub channel: crate::ChannelRef,
}

/// Escalation for every severity, the calendar its times are read in, and the digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationPolicy {
    pub p1: SeverityEscalation,
    pub p2: SeverityEscalation,
    pub p3: SeverityEscalation,
    pub p4: SeverityEscalation,
    pub calendar: Calendar,
    pub digest: Option<Weekly>,
}

impl EscalationPolicy {
    pub fn of(&self, severity: Severity) -> &SeverityEscalation {
        match severity {
            Severity::P1 => &self.p1,
            Severity::P2 => &self.p2,
            Severity::P3 => &self.p3,
            Severity::P4 => &self.p4,
        }
    }

    /// The runbooks' defaults, paging `oncall` and `lead` (either may be empty: the level is
    /// then a reminder in the channel that names nobody).
    pub fn defaults(oncall: &[super::Pagee], lead: &[super::Pagee]) -> EscalationPolicy {
        let mins = |m| Target::Within(TimeDelta::minutes(m));
        let level = |after, notify: &[super::Pagee], direct| Level {
            after,
            notify: notify.to_vec(),
            direct,
        };
        let evenings = super::QuietHours {
            from: NaiveTime::from_hms_opt(22, 0, 0).expect("a time"),
            to: NaiveTime::from_hms_opt(8, 0, 0).expect("a time"),
        };
        EscalationPolicy {
            p1: SeverityEscalation {
                levels: vec![
                    level(mins(0), oncall, false),
                    level(mins(5), oncall, false),
                    level(mins(30), lead, true),
                ],
                repeat: None,
                quiet_hours: None,
                business_days: false,
            },
            p2: SeverityEscalation {
                levels: vec![level(mins(0), oncall, false), level(mins(60), lead, false)],
                repeat: None,
                quiet_hours: None,
                business_days: false,
            },
            p3: SeverityEscalation {
                levels: vec![level(mins(240), oncall, false)],
                repeat: None,
                quiet_hours: Some(evenings),
                business_days: false,
            },
            p4: SeverityEscalation {
                levels: vec![level(Target::NextBusinessDay, oncall, false)],
                repeat: None,
                quiet_hours: None,
                business_days: true,
            },
            calendar: Calendar::default(),
            digest: None,
        }
    }
}

impl Default for EscalationPolicy {
    fn default() -> Self {
        EscalationPolicy::defaults(&[], &[])
    }
}

impl Level {
    /// `after 5m` or `on the next business day`, for messages.
    pub fn when(&self) -> String {
        match self.after {
            Target::Within(d) if d <= TimeDelta::zero() => "at declaration".into(),
            Target::Within(d) => format!("after {}", timefmt::duration(d)),
            Target::NextBusinessDay => "on the next business day".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_say_whether_they_are_people_or_groups() {
        let parsed = |t: &str| Contact::parse(t).map(|c| c.mention);
        assert_eq!(
            parsed("slack:U024BE7LH"),
            Ok(Mention::User("U024BE7LH".into()))
        );
        assert_eq!(
            parsed("slack:S0614TZR7"),
            Ok(Mention::Group("S0614TZR7".into()))
        );
        assert_eq!(
            parsed("discord:role:4177"),
            Ok(Mention::Group("4177".into()))
        );
        assert_eq!(
            parsed("discord:user:8035"),
            Ok(Mention::User("8035".into()))
        );
        for bad in [
            "slack:C123",
            "discord:8035",
            "slack:<!channel>",
            "oncall",
            "console:alice",
        ] {
            assert!(Contact::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Contact::parse("discord:role:4177").unwrap().to_string(),
            "discord:role:4177"
        );
    }
}
