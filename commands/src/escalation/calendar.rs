//! Local time for escalation: quiet hours, business days and "next business day".
//!
//! A team states its hours in its own time zone, an IANA name (`Europe/Berlin`) that follows
//! daylight saving, or the older fixed offset from UTC (`+01:00`) that does not; warroom keeps
//! and compares times in UTC and converts only here. A page that falls in quiet hours or on a
//! weekend is deferred to when they end, never dropped.

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

/// Hours in which a severity does not page, e.g. 22:00–08:00 (may wrap past midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl QuietHours {
    /// Parses `22:00-08:00`; the error is a sentence.
    pub fn parse(text: &str) -> Result<QuietHours, String> {
        let bad = || format!("`{text}` is not a span of hours; write it like 22:00-08:00.");
        let (from, to) = text.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let (from, to) = (time(from)?, time(to)?);
        if from == to {
            return Err(format!(
                "`{text}` starts and ends at the same time; give two different times."
            ));
        }
        Ok(QuietHours { from, to })
    }

    fn contains(&self, t: NaiveTime) -> bool {
        if self.from < self.to {
            self.from <= t && t < self.to
        } else {
            t >= self.from || t < self.to
        }
    }

    /// The local moment the quiet hours containing `at` end.
    fn end(&self, at: NaiveDateTime) -> NaiveDateTime {
        let today = at.date().and_time(self.to);
        if today > at {
            today
        } else {
            today + Days::new(1)
        }
    }
}

impl std::fmt::Display for QuietHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}",
            self.from.format("%H:%M"),
            self.to.format("%H:%M")
        )
    }
}

/// Where the team's clock is: a named zone whose offset changes with daylight saving, or a
/// fixed offset kept for configurations written before zones could be named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Named(Tz),
    Fixed(FixedOffset),
}

impl Zone {
    /// Reads `Europe/Berlin` (or `UTC`); the error is a sentence.
    pub fn named(text: &str) -> Result<Zone, String> {
        text.trim().parse::<Tz>().map(Zone::Named).map_err(|_| {
            format!("`{text}` is not a time zone; write an IANA name like Europe/Berlin or America/New_York.")
        })
    }

    /// The wall-clock time this zone shows at `at`.
    pub(crate) fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Named(tz) => at.with_timezone(tz).naive_local(),
            Zone::Fixed(offset) => at.with_timezone(offset).naive_local(),
        }
    }

    /// The instant of a local time. A time the clocks skip in spring (02:30 when they jump from
    /// 02:00 to 03:00) is read as the same time after the jump, so a deferred page still goes
    /// out; a time that happens twice in autumn is read as its first occurrence.
    pub(crate) fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Named(tz) => {
                let mut at = local;
                // No zone skips more than a day; stepping an hour at a time finds the far side.
                for _ in 0..26 {
                    if let Some(found) = tz.from_local_datetime(&at).earliest() {
                        return found.with_timezone(&Utc);
                    }
                    at += TimeDelta::hours(1);
                }
                local.and_utc()
            }
            Zone::Fixed(offset) => (local - *offset).and_utc(),
        }
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Zone::Named(tz) => write!(f, "{}", tz.name()),
            Zone::Fixed(offset) => write!(f, "UTC{offset}"),
        }
    }
}

/// The team's clock: its time zone and when its working day starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    pub zone: Zone,
    pub day_starts: NaiveTime,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            zone: Zone::Named(Tz::UTC),
            day_starts: NaiveTime::from_hms_opt(9, 0, 0).expect("a time"),
        }
    }
}

