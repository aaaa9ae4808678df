//! `/incident ack`: someone is on it. Records who and when, once, and stops escalation.

use crate::escalation::plan;
use crate::incident::{EntryKind, Incident, IncidentId, NewEntry, Status, Target};
use crate::paging::PageAction;
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply, timefmt};

/// Acknowledges this channel's open incident, or `id` (named by an escalation's button, which
/// may be clicked in a direct message).
pub async fn handle(
    core: &Core,
    inv: &Invocation,
    id: Option<IncidentId>,
) -> Result<Reply, CommandError> {
    let incident = match id {
        None => super::open_incident(core, inv).await?,
        Some(id) => match core.store.get(id).await? {
            Some(found) if found.status != Status::Resolved => found,
            Some(_) => {
                return Err(CommandError::user(format!(
                    "{id} is resolved; there is nothing to acknowledge."
                )));
            }
            None => return Err(super::not_found(id)),
        },
    };
    if let (Some(who), Some(at)) = (&incident.acknowledged_by, incident.acknowledged_at) {
        return Err(CommandError::user(format!(
            "{} was already acknowledged by {who} at {}.",
            incident.id,
            timefmt::at(at)
        )));
    }
    acknowledge(core, incident, &inv.actor).await
}

/// Acknowledges `incident` as `actor` (a platform id, or `pagerduty:Alice` when someone
/// acknowledged on a provider): who and when, the timeline entry, escalation stopped, the
/// providers it was handed to told; the channel's one-line answer. Shared by the command and
/// by a provider's webhook ([`crate::paging::acknowledged_elsewhere`]).
pub(crate) async fn acknowledge(
    core: &Core,
    mut incident: Incident,
    actor: &str,
) -> Result<Reply, CommandError> {
    let now = core.clock.now();
    incident.acknowledged_by = Some(actor.to_string());
    incident.acknowledged_at = Some(now);
    let entry = NewEntry::new(now, actor, EntryKind::Acknowledged, "acknowledged");
    let incident = super::commit(core, &incident, &[entry]).await?;
    plan::acknowledged(core, &incident).await?;
    crate::paging::follow(
        core,
        &incident,
        PageAction::Acknowledge,
        crate::paging::provider_of(actor),
    )
    .await?;
    let took = now - incident.declared_at;
    let target = match core.policy.targets(incident.severity).acknowledge {
        Target::Within(limit) if took > limit => {
            format!(" (target {}, missed)", timefmt::duration(limit))
        }
        target => format!(" (target {})", target.describe()),
    };
    Ok(super::changed(
        &incident,
        crate::paging::by(Line::new().words("acknowledged by "), actor).words(format!(
            " {} after declaration{target}",
            timefmt::duration(took)
        )),
    ))
}
