//! `/incident sev SEVERITY`: changes the severity; the targets, and the escalation policy,
//! change with it.

use super::Field;
use crate::incident::{EntryKind, Severity};
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(core: &Core, inv: &Invocation, to: Severity) -> Result<Reply, CommandError> {
    let field = Field {
        kind: EntryKind::SeverityChanged,
        name: "severity",
        get: |i| i.severity,
        set: |i, s| i.severity = s,
        stored: Severity::as_str,
    };
    let reply = super::set_field(core, inv, field, to).await?;
    let incident = super::open_incident(core, inv).await?;
    crate::escalation::plan::severity_changed(core, &incident).await?;
    Ok(reply.context(format!("{to}: {}", core.policy.targets(to).summary())))
}