fn weekend(day: Weekday) -> bool {
    matches!(day, Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// The team's wall-clock time at `at`.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        self.zone.local(at)
    }

    /// The instant the team's clock shows `local` (see [`Zone::utc`] for the skipped and
    /// repeated hours of a daylight-saving change).
    pub fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        self.zone.utc(local)
    }

    /// The start of the first working day after the day of `from`.
    pub fn next_business_day(&self, from: DateTime<Utc>) -> DateTime<Utc> {
        let mut day = self.local(from).date() + Days::new(1);
        while weekend(day.weekday()) {
            day = day + Days::new(1);
        }
        self.utc(day.and_time(self.day_starts))
    }

    /// The first moment at or after `at` outside `quiet` and, with `business_days`, on a
    /// working day.
    pub fn allowed(
        &self,
        at: DateTime<Utc>,
        quiet: Option<QuietHours>,
        business_days: bool,
    ) -> DateTime<Utc> {
        let mut local = self.local(at);
        // Each step moves forward to a quiet end or a Monday; a week of them settles it.
        for _ in 0..8 {
            if business_days && weekend(local.weekday()) {
                let mut day = local.date() + Days::new(1);
                while weekend(day.weekday()) {
                    day = day + Days::new(1);
                }
                local = day.and_time(self.day_starts);
                continue;
            }
            match quiet {
                Some(q) if q.contains(local.time()) => local = q.end(local),
                _ => break,
            }
        }
        self.utc(local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_wrap_past_midnight_and_defer_to_their_end() {
        let calendar = Calendar::default();
        let quiet = Some(QuietHours::parse("22:00-08:00").unwrap());
        // Wednesday 23:30 → Thursday 08:00; 03:00 → 08:00 the same day; noon is not quiet.
        assert_eq!(
            calendar.allowed(utc("2026-11-18T23:30:00Z"), quiet, false),
            utc("2026-11-19T08:00:00Z")
        );
        assert_eq!(
            calendar.allowed(utc("2026-11-19T03:00:00Z"), quiet, false),
            utc("2026-11-19T08:00:00Z")
        );
        assert_eq!(
            calendar.allowed(utc("2026-11-19T12:00:00Z"), quiet, false),
            utc("2026-11-19T12:00:00Z")
        );
    }

    #[test]
    fn business_days_skip_the_weekend_in_local_time() {
        let calendar = Calendar {
            zone: Zone::Fixed(FixedOffset::east_opt(3600).unwrap()),
            ..Calendar::default()
        };
        // Friday 15:00 UTC is Friday 16:00 local: the next business day is Monday 09:00 local.
        assert_eq!(
            calendar.next_business_day(utc("2026-11-20T15:00:00Z")),
            utc("2026-11-23T08:00:00Z")
        );
        // Saturday noon UTC → Monday 09:00 local.
        assert_eq!(
            calendar.allowed(utc("2026-11-21T12:00:00Z"), None, true),
            utc("2026-11-23T08:00:00Z")
        );
        assert!(QuietHours::parse("8-9").is_err());
        assert!(QuietHours::parse("08:00-08:00").is_err());
    }

    fn berlin() -> Calendar {
        Calendar {
            zone: Zone::named("Europe/Berlin").unwrap(),
            ..Calendar::default()
        }
    }

    #[test]
    fn quiet_hours_follow_daylight_saving_in_a_named_zone() {
        let quiet = Some(QuietHours::parse("22:00-08:00").unwrap());
        // Saturday 23:00 CET; the clocks go forward that night, so 08:00 on Sunday is CEST.
        let night = utc("2026-03-28T22:00:00Z");
        assert_eq!(
            berlin().allowed(night, quiet, false),
            utc("2026-03-29T06:00:00Z")
        );
        // The same night with a fixed +01:00 ends an hour late: what `utc_offset` gets wrong.
        let fixed = Calendar {
            zone: Zone::Fixed(FixedOffset::east_opt(3600).unwrap()),
            ..Calendar::default()
        };
        assert_eq!(
            fixed.allowed(night, quiet, false),
            utc("2026-03-29T07:00:00Z")
        );
        // In autumn the clocks go back: 08:00 on Sunday 25 October is CET again.
        assert_eq!(
            berlin().allowed(utc("2026-10-24T21:00:00Z"), quiet, false),
            utc("2026-10-25T07:00:00Z")
        );
    }

    #[test]
    fn a_skipped_hour_is_read_after_the_jump_and_a_repeated_one_at_its_first_pass() {
        let calendar = berlin();
        // 02:30 on 29 March does not exist in Berlin: it is the instant 03:30 CEST shows.
        let skipped = chrono::NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(calendar.utc(skipped), utc("2026-03-29T01:30:00Z"));
        // 02:30 on 25 October happens twice: the first time, still CEST.
        let twice = chrono::NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(calendar.utc(twice), utc("2026-10-25T00:30:00Z"));
        // Quiet hours that end inside the skipped hour end at that same instant, 03:30 CEST.
        let quiet = Some(QuietHours::parse("01:00-02:30").unwrap());
        assert_eq!(
            calendar.allowed(utc("2026-03-29T00:15:00Z"), quiet, false),
            utc("2026-03-29T01:30:00Z")
        );
    }

    #[test]
    fn zones_are_read_by_their_iana_names() {
        assert_eq!(berlin().zone.to_string(), "Europe/Berlin");
        assert_eq!(Calendar::default().zone.to_string(), "UTC");
        assert_eq!(
            Zone::named("Mars/Olympus").unwrap_err(),
            "`Mars/Olympus` is not a time zone; write an IANA name like Europe/Berlin or America/New_York."
        );
    }
}
