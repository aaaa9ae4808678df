//! Doing a due job: page, remind or post the digest — after looking at the incident as it is
//! now, so that nothing fires for an incident that no longer needs it.
//!
//! What this guarantees, on one database and any number of warroom processes:
//! - Only the worker that holds a job's claim posts for it: the claim is checked and renewed
//!   ([`Claim::hold`]) just before each notification, and a worker that lost it posts nothing.
//! - An escalation level plans the next one when it fires, before its page is posted: it is
//!   recorded as firing, the next level is stored as pending with its own due time, then the
//!   page goes out, then the timeline entry and the job's end are written. A worker that stops
//!   during the post delays no later level: whoever is alive fires it on time.
//! - A page repeats in one way only: a worker stops (or its post outlasts the [`LEASE`]) after
//!   recording the job as firing and before recording its end. The claim runs out after the
//!   lease and the job is fired again, so its page may go out twice, at most a lease apart.
//!   The job fired again does not plan the next level a second time ([`Job::firing`]).
//! - A post that failed keeps its claim for [`RETRY`](super::RETRY) and is then fired again.
//!   A failed post may still have been delivered (a timeout while the request was on its
//!   way), so this can repeat a page too: the same window, seen from a live worker.
//!
//! The jobs of one claim fire concurrently, [`AT_ONCE`] at a time, so a hundred incidents
//! declared together are paged together, not one after another.
//!
//! Here is what every kind of job shares: claiming, the second look at the incident, and the
//! one way out to chat (`send`, which holds the claim and redacts). Each kind's own work is in
//! `fire/escalate.rs` (the levels), `fire/reminders.rs` (reminders and the digest),
//! `fire/auto_resolve.rs` (resolving an incident whose alerts stayed quiet) and
//! `fire/handoff.rs` (announcing who is on call now).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};

use super::claim::{Claim, LEASE};
use super::{Job, JobKind, WARROOM};
use crate::incident::{EntryKind, Incident, NewEntry, Status};
use crate::ports::{CardStore, JobOutcome, Mention, Notifier, Recipient};
use crate::{ChannelRef, CommandError, Core, Platform, Reply};

mod auto_resolve;
mod escalate;
mod handoff;
mod reminders;

use auto_resolve::auto_resolve;
use escalate::escalate;
use handoff::handoff;
use reminders::{digest, postmortem_due, update_reminder};

/// How many claimed jobs fire at once. A claim of more waits its turn within the batch; a job
/// that waited past its lease finds the claim lost when it is about to post and is left to
/// whoever claimed it since.
pub const AT_ONCE: usize = 50;

/// The ways warroom speaks first on each chat platform, and where incident cards live.
#[derive(Clone, Default)]
pub struct Outbox {
    pub notifiers: Vec<(Platform, Arc<dyn Notifier>)>,
    pub cards: Option<Arc<dyn CardStore>>,
}

impl Outbox {
    fn notifier(&self, platform: Platform) -> Option<&Arc<dyn Notifier>> {
        self.notifiers
            .iter()
            .find(|(p, _)| *p == platform)
            .map(|(_, n)| n)
    }

    /// Where the incident is worked: the channel its card is in (a channel warroom created for
    /// it), or the channel it was declared in.
    async fn room(&self, incident: &Incident) -> ChannelRef {
        if let Some(cards) = &self.cards
            && let Ok(Some(card)) = cards.card(incident.id, incident.channel.platform).await
        {
            return card.channel;
        }
        incident.channel.clone()
    }
}

