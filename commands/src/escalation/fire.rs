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

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::{StreamExt, stream};

use super::claim::{Claim, LEASE};
use super::plan::{self, contacts_here};
use super::{Job, JobKind, WARROOM};
use crate::incident::{EntryKind, Incident, NewEntry, Status};
use crate::ports::{CardStore, JobOutcome, ListFilter, Mention, Notifier, Recipient};
use crate::{Button, ButtonAction, ChannelRef, CommandError, Core, Platform, Reply, timefmt};

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

async fn escalate(
    claim: Claim<'_>,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
    let (core, job) = (claim.core, claim.job);
    let incident = match open_incident_of(core, job).await? {
        Ok(incident) => incident,
        Err(outcome) => return Ok(outcome),
    };
    if let Some(who) = &incident.acknowledged_by {
        return Ok(stood_down(format!(
            "{} was acknowledged by {who}",
            incident.id
        )));
    }
    if job.severity != Some(incident.severity) {
        return Ok(stood_down(format!(
            "{} is {} now",
            incident.id, incident.severity
        )));
    }
    let escalation = core.escalation.of(incident.severity);
    let index = job.level as usize;
    let Some(level) = escalation.levels.get(index) else {
        return Ok(stood_down(format!(
            "{}'s policy has no level {}",
            incident.severity,
            index + 1
        )));
    };
    let room = Recipient::Channel(outbox.room(&incident).await);
    if outbox.notifier(incident.channel.platform).is_none() {
        return Ok(stood_down(format!(
            "warroom has no {} connection to post with",
            incident.channel.platform
        )));
    }
    let contacts = contacts_here(&incident, level);
    let mentions: Vec<Mention> = contacts.iter().map(|c| c.mention.clone()).collect();
    let named: Vec<String> = contacts.iter().map(ToString::to_string).collect();
    // Firing: from here the level counts as paged, and the next level is planned before the
    // page goes out, so a worker that stops during the post delays nothing after it.
    if !claim.firing(&named.join(" ")).await? {
        return Ok(JobOutcome::LostClaim);
    }
    if !job.firing {
        plan_after(core, &incident, index, &named, now).await?;
    }
    let waited = now - incident.declared_at;
    let reply = Reply::channel()
        .header(if waited < TimeDelta::minutes(1) {
            format!(
                "🚨 {} {} declared and not acknowledged yet",
                incident.id, incident.severity
            )
        } else {
            format!(
                "🚨 {} {} not acknowledged after {}",
                incident.id,
                incident.severity,
                timefmt::duration(waited)
            )
        })
        .text(incident.title.clone())
        .buttons(vec![Button::new(
            ButtonAction::Acknowledge,
            format!("inc{}", incident.id.0),
        )])
        .context(format!(
            "Escalation level {} of {} ({}). `/incident ack` or the button stops it.",
            index + 1,
            escalation.levels.len(),
            level.when()
        ));
    if let Err(outcome) = send(claim, outbox, &room, &mentions, &reply).await? {
        return Ok(outcome);
    }
    let direct = if level.direct {
        match direct_messages(claim, outbox, &incident, &mentions, &reply).await?[..] {
            [] => " (and by direct message)".to_string(),
            ref failed => format!(" (direct message failed: {})", failed.join("; ")),
        }
    } else {
        String::new()
    };
    let text = if named.is_empty() {
        format!(
            "escalation level {}: reminded the channel that nobody has acknowledged after {}",
            index + 1,
            timefmt::duration(waited)
        )
    } else {
        format!(
            "escalation level {}: paged {}{direct} — not acknowledged after {}",
            index + 1,
            named.join(", "),
            timefmt::duration(waited)
        )
    };
    let entry = NewEntry::new(now, WARROOM, EntryKind::Escalated, text);
    core.store.append(incident.id, &[entry]).await?;
    core.metrics.escalation(incident.severity.as_str());
    Ok(JobOutcome::Fired {
        note: named.join(" "),
    })
}

/// Plans what follows level `index`, which is paging `named` now: the next level with work to
/// do, or the last level again when the policy repeats it.
async fn plan_after(
    core: &Core,
    incident: &Incident,
    index: usize,
    named: &[String],
    now: DateTime<Utc>,
) -> Result<(), CommandError> {
    let escalation = core.escalation.of(incident.severity);
    let mut paged: HashSet<String> = plan::paged(core, incident).await?;
    paged.extend(named.iter().cloned());
    let next =
        plan::next_escalation(&core.escalation, incident, index + 1, &paged, now).or_else(|| {
            let last = index + 1 == escalation.levels.len();
            let every = escalation.repeat.filter(|_| last)?;
            Some(plan::escalation_job(
                &core.escalation,
                incident,
                index,
                crate::grammar::later(now, every),
            ))
        });
    if let Some(next) = next {
        core.schedule.schedule(&next).await?;
    }
    Ok(())
}

