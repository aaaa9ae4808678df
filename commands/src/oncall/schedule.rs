//! A schedule: layers stacked, overrides on top, and the shifts that result.
//!
//! At any instant the person on call is the latest-created override covering it, else the
//! member of the LAST layer (in configuration order) that has someone then. That is
//! PagerDuty's convention, higher layers over lower ones, and it is what lets a business-hours
//! layer sit on top of a 24/7 rotation: in business hours the top layer answers, outside them
//! it has nobody and the rotation below shows through.
//!
//! A shift is a span in which one person is on call, whichever layers and overrides put them
//! there: consecutive pieces of the same person are one shift. Shifts are found by walking
//! from one change point (a hand-off, a restriction's edge, an override's ends) to the next,
//! never by stepping through time, and every walk is bounded by [`HORIZON`] and [`MAX_STEPS`],
//! so a schedule whose restriction never holds answers "nobody" instead of looping.

use chrono::{DateTime, TimeDelta, Utc};

use super::layer::Layer;
use super::overrides::{Override, Overrides};
use crate::escalation::{Contact, Zone};

/// How far a walk looks for a hand-off, either way: a shift with no hand-off within it has no
/// known end ([`Shift::until`] is `None`).
pub const HORIZON: TimeDelta = TimeDelta::days(366);

/// How many change points one walk examines at most (a safety net; [`HORIZON`] ends walks
/// long before in any schedule people write).
pub const MAX_STEPS: usize = 20_000;

/// A named on-call schedule: its layers, bottom first, and the zone its times are read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub name: String,
    pub zone: Zone,
    /// Bottom first: at an instant, the last layer that has someone wins.
    pub layers: Vec<Layer>,
    /// Where its hand-offs are announced; `None`: nowhere (the incoming person is still told).
    pub announce: Option<crate::ChannelRef>,
}

/// Why someone is on call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Their turn in the named layer.
    Layer(String),
    /// An override, recorded by `by`.
    Override { id: i64, by: String },
}

/// A span in which one person is on call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub who: Contact,
    /// When it began. For a shift under way, as far back as [`HORIZON`] looks: one that began
    /// earlier than that (through many pieces of the same person) shows the earliest change
    /// point found beyond it.
    pub from: DateTime<Utc>,
    /// When it ends; `None` when nobody takes over within [`HORIZON`] of the instant asked
    /// about (a one-person schedule, say).
    pub until: Option<DateTime<Utc>>,
    /// What puts them on call at the instant asked about, or for a later shift at its start.
    pub source: Source,
}

/// What the schedule says at one instant.
#[derive(Debug, Clone, Copy)]
enum State<'a> {
    Nobody,
    /// The index of the winning layer, and its member.
    Layer(usize, &'a Contact),
    Override(&'a Override),
}

impl<'a> State<'a> {
    fn who(self) -> Option<&'a Contact> {
        match self {
            State::Nobody => None,
            State::Layer(_, who) => Some(who),
            State::Override(o) => Some(&o.who),
        }
    }
}

