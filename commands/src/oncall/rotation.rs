//! A layer's rotation: its members take turns, each for one period, handing off at a wall-clock
//! time in the schedule's zone.
//!
//! Hand-offs are counted in local dates, not in hours: the k-th hand-off is on the local date
//! `first + k × period` at the hand-off time, converted to an instant only then. That is what
//! keeps a Monday 09:00 hand-off at 09:00 on the team's clock when daylight saving starts or
//! ends, which makes the shift across the change an hour shorter or longer than the others.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};

use crate::escalation::Zone;

/// The longest period a rotation may have, in days.
const LONGEST: u32 = 365;

/// How long each member's turn lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    Daily,
    Weekly,
    /// Every N days (1 to 365), counted from the layer's start.
    Days(u32),
}

impl Rotation {
    /// Reads `daily`, `weekly` or a number of days such as `3d` or `14d`; the error is a sentence.
    pub fn parse(text: &str) -> Result<Rotation, String> {
        let word = text.trim().to_ascii_lowercase();
        match word.as_str() {
            "daily" => return Ok(Rotation::Daily),
            "weekly" => return Ok(Rotation::Weekly),
            _ => {}
        }
        let days = word
            .strip_suffix('d')
            .and_then(|n| n.parse::<u32>().ok())
            .ok_or_else(|| {
                format!(
                    "`{text}` is not a rotation; write daily, weekly or a number of days like 14d."
                )
            })?;
        match days {
            0 => Err(format!(
                "`{text}` is no time at all; a turn lasts at least a day, like 1d."
            )),
            n if n > LONGEST => Err(format!(
                "`{text}` is longer than a year; give at most {LONGEST}d."
            )),
            n => Ok(Rotation::Days(n)),
        }
    }

    /// The length of one turn in local days.
    pub fn days(self) -> i64 {
        match self {
            Rotation::Daily => 1,
            Rotation::Weekly => 7,
            Rotation::Days(n) => i64::from(n.max(1)),
        }
    }
}

impl std::fmt::Display for Rotation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rotation::Daily => f.write_str("daily"),
            Rotation::Weekly => f.write_str("weekly"),
            Rotation::Days(n) => write!(f, "{n}d"),
        }
    }
}

/// When a turn passes to the next member: a local time, and for a weekly rotation the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handoff {
    /// Only for [`Rotation::Weekly`]; the other rotations hand off every period from the start.
    pub day: Option<Weekday>,
    pub at: NaiveTime,
}

impl Handoff {
    /// Reads `monday 09:00` for a weekly rotation, `09:00` for the others; the error is a
    /// sentence.
    pub fn parse(text: &str, rotation: Rotation) -> Result<Handoff, String> {
        let bad = || {
            let like = match rotation {
                Rotation::Weekly => "\"monday 09:00\"",
                _ => "\"09:00\"",
            };
            format!("`{text}` is not a hand-off; write it like {like}.")
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        let time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad());
        match (rotation, words.as_slice()) {
            (Rotation::Weekly, [day, at]) => Ok(Handoff {
                day: Some(day.parse::<Weekday>().map_err(|_| bad())?),
                at: time(at)?,
            }),
            (Rotation::Weekly, [at]) => {
                time(at)?;
                Err(format!(
                    "`{text}` does not say which day a weekly rotation hands off; write it like \"monday {at}\"."
                ))
            }
            (_, [at]) => Ok(Handoff {
                day: None,
                at: time(at)?,
            }),
            (_, [day, at]) if day.parse::<Weekday>().is_ok() => {
                time(at)?;
                Err(format!(
                    "`{text}` names a day, but a {rotation} rotation hands off every {} from its start; write only the time, like \"{at}\".",
                    match rotation.days() {
                        1 => "day".to_string(),
                        n => format!("{n} days"),
                    }
                ))
            }
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Handoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.day {
            Some(day) => write!(f, "{day} {}", self.at.format("%H:%M")),
            None => write!(f, "{}", self.at.format("%H:%M")),
        }
    }
}

/// The hand-off instants of one layer: turn `k` (from 0) begins on the local date
/// `first + k × period` at `at`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Turns {
    zone: Zone,
    first: NaiveDate,
    period: i64,
    at: NaiveTime,
}

impl Turns {
    /// The first turn begins at the first hand-off at or after the start of `start` (local).
    pub(crate) fn new(zone: Zone, rotation: Rotation, handoff: Handoff, start: NaiveDate) -> Turns {
        let first = match (rotation, handoff.day) {
            (Rotation::Weekly, Some(day)) => {
                let ahead = (i64::from(day.num_days_from_monday())
                    - i64::from(start.weekday().num_days_from_monday()))
                .rem_euclid(7);
                start
                    .checked_add_signed(TimeDelta::days(ahead))
                    .unwrap_or(start)
            }
            _ => start,
        };
        Turns {
            zone,
            first,
            period: rotation.days(),
            at: handoff.at,
        }
    }

    /// When turn `k` begins; `None` past the calendar's range.
    pub(crate) fn start(&self, k: i64) -> Option<DateTime<Utc>> {
        let days = TimeDelta::try_days(k.checked_mul(self.period)?)?;
        let date = self.first.checked_add_signed(days)?;
        Some(self.zone.utc(date.and_time(self.at)))
    }

    /// The turn `at` falls in; `None` before the first hand-off.
    pub(crate) fn index(&self, at: DateTime<Utc>) -> Option<i64> {
        if self.start(0).is_none_or(|first| at < first) {
            return None;
        }
        let days = (self.zone.local(at).date() - self.first).num_days();
        let mut k = days.div_euclid(self.period).max(0);
        // The local date is at most a day off the turn's: a step or two settles it.
        for _ in 0..3 {
            if k > 0 && self.start(k).is_none_or(|s| s > at) {
                k -= 1;
            } else if self.start(k + 1).is_some_and(|s| s <= at) {
                k += 1;
            } else {
                break;
            }
        }
        Some(k)
    }

    /// The first hand-off after `at`.
    pub(crate) fn next(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.index(at) {
            None => self.start(0),
            Some(k) => self.start(k + 1),
        }
    }

    /// The last hand-off at or before `at`.
    pub(crate) fn prev(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.start(self.index(at)?)
    }
}
