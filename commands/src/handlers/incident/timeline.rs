//! `/incident timeline [ID]`: everything recorded, in the order it happened.

use crate::incident::IncidentId;
use crate::{CommandError, Core, Invocation, Reply, timefmt};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    id: Option<IncidentId>,
) -> Result<Reply, CommandError> {
    let incident = super::named_or_latest(core, inv, id).await?;
    let entries = core.store.timeline(incident.id).await?;
    let rows = entries
        .iter()
        .map(|e| vec![timefmt::at_seconds(e.at), e.actor.clone(), e.describe()])
        .collect();
    Ok(Reply::channel()
        .header(format!("Timeline of {}", incident.label()))
        .table(&["Time (UTC)", "Who", "What"], rows)
        .context(format!("{} entries", entries.len())))
}
