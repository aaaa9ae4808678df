//! `/incident list [--all]`: open incidents everywhere, or all of them.

use crate::ports::ListFilter;
use crate::{CommandError, Core, Reply, timefmt};

/// How many incidents a list shows; older ones are reached by id.
const LIMIT: u32 = 50;

pub async fn handle(core: &Core, all: bool) -> Result<Reply, CommandError> {
    let filter = if all {
        ListFilter::All
    } else {
        ListFilter::Open
    };
    let incidents = core.store.list(filter, LIMIT).await?;
    if incidents.is_empty() {
        let none = if all {
            "No incidents have been declared yet."
        } else {
            "No open incidents. `/incident list --all` includes resolved ones."
        };
        return Ok(Reply::ephemeral().text(none));
    }
    let now = core.clock.now();
    let rows = incidents
        .iter()
        .map(|i| {
            let end = i.resolved_at.unwrap_or(now);
            vec![
                i.id.to_string(),
                i.severity.to_string(),
                i.status.to_string(),
                i.title.clone(),
                i.channel.to_string(),
                timefmt::at(i.declared_at),
                timefmt::duration(end - i.declared_at),
            ]
        })
        .collect();
    let title = if all {
        "All incidents"
    } else {
        "Open incidents"
    };
    Ok(Reply::ephemeral().header(title).table(
        &[
            "ID", "Sev", "Status", "Title", "Channel", "Declared", "Duration",
        ],
        rows,
    ))
}