/// Claims up to `limit` jobs due now for `worker` and fires them, [`AT_ONCE`] at a time; what
/// each came to, in the order they finished. A job that failed with an internal error (the
/// store) keeps its claim until the lease runs out and is then tried again.
pub async fn run_due(
    core: &Core,
    outbox: &Outbox,
    worker: &str,
    limit: u32,
) -> Result<Vec<(Job, Result<JobOutcome, CommandError>)>, CommandError> {
    let jobs = core
        .schedule
        .claim(core.clock.now(), worker, LEASE, limit)
        .await?;
    Ok(stream::iter(jobs)
        .map(|job| async move {
            let result = fire(core, outbox, &job, worker).await;
            let outcome = match &result {
                Ok(JobOutcome::Fired { .. }) => "fired",
                Ok(JobOutcome::StoodDown { .. }) => "stood-down",
                Ok(JobOutcome::Failed { .. }) => "failed",
                Ok(JobOutcome::LostClaim) => "lost-claim",
                Err(_) => "error",
            };
            core.metrics.job(job.kind.as_str(), outcome);
            (job, result)
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await)
}

/// Does `job` (claimed by `worker`) and records how it ended: a refused post keeps the claim
/// for [`RETRY`](super::RETRY), a lost claim records nothing, anything else is the job's end.
pub async fn fire(
    core: &Core,
    outbox: &Outbox,
    job: &Job,
    worker: &str,
) -> Result<JobOutcome, CommandError> {
    let now = core.clock.now();
    let claim = Claim { core, job, worker };
    let outcome = match job.kind {
        JobKind::Escalate => escalate(claim, outbox, now).await?,
        JobKind::UpdateReminder => update_reminder(claim, outbox, now).await?,
        JobKind::PostmortemDue => postmortem_due(claim, outbox, now).await?,
        JobKind::Digest => digest(claim, outbox, now).await?,
        JobKind::AutoResolve => auto_resolve(claim, outbox, now).await?,
        JobKind::Handoff => handoff(claim, outbox, now).await?,
    };
    match outcome {
        JobOutcome::LostClaim => {}
        JobOutcome::Failed { .. } => claim.retry_later().await?,
        _ => core.schedule.finish(job.id, worker, now, &outcome).await?,
    }
    Ok(outcome)
}

fn stood_down(why: impl Into<String>) -> JobOutcome {
    JobOutcome::StoodDown { why: why.into() }
}

/// The incident a job is about, or why the job has nothing to do.
async fn incident_of(core: &Core, job: &Job) -> Result<Result<Incident, JobOutcome>, CommandError> {
    let Some(id) = job.incident else {
        return Ok(Err(stood_down("the job names no incident")));
    };
    Ok(match core.store.get(id).await? {
        Some(incident) => Ok(incident),
        None => Err(stood_down(format!("{id} does not exist"))),
    })
}

/// The job's incident if it is still open, or why the job has nothing to do.
async fn open_incident_of(
    core: &Core,
    job: &Job,
) -> Result<Result<Incident, JobOutcome>, CommandError> {
    Ok(match incident_of(core, job).await? {
        Ok(incident) if incident.status == Status::Resolved => {
            Err(stood_down(format!("{} is resolved", incident.id)))
        }
        other => other,
    })
}

/// Posts `reply` in the incident's room and, once it is out, records `text` on the timeline;
/// the job's outcome when the post could not be made.
async fn post_and_record(
    claim: Claim<'_>,
    outbox: &Outbox,
    incident: &Incident,
    reply: &Reply,
    now: DateTime<Utc>,
    text: &str,
) -> Result<Option<JobOutcome>, CommandError> {
    let room = Recipient::Channel(outbox.room(incident).await);
    if let Err(outcome) = send(claim, outbox, &room, &[], reply).await? {
        return Ok(Some(outcome));
    }
    let entry = NewEntry::new(now, WARROOM, EntryKind::Reminder, text);
    claim.core.store.append(incident.id, &[entry]).await?;
    Ok(None)
}

/// Sends `reply` to `to` with `mentions` if this worker still holds the claim; the job's
/// outcome when nothing was sent. Every page, reminder and digest passes here, so here is where
/// their text is redacted, as [`crate::Core::execute`] redacts replies.
async fn send(
    claim: Claim<'_>,
    outbox: &Outbox,
    to: &Recipient,
    mentions: &[Mention],
    reply: &Reply,
) -> Result<Result<(), JobOutcome>, CommandError> {
    let platform = match to {
        Recipient::Channel(channel) | Recipient::Thread { channel, .. } => channel.platform,
        Recipient::Direct { platform, .. } => *platform,
    };
    let Some(notifier) = outbox.notifier(platform) else {
        return Ok(Err(stood_down(format!(
            "warroom has no {platform} connection to post with"
        ))));
    };
    if !claim.hold().await? {
        return Ok(Err(JobOutcome::LostClaim));
    }
    let reply = claim.core.redactor.reply(reply.clone());
    Ok(notifier
        .notify(to, mentions, &reply)
        .await
        .map(|_| ())
        .map_err(|e| JobOutcome::Failed { why: e.0 }))
}
