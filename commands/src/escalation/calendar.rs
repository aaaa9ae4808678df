//! Local time for escalation: quiet hours, business days and "next business day".
//!
//! A team states its hours in its own time zone, as a fixed offset from UTC (`+01:00`); warroom
//! keeps and compares times in UTC and converts only here. A page that falls in quiet hours or
//! on a weekend is deferred to when they end, never dropped.

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDateTime, NaiveTime, Utc, Weekday};

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

/// The team's clock: its offset from UTC and when its working day starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    pub offset: FixedOffset,
    pub day_starts: NaiveTime,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            offset: FixedOffset::east_opt(0).expect("UTC"),
            day_starts: NaiveTime::from_hms_opt(9, 0, 0).expect("a time"),
        }
    }
}

fn weekend(day: Weekday) -> bool {
    matches!(day, Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.offset).naive_local()
    }

    fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        (local - self.offset).and_utc()
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
            offset: FixedOffset::east_opt(3600).unwrap(),
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
}
