//! One layer of a schedule: a rotation of people, optionally only on some days and hours.
//!
//! A layer answers two questions for the schedule above it: who it has at an instant, and the
//! instants around one where that can change (its hand-offs, its start, its restriction's
//! windows). The schedule walks from change to change; it never steps through time blindly.

use chrono::{DateTime, NaiveDate, Utc};

use super::restriction::Restriction;
use super::rotation::{Handoff, Rotation, Turns};
use crate::escalation::{Contact, Zone};

/// A rotation of people. Before its first hand-off, and outside its restriction, it has nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// Names the layer in answers ("on call through layer `weekly`").
    pub name: String,
    /// People, in the order they take turns; the first takes the first turn.
    pub members: Vec<Contact>,
    pub every: Rotation,
    pub handoff: Handoff,
    /// The first turn begins at the first hand-off on or after this local date.
    pub start: NaiveDate,
    pub restriction: Option<Restriction>,
}

/// Whichever of two instants comes first, or the one there is.
fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whichever of two instants comes last, or the one there is.
fn latest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

impl Layer {
    fn turns(&self, zone: Zone) -> Turns {
        Turns::new(zone, self.every, self.handoff, self.start)
    }

    /// Whose turn it is at `at`, whether or not the restriction holds.
    pub fn turn(&self, zone: Zone, at: DateTime<Utc>) -> Option<&Contact> {
        let k = self.turns(zone).index(at)?;
        let count = i64::try_from(self.members.len()).ok().filter(|n| *n > 0)?;
        self.members.get(usize::try_from(k.rem_euclid(count)).ok()?)
    }

    /// Who the layer has on call at `at`: the member whose turn it is, while the restriction
    /// holds.
    pub fn who(&self, zone: Zone, at: DateTime<Utc>) -> Option<&Contact> {
        if let Some(restriction) = &self.restriction
            && !restriction.holds(zone, at)
        {
            return None;
        }
        self.turn(zone, at)
    }

    /// When the layer begins: its first hand-off.
    pub fn begins(&self, zone: Zone) -> Option<DateTime<Utc>> {
        self.turns(zone).start(0)
    }

    /// The first instant after `at` at which [`Layer::who`] may change. With one member only
    /// the start and the restriction's windows count: its hand-offs change nothing.
    pub(crate) fn next_change(&self, zone: Zone, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let turns = self.turns(zone);
        let handoff = match self.members.len() {
            0 => None,
            1 => turns.start(0).filter(|first| *first > at),
            _ => turns.next(at),
        };
        let edge = self
            .restriction
            .as_ref()
            .and_then(|r| r.next_edge(zone, at));
        earliest(handoff, edge)
    }

    /// The last instant at or before `at` at which [`Layer::who`] may have changed.
    pub(crate) fn prev_change(&self, zone: Zone, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let turns = self.turns(zone);
        let handoff = match self.members.len() {
            0 => None,
            1 => turns.start(0).filter(|first| *first <= at),
            _ => turns.prev(at),
        };
        let edge = self
            .restriction
            .as_ref()
            .and_then(|r| r.prev_edge(zone, at));
        latest(handoff, edge)
    }
}
