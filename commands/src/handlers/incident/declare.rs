//! `/incident SEVERITY TITLE`: declares an incident in this channel.

use crate::incident::{EntryKind, NewEntry, NewIncident, Severity};
use crate::ports::StoreError;
use crate::reply::IncidentEvent;
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    severity: Severity,
    title: String,
) -> Result<Reply, CommandError> {
    let now = core.clock.now();
    let entry = NewEntry::new(
        now,
        &inv.actor,
        EntryKind::Declared,
        format!("declared {severity}: {title}"),
    )
    .change(None, severity.as_str());
    let new = NewIncident {
        channel: inv.channel.clone(),
        title,
        severity,
        declared_by: inv.actor.clone(),
        declared_at: now,
    };
    let incident = match core.store.declare(new, entry).await {
        Ok(incident) => incident,
        Err(StoreError::ChannelBusy(open)) => {
            let label = match core.store.get(open).await? {
                Some(i) => format!("{} ({})", i.label(), i.status),
                None => open.to_string(),
            };
            return Err(CommandError::user(format!(
                "This channel already has an open incident, {label}; work it with `/incident note`, `/incident sev` or `/incident resolve`, or declare the new one in another channel."
            )));
        }
        Err(other) => return Err(other.into()),
    };
    crate::escalation::plan::opened(core, &incident).await?;
    Ok(super::card(core, &incident)
        .text(
            "Next: `/incident ack` to take it, `/incident lead @NAME` to name a lead, `/incident note TEXT` to record what you see.",
        )
        .about(IncidentEvent::Declared(incident.id)))
}
