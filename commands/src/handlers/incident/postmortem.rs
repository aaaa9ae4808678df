//! `/incident postmortem [ID]`: the Markdown draft the team reviews, as a file to download
//! and, where warroom serves pages, a signed link to the incident's review page.

use crate::incident::IncidentId;
use crate::{CommandError, Core, Invocation, Reply, postmortem, timefmt};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    id: Option<IncidentId>,
) -> Result<Reply, CommandError> {
    let incident = super::named_or_latest(core, inv, id).await?;
    let entries = core.store.timeline(incident.id).await?;
    let draft = postmortem::render(&incident, &entries, &core.policy);
    let mut reply = Reply::channel().header(format!("Post-mortem draft for {}", incident.label()));
    if let Some((url, until)) = core.pages.incident(incident.id, core.clock.now()) {
        reply = reply.text(format!(
            "Review it with the timeline: {url} (the link works until {}).",
            timefmt::at(until)
        ));
    }
    Ok(reply
        .code(draft.clone())
        .attachment(format!("{}-postmortem.md", incident.id), draft))
}
