//! `/incident show [ID]`: an incident's present state.

use crate::incident::IncidentId;
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    id: Option<IncidentId>,
) -> Result<Reply, CommandError> {
    let incident = super::named_or_latest(core, inv, id).await?;
    Ok(super::card(core, &incident))
}
