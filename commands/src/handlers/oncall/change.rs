//! `/oncall cover @someone DURATION|until TIME [SCHEDULE]` and `/oncall swap @someone
//! [SCHEDULE]`: overrides recorded on top of the rota, in the shared database, so they hold
//! across restarts and replicas, and in the audit log.
//!
//! A cover starts now: someone takes the schedule for a while (the asker's shift, usually, or
//! a gap). A swap trades shifts that have not started: the other person takes the asker's next
//! shift, and the asker takes theirs when they have one. Neither deletes anything: a later
//! override wins where it overlaps an earlier one, so a mistake is corrected by another.

use chrono::{DateTime, Days, Utc};

use super::{asker, named, overrides, person, schedule};
use crate::actions::{AuditEntry, AuditEvent};
use crate::escalation::Contact;
use crate::grammar::{LONGEST_COVER, Until};
use crate::oncall::{Override, Schedule, Shift};
use crate::ports::NewOverride;
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply};

pub(super) async fn cover(
    core: &Core,
    inv: &Invocation,
    who: &str,
    until: Until,
    named_schedule: Option<&str>,
) -> Result<Reply, CommandError> {
    let who = person(inv, who)?;
    let now = core.clock.now();
    let overrides = overrides(core).await?;
    let schedule = match named_schedule {
        Some(name) => schedule(core, name)?,
        None => covered(core, inv, now, &overrides)?,
    };
    crate::handlers::operates(
        core,
        inv,
        "oncall",
        format!("change who is on call in {}", schedule.name),
    )?;
    let end = end(schedule, until, now)?;
    let stored = record(core, inv, schedule, &who, (now, end), "cover").await?;
    Ok(Reply::channel().text(
        named(Line::new(), &stored.who, inv)
            .words(format!(" is on call in {} until ", schedule.name))
            .time(end)
            .words(", a cover recorded by ")
            .person(&inv.actor)
            .words("."),
    ))
}

pub(super) async fn swap(
    core: &Core,
    inv: &Invocation,
    who: &str,
    named_schedule: Option<&str>,
) -> Result<Reply, CommandError> {
    let who = person(inv, who)?;
    let me = asker(inv)?;
    if who == me {
        return Err(CommandError::user(
            "Name someone else to swap with: `/oncall swap @bob`.",
        ));
    }
    let now = core.clock.now();
    let overrides = overrides(core).await?;
    let (schedule, mine) = match named_schedule {
        Some(name) => {
            let schedule = schedule(core, name)?;
            let Some(mine) = next_of(schedule, &me, now, &overrides) else {
                return Err(CommandError::user(format!(
                    "You have no shift coming in {}; `/oncall cover @someone 2h` hands over the one under way.",
                    schedule.name
                )));
            };
            (schedule, mine)
        }
        None => core
            .oncall
            .schedules
            .list
            .iter()
            .filter_map(|s| next_of(s, &me, now, &overrides).map(|shift| (s, shift)))
            .min_by_key(|(_, shift)| shift.from)
            .ok_or_else(|| {
                CommandError::user(format!(
                    "You have no shift coming within a year in {}; `/oncall cover @someone 2h` hands over the one under way.",
                    core.oncall.schedules.names().join(", ")
                ))
            })?,
    };
    crate::handlers::operates(
        core,
        inv,
        "oncall",
        format!("change who is on call in {}", schedule.name),
    )?;
    let theirs = next_of(schedule, &who, now, &overrides);
    let mine_until = mine.until.unwrap_or(mine.from);
    record(core, inv, schedule, &who, (mine.from, mine_until), "swap").await?;
    let mut line = named(Line::new(), &who, inv)
        .words(format!(" takes your shift in {} from ", schedule.name))
        .time(mine.from)
        .words(" until ")
        .time(mine_until);
    match theirs {
        Some(Shift {
            from,
            until: Some(until),
            ..
        }) => {
            record(core, inv, schedule, &me, (from, until), "swap").await?;
            line = line
                .words("; you take theirs from ")
                .time(from)
                .words(" until ")
                .time(until)
                .words(".");
        }
        _ => line = line.words("; they have no shift coming to take in return."),
    }
    Ok(Reply::channel().text(line))
}

/// The schedule a cover without a name is about: the one the asker is on call in now, or the
/// only one.
fn covered<'a>(
    core: &'a Core,
    inv: &Invocation,
    now: DateTime<Utc>,
    overrides: &[Override],
) -> Result<&'a Schedule, CommandError> {
    let list = &core.oncall.schedules.list;
    if let [only] = list.as_slice() {
        return Ok(only);
    }
    let me = asker(inv).ok();
    let mine: Vec<&Schedule> = list
        .iter()
        .filter(|s| {
            me.as_ref().is_some_and(|me| {
                s.on_call(now, overrides)
                    .is_some_and(|shift| &shift.who == me)
            })
        })
        .collect();
    match mine.as_slice() {
        [one] => Ok(one),
        _ => Err(CommandError::user(format!(
            "Name the schedule, like `/oncall cover @bob 2h {}`; it is one of {}.",
            list[0].name,
            core.oncall.schedules.names().join(", ")
        ))),
    }
}

/// The first shift of `who` that starts after `now` and ends.
fn next_of(
    schedule: &Schedule,
    who: &Contact,
    now: DateTime<Utc>,
    overrides: &[Override],
) -> Option<Shift> {
    schedule
        .shifts_of(who, now, 3, overrides)
        .into_iter()
        .find(|s| s.from > now && s.until.is_some())
}

/// When a cover ends: `until` read in the schedule's zone, after now and within
/// [`LONGEST_COVER`].
fn end(
    schedule: &Schedule,
    until: Until,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, CommandError> {
    let end = match until {
        Until::For(span) => now + span,
        Until::At { day, time } => {
            let today = schedule.zone.local(now).date();
            let at = schedule.zone.utc(day.unwrap_or(today).and_time(time));
            match day {
                None if at <= now => schedule.zone.utc((today + Days::new(1)).and_time(time)),
                _ => at,
            }
        }
    };
    if end <= now || end - now > LONGEST_COVER {
        return Err(CommandError::user(format!(
            "A cover ends after now and within {} days; that time is not.",
            LONGEST_COVER.num_days()
        )));
    }
    Ok(end)
}

/// Stores the override and its audit entry.
async fn record(
    core: &Core,
    inv: &Invocation,
    schedule: &Schedule,
    who: &Contact,
    (from, until): (DateTime<Utc>, DateTime<Utc>),
    reason: &str,
) -> Result<Override, CommandError> {
    let now = core.clock.now();
    let stored = core
        .oncall
        .overrides
        .add_override(&NewOverride {
            schedule: schedule.name.clone(),
            who: who.clone(),
            from,
            until,
            by: inv.actor.clone(),
            reason: reason.into(),
            at: now,
        })
        .await?;
    let said = format!(
        "{reason}: {who} on call in {} from {} until {}",
        schedule.name,
        from.format("%Y-%m-%d %H:%M UTC"),
        until.format("%Y-%m-%d %H:%M UTC")
    );
    let entry = AuditEntry::new(
        now,
        AuditEvent::Succeeded,
        &inv.channel,
        &inv.actor,
        &inv.text,
        "oncall",
        &said,
    );
    core.actions.audit(&entry).await?;
    // An override moves hand-offs: the next one may now be sooner.
    crate::escalation::handoff::plan(core).await?;
    Ok(stored)
}
