//! `/incident ack`: someone is on it. Records who and when, once.

use crate::incident::{EntryKind, NewEntry, Target};
use crate::{CommandError, Core, Invocation, Reply, timefmt};

pub async fn handle(core: &Core, inv: &Invocation) -> Result<Reply, CommandError> {
    let mut incident = super::open_incident(core, inv).await?;
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
    let took = now - incident.declared_at;
    let target = match core.policy.targets(incident.severity).acknowledge {
        Target::Within(limit) if took > limit => {
            format!(" (target {}, missed)", timefmt::duration(limit))
        }
        target => format!(" (target {})", target.describe()),
    };
    Ok(super::changed(
        &incident,
        format!(
            "acknowledged by {} {} after declaration{target}",
            inv.actor,
            timefmt::duration(took)
        ),
    ))
}
