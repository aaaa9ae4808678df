//! Resolving an incident on its own, for an alert route with `auto_resolve`: when every alert
//! of the incident cleared and none fired again during the route's quiet period.
//!
//! Monitoring that agrees for a while is what people wait for before they resolve by hand; a
//! route that says so lets warroom do it at 3 a.m. instead. Nothing else is automatic: the job
//! is planned only when the last firing alert of an incident clears (`alerts::ingest`), an
//! alert that joins the incident withdraws it, and it stands down if the incident was resolved
//! meanwhile or any of its alerts fires again.
//!
//! The resolution is written before the channel is told, and the telling goes through the
//! transport's outbox: a worker that stops in between leaves the incident resolved (the job is
//! then claimed again and stands down) and the message unsent, which the card, redrawn from the
//! incident by the next change, does not depend on.

use chrono::{DateTime, Utc};

use super::{Outbox, open_incident_of, stood_down};
use crate::alerts::AlertState;
use crate::escalation::WARROOM;
use crate::escalation::claim::Claim;
use crate::handlers::incident::resolve;
use crate::ports::JobOutcome;
use crate::reply::Line;
use crate::{CommandError, timefmt};

pub(super) async fn auto_resolve(
    claim: Claim<'_>,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<JobOutcome, CommandError> {
    let (core, job) = (claim.core, claim.job);
    let incident = match open_incident_of(core, job).await? {
        Ok(incident) => incident,
        Err(outcome) => return Ok(outcome),
    };
    let alerts = core.alerts.store.of_incident(incident.id).await?;
    if let Some(firing) = alerts
        .iter()
        .find(|a| a.alert.state != AlertState::Resolved)
    {
        return Ok(stood_down(format!(
            "alert {} of {} fires again",
            firing.alert.name, incident.id
        )));
    }
    let quiet = alerts
        .iter()
        .map(|a| a.last_seen)
        .max()
        .map_or(String::new(), |last| timefmt::duration(now - last));
    if !claim.hold().await? {
        return Ok(JobOutcome::LostClaim);
    }
    let summary = format!("resolved by warroom: every alert stayed clear for {quiet}");
    let incident = resolve::close(core, incident, WARROOM, Some(summary), now).await?;
    let by = Line::new().words(format!(
        "resolved by warroom, every alert clear for {quiet}"
    ));
    let reply = resolve::told(core, &incident, by, now);
    let reply = core.redactor.reply(reply);
    let room = outbox.room(&incident).await;
    let told = match outbox.notifier(room.platform) {
        Some(notifier) => match notifier.changed(&room, &reply).await {
            Ok(()) => String::new(),
            Err(e) => format!("; the channel could not be told: {e}"),
        },
        None => format!(
            "; warroom has no {} connection to tell the channel",
            room.platform
        ),
    };
    Ok(JobOutcome::Fired {
        note: format!("resolved {} after {quiet} quiet{told}", incident.id),
    })
}