/// `at + by`, or the last instant there is.
fn plus(at: DateTime<Utc>, by: TimeDelta) -> DateTime<Utc> {
    at.checked_add_signed(by)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `at - by`, or the first instant there is.
fn minus(at: DateTime<Utc>, by: TimeDelta) -> DateTime<Utc> {
    at.checked_sub_signed(by)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl Schedule {
    /// Who is on call at `at`, in the shift they are in. `overrides` may hold other schedules'
    /// overrides too: only this schedule's count.
    pub fn on_call(&self, at: DateTime<Utc>, overrides: &[Override]) -> Option<Shift> {
        let overrides = Overrides::of(&self.name, overrides);
        let state = self.state(at, overrides);
        let who = state.who()?;
        Some(Shift {
            who: who.clone(),
            from: self.began(at, overrides, who),
            until: self.ends(at, overrides, who),
            source: self.source(state)?,
        })
    }

    /// The shift under way at `from` (if anyone is on call then) and the ones after it, up to
    /// `count`, as far as [`HORIZON`] looks past each one's start. Spans with nobody on call
    /// are gaps between them.
    pub fn shifts(&self, from: DateTime<Utc>, count: usize, overrides: &[Override]) -> Vec<Shift> {
        let mut found = Vec::new();
        let mut at = from;
        while found.len() < count {
            let Some(shift) = self
                .next_on(at, overrides)
                .and_then(|start| self.on_call(start, overrides))
            else {
                break;
            };
            let until = shift.until;
            found.push(shift);
            match until {
                Some(until) => at = until,
                None => break,
            }
        }
        found
    }

    /// The first shift that begins after `from`: the one to hand over when someone swaps
    /// their next shift, its bounds being the override's.
    pub fn next_shift(&self, from: DateTime<Utc>, overrides: &[Override]) -> Option<Shift> {
        self.shifts(from, 2, overrides)
            .into_iter()
            .find(|shift| shift.from > from)
    }

    /// `who`'s shift under way at `from` and their next ones, up to `count`, within
    /// [`HORIZON`] of `from`.
    pub fn shifts_of(
        &self,
        who: &Contact,
        from: DateTime<Utc>,
        count: usize,
        overrides: &[Override],
    ) -> Vec<Shift> {
        let end = plus(from, HORIZON);
        let mut found = Vec::new();
        let mut at = from;
        for _ in 0..MAX_STEPS {
            if found.len() >= count {
                break;
            }
            let Some(shift) = self
                .next_on(at, overrides)
                .filter(|start| *start <= end)
                .and_then(|start| self.on_call(start, overrides))
            else {
                break;
            };
            let until = shift.until;
            if shift.who == *who {
                found.push(shift);
            }
            match until {
                Some(until) => at = until,
                None => break,
            }
        }
        found
    }

    fn state<'a>(&'a self, at: DateTime<Utc>, overrides: Overrides<'a>) -> State<'a> {
        if let Some(o) = overrides.winner(at) {
            return State::Override(o);
        }
        self.layers
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, layer)| layer.who(self.zone, at).map(|who| State::Layer(i, who)))
            .unwrap_or(State::Nobody)
    }

    fn source(&self, state: State<'_>) -> Option<Source> {
        match state {
            State::Nobody => None,
            State::Layer(i, _) => Some(Source::Layer(self.layers.get(i)?.name.clone())),
            State::Override(o) => Some(Source::Override {
                id: o.id,
                by: o.by.clone(),
            }),
        }
    }

    /// The layers whose changes can change `state`: while an override holds, none; while a
    /// layer holds, it and the ones above it; while nobody is on call, all.
    fn relevant<'a>(&'a self, state: State<'_>) -> &'a [Layer] {
        match state {
            State::Override(_) => &[],
            State::Layer(i, _) => self.layers.get(i..).unwrap_or_default(),
            State::Nobody => &self.layers,
        }
    }

    /// The first instant after `at` at which the state at `at` may change.
    fn next_change(
        &self,
        at: DateTime<Utc>,
        overrides: Overrides<'_>,
        state: State<'_>,
    ) -> Option<DateTime<Utc>> {
        self.relevant(state)
            .iter()
            .filter_map(|layer| layer.next_change(self.zone, at))
            .chain(overrides.next_change(at))
            .min()
    }

    /// The last instant at or before `at` since which the state has been what it is at `at`.
    fn prev_change(
        &self,
        at: DateTime<Utc>,
        overrides: Overrides<'_>,
        state: State<'_>,
    ) -> Option<DateTime<Utc>> {
        self.relevant(state)
            .iter()
            .filter_map(|layer| layer.prev_change(self.zone, at))
            .chain(overrides.prev_change(at))
            .max()
    }

    /// The first instant at or after `at` (within [`HORIZON`]) at which someone is on call.
    fn next_on(&self, at: DateTime<Utc>, overrides: &[Override]) -> Option<DateTime<Utc>> {
        let overrides = Overrides::of(&self.name, overrides);
        let end = plus(at, HORIZON);
        let mut now = at;
        for _ in 0..MAX_STEPS {
            let state = self.state(now, overrides);
            if state.who().is_some() {
                return Some(now);
            }
            now = self
                .next_change(now, overrides, state)
                .filter(|next| *next <= end)?;
        }
        None
    }

    /// When `who`, on call at `at`, stops being: the first change point after which someone
    /// else (or nobody) is.
    fn ends(
        &self,
        at: DateTime<Utc>,
        overrides: Overrides<'_>,
        who: &Contact,
    ) -> Option<DateTime<Utc>> {
        let end = plus(at, HORIZON);
        let mut now = at;
        let mut state = self.state(at, overrides);
        for _ in 0..MAX_STEPS {
            let next = self
                .next_change(now, overrides, state)
                .filter(|next| *next <= end)?;
            state = self.state(next, overrides);
            if state.who() != Some(who) {
                return Some(next);
            }
            now = next;
        }
        None
    }

    /// When `who`, on call at `at`, became so.
    fn began(&self, at: DateTime<Utc>, overrides: Overrides<'_>, who: &Contact) -> DateTime<Utc> {
        let floor = minus(at, HORIZON);
        let mut now = at;
        let mut state = self.state(at, overrides);
        for _ in 0..MAX_STEPS {
            // Unreached while someone is on call: their layer's start or override's beginning
            // is a change point.
            let Some(change) = self.prev_change(now, overrides, state) else {
                return now;
            };
            if change <= floor {
                return change;
            }
            let before = minus(change, TimeDelta::nanoseconds(1));
            state = self.state(before, overrides);
            if state.who() != Some(who) {
                return change;
            }
            now = before;
        }
        now
    }
}
