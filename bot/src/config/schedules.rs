//! `[schedules.NAME]`: on-call schedules, so that "who is on call" follows the team's rota
//! instead of a fixed list.
//!
//! A schedule is layers of rotations listed bottom first: at any moment the last layer with
//! someone on call wins, so a business-hours layer listed after a 24/7 one answers in business
//! hours. Its time zone defaults to `[escalation] time_zone`. The section is read as
//! written and built into [`Schedules`] in one pass that reports each bad member, rotation,
//! hand-off, date or restriction under its key, so `warroom check-config` names them all.

use std::collections::BTreeMap;

use serde::Deserialize;
use warroom_commands::escalation::Zone;
use warroom_commands::oncall::{Handoff, Layer, Restriction, Rotation, Schedule, Schedules, parse};

use super::problems::{Problems, index, join};
use super::services::check_name;
use super::text::channel;

/// `[schedules.NAME]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct ScheduleSection {
    /// The IANA zone its hand-offs and restrictions are read in: `Europe/Berlin`. Default:
    /// `[escalation] time_zone`.
    time_zone: Option<String>,
    /// `[[schedules.NAME.layers]]`, bottom first.
    layers: Vec<LayerSection>,
    /// The channel each hand-off is announced in: `slack:C0ONCALL` or `discord:CHANNEL_ID`.
    announce: Option<String>,
}

/// `[[schedules.NAME.layers]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerSection {
    /// Named in answers ("on call through layer weekly"). Default `layer 1`, `layer 2`, ….
    name: Option<String>,
    /// People in turn order: `slack:U…` or `discord:user:ID`.
    members: Vec<String>,
    /// `daily`, `weekly` or a number of days: `14d`.
    rotation: String,
    /// `monday 09:00` for a weekly rotation, `09:00` for the others.
    handoff: String,
    /// The first member's turn begins at the first hand-off on or after this date: `2026-11-30`.
    start: String,
    /// Only these days and hours: `mon-fri 09:00-17:00`. Absent: all the time.
    restrict: Option<String>,
}

/// Every schedule, built; `zone` is the team's, for schedules that do not name their own.
pub(super) fn build(
    written: &BTreeMap<String, ScheduleSection>,
    zone: Zone,
    problems: &mut Problems,
) -> Schedules {
    Schedules {
        list: written
            .iter()
            .map(|(name, section)| section.build(name, zone, problems))
            .collect(),
    }
}

impl ScheduleSection {
    fn build(&self, name: &str, zone: Zone, problems: &mut Problems) -> Schedule {
        let at = format!("schedules.{name}");
        check_name(&at, name, problems);
        let zone = match &self.time_zone {
            Some(written) => problems
                .read(&join(&at, "time_zone"), Zone::named(written))
                .unwrap_or(zone),
            None => zone,
        };
        let layers_at = join(&at, "layers");
        if self.layers.is_empty() {
            problems.push(
                &layers_at,
                format!(
                    "is required: add at least one [[{layers_at}]] with members, rotation, handoff and start."
                ),
            );
        }
        let mut layers: Vec<Layer> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for (i, written) in self.layers.iter().enumerate() {
            let at = index(&layers_at, i);
            let name = written
                .name
                .clone()
                .unwrap_or_else(|| format!("layer {}", i + 1));
            if names.contains(&name) {
                problems.push(
                    join(&at, "name"),
                    format!("`{name}` names another layer too; give each layer its own name."),
                );
            }
            names.push(name.clone());
            if let Some(layer) = written.build(name, &at, problems) {
                layers.push(layer);
            }
        }
        let announce = self
            .announce
            .as_ref()
            .and_then(|written| problems.read(&join(&at, "announce"), channel(written)));
        Schedule {
            name: name.to_string(),
            zone,
            layers,
            announce,
        }
    }
}

impl LayerSection {
    /// The layer, or `None` once what is wrong with it is reported.
    fn build(&self, name: String, at: &str, problems: &mut Problems) -> Option<Layer> {
        let members_at = join(at, "members");
        let members = parse::members(&self.members).map_err(|found| {
            for (i, message) in found {
                let path = match i {
                    Some(i) => index(&members_at, i),
                    None => members_at.clone(),
                };
                problems.push(path, message);
            }
        });
        let every = problems.read(&join(at, "rotation"), Rotation::parse(&self.rotation));
        let handoff_at = join(at, "handoff");
        let handoff = match every {
            Some(every) => problems.read(&handoff_at, Handoff::parse(&self.handoff, every)),
            // Without a rotation, a hand-off is checked for what every rotation needs: a time.
            None => {
                let weekly = Handoff::parse(&self.handoff, Rotation::Weekly);
                if Handoff::parse(&self.handoff, Rotation::Daily).is_err() && weekly.is_err() {
                    problems.read(&handoff_at, weekly);
                }
                None
            }
        };
        let start = problems.read(&join(at, "start"), parse::start(&self.start));
        let restriction = match &self.restrict {
            Some(text) => Some(problems.read(&join(at, "restrict"), Restriction::parse(text))?),
            None => None,
        };
        Some(Layer {
            name,
            members: members.ok()?,
            every: every?,
            handoff: handoff?,
            start: start?,
            restriction,
        })
    }
}
