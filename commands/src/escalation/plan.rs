//! What is due next for an incident, worked out when it changes.
//!
//! The handlers call these after the incident's change is stored. Each plans from the incident
//! as it is, so planning twice gives the same rows; the firing side looks again before it acts,
//! so a plan that went stale (an ack raced it) stands down instead of paging.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Days, TimeDelta, Utc};

use super::{EscalationPolicy, Job, JobKind, Level, NewJob, Rota, Weekly};
use crate::incident::{Incident, Target};
use crate::{CommandError, Core};

/// When `level` of the incident's policy falls due, before quiet hours and business days.
pub fn level_due(policy: &EscalationPolicy, incident: &Incident, level: &Level) -> DateTime<Utc> {
    match level.after {
        Target::Within(after) => crate::grammar::later(incident.declared_at, after),
        Target::NextBusinessDay => policy.calendar.next_business_day(incident.declared_at),
    }
}

/// The first level from `from` on that still has work to do: one not yet due, or an overdue one
/// that would page someone not yet paged, or report a schedule with nobody on call. Overdue
/// levels whose people were all paged are passed over, so a restart or a severity change
/// escalates to where the policy is now without paging anyone twice; an overdue level's people
/// are read from `rota` now, as it would fire now. A level at the declaration itself that would
/// page nobody here (and report no vacant schedule) is passed over too: the declaration is
/// already in the channel.
pub fn next_escalation(
    policy: &EscalationPolicy,
    incident: &Incident,
    from: usize,
    paged: &HashSet<String>,
    rota: &Rota,
    now: DateTime<Utc>,
) -> Option<NewJob> {
    let escalation = policy.of(incident.severity);
    escalation
        .levels
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, level)| {
            let due = level_due(policy, incident, level);
            let whom = rota.whom(incident.channel.platform, level, due.max(now));
            // A level that hands the incident to a provider is never passed over here: whether
            // it was handed already is read from the timeline when the level fires.
            let everyone_paged = due <= now
                && whom.vacant.is_empty()
                && whom.providers.is_empty()
                && whom
                    .paged
                    .iter()
                    .all(|p| paged.contains(&p.contact.to_string()));
            let at_declaration = whom.is_empty() && due <= incident.declared_at;
            !(everyone_paged || at_declaration)
        })
        .map(|(index, level)| {
            let due = level_due(policy, incident, level).max(now);
            escalation_job(policy, incident, index, due)
        })
}

/// An escalation job for `level`, deferred past quiet hours and weekends.
pub fn escalation_job(
    policy: &EscalationPolicy,
    incident: &Incident,
    level: usize,
    due: DateTime<Utc>,
) -> NewJob {
    let escalation = policy.of(incident.severity);
    NewJob {
        kind: JobKind::Escalate,
        incident: Some(incident.id),
        severity: Some(incident.severity),
        level: u32::try_from(level).unwrap_or(u32::MAX),
        due: policy
            .calendar
            .allowed(due, escalation.quiet_hours, escalation.business_days),
    }
}

/// A reminder job of `kind` for the incident at `due`.
pub fn reminder(kind: JobKind, incident: &Incident, due: DateTime<Utc>) -> NewJob {
    NewJob {
        kind,
        incident: Some(incident.id),
        severity: Some(incident.severity),
        level: 0,
        due,
    }
}

/// The next status-update reminder: one interval after `last_update`.
pub(super) fn update_reminder(
    core: &Core,
    incident: &Incident,
    last_update: DateTime<Utc>,
) -> Option<NewJob> {
    let every = core.policy.targets(incident.severity).update_every?;
    Some(reminder(
        JobKind::UpdateReminder,
        incident,
        last_update + every,
    ))
}

/// The next time the weekly digest is due after `now`.
pub fn next_digest(policy: &EscalationPolicy, weekly: &Weekly, now: DateTime<Utc>) -> NewJob {
    let local = policy.calendar.local(now);
    let ahead = (7 + weekly.day.num_days_from_monday() as i64
        - local.weekday().num_days_from_monday() as i64)
        % 7;
    let mut at = (local.date() + Days::new(ahead as u64)).and_time(weekly.at);
    if at <= local {
        at += TimeDelta::weeks(1);
    }
    NewJob {
        kind: JobKind::Digest,
        incident: None,
        severity: None,
        level: 0,
        due: policy.calendar.utc(at),
    }
}

/// Plans the digest if none is pending; called when the scheduler starts.
pub async fn digest(core: &Core) -> Result<Option<Job>, CommandError> {
    let Some(weekly) = &core.escalation.digest else {
        return Ok(None);
    };
    let pending = core.schedule.pending(None).await?;
    if let Some(job) = pending.into_iter().find(|j| j.kind == JobKind::Digest) {
        return Ok(Some(job));
    }
    let job = next_digest(&core.escalation, weekly, core.clock.now());
    core.schedule.schedule(&job).await?;
    Ok(core.schedule.pending(None).await?.into_iter().next())
}

/// Everyone paged for the incident so far.
pub async fn paged(core: &Core, incident: &Incident) -> Result<HashSet<String>, CommandError> {
    Ok(core
        .schedule
        .paged(incident.id)
        .await?
        .into_iter()
        .collect())
}

/// A new (or reopened) incident: escalation from the first level, unless acknowledged, and the
/// first status-update reminder.
pub async fn opened(core: &Core, incident: &Incident) -> Result<(), CommandError> {
    if incident.acknowledged_at.is_none() {
        escalate_from_start(core, incident).await?;
    }
    if let Some(job) = update_reminder(core, incident, core.clock.now()) {
        core.schedule.schedule(&job).await?;
    }
    Ok(())
}

