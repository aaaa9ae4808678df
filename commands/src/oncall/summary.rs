//! A schedule in one line: who is on call now and at the next hand-offs, in the schedule's own
//! time zone (the people reading it are the ones on the rota, who think in their local time).
//!
//! `now slack:U0ALICE until Mon 7 Dec 09:00 CET; then slack:U0BOB from Mon 7 Dec 09:00 CET,
//! nobody from Mon 14 Dec 17:00 CET, …`: a hand-off to nobody (outside a restriction) counts as
//! one, since a page then reaches no one.

use chrono::{DateTime, Utc};

use super::overrides::Override;
use super::schedule::{HORIZON, Schedule};
use crate::escalation::{Contact, Zone};

/// How many hand-offs after now the summary names.
pub const HANDOFFS: usize = 3;

/// `Mon 7 Dec 09:00 CET`: a time on the schedule's clock, with the zone's abbreviation, which
/// says which side of a daylight-saving change it is on.
pub fn local_time(zone: Zone, at: DateTime<Utc>) -> String {
    match zone {
        Zone::Named(tz) => at
            .with_timezone(&tz)
            .format("%a %-d %b %H:%M %Z")
            .to_string(),
        Zone::Fixed(offset) => at
            .with_timezone(&offset)
            .format("%a %-d %b %H:%M UTC%:z")
            .to_string(),
    }
}

impl Schedule {
    /// Who is on call at `now` and at the next [`HANDOFFS`] hand-offs, as one line.
    pub fn summary(&self, now: DateTime<Utc>, overrides: &[Override]) -> String {
        let shifts = self.shifts(now, HANDOFFS + 1, overrides);
        let current = shifts.first().filter(|shift| shift.from <= now);
        // Each hand-off after now: who takes over (None: nobody) and when.
        let mut handoffs: Vec<(Option<&Contact>, DateTime<Utc>)> = Vec::new();
        let mut covered_until = current.map_or(Some(now), |shift| shift.until);
        for shift in shifts.iter().skip(usize::from(current.is_some())) {
            if let Some(end) = covered_until
                && end < shift.from
                && end > now
            {
                handoffs.push((None, end));
            }
            handoffs.push((Some(&shift.who), shift.from));
            covered_until = shift.until;
        }
        if shifts.len() <= HANDOFFS
            && let Some(end) = covered_until.filter(|end| *end > now)
        {
            handoffs.push((None, end));
        }
        handoffs.truncate(HANDOFFS);

        let mut line = match current {
            Some(shift) => match shift.until {
                Some(until) => format!("now {} until {}", shift.who, local_time(self.zone, until)),
                None => format!(
                    "now {}, with no hand-off within {} days",
                    shift.who,
                    HORIZON.num_days()
                ),
            },
            None if handoffs.is_empty() => format!(
                "nobody is on call now or within {} days",
                HORIZON.num_days()
            ),
            None => "now nobody".to_string(),
        };
        if !handoffs.is_empty() {
            let then: Vec<String> = handoffs
                .iter()
                .map(|(who, at)| {
                    let who = who.map_or("nobody".to_string(), Contact::to_string);
                    format!("{who} from {}", local_time(self.zone, *at))
                })
                .collect();
            line.push_str("; then ");
            line.push_str(&then.join(", "));
        }
        line
    }
}
