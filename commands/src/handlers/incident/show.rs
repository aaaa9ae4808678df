//! `/incident show [ID]`: an incident's present state, and what warroom will do next on its
//! own: who is paged when if nobody acknowledges, when the next reminder comes.

use crate::escalation::{Job, JobKind, plan};
use crate::incident::{Incident, IncidentId};
use crate::{CommandError, Core, Invocation, Reply, timefmt};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    id: Option<IncidentId>,
) -> Result<Reply, CommandError> {
    let incident = super::named_or_latest(core, inv, id).await?;
    let mut reply = super::card(core, &incident);
    for job in core.schedule.pending(Some(incident.id)).await? {
        reply = reply.context(next(core, &incident, &job));
    }
    Ok(reply)
}

/// One pending job in words: `Next: escalation level 2 pages slack:U0LEAD at …`.
fn next(core: &Core, incident: &Incident, job: &Job) -> String {
    let at = timefmt::at(job.due);
    match job.kind {
        JobKind::Escalate => {
            let level = core
                .escalation
                .of(incident.severity)
                .levels
                .get(job.level as usize);
            let whom = level
                .map(|l| plan::contacts_here(incident, l))
                .filter(|c| !c.is_empty())
                .map_or("reminds the channel".to_string(), |c| {
                    let names: Vec<String> = c.iter().map(ToString::to_string).collect();
                    format!("pages {}", names.join(", "))
                });
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