/// Someone acknowledged: no further level is planned. (A level already claimed finds the
/// incident acknowledged when it looks, and stands down.)
pub async fn acknowledged(core: &Core, incident: &Incident) -> Result<(), CommandError> {
    Ok(core
        .schedule
        .cancel(incident.id, &[JobKind::Escalate])
        .await?)
}

/// The severity changed: the new severity's policy replaces the old one's plan, and the
/// update interval is the new one's.
pub async fn severity_changed(core: &Core, incident: &Incident) -> Result<(), CommandError> {
    core.schedule
        .cancel(incident.id, &[JobKind::Escalate, JobKind::UpdateReminder])
        .await?;
    if incident.acknowledged_at.is_none() {
        escalate_from_start(core, incident).await?;
    }
    if let Some(job) = update_reminder(core, incident, core.clock.now()) {
        core.schedule.schedule(&job).await?;
    }
    Ok(())
}

async fn escalate_from_start(core: &Core, incident: &Incident) -> Result<(), CommandError> {
    let paged = paged(core, incident).await?;
    let now = core.clock.now();
    let levels = &core.escalation.of(incident.severity).levels;
    let rota = Rota::load(core, levels, now).await?;
    match next_escalation(&core.escalation, incident, 0, &paged, &rota, now) {
        Some(job) => Ok(core.schedule.schedule(&job).await?),
        None => Ok(core
            .schedule
            .cancel(incident.id, &[JobKind::Escalate])
            .await?),
    }
}

/// Resolved: escalation and update reminders end; the post-mortem reminder is planned.
pub async fn resolved(core: &Core, incident: &Incident) -> Result<(), CommandError> {
    core.schedule
        .cancel(
            incident.id,
            &[
                JobKind::Escalate,
                JobKind::UpdateReminder,
                JobKind::AutoResolve,
            ],
        )
        .await?;
    let due = core.policy.targets(incident.severity).postmortem_due;
    if let (Some(due), Some(resolved)) = (due, incident.resolved_at) {
        let job = reminder(
            JobKind::PostmortemDue,
            incident,
            crate::grammar::later(resolved, due),
        );
        core.schedule.schedule(&job).await?;
    }
    Ok(())
}

/// Reopened: the post-mortem is no longer due; the incident is worked again.
pub async fn reopened(core: &Core, incident: &Incident) -> Result<(), CommandError> {
    core.schedule
        .cancel(incident.id, &[JobKind::PostmortemDue])
        .await?;
    opened(core, incident).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escalation::Contact;
    use crate::incident::{IncidentId, Severity, Status};
    use crate::{ChannelRef, Platform};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn incident(severity: Severity) -> Incident {
        Incident {
            id: IncidentId(1),
            channel: ChannelRef::new(Platform::Slack, "T1", "C1"),
            title: "checkout returns 502".into(),
            severity,
            status: Status::Investigating,
            lead: None,
            declared_by: "U1".into(),
            declared_at: at("2026-11-18T10:00:00Z"),
            acknowledged_by: None,
            acknowledged_at: None,
            resolved_at: None,
            summary: None,
            version: 1,
        }
    }

    #[test]
    fn overdue_levels_whose_people_were_paged_are_passed_over() {
        let oncall = [Contact::parse("slack:S0ONCALL").unwrap().into()];
        let lead = [Contact::parse("slack:U0LEAD").unwrap().into()];
        let rota = Rota::default();
        let policy = EscalationPolicy::defaults(&oncall, &lead);
        let p1 = incident(Severity::P1);
        let none = HashSet::new();
        let job = next_escalation(&policy, &p1, 0, &none, &rota, p1.declared_at).unwrap();
        assert_eq!((job.level, job.due), (0, p1.declared_at));
        // 40 minutes in, on-call already paged: straight to the lead, now.
        let paged: HashSet<String> = ["slack:S0ONCALL".to_string()].into();
        let now = at("2026-11-18T10:40:00Z");
        let job = next_escalation(&policy, &p1, 0, &paged, &rota, now).unwrap();
        assert_eq!((job.level, job.due), (2, now));
        // Everyone paged and every level passed: nothing left.
        let all: HashSet<String> = ["slack:S0ONCALL".into(), "slack:U0LEAD".into()].into();
        assert_eq!(next_escalation(&policy, &p1, 0, &all, &rota, now), None);
    }

    #[test]
    fn the_digest_falls_on_the_next_weekday_and_time() {
        let policy = EscalationPolicy::default();
        let weekly = Weekly {
            day: chrono::Weekday::Mon,
            at: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            channel: ChannelRef::new(Platform::Slack, "T1", "C9"),
        };
        // Wednesday → next Monday; Monday 09:00 exactly → the Monday after.
        assert_eq!(
            next_digest(&policy, &weekly, at("2026-11-18T10:00:00Z")).due,
            at("2026-11-23T09:00:00Z")
        );
        assert_eq!(
            next_digest(&policy, &weekly, at("2026-11-23T09:00:00Z")).due,
            at("2026-11-30T09:00:00Z")
        );
        // In Berlin, planned on a summer-time Wednesday for the Monday after the clocks go
        // back: 09:00 CET is 08:00 UTC, not the 07:00 the Wednesday's offset would give.
        let mut berlin = EscalationPolicy::default();
        berlin.calendar.zone = crate::escalation::Zone::named("Europe/Berlin").unwrap();
        assert_eq!(
            next_digest(&berlin, &weekly, at("2026-10-21T10:00:00Z")).due,
            at("2026-10-26T08:00:00Z")
        );
    }
}
