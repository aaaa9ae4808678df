//! `/incident lead @NAME` (or `commander`): names who runs the response.

use crate::incident::{EntryKind, NewEntry};
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(core: &Core, inv: &Invocation, who: String) -> Result<Reply, CommandError> {
    let mut incident = super::open_incident(core, inv).await?;
    if incident.lead.as_deref() == Some(who.as_str()) {
        return Err(CommandError::user(format!(
            "{who} is already the lead of {}.",
            incident.id
        )));
    }
    let entry = NewEntry::new(
        core.clock.now(),
        &inv.actor,
        EntryKind::LeadAssigned,
        format!("lead set to {who}"),
    )
    .change(incident.lead.clone(), who.clone());
    incident.lead = Some(who.clone());
    let incident = super::commit(core, &incident, &[entry]).await?;
    Ok(super::changed(
        &incident,
        Line::new()
            .words(format!("{who} is the lead (set by "))
            .person(&inv.actor)
            .words(")"),
    ))
}
