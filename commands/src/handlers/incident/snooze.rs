//! `/incident snooze 30m`: postpones the status-update reminders. Escalation is not snoozed:
//! only an acknowledgement stops it, so a typo cannot silence a page.

use chrono::TimeDelta;

use crate::escalation::JobKind;
use crate::incident::{EntryKind, NewEntry};
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply, timefmt};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    duration: TimeDelta,
) -> Result<Reply, CommandError> {
    let incident = super::open_incident(core, inv).await?;
    let Some(every) = core.policy.targets(incident.severity).update_every else {
        return Err(CommandError::user(format!(
            "{} expects no regular status updates, so there is no reminder to snooze.",
            incident.severity
        )));
    };
    let now = core.clock.now();
    // The grammar allows at most a day; only a clock at the end of time could overflow.
    let until = now.checked_add_signed(duration).ok_or_else(|| {
        CommandError::user(
            "A snooze that long would end past the last date warroom can hold; snooze for less.",
        )
    })?;
    core.schedule
        .postpone(incident.id, &[JobKind::UpdateReminder], until)
        .await?;
    let text = format!(
        "snoozed status-update reminders for {} (until {})",
        timefmt::duration(duration),
        timefmt::at(until)
    );
    let entry = NewEntry::new(now, &inv.actor, EntryKind::Snoozed, text.clone());
    core.store.append(incident.id, &[entry]).await?;
    Ok(super::changed(
        &incident,
        Line::new().words(format!("{text} by ")).person(&inv.actor),
    )
    .context(format!(
        "{} expects an update every {}; reminders resume after the snooze.",
        incident.severity,
        timefmt::duration(every)
    )))
}
