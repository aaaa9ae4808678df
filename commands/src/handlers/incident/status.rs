//! `/incident status STATUS`: moves the response along. `resolved` resolves.

use crate::incident::{EntryKind, NewEntry, Status};
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(core: &Core, inv: &Invocation, to: Status) -> Result<Reply, CommandError> {
    if to == Status::Resolved {
        return super::resolve::handle(core, inv, None).await;
    }
    let mut incident = super::open_incident(core, inv).await?;
    let from = incident.status;
    if from == to {
        return Err(CommandError::user(format!(
            "{} is already {to}.",
            incident.id
        )));
    }
    let entry = NewEntry::new(
        core.clock.now(),
        &inv.actor,
        EntryKind::StatusChanged,
        format!("status {from} → {to}"),
    )
    .change(Some(from.as_str().into()), to.as_str());
    incident.status = to;
    let incident = super::commit(core, &incident, &[entry]).await?;
    Ok(super::changed(
        &incident,
        format!("status {from} → {to} by {}", inv.actor),
    ))
}