/// A direct message to each person paged; the ones that failed, as `USER: why`. The channel
/// page already went out, so a failed message is recorded on the timeline, not retried; nor is
/// one that was not sent because the claim ran out meanwhile.
async fn direct_messages(
    claim: Claim<'_>,
    outbox: &Outbox,
    incident: &Incident,
    mentions: &[Mention],
    reply: &Reply,
) -> Result<Vec<String>, CommandError> {
    let platform = incident.channel.platform;
    if outbox.notifier(platform).is_none() {
        return Ok(Vec::new());
    }
    let mut failed = Vec::new();
    for mention in mentions {
        if let Mention::User(user) = mention {
            let to = Recipient::Direct {
                platform,
                user: user.clone(),
            };
            match send(claim, outbox, &to, &[], reply).await? {
                Ok(()) => {}
                Err(JobOutcome::LostClaim) => {
                    failed.push(format!("{user}: not sent, the claim ran out"));
                }
                Err(JobOutcome::Failed { why } | JobOutcome::StoodDown { why }) => {
                    failed.push(format!("{user}: {why}"));
                }
                Err(JobOutcome::Fired { .. }) => {}
            }
        }
    }
    Ok(failed)
}

/// Timeline kinds that count as a status update: people saying where things stand.
fn is_update(kind: EntryKind) -> bool {
    matches!(
        kind,
        EntryKind::Declared
            | EntryKind::Note
            | EntryKind::StatusChanged
            | EntryKind::SeverityChanged
            | EntryKind::Reopened
    )
}

async fn update_reminder(
    claim: Claim<'_>,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
    let (core, job) = (claim.core, claim.job);
    let incident = match open_incident_of(core, job).await? {
        Ok(incident) => incident,
        Err(outcome) => return Ok(outcome),
    };
    let Some(every) = core.policy.targets(incident.severity).update_every else {
        return Ok(stood_down(format!(
            "{} expects no regular updates",
            incident.severity
        )));
    };
    let timeline = core.store.timeline(incident.id).await?;
    let last = timeline
        .iter()
        .filter(|e| is_update(e.kind) && e.actor != WARROOM)
        .map(|e| e.at)
        .max()
        .unwrap_or(incident.declared_at);
    if last + every > now {
        if let Some(next) = plan::update_reminder(core, &incident, last) {
            core.schedule.schedule(&next).await?;
        }
        return Ok(stood_down(format!(
            "an update was posted at {}",
            timefmt::at(last)
        )));
    }
    let quiet = timefmt::duration(now - last);
    let reply = Reply::channel()
        .text(format!(
            "⏰ {} {}: no status update for {quiet}; {} expects one every {}.",
            incident.id,
            incident.title,
            incident.severity,
            timefmt::duration(every)
        ))
        .context(
            "Post one with `/incident note WHAT CHANGED` or `/incident status monitoring`, or `/incident snooze 30m`.",
        );
    let text = format!("reminded the channel: no status update for {quiet}");
    if let Some(failed) = post_and_record(claim, outbox, &incident, &reply, now, &text).await? {
        return Ok(failed);
    }
    let next = plan::reminder(
        JobKind::UpdateReminder,
        &incident,
        crate::grammar::later(now, every),
    );
    core.schedule.schedule(&next).await?;
    Ok(JobOutcome::Fired {
        note: String::new(),
    })
}

async fn postmortem_due(
    claim: Claim<'_>,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
    let (core, job) = (claim.core, claim.job);
    let incident = match incident_of(core, job).await? {
        Ok(incident) => incident,
        Err(outcome) => return Ok(outcome),
    };
    let Some(resolved) = incident
        .resolved_at
        .filter(|_| incident.status == Status::Resolved)
    else {
        return Ok(stood_down(format!("{} was reopened", incident.id)));
    };
    let reply = Reply::channel()
        .text(format!(
            "📝 {} {}: the post-mortem is due; it was resolved {} ago.",
            incident.id,
            incident.title,
            timefmt::duration(now - resolved)
        ))
        .context(format!(
            "`/incident postmortem {}` drafts it from the timeline.",
            incident.id
        ));
    let text = "reminded the channel that the post-mortem is due";
    if let Some(failed) = post_and_record(claim, outbox, &incident, &reply, now, text).await? {
        return Ok(failed);
    }
    Ok(JobOutcome::Fired {
        note: String::new(),
    })
}

async fn digest(
    claim: Claim<'_>,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
    let core = claim.core;
    let Some(weekly) = &core.escalation.digest else {
        return Ok(stood_down("no digest is configured"));
    };
    let open = core.store.list(ListFilter::Open, 100).await?;
    let mut reply = Reply::channel().header(match open.len() {
        0 => "Weekly digest: no incident is open".to_string(),
        1 => "Weekly digest: 1 incident is open".to_string(),
        n => format!("Weekly digest: {n} incidents are open"),
    });
    if !open.is_empty() {
        let rows = open
            .iter()
            .map(|i| {
                vec![
                    i.id.to_string(),
                    i.severity.to_string(),
                    i.status.to_string(),
                    timefmt::duration(now - i.declared_at),
                    i.title.clone(),
                ]
            })
            .collect();
        reply = reply.table(&["Incident", "Sev", "Status", "Open for", "Title"], rows);
    }
    let to = Recipient::Channel(weekly.channel.clone());
    if let Err(outcome) = send(claim, outbox, &to, &[], &reply).await? {
        return Ok(outcome);
    }
    for incident in &open {
        let entry = NewEntry::new(
            now,
            WARROOM,
            EntryKind::Reminder,
            "listed in the weekly digest of open incidents",
        );
        core.store.append(incident.id, &[entry]).await?;
    }
    core.schedule
        .schedule(&plan::next_digest(&core.escalation, weekly, now))
        .await?;
    Ok(JobOutcome::Fired {
        note: format!("{} open", open.len()),
    })
}
