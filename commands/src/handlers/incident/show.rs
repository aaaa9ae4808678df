//! `/incident show [ID]`: an incident's present state, and what warroom will do next on its
//! own: who is paged when if nobody acknowledges, when the next reminder comes.
//!
//! A level that names a schedule is shown with the person the schedule has on call when the
//! level is due (`schedule:primary (then slack:U0BOB)`), read with the overrides recorded so
//! far: the page itself reads the schedule again when it fires.

use crate::escalation::{Job, JobKind, Rota, SCHEDULE};
use crate::incident::{Incident, IncidentId};
use crate::{CommandError, Core, Invocation, Reply, timefmt};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    id: Option<IncidentId>,
) -> Result<Reply, CommandError> {
    let incident = super::named_or_latest(core, inv, id).await?;
    let mut reply = super::card(core, &incident);
    let jobs = core.schedule.pending(Some(incident.id)).await?;
    let rota = if jobs.iter().any(|job| job.kind == JobKind::Escalate) {
        let levels = &core.escalation.of(incident.severity).levels;
        Rota::load(core, levels, core.clock.now()).await?
    } else {
        Rota::default()
    };
    for job in jobs {
        reply = reply.context(next(core, &rota, &incident, &job));
    }
    Ok(reply)
}

/// One pending job in words: `Next: escalation level 2 pages slack:U0LEAD at …`.
fn next(core: &Core, rota: &Rota, incident: &Incident, job: &Job) -> String {
    let at = timefmt::at(job.due);
    match job.kind {
        JobKind::Escalate => {
            let level = core
                .escalation
                .of(incident.severity)
                .levels
                .get(job.level as usize);
            // An overdue job fires at the next tick: read the schedules for then.
            let when = job.due.max(core.clock.now());
            let whom = level.map(|l| rota.whom(incident.channel.platform, l, when));
            let mut names: Vec<String> = Vec::new();
            for paged in whom.iter().flat_map(|w| &w.paged) {
                names.push(match &paged.through {
                    Some(schedule) => format!("{SCHEDULE}{schedule} (then {})", paged.contact),
                    None => paged.contact.to_string(),
                });
            }
            for vacancy in whom.iter().flat_map(|w| &w.vacant) {
                names.push(if vacancy.configured {
                    format!("{SCHEDULE}{} (nobody on call then)", vacancy.schedule)
                } else {
                    format!("{SCHEDULE}{} (no such schedule)", vacancy.schedule)
                });
            }
            let whom = if names.is_empty() {
                "reminds the channel".to_string()
            } else {
                format!("pages {}", names.join(", "))
            };
            format!(
                "Next, unless acknowledged: escalation level {} {whom} at {at}.",
                job.level + 1
            )
        }
        JobKind::UpdateReminder => format!("Next status-update reminder: {at}."),
        JobKind::PostmortemDue => format!("Post-mortem reminder: {at}."),
        JobKind::Digest => format!("Weekly digest: {at}."),
        JobKind::Handoff => format!("On-call hand-off: {at}."),
        JobKind::AutoResolve => {
            format!("Resolves on its own at {at} unless an alert fires again.")
        }
    }
}
