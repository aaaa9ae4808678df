//! A hand-off: for each announcing schedule whose person changed since the job was due, say
//! who is on call now in its channel, and tell that person, by direct message, which open
//! incidents they inherit. Then plan the next hand-off.
//!
//! The person before is read just before the due instant, and the person now at `now`, with
//! the overrides that held across both, so a late firing (the scheduler was down) still names
//! the right two. A post that fails leaves the job to be fired again, which may repeat the
//! announcement of a schedule that was already told.

use chrono::{DateTime, TimeDelta, Utc};

use super::{Outbox, send};
use crate::escalation::claim::Claim;
use crate::escalation::handoff;
use crate::oncall::{Schedule, Shift};
use crate::ports::{JobOutcome, ListFilter, Mention, Recipient};
use crate::reply::Line;
use crate::{CommandError, Reply};

/// How many open incidents the incoming person's message lists.
const LISTED: u32 = 10;

pub(super) async fn handoff(
    claim: Claim<'_>,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
    let (core, job) = (claim.core, claim.job);
    let before = job.due - TimeDelta::seconds(1);
    let overrides = core.oncall.overrides.overrides(before).await?;
    let mut told = Vec::new();
    for schedule in &core.oncall.schedules.list {
        let Some(channel) = &schedule.announce else {
            continue;
        };
        let was = schedule.on_call(before, &overrides);
        let is = schedule.on_call(now, &overrides);
        if was.as_ref().map(|s| &s.who) == is.as_ref().map(|s| &s.who) {
            continue;
        }
        let said = announcement(schedule, was.as_ref(), is.as_ref());
        if let Err(outcome) = send(
            claim,
            outbox,
            &Recipient::Channel(channel.clone()),
            &[],
            &said,
        )
        .await?
        {
            return Ok(outcome);
        }
        if let Some(shift) = &is
            && let Mention::User(user) = &shift.who.mention
        {
            let inherited = inheritance(claim, schedule, shift).await?;
            let to = Recipient::Direct {
                platform: shift.who.platform,
                user: user.clone(),
            };
            if let Err(outcome) = send(claim, outbox, &to, &[], &inherited).await? {
                return Ok(outcome);
            }
        }
        told.push(format!(
            "{}: {}",
            schedule.name,
            is.map_or("nobody".to_string(), |s| s.who.to_string())
        ));
    }
    handoff::plan(core).await?;
    Ok(JobOutcome::Fired {
        note: told.join(" "),
    })
}

/// `who` in a line: a mention on the channel's platform, else the contact as written.
fn person(line: Line, shift: &Shift, schedule: &Schedule) -> Line {
    match (&shift.who.mention, &schedule.announce) {
        (Mention::User(id), Some(channel)) if channel.platform == shift.who.platform => {
            line.person(id)
        }
        _ => line.words(shift.who.to_string()),
    }
}

/// "On call in primary: @bob until …, taking over from @alice."
fn announcement(schedule: &Schedule, was: Option<&Shift>, is: Option<&Shift>) -> Reply {
    let mut line = Line::new().words(format!("🔁 On call in {}: ", schedule.name));
    match is {
        Some(shift) => {
            line = person(line, shift, schedule);
            if let Some(until) = shift.until {
                line = line.words(" until ").time(until);
            }
        }
        None => line = line.words("nobody for now"),
    }
    if let Some(was) = was {
        line = person(line.words(", taking over from "), was, schedule);
    }
    Reply::channel().text(line.words("."))
}

/// The incoming person's message: their shift and the open incidents they inherit.
async fn inheritance(
    claim: Claim<'_>,
    schedule: &Schedule,
    shift: &Shift,
) -> Result<Reply, CommandError> {
    let mut head = Line::new().words(format!("You are on call in {}", schedule.name));
    if let Some(until) = shift.until {
        head = head.words(" until ").time(until);
    }
    let open = claim.core.store.list(ListFilter::Open, LISTED).await?;
    let mut reply = Reply::channel().text(head.words("."));
    if open.is_empty() {
        return Ok(reply.text("No incident is open."));
    }
    reply = reply.text(format!("You inherit {} open incident(s):", open.len()));
    for incident in &open {
        reply = reply.text(format!(
            "{} {} · {} · {}",
            incident.severity.marker(),
            incident.id,
            incident.status.as_str(),
            incident.title
        ));
    }
    Ok(reply)
}
