//! On-call schedules: who is on call at an instant, and when that changes.
//!
//! A fixed list of people to page is wrong for any team with a rota: the person on call changes
//! every week, and people swap shifts or cover each other for an afternoon. A [`Schedule`] says
//! who is on call as a function of time: [`Layer`]s of rotations (daily, weekly or every N
//! days, handing off at a local time), stacked so that the last layer with someone wins,
//! optionally [`Restriction`]-ed to some days and hours, with [`Override`]s on top.
//!
//! Everything here is a pure computation over explicit instants: the clock, and the overrides
//! people record, are the caller's to supply. Hand-offs are wall-clock times in the schedule's
//! [`Zone`], so they stay at 09:00 for the team when daylight saving starts or ends; a skipped
//! or repeated local time is read as [`Zone`] documents (a hand-off at 02:30 on the night the
//! clocks jump from 02:00 to 03:00 happens at 03:30).
//!
//! The files: [`rotation`] (how turns follow one another), [`restriction`] (the days and hours
//! a layer holds), [`layer`] (one rotation of people), [`overrides`], [`schedule`] (the stack,
//! and the shifts that come out of it), [`parse`] (members and dates as configuration writes
//! them) and [`summary`] (a schedule in one line, for `check-config`).

pub mod layer;
pub mod overrides;
pub mod parse;
pub mod restriction;
pub mod rotation;
pub mod schedule;
pub mod summary;

#[cfg(test)]
mod tests;

pub use crate::escalation::{Contact, Zone};
pub use layer::Layer;
pub use overrides::Override;
pub use restriction::Restriction;
pub use rotation::{Handoff, Rotation};
pub use schedule::{HORIZON, MAX_STEPS, Schedule, Shift, Source};
pub use summary::{HANDOFFS, local_time};

/// The rota: the configured schedules, and the overrides people recorded on top of them.
#[derive(Clone)]
pub struct Roster {
    pub schedules: std::sync::Arc<Schedules>,
    pub overrides: std::sync::Arc<dyn crate::ports::OverrideStore>,
}

impl Roster {
    /// No schedules and nowhere to keep overrides.
    pub fn none() -> Roster {
        Roster {
            schedules: Default::default(),
            overrides: std::sync::Arc::new(crate::ports::NoOverrides),
        }
    }
}

impl std::fmt::Debug for Roster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Roster")
            .field("schedules", &self.schedules.names())
            .finish()
    }
}

/// Every configured schedule, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedules {
    /// In name order.
    pub list: Vec<Schedule>,
}

impl Schedules {
    /// The schedule called `name`.
    pub fn get(&self, name: &str) -> Option<&Schedule> {
        self.list.iter().find(|schedule| schedule.name == name)
    }

    /// Their names, for messages that list what may be named.
    pub fn names(&self) -> Vec<&str> {
        self.list.iter().map(|s| s.name.as_str()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
