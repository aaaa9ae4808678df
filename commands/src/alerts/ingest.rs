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
//! - a resolution of an alert in an incident is put on the timeline, and when it was the
//!   incident's last firing alert, the channel is asked whether to resolve.
//!
//! What to show is returned as [`Announcement`]s for the transports, so the core stays free of
//! any platform. Each touched incident's card is redrawn once per batch, however many of its
//! alerts the batch carried.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::route::{AlertRoute, RouteAction};
use super::{Alert, AlertState};
use crate::escalation::{JobKind, plan};
use crate::incident::{EntryKind, IncidentId, NewEntry, Status};
use crate::ports::{Before, Seen, StoreError};
use crate::reply::Line;
use crate::{
    Button, ButtonAction, ChannelRef, CommandError, Core, IncidentEvent, Invocation, Reply,
};

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
    let mut done = Ingested::default();
    let mut touched: BTreeSet<IncidentId> = BTreeSet::new();
    for alert in alerts {
        let alert = redacted(core, alert);
        let now = core.clock.now();
        let seen = core.alerts.store.record(&alert, now).await?;
        done.stored += 1;
        let step = match alert.state {
            AlertState::Firing => fire(core, &alert, &seen, now, &mut done).await?,
            AlertState::Resolved => clear(core, &alert, &seen, now, &mut done).await?,
            AlertState::Acknowledged => {
                note(core, &alert, &seen, now, "acknowledged by its source").await?
            }
        };
        touched.extend(step);
    }
    for incident in touched {
        if let Some(found) = core.store.get(incident).await? {
            done.announcements.push(Announcement::Redraw {
                channel: found.channel.clone(),
                incident,
            });
        }
    }
    Ok(done)
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

/// The incident whose alerts changed, whose card is redrawn.
type Touched = Option<IncidentId>;

async fn fire(
    core: &Core,
    alert: &Alert,
    seen: &Seen,
    now: DateTime<Utc>,
    done: &mut Ingested,
) -> Result<Touched, CommandError> {
    // Firing again while still firing is a repeat: nothing new to say.
    if let Some(Before {
        state: AlertState::Firing | AlertState::Acknowledged,
        incident,
        decided: true,
    }) = &seen.before
    {
        return Ok(*incident);
    }
    let desk = &core.alerts;
    let Some(route) = desk.routes.route(alert) else {
        desk.store
            .decide(
                seen.id,
                "",
                None,
                "No route matched it, so it is stored and shown by `/alerts why` only.",
            )
            .await?;
        return Ok(None);
    };
    let mut targets = vec![route.name.as_str()];
    targets.extend(route.service.as_deref());
    if let Some(silence) = desk.store.silenced(&targets, now).await? {
        let why = format!(
            "Route `{}` matched, but `{}` is silenced until {} by {} ({}), so it declared and paged nothing.",
            route.name,
            silence.target,
            silence.until.format("%Y-%m-%d %H:%M UTC"),
            silence.by,
            silence.reason
        );
        desk.store.decide(seen.id, &route.name, None, &why).await?;
        return Ok(None);
    }
    if route.action == RouteAction::Post {
        done.announcements.push(Announcement::Post {
            channel: route.channel.clone(),
            reply: posted(alert),
        });
        let why = format!(
            "Route `{}` matched; it posts alerts to the channel and declares nothing.",
            route.name
        );
        desk.store.decide(seen.id, &route.name, None, &why).await?;
        return Ok(None);
    }
    let (incident, why) = incident_for(core, alert, route, now, done).await?;
    desk.store
        .decide(seen.id, &route.name, Some(incident), &why)
        .await?;
    on_timeline(core, incident, alert, now, firing_text(alert)).await?;
    // A cleared incident that fires again is no longer quiet: it waits to clear once more.
    core.schedule
        .cancel(incident, &[JobKind::AutoResolve])
        .await?;
    Ok(Some(incident))
}

