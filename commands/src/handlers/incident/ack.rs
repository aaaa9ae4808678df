//! `/incident ack`: someone is on it. Records who and when, once, and stops escalation.

use crate::escalation::plan;
use crate::incident::{EntryKind, IncidentId, NewEntry, Status, Target};
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply, timefmt};

/// Acknowledges this channel's open incident, or `id` (named by an escalation's button, which
/// may be clicked in a direct message).
pub async fn handle(
    core: &Core,
    inv: &Invocation,
    id: Option<IncidentId>,
) -> Result<Reply, CommandError> {
    let mut incident = match id {
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
    let now = core.clock.now();
    incident.acknowledged_by = Some(inv.actor.clone());
    incident.acknowledged_at = Some(now);
    let entry = NewEntry::new(now, &inv.actor, EntryKind::Acknowledged, "acknowledged");
    let incident = super::commit(core, &incident, &[entry]).await?;
    plan::acknowledged(core, &incident).await?;
    let took = now - incident.declared_at;
    let target = match core.policy.targets(incident.severity).acknowledge {
        Target::Within(limit) if took > limit => {
            format!(" (target {}, missed)", timefmt::duration(limit))
        }
        target => format!(" (target {})", target.describe()),
    };
    Ok(super::changed(
        &incident,
        Line::new()
            .words("acknowledged by ")
            .person(&inv.actor)
            .words(format!(
                " {} after declaration{target}",
                timefmt::duration(took)
            )),
    ))
}
