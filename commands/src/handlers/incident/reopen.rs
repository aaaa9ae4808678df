//! `/incident reopen`: the fix did not hold. Reopens the channel's latest incident.

use crate::incident::{EntryKind, NewEntry, Status};
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(core: &Core, inv: &Invocation) -> Result<Reply, CommandError> {
    let Some(mut incident) = core.store.latest_in_channel(&inv.channel).await? else {
        return Err(super::no_incident_here());
    };
    if incident.status.is_open() {
        return Err(CommandError::user(format!(
            "{} is open ({}), so there is nothing to reopen.",
            incident.id, incident.status
        )));
    }
    let entry = NewEntry::new(
        core.clock.now(),
        &inv.actor,
        EntryKind::Reopened,
        "reopened",
    )
    .change(
        Some(Status::Resolved.as_str().into()),
        Status::Investigating.as_str(),
    );
    incident.status = Status::Investigating;
    incident.resolved_at = None;
    let incident = super::commit(core, &incident, &[entry]).await?;
    crate::escalation::plan::reopened(core, &incident).await?;
    Ok(super::changed(
        &incident,
        Line::new()
            .words("reopened by ")
            .person(&inv.actor)
            .words("; status investigating"),
    ))
}