/// The incident a firing alert belongs to, and the sentence saying why.
async fn incident_for(
    core: &Core,
    alert: &Alert,
    route: &AlertRoute,
    now: DateTime<Utc>,
    done: &mut Ingested,
) -> Result<(IncidentId, String), CommandError> {
    let since = now - core.alerts.routes.group_window;
    if let Some(id) = core
        .alerts
        .store
        .group_incident(alert.source, &alert.group, since)
        .await?
        && let Some(open) = core.store.get(id).await?
        && open.status != Status::Resolved
    {
        return Ok((
            id,
            format!(
                "Route `{}` matched; it joined {id} because alerts of its group were already in it.",
                route.name
            ),
        ));
    }
    if let Some(open) = core.store.open_in_channel(&route.channel).await? {
        return Ok((
            open.id,
            format!(
                "Route `{}` matched; it joined {} because that incident is open in the route's channel, which holds one incident at a time.",
                route.name, open.id
            ),
        ));
    }
    let severity = route.severity_of(alert);
    let inv = Invocation {
        channel: route.channel.clone(),
        actor: alert.source.as_str().to_string(),
        groups: Vec::new(),
        text: String::new(),
    };
    let title: String = alert.summary.chars().take(120).collect();
    match crate::handlers::incident::declare::handle(core, &inv, severity, title).await {
        Ok(_) => {}
        // Another batch declared in this channel a moment ago: join it.
        Err(CommandError::User(_)) => {
            if let Some(open) = core.store.open_in_channel(&route.channel).await? {
                return Ok((
                    open.id,
                    format!(
                        "Route `{}` matched; it joined {}, declared in the route's channel a moment before.",
                        route.name, open.id
                    ),
                ));
            }
            return Err(StoreError::Internal(
                "the channel was busy and then had no open incident".into(),
            )
            .into());
        }
        Err(e) => return Err(e),
    }
    let open = core
        .store
        .open_in_channel(&route.channel)
        .await?
        .ok_or_else(|| StoreError::Internal("a declared incident is not open".into()))?;
    let card = core
        .incident_card(open.id)
        .await?
        .about(IncidentEvent::Declared(open.id));
    done.announcements.push(Announcement::Post {
        channel: route.channel.clone(),
        reply: card,
    });
    // Context at once: how the route's service is, in the new incident's thread.
    if let Some(service) = route
        .service
        .as_deref()
        .and_then(|s| core.services.services.get(s))
        && service.has_health()
    {
        let health = crate::handlers::health::report(core, &[service]).await;
        done.announcements.push(Announcement::Post {
            channel: route.channel.clone(),
            reply: health.about(IncidentEvent::Changed(open.id)),
        });
    }
    Ok((
        open.id,
        format!(
            "Route `{}` matched; it opened {} at {severity} because no open incident had its group and the channel had none.",
            route.name, open.id
        ),
    ))
}

async fn clear(
    core: &Core,
    alert: &Alert,
    seen: &Seen,
    now: DateTime<Utc>,
    done: &mut Ingested,
) -> Result<Touched, CommandError> {
    let Some(Before {
        state: AlertState::Firing | AlertState::Acknowledged,
        incident: Some(id),
        ..
    }) = seen.before.clone()
    else {
        // Resolved before it joined anything, or resolved again: stored, nothing to say.
        return Ok(None);
    };
    let Some(incident) = core.store.get(id).await? else {
        return Ok(None);
    };
    on_timeline(
        core,
        id,
        alert,
        now,
        format!("alert resolved: {}", alert.name),
    )
    .await?;
    let alerts = core.alerts.store.of_incident(id).await?;
    let firing = alerts
        .iter()
        .filter(|a| a.alert.state != AlertState::Resolved)
        .count();
    if firing == 0 && incident.status != Status::Resolved {
        let mut reply = Reply::channel()
            .text(format!("All alerts of {id} cleared. Resolve it?"))
            .buttons(vec![Button::new(ButtonAction::Resolve, id.button_token())]);
        let route = alerts
            .iter()
            .find(|a| a.id == seen.id)
            .and_then(|a| core.alerts.routes.named(&a.route));
        if let Some((route, quiet)) = route.and_then(|r| Some((r, r.auto_resolve?))) {
            let at = now + quiet;
            let job = plan::reminder(JobKind::AutoResolve, &incident, at);
            core.schedule.schedule(&job).await?;
            reply = reply.context(
                Line::new()
                    .words(format!("Route `{}` resolves it on its own at ", route.name))
                    .time(at)
                    .words(" unless an alert fires again."),
            );
        }
        done.announcements.push(Announcement::Post {
            channel: incident.channel.clone(),
            reply: reply.about(IncidentEvent::Changed(id)),
        });
    }
    Ok(Some(id))
}

/// Records an acknowledgement sent by the source on the incident's timeline.
async fn note(
    core: &Core,
    alert: &Alert,
    seen: &Seen,
    now: DateTime<Utc>,
    what: &str,
) -> Result<Touched, CommandError> {
    let Some(Before {
        incident: Some(id), ..
    }) = &seen.before
    else {
        return Ok(None);
    };
    on_timeline(
        core,
        *id,
        alert,
        now,
        format!("alert {what}: {}", alert.name),
    )
    .await?;
    Ok(Some(*id))
}

/// Puts what an alert did on incident `id`'s timeline, said by its source.
async fn on_timeline(
    core: &Core,
    id: IncidentId,
    alert: &Alert,
    now: DateTime<Utc>,
    text: String,
) -> Result<(), CommandError> {
    let entry = NewEntry::new(now, alert.source.as_str(), EntryKind::Alert, text);
    core.store.append(id, &[entry]).await?;
    Ok(())
}

/// The timeline's words for a firing alert: its summary, the labels that say where, and its
/// links.
fn firing_text(alert: &Alert) -> String {
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
fn posted(alert: &Alert) -> Reply {
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
