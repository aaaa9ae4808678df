//! What the providers' webhooks say, read into what warroom acts on: an acknowledgement or a
//! resolution of one of warroom's pages, by whom, under the delivery's own id (so the inbox
//! runs a redelivery once).
//!
//! PagerDuty v3 (`incident.acknowledged`, `incident.resolved`): `event.id` is the delivery,
//! `event.agent.summary` who acted, and the incident is named by the page key in
//! `event.data.incident_key` when PagerDuty includes it, else in `event.data.title` (warroom's
//! summary starts with the key in brackets, and an Events API incident is titled with it).
//! Opsgenie (`action` `Acknowledge` or `Close`): `alert.alias` is the page key,
//! `alert.username` who acted; it sends no delivery id, so the alert's id, the action and the
//! alert's `updatedAt` stand for one.

use serde::Deserialize;
use warroom_commands::incident::IncidentId;
use warroom_commands::paging::{Provider, incident_in};

/// What a delivery changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Acknowledged,
    Resolved,
}

/// One webhook delivery about one of warroom's pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heard {
    pub provider: Provider,
    /// Unique per delivery: the inbox key.
    pub delivery: String,
    pub what: What,
    pub incident: IncidentId,
    /// Who acted, as the provider names them.
    pub who: String,
}

/// Why a body was not acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotHeard {
    /// Not the provider's shape: answered 400.
    Unreadable(String),
    /// Readable but nothing for warroom (another event type, a page warroom did not send):
    /// answered 200 so the provider does not retry it, and not stored.
    Ignored(&'static str),
}

#[derive(Deserialize)]
struct PdWebhook {
    event: PdEvent,
}

#[derive(Deserialize)]
struct PdEvent {
    id: String,
    event_type: String,
    #[serde(default)]
    agent: Option<PdReference>,
    #[serde(default)]
    data: PdIncident,
}

#[derive(Deserialize, Default)]
struct PdReference {
    #[serde(default)]
    summary: String,
}

#[derive(Deserialize, Default)]
struct PdIncident {
    #[serde(default)]
    title: String,
    #[serde(default)]
    incident_key: Option<String>,
}

/// A PagerDuty v3 webhook.
pub fn pagerduty(body: &[u8]) -> Result<Heard, NotHeard> {
    let hook: PdWebhook = serde_json::from_slice(body)
        .map_err(|e| NotHeard::Unreadable(format!("not a PagerDuty v3 webhook: {e}")))?;
    let event = hook.event;
    let what = match event.event_type.as_str() {
        "incident.acknowledged" => What::Acknowledged,
        "incident.resolved" => What::Resolved,
        _ => return Err(NotHeard::Ignored("an event warroom does not act on")),
    };
    let incident = event
        .data
        .incident_key
        .as_deref()
        .and_then(incident_in)
        .or_else(|| incident_in(&event.data.title))
        .ok_or(NotHeard::Ignored("an incident warroom did not page"))?;
    Ok(Heard {
        provider: Provider::PagerDuty,
        delivery: format!("paging:pagerduty:{}", event.id),
        what,
        incident,
        who: event.agent.map(|a| a.summary).unwrap_or_default(),
    })
}

#[derive(Deserialize)]
struct OgWebhook {
    action: String,
    alert: OgAlert,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OgAlert {
    #[serde(default)]
    alert_id: String,
    #[serde(default)]
    alias: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    updated_at: serde_json::Value,
}

/// An Opsgenie outgoing webhook.
pub fn opsgenie(body: &[u8]) -> Result<Heard, NotHeard> {
    let hook: OgWebhook = serde_json::from_slice(body)
        .map_err(|e| NotHeard::Unreadable(format!("not an Opsgenie webhook: {e}")))?;
    let what = match hook.action.as_str() {
        "Acknowledge" => What::Acknowledged,
        "Close" => What::Resolved,
        _ => return Err(NotHeard::Ignored("an action warroom does not act on")),
    };
    let incident = incident_in(&hook.alert.alias)
        .ok_or(NotHeard::Ignored("an alert warroom did not create"))?;
    Ok(Heard {
        provider: Provider::Opsgenie,
        delivery: format!(
            "paging:opsgenie:{}:{}:{}",
            hook.alert.alert_id, hook.action, hook.alert.updated_at
        ),
        what,
        incident,
        who: hook.alert.username,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pagerduty_acknowledgement_names_the_incident_and_who() {
        let body = br#"{"event":{"id":"01ABC","event_type":"incident.acknowledged",
            "agent":{"summary":"Alice Smith","type":"user_reference"},
            "data":{"id":"PGR0VU2","type":"incident","title":"[warroom-INC-7] P1 API down"}}}"#;
        let heard = pagerduty(body).expect("heard");
        assert_eq!(heard.incident, IncidentId(7));
        assert_eq!(heard.who, "Alice Smith");
        assert_eq!(heard.what, What::Acknowledged);
        assert_eq!(heard.delivery, "paging:pagerduty:01ABC");
        let other = br#"{"event":{"id":"2","event_type":"incident.annotated","data":{}}}"#;
        assert!(matches!(pagerduty(other), Err(NotHeard::Ignored(_))));
        assert!(matches!(pagerduty(b"nope"), Err(NotHeard::Unreadable(_))));
    }

    #[test]
    fn an_opsgenie_close_names_the_incident_by_its_alias() {
        let body = br#"{"action":"Close","alert":{"alertId":"a1","alias":"warroom-INC-3",
            "username":"carol@example.com","updatedAt":1420452224764002246},"source":{"type":"web"}}"#;
        let heard = opsgenie(body).expect("heard");
        assert_eq!(heard.incident, IncidentId(3));
        assert_eq!(heard.what, What::Resolved);
        assert_eq!(heard.who, "carol@example.com");
        let foreign = br#"{"action":"Acknowledge","alert":{"alias":"db-disk"}}"#;
        assert!(matches!(opsgenie(foreign), Err(NotHeard::Ignored(_))));
    }
}
