//! What warroom does with alerts a source sent: store each, route it, and open, join or stay
//! out of an incident, saying why.
//!
//! For each alert, in the order sent:
//! - it is stored by its key, so a repeat updates the row and does nothing else;
//! - a firing alert new to its episode (first seen, or firing again after it resolved) takes
//!   the first route that holds. A silence on the route or its service stores it only. A
//!   route that only posts shows it in its channel. A declaring route joins the open incident
//!   its group already joined within the group window, else the open incident of its channel
//!   (one incident per channel), else declares one at the severity its labels map to;
//! - a resolution of an alert in an incident is put on the timeline, and when the batch leaves
//!   the incident with no firing alert, the channel is asked whether to resolve.
//!
//! A batch (one request) is stored in one transaction and decided in another ([`Batch`]).
//! What to show is returned as [`Announcement`]s for the transports, so the core stays free of
//! any platform. Each touched incident's card is redrawn once per batch, however many of its
//! alerts the batch carried.

use super::Alert;
use super::batch::Batch;
use crate::incident::IncidentId;
use crate::reply::Line;
use crate::{ChannelRef, CommandError, Core, Reply};

/// Something a transport shows in a channel because of alerts.
#[derive(Debug, Clone)]
pub enum Announcement {
    /// A message for `channel`: a new incident's card, an alert posted by a post-only route,
    /// or the question whether to resolve.
    Post { channel: ChannelRef, reply: Reply },
    /// The card of an incident whose alerts changed, drawn again.
    Redraw {
        channel: ChannelRef,
        incident: IncidentId,
    },
}

/// What one batch did.
#[derive(Debug, Default)]
pub struct Ingested {
    pub announcements: Vec<Announcement>,
    /// Alerts stored (new or updated).
    pub stored: usize,
}

/// Stores and acts on a batch of alerts from one request.
pub async fn ingest(core: &Core, alerts: Vec<Alert>) -> Result<Ingested, CommandError> {
    let alerts: Vec<Alert> = alerts.into_iter().map(|a| redacted(core, a)).collect();
    let now = core.clock.now();
    let seen = core.alerts.store.record(&alerts, now).await?;
    let mut batch = Batch::new(core, now).await?;
    batch.done.stored = seen.len();
    for (alert, seen) in alerts.iter().zip(&seen) {
        batch.act(alert, seen).await?;
    }
    batch.finish().await
}

/// Masks secrets in everything of the alert that is stored or shown.
fn redacted(core: &Core, mut alert: Alert) -> Alert {
    let r = &core.redactor;
    alert.summary = r.redact(&alert.summary);
    alert.name = r.redact(&alert.name);
    for value in alert
        .labels
        .values_mut()
        .chain(alert.annotations.values_mut())
    {
        *value = r.redact(value);
    }
    for link in &mut alert.links {
        link.url = r.redact(&link.url);
    }
    alert
}

/// The timeline's words for a firing alert: its summary, the labels that say where, and its
/// links.
pub(super) fn firing_text(alert: &Alert) -> String {
    let mut text = format!("alert firing: {}: {}", alert.name, alert.summary);
    let labels: Vec<String> = ["service", "severity", "instance", "job", "env", "region"]
        .iter()
        .filter_map(|k| alert.labels.get(*k).map(|v| format!("{k}={v}")))
        .collect();
    if !labels.is_empty() {
        text.push_str(&format!(" ({})", labels.join(", ")));
    }
    for link in &alert.links {
        text.push_str(&format!(" {}: {}", link.label, link.url));
    }
    text
}

/// An alert shown by a route that only posts.
pub(super) fn posted(alert: &Alert) -> Reply {
    let mut reply = Reply::channel().text(Line::from(format!(
        "Alert firing: {}: {}",
        alert.name, alert.summary
    )));
    if !alert.links.is_empty() {
        let links: Vec<String> = alert
            .links
            .iter()
            .map(|l| format!("{}: {}", l.label, l.url))
            .collect();
        reply = reply.context(links.join(" · "));
    }
    reply
}
