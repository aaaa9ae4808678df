//! Overrides: someone takes a schedule for a span (`/oncall cover @bob 2h`, a swapped shift).
//!
//! Overrides are stored by whoever records them; here they are only input. An override beats
//! every layer while it lasts, and of two that overlap the one created later (the larger id)
//! wins, so a correction needs no delete: record the right one on top.

use chrono::{DateTime, Utc};

use crate::escalation::Contact;

/// `who` is on call for `schedule` from `from` until `until`, whatever its layers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Increases with creation: of two overlapping overrides, the larger id wins.
    pub id: i64,
    /// The schedule's name; overrides of other schedules are ignored, so a caller may pass all.
    pub schedule: String,
    pub who: Contact,
    pub from: DateTime<Utc>,
    /// Not included: the override has ended at this instant. Not after `from`: it never holds.
    pub until: DateTime<Utc>,
    /// Who recorded it, for answers and the audit trail.
    pub by: String,
}

impl Override {
    /// Whether it holds at `at`.
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.until
    }
}

/// The overrides of one schedule that hold at some instant.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Overrides<'a> {
    schedule: &'a str,
    all: &'a [Override],
}

impl<'a> Overrides<'a> {
    pub(crate) fn of(schedule: &'a str, all: &'a [Override]) -> Overrides<'a> {
        Overrides { schedule, all }
    }

    fn each(self) -> impl Iterator<Item = &'a Override> {
        self.all
            .iter()
            .filter(move |o| o.schedule == self.schedule && o.from < o.until)
    }

    /// The override that holds at `at`: of those covering it, the latest created.
    pub(crate) fn winner(self, at: DateTime<Utc>) -> Option<&'a Override> {
        self.each().filter(|o| o.covers(at)).max_by_key(|o| o.id)
    }

    /// The first instant after `at` at which an override begins or ends.
    pub(crate) fn next_change(self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.each()
            .flat_map(|o| [o.from, o.until])
            .filter(|edge| *edge > at)
            .min()
    }

    /// The last instant at or before `at` at which an override began or ended.
    pub(crate) fn prev_change(self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.each()
            .flat_map(|o| [o.from, o.until])
            .filter(|edge| *edge <= at)
            .max()
    }
}
