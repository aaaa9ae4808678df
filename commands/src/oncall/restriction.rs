//! When a layer holds at all: some days of the week, between two local times ("business hours
//! only", "nights only").
//!
//! A restriction is a window that opens on each of its days at `from` and closes at `to` the
//! same day, or the next morning when `to` comes before `from` (`22:00-06:00`): the days name
//! the evening a night window opens. Each window's ends are turned into instants with the
//! schedule's zone, and whether the restriction holds is read from those instants, so the
//! answer and the hand-offs computed from the windows never disagree, even in the hour the
//! clocks repeat in autumn (a window ends the first time its end shows on the clock).

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};

use crate::escalation::Zone;

/// The days and hours a layer holds; outside them the layer has nobody on call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    /// The days a window opens on. Empty: the layer never holds.
    pub days: Vec<Weekday>,
    pub from: NaiveTime,
    /// Before `from`: the window closes the next day.
    pub to: NaiveTime,
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

impl Restriction {
    /// Reads `mon-fri 09:00-17:00`, `sat,sun 10:00-16:00`, `fri-mon 22:00-06:00` (a range may
    /// wrap past Sunday) or `09:00-17:00` (every day); the error is a sentence.
    pub fn parse(text: &str) -> Result<Restriction, String> {
        let bad = || {
            format!(
                "`{text}` is not a restriction; write the days and hours a layer holds, like \"mon-fri 09:00-17:00\" or \"22:00-06:00\" (every night)."
            )
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        let (days, hours) = match words.as_slice() {
            [hours] => (WEEK.to_vec(), *hours),
            [days, hours] => (weekdays(days).ok_or_else(bad)?, *hours),
            _ => return Err(bad()),
        };
        let (from, to) = hours.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad());
        let (from, to) = (time(from)?, time(to)?);
        if from == to {
            return Err(format!(
                "`{text}` starts and ends at the same time; give two different times, or leave the restriction out for all day."
            ));
        }
        Ok(Restriction { days, from, to })
    }

    /// Whether the layer holds at `at`.
    pub fn holds(&self, zone: Zone, at: DateTime<Utc>) -> bool {
        let today = zone.local(at).date();
        // A window that holds at `at` opened today, or yesterday if it wraps past midnight.
        [today.pred_opt(), Some(today)]
            .into_iter()
            .flatten()
            .filter_map(|day| self.window(zone, day))
            .any(|(open, close)| open <= at && at < close)
    }

    /// The first instant after `at` at which a window opens or closes; `None` when none does
    /// within a week (no days at all).
    pub(crate) fn next_edge(&self, zone: Zone, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = zone.local(at).date();
        self.edges(zone, today.checked_sub_days(Days::new(1))?, 10)
            .filter(|edge| *edge > at)
            .min()
    }

    /// The last instant at or before `at` at which a window opened or closed.
    pub(crate) fn prev_edge(&self, zone: Zone, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = zone.local(at).date();
        self.edges(zone, today.checked_sub_days(Days::new(8))?, 10)
            .filter(|edge| *edge <= at)
            .max()
    }

    /// Every window's opening and closing instants, for `count` days from `first`.
    fn edges(
        &self,
        zone: Zone,
        first: NaiveDate,
        count: usize,
    ) -> impl Iterator<Item = DateTime<Utc>> {
        first
            .iter_days()
            .take(count)
            .filter_map(move |day| self.window(zone, day))
            .flat_map(|(open, close)| [open, close])
    }

    /// The window that opens on `day`, as instants, if the restriction has that day.
    fn window(&self, zone: Zone, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.days.contains(&day.weekday()) {
            return None;
        }
        let closes = if self.to > self.from {
            day
        } else {
            day.succ_opt()?
        };
        Some((
            zone.utc(day.and_time(self.from)),
            zone.utc(closes.and_time(self.to)),
        ))
    }
}

/// `mon-fri`, `sat,sun`, `mon,wed-fri`, `fri-mon`: each day once, in the week's order.
fn weekdays(text: &str) -> Option<Vec<Weekday>> {
    let mut days = [false; 7];
    for part in text.split(',') {
        let (first, last) = match part.split_once('-') {
            Some((first, last)) => (first.parse::<Weekday>().ok()?, last.parse().ok()?),
            None => {
                let day = part.parse::<Weekday>().ok()?;
                (day, day)
            }
        };
        let mut day = first;
        for _ in 0..7 {
            days[day.num_days_from_monday() as usize] = true;
            if day == last {
                break;
            }
            day = day.succ();
        }
    }
    Some(
        WEEK.into_iter()
            .filter(|d| days[d.num_days_from_monday() as usize])
            .collect(),
    )
}

impl std::fmt::Display for Restriction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .days
            .iter()
            .map(|d| d.to_string().to_lowercase())
            .collect();
        write!(
            f,
            "{} {}-{}",
            names.join(","),
            self.from.format("%H:%M"),
            self.to.format("%H:%M")
        )
    }
}
