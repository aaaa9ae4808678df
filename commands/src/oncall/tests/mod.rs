//! The schedules on a manual clock: every instant is written out, nothing waits.
//!
//! `rotation.rs`: turns, hand-offs and daylight saving; `layers.rs`: stacking and
//! restrictions; `overrides.rs`: overrides, swaps and a person's shifts; `written.rs`: how
//! configuration writes them; `summary.rs`: the line `check-config` prints.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::*;

mod layers;
mod overrides;
mod rotation;
mod summary;
mod written;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn berlin() -> Zone {
    Zone::named("Europe/Berlin").unwrap()
}

fn gmt() -> Zone {
    Zone::named("UTC").unwrap()
}

/// `slack:U0ALICE` for "alice".
fn person(name: &str) -> Contact {
    parse::person(&format!("slack:U0{}", name.to_uppercase())).unwrap()
}

/// A layer as configuration writes it.
fn layer(name: &str, members: &[&str], rotation: &str, handoff: &str, start: &str) -> Layer {
    let every = Rotation::parse(rotation).unwrap();
    Layer {
        name: name.to_string(),
        members: members.iter().map(|m| person(m)).collect(),
        every,
        handoff: Handoff::parse(handoff, every).unwrap(),
        start: parse::start(start).unwrap(),
        restriction: None,
    }
}

fn schedule(zone: Zone, layers: Vec<Layer>) -> Schedule {
    Schedule {
        name: "primary".to_string(),
        zone,
        layers,
        announce: None,
    }
}

/// A shift as `(who, from, until)`, to compare lists at a glance.
fn span(shift: &Shift) -> (String, DateTime<Utc>, Option<DateTime<Utc>>) {
    (shift.who.to_string(), shift.from, shift.until)
}

/// The expected `(who, from, until)`.
fn expect(who: &str, from: &str, until: &str) -> (String, DateTime<Utc>, Option<DateTime<Utc>>) {
    (person(who).to_string(), utc(from), Some(utc(until)))
}

fn time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M").unwrap()
}

fn date(text: &str) -> NaiveDate {
    parse::start(text).unwrap()
}

fn hours(shift: &Shift) -> i64 {
    (shift.until.unwrap() - shift.from).num_hours()
}

fn cover(id: i64, who: &str, from: &str, until: &str) -> Override {
    Override {
        id,
        schedule: "primary".to_string(),
        who: person(who),
        from: utc(from),
        until: utc(until),
        by: "slack:U0LEAD".to_string(),
    }
}
