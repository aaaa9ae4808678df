//! `/incident postmortem [ID]`: the Markdown draft the team reviews.

use crate::incident::IncidentId;
use crate::{CommandError, Core, Invocation, Reply, postmortem};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    id: Option<IncidentId>,
) -> Result<Reply, CommandError> {
    let incident = super::named_or_latest(core, inv, id).await?;
    let entries = core.store.timeline(incident.id).await?;
    Ok(Reply::channel()
        .header(format!("Post-mortem draft for {}", incident.label()))
        .code(postmortem::render(&incident, &entries, &core.policy)))
}
