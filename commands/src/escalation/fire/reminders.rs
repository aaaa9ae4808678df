//! The reminders warroom posts in an incident's room, and the weekly digest: a status update
//! that is overdue, a post-mortem that is due, the incidents still open.
//!
//! Apart from escalation (`escalate.rs`) because these page nobody: they remind the channel,
//! and each plans only its own next reminder.

use chrono::{DateTime, Utc};

use super::{Outbox, incident_of, open_incident_of, post_and_record, send, stood_down};
use crate::escalation::claim::Claim;
use crate::escalation::{JobKind, WARROOM, plan};
use crate::incident::{EntryKind, NewEntry, Status};
use crate::ports::{JobOutcome, ListFilter, Recipient};
use crate::{CommandError, Reply, timefmt};

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

pub(super) async fn update_reminder(
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

pub(super) async fn postmortem_due(
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

pub(super) async fn digest(
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
