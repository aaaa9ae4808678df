//! `/oncall`, `/oncall SCHEDULE` and `/oncall me`: the rota as it stands, overrides included.
//! Answers are ephemeral: asking who is on call pings nobody.

use chrono::{DateTime, Utc};

use super::{asker, named, overrides};
use crate::oncall::{Schedule, Shift, Source};
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply};

/// How many shifts `/oncall SCHEDULE` and `/oncall me` show.
const SHOWN: usize = 5;

/// Who is on call in each schedule, and who is next.
pub(super) async fn everyone(core: &Core, inv: &Invocation) -> Result<Reply, CommandError> {
    let now = core.clock.now();
    let overrides = overrides(core).await?;
    let mut reply = Reply::ephemeral().header("On call now");
    for schedule in &core.oncall.schedules.list {
        let shifts = schedule.shifts(now, 2, &overrides);
        let mut line = Line::new().words(format!("{}: ", schedule.name));
        let mut next = shifts.iter();
        match shifts.first() {
            Some(current) if current.from <= now => {
                line = named(line, &current.who, inv);
                next.next();
                if let Some(until) = current.until {
                    line = line.words(" until ").time(until);
                }
            }
            _ => line = line.words("nobody now"),
        }
        if let Some(then) = next.next() {
            line = named(line.words("; next "), &then.who, inv)
                .words(" from ")
                .time(then.from);
        }
        reply = reply.text(line);
    }
    Ok(reply.context("`/oncall SCHEDULE` shows the next shifts; `/oncall me` shows yours."))
}

/// The next shifts of one schedule.
pub(super) async fn one(
    core: &Core,
    inv: &Invocation,
    schedule: &Schedule,
) -> Result<Reply, CommandError> {
    let now = core.clock.now();
    let overrides = overrides(core).await?;
    let shifts = schedule.shifts(now, SHOWN, &overrides);
    let mut reply =
        Reply::ephemeral().header(format!("On call in {} ({})", schedule.name, schedule.zone));
    if shifts.is_empty() {
        return Ok(reply.text("Nobody is on call in it within a year."));
    }
    for shift in &shifts {
        reply = reply.text(span(named(Line::new(), &shift.who, inv), shift, now));
    }
    Ok(reply)
}

/// The asker's next shifts, in every schedule.
pub(super) async fn mine(core: &Core, inv: &Invocation) -> Result<Reply, CommandError> {
    let me = asker(inv)?;
    let now = core.clock.now();
    let overrides = overrides(core).await?;
    let mut shifts: Vec<(&Schedule, Shift)> = core
        .oncall
        .schedules
        .list
        .iter()
        .flat_map(|s| {
            s.shifts_of(&me, now, SHOWN, &overrides)
                .into_iter()
                .map(move |shift| (s, shift))
        })
        .collect();
    shifts.sort_by_key(|(_, shift)| shift.from);
    shifts.truncate(SHOWN);
    if shifts.is_empty() {
        return Ok(Reply::ephemeral().text(format!(
            "You have no shift within a year in {}.",
            core.oncall.schedules.names().join(", ")
        )));
    }
    let mut reply = Reply::ephemeral().header("Your next shifts");
    for (schedule, shift) in &shifts {
        let line = Line::new().words(format!("{}:", schedule.name));
        reply = reply.text(span(line, shift, now));
    }
    Ok(reply.context("`/oncall swap @someone` trades your next shift; `/oncall cover @someone 2h` hands over now."))
}

/// `line` followed by when the shift runs and why.
fn span(line: Line, shift: &Shift, now: DateTime<Utc>) -> Line {
    let mut line = if shift.from <= now {
        line.words(" now")
    } else {
        line.words(" from ").time(shift.from)
    };
    if let Some(until) = shift.until {
        line = line.words(" until ").time(until);
    }
    match &shift.source {
        Source::Layer(layer) => line.words(format!(" ({layer})")),
        Source::Override { by, .. } => line.words(" (override by ").person(by).words(")"),
    }
}
