//! Firing an escalation level: the page in the incident's room, the direct messages the level
//! asks for, and the plan of the level after it. The level's schedules are read as it fires;
//! the page, the timeline entry and the job's note say who was paged through which schedule
//! (`slack:U0BOB (schedule:primary)`) and which schedule had nobody on call.
//!
//! Apart from the other jobs because a level is the one job that plans its successor before
//! it posts (see the guarantees in [`super`]); reminders and the digest are in `reminders.rs`.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};

use super::{Outbox, open_incident_of, send, stood_down};
use crate::escalation::claim::Claim;
use crate::escalation::plan;
use crate::escalation::{Rota, SCHEDULE, WARROOM, Whom};
use crate::incident::{EntryKind, Incident, NewEntry};
use crate::ports::{JobOutcome, Mention, Recipient};
use crate::reply::Line;
use crate::{Button, ButtonAction, CommandError, Core, Reply, timefmt};

pub(super) async fn escalate(
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
    // Schedules are read now, with the overrides recorded by now: whoever is on call as the
    // level fires is paged, not whoever was when the incident was declared.
    let rota = Rota::load(core, &escalation.levels, now).await?;
    let whom = rota.whom(incident.channel.platform, level, now);
    let mentions: Vec<Mention> = whom
        .paged
        .iter()
        .map(|p| p.contact.mention.clone())
        .collect();
    let named: Vec<String> = whom.paged.iter().map(ToString::to_string).collect();
    let mut vacant: Vec<String> = whom.vacant.iter().map(|v| v.said("now")).collect();
    // Firing: from here the level counts as paged, and the next level is planned before the
    // page goes out, so a worker that stops during the post delays nothing after it.
    if !claim.firing(&named.join(" ")).await? {
        return Ok(JobOutcome::LostClaim);
    }
    if !job.firing {
        plan_after(core, &incident, index, &whom, &rota, now).await?;
    }
    let handed = hand_off(core, &incident, &whom, &mut vacant).await?;
    let waited = now - incident.declared_at;
    let mut reply = Reply::channel()
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
            incident.id.button_token(),
        )])
        .context(format!(
            "Escalation level {} of {} ({}). `/incident ack` or the button stops it.",
            index + 1,
            escalation.levels.len(),
            level.when()
        ));
    for paged in &whom.paged {
        if let (Some(schedule), Mention::User(id)) = (&paged.through, &paged.contact.mention) {
            reply = reply.context(
                Line::new()
                    .words(format!("On call in {SCHEDULE}{schedule}: "))
                    .person(id.clone())
                    .words("."),
            );
        }
    }
    if !handed.is_empty() {
        reply = reply.context(format!("Handed to {}.", handed.join(" and ")));
    }
    for said in &vacant {
        reply = reply.context(format!("{}.", said.trim_end_matches('.')));
    }
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
    let mut reached = named.clone();
    reached.extend(handed.iter().cloned());
    let mut text = if reached.is_empty() {
        format!(
            "escalation level {}: reminded the channel that nobody has acknowledged after {}",
            index + 1,
            timefmt::duration(waited)
        )
    } else {
        format!(
            "escalation level {}: paged {}{direct} — not acknowledged after {}",
            index + 1,
            reached.join(", "),
            timefmt::duration(waited)
        )
    };
    for said in &vacant {
        text.push_str("; ");
        text.push_str(said);
    }
    let entry = NewEntry::new(now, WARROOM, EntryKind::Escalated, text);
    core.store.append(incident.id, &[entry]).await?;
    core.metrics.escalation(incident.severity.as_str());
    Ok(JobOutcome::Fired {
        note: named.join(" "),
    })
}

/// Plans what follows level `index`, which is paging `whom` now: the next level with work to
/// do, or the last level again when the policy repeats it.
async fn plan_after(
    core: &Core,
    incident: &Incident,
    index: usize,
    whom: &Whom,
    rota: &Rota,
    now: DateTime<Utc>,
) -> Result<(), CommandError> {
    let escalation = core.escalation.of(incident.severity);
    let mut paged: HashSet<String> = plan::paged(core, incident).await?;
    paged.extend(whom.paged.iter().map(|p| p.contact.to_string()));
    let next = plan::next_escalation(&core.escalation, incident, index + 1, &paged, rota, now)
        .or_else(|| {
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

/// Hands the incident to the level's paging providers, before the chat post, so a chat platform
/// that is down does not hold up the page that reaches a phone. Each provider once per
/// incident: a level fired again, or a later level naming the same provider, finds the hand-off
/// on the timeline. What was handed, as the timeline names it; a provider that is not
/// configured is said beside the schedules with nobody on call.
async fn hand_off(
    core: &crate::Core,
    incident: &crate::incident::Incident,
    whom: &Whom,
    unreached: &mut Vec<String>,
) -> Result<Vec<String>, CommandError> {
    let before = crate::paging::handed_to(core, incident.id).await?;
    let mut handed = Vec::new();
    for provider in &whom.providers {
        if before.contains(provider) {
            continue;
        }
        match crate::paging::hand_off(core, *provider, incident).await {
            Ok(()) => handed.push(provider.to_string()),
            Err(CommandError::User(e)) => unreached.push(e.message),
            Err(e) => return Err(e),
        }
    }
    Ok(handed)
}
