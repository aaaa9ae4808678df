//! `/incident resolve [SUMMARY]`: closes the incident and starts the post-mortem clock.

use chrono::{DateTime, Utc};

use crate::incident::{EntryKind, Incident, NewEntry, Status};
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply, timefmt};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    summary: Option<String>,
) -> Result<Reply, CommandError> {
    let incident = match core.store.open_in_channel(&inv.channel).await? {
        Some(open) => open,
        None => {
            return Err(match core.store.latest_in_channel(&inv.channel).await? {
                Some(last) => CommandError::user(format!(
                    "{} is already resolved{}; `/incident reopen` reopens it.",
                    last.id,
                    last.resolved_at
                        .map_or(String::new(), |at| format!(" (since {})", timefmt::at(at)))
                )),
                None => super::no_incident_here(),
            });
        }
    };
    let now = core.clock.now();
    let incident = close(core, incident, &inv.actor, summary, now).await?;
    Ok(told(
        core,
        &incident,
        Line::new().words("resolved by ").person(&inv.actor),
        now,
    ))
}

/// What the channel is told of a resolution: `by` (who or what resolved it), how long the
/// incident lasted, and when its post-mortem is due.
pub(crate) fn told(core: &Core, incident: &Incident, by: Line, now: DateTime<Utc>) -> Reply {
    let mut reply = super::changed(
        incident,
        by.words(format!(
            " after {}",
            timefmt::duration(now - incident.declared_at)
        )),
    );
    if let Some(due) = core.policy.targets(incident.severity).postmortem_due {
        reply = reply.text(
            Line::new()
                .words("Post-mortem due by ")
                .time(crate::grammar::later(now, due))
                .words("; `/incident postmortem` drafts it."),
        );
    }
    reply
}

/// Closes `incident` as `actor` at `now`: the timeline entry, the status and the summary
/// written together, then the jobs of an open incident withdrawn and the post-mortem planned.
/// Shared by the command, by an alert route that resolves on its own and by a provider's
/// webhook; the providers the incident was handed to are told, except the one it came from.
pub(crate) async fn close(
    core: &Core,
    mut incident: Incident,
    actor: &str,
    summary: Option<String>,
    now: DateTime<Utc>,
) -> Result<Incident, CommandError> {
    let from = incident.status;
    let entry = NewEntry::new(
        now,
        actor,
        EntryKind::Resolved,
        summary.clone().unwrap_or_else(|| "resolved".into()),
    )
    .change(Some(from.as_str().into()), Status::Resolved.as_str());
    incident.status = Status::Resolved;
    incident.resolved_at = Some(now);
    if summary.is_some() {
        incident.summary = summary;
    }
    let incident = super::commit(core, &incident, &[entry]).await?;
    crate::escalation::plan::resolved(core, &incident).await?;
    crate::paging::follow(
        core,
        &incident,
        crate::paging::PageAction::Resolve,
        crate::paging::provider_of(actor),
    )
    .await?;
    Ok(incident)
}
