//! Doing a due job: page, remind or post the digest — after looking at the incident as it is
//! now, so that nothing fires for an incident that no longer needs it.
//!
//! Order matters for "at most once, and never after an acknowledgement": the job was claimed by
//! this worker alone; the incident is read after the claim; the notification goes out; then the
//! timeline entry, the next job and the job's end are written. A worker that stops between the
//! notification and the end leaves a claim that runs out and is fired again — the only way a
//! page can repeat, and only for a crash in that window.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::plan::{self, contacts_here};
use super::{Job, JobKind, WARROOM};
use crate::incident::{EntryKind, Incident, NewEntry, Status};
use crate::ports::{CardStore, JobOutcome, ListFilter, Mention, Notifier, Recipient};
use crate::{Button, ButtonAction, ChannelRef, CommandError, Core, Platform, Reply, timefmt};

/// How long a failed notification waits before it is tried again.
const RETRY: TimeDelta = TimeDelta::minutes(1);

/// How long a claim holds. A worker that stopped mid-job loses its claim after this, and the
/// job is due again; a notification with retries finishes well within it.
pub const LEASE: TimeDelta = TimeDelta::minutes(2);

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

/// Claims the jobs due now for `worker` and fires each; what each came to. A job that failed
/// with an internal error (the store) keeps its claim until the lease runs out and is then
/// tried again.
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
    let mut done = Vec::with_capacity(jobs.len());
    for job in jobs {
        let result = fire(core, outbox, &job, worker).await;
        let outcome = match &result {
            Ok(JobOutcome::Fired { .. }) => "fired",
            Ok(JobOutcome::StoodDown { .. }) => "stood-down",
            Ok(JobOutcome::Failed { .. }) => "failed",
            Err(_) => "error",
        };
        core.metrics.job(job.kind.as_str(), outcome);
        done.push((job, result));
    }
    Ok(done)
}

/// Does `job` (claimed by `worker`) and records how it ended.
pub async fn fire(
    core: &Core,
    outbox: &Outbox,
    job: &Job,
    worker: &str,
) -> Result<JobOutcome, CommandError> {
    let now = core.clock.now();
    let outcome = match job.kind {
        JobKind::Escalate => escalate(core, outbox, job, now).await?,
        JobKind::UpdateReminder => update_reminder(core, outbox, job, now).await?,
        JobKind::PostmortemDue => postmortem_due(core, outbox, job, now).await?,
        JobKind::Digest => digest(core, outbox, now).await?,
    };
    if let JobOutcome::Failed { .. } = outcome {
        let mut retry = plan_of(job);
        retry.due = now + RETRY;
        core.schedule.schedule(&retry).await?;
    }
    core.schedule.finish(job.id, worker, now, &outcome).await?;
    Ok(outcome)
}

fn plan_of(job: &Job) -> super::NewJob {
    super::NewJob {
        kind: job.kind,
        incident: job.incident,
        severity: job.severity,
        level: job.level,
        due: job.due,
    }
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
    core: &Core,
    outbox: &Outbox,
    incident: &Incident,
    reply: &Reply,
    now: DateTime<Utc>,
    text: &str,
) -> Result<Option<JobOutcome>, CommandError> {
    let room = outbox.room(incident).await;
    if let Err(outcome) = send(outbox, &room, &[], reply).await {
        return Ok(Some(outcome));
    }
    let entry = NewEntry::new(now, WARROOM, EntryKind::Reminder, text);
    core.store.append(incident.id, &[entry]).await?;
    Ok(None)
}

/// Sends `reply` to the incident's room with `mentions`; the failure sentence on error.
async fn send(
    outbox: &Outbox,
    to: &ChannelRef,
    mentions: &[Mention],
    reply: &Reply,
) -> Result<(), JobOutcome> {
    let Some(notifier) = outbox.notifier(to.platform) else {
        return Err(stood_down(format!(
            "warroom has no {} connection to post with",
            to.platform
        )));
    };
    notifier
        .notify(&Recipient::Channel(to.clone()), mentions, reply)
        .await
        .map(|_| ())
        .map_err(|e| JobOutcome::Failed { why: e.0 })
}

async fn escalate(
    core: &Core,
    outbox: &Outbox,
    job: &Job,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
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
    let contacts = contacts_here(&incident, level);
    let mentions: Vec<Mention> = contacts.iter().map(|c| c.mention.clone()).collect();
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
        .buttons(vec![Button {
            action: ButtonAction::Acknowledge,
            token: format!("inc{}", incident.id.0),
        }])
        .context(format!(
            "Escalation level {} of {} ({}). `/incident ack` or the button stops it.",
            index + 1,
            escalation.levels.len(),
            level.when()
        ));
    let room = outbox.room(&incident).await;
    if let Err(outcome) = send(outbox, &room, &mentions, &reply).await {
        return Ok(outcome);
    }
    let direct = if level.direct {
        match direct_messages(outbox, &incident, &mentions, &reply).await[..] {
            [] => " (and by direct message)".to_string(),
            ref failed => format!(" (direct message failed: {})", failed.join("; ")),
        }
    } else {
        String::new()
    };
    let named: Vec<String> = contacts.iter().map(ToString::to_string).collect();
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
    let mut paged: HashSet<String> = plan::paged(core, &incident).await?;
    paged.extend(named.iter().cloned());
    let next =
        plan::next_escalation(&core.escalation, &incident, index + 1, &paged, now).or_else(|| {
            let last = index + 1 == escalation.levels.len();
            let every = escalation.repeat.filter(|_| last)?;
            Some(plan::escalation_job(
                &core.escalation,
                &incident,
                index,
                now + every,
            ))
        });
    if let Some(next) = next {
        core.schedule.schedule(&next).await?;
    }
    core.metrics.escalation(incident.severity.as_str());
    Ok(JobOutcome::Fired {
        note: named.join(" "),
    })
}

/// A direct message to each person paged; the ones that failed, as `USER: why`. The channel
/// page already went out, so a failed message is recorded on the timeline, not retried.
async fn direct_messages(
    outbox: &Outbox,
    incident: &Incident,
    mentions: &[Mention],
    reply: &Reply,
) -> Vec<String> {
    let platform = incident.channel.platform;
    let Some(notifier) = outbox.notifier(platform) else {
        return Vec::new();
    };
    let mut failed = Vec::new();
    for mention in mentions {
        if let Mention::User(user) = mention {
            let to = Recipient::Direct {
                platform,
                user: user.clone(),
            };
            if let Err(e) = notifier.notify(&to, &[], reply).await {
                failed.push(format!("{user}: {e}"));
            }
        }
    }
    failed
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
    core: &Core,
    outbox: &Outbox,
    job: &Job,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
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
    if let Some(failed) = post_and_record(core, outbox, &incident, &reply, now, &text).await? {
        return Ok(failed);
    }
    let next = plan::reminder(JobKind::UpdateReminder, &incident, now + every);
    core.schedule.schedule(&next).await?;
    Ok(JobOutcome::Fired {
        note: String::new(),
    })
}

async fn postmortem_due(
    core: &Core,
    outbox: &Outbox,
    job: &Job,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
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
    if let Some(failed) = post_and_record(core, outbox, &incident, &reply, now, text).await? {
        return Ok(failed);
    }
    Ok(JobOutcome::Fired {
        note: String::new(),
    })
}

async fn digest(
    core: &Core,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
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
    if let Err(outcome) = send(outbox, &weekly.channel, &[], &reply).await {
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
