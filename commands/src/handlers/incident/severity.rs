//! `/incident sev SEVERITY`: changes the severity; the targets change with it.

use crate::incident::{EntryKind, NewEntry, Severity};
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(core: &Core, inv: &Invocation, to: Severity) -> Result<Reply, CommandError> {
    let mut incident = super::open_incident(core, inv).await?;
    let from = incident.severity;
    if from == to {
        return Err(CommandError::user(format!(
            "{} is already {to}.",
            incident.id
        )));
    }
    let entry = NewEntry::new(
        core.clock.now(),
        &inv.actor,
        EntryKind::SeverityChanged,
        format!("severity {from} → {to}"),
    )
    .change(Some(from.as_str().into()), to.as_str());
    incident.severity = to;
    let incident = super::commit(core, &incident, &[entry]).await?;
    Ok(super::changed(
        &incident,
        format!("severity {from} → {to} by {}", inv.actor),
    )
    .context(format!("{to}: {}", core.policy.targets(to).summary())))
}
