//! The PagerDuty Events API v2 shape at `POST /alerts/events`, so any tool that can page
//! PagerDuty (Datadog, Sentry, a cron job with curl) can open a warroom incident.
//!
//! `trigger` fires an alert keyed by its `dedup_key` (warroom makes one from the summary and
//! source when the sender gives none, and returns it, as PagerDuty does); `acknowledge` and
//! `resolve` need the key. The `routing_key` is the sender's credential and is checked by the
//! route before this reader runs; it is never stored.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::super::{Alert, AlertLink, AlertState, Source, Unreadable};
use super::alertmanager::is_web_url;

#[derive(Debug, Deserialize)]
pub struct Event {
    pub routing_key: String,
    event_action: String,
    #[serde(default)]
    dedup_key: Option<String>,
    #[serde(default)]
    payload: Option<Payload>,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Debug, Deserialize)]
struct Payload {
    summary: String,
    source: String,
    severity: String,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    component: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    custom_details: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Link {
    href: String,
    #[serde(default)]
    text: Option<String>,
}

/// PagerDuty's limit on a summary, which warroom keeps too.
const SUMMARY_LIMIT: usize = 1_024;

/// Reads an event; its routing key is left for the route to check.
pub fn read(body: &[u8]) -> Result<Event, Unreadable> {
    super::json(body, "The event")
}

impl Event {
    /// The alert the event describes.
    pub fn alert(self) -> Result<Alert, Unreadable> {
        let state = match self.event_action.as_str() {
            "trigger" => AlertState::Firing,
            "acknowledge" => AlertState::Acknowledged,
            "resolve" => AlertState::Resolved,
            other => {
                return Err(Unreadable::malformed(format!(
                    "event_action is {other:?}; it must be trigger, acknowledge or resolve."
                )));
            }
        };
        let payload = match (state, self.payload) {
            (_, Some(payload)) => Some(payload),
            (AlertState::Firing, None) => {
                return Err(Unreadable::malformed(
                    "A trigger needs a payload with summary, source and severity.",
                ));
            }
            (_, None) => None,
        };
        if let Some(p) = &payload {
            if p.summary.trim().is_empty() || p.summary.chars().count() > SUMMARY_LIMIT {
                return Err(Unreadable::malformed(format!(
                    "payload.summary must be 1 to {SUMMARY_LIMIT} characters."
                )));
            }
            if !["critical", "error", "warning", "info"].contains(&p.severity.as_str()) {
                return Err(Unreadable::malformed(format!(
                    "payload.severity is {:?}; it must be critical, error, warning or info.",
                    p.severity
                )));
            }
        }
        let key = match (self.dedup_key.filter(|k| !k.is_empty()), &payload) {
            (Some(key), _) => key,
            (None, Some(p)) if state == AlertState::Firing => format!("{}/{}", p.source, p.summary),
            _ => {
                return Err(Unreadable::malformed(
                    "acknowledge and resolve need the dedup_key of the trigger.",
                ));
            }
        };
        let mut labels = BTreeMap::new();
        let mut annotations = BTreeMap::new();
        let (mut name, mut summary, mut starts_at) = (key.clone(), key.clone(), None);
        if let Some(p) = payload {
            labels.insert("severity".to_string(), p.severity);
            labels.insert("source".to_string(), p.source);
            for (label, value) in [
                ("component", p.component),
                ("group", p.group),
                ("class", p.class),
            ] {
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    labels.insert(label.to_string(), value);
                }
            }
            if let Some(details) = p.custom_details {
                annotations.insert("custom_details".to_string(), details.to_string());
            }
            name = p.summary.clone();
            summary = p.summary;
            starts_at = p
                .timestamp
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&chrono::Utc));
        }
        let links = self
            .links
            .into_iter()
            .filter(|l| is_web_url(&l.href))
            .map(|l| AlertLink {
                label: l.text.unwrap_or_else(|| "link".to_string()),
                url: l.href,
            })
            .collect();
        Ok(Alert {
            source: Source::Events,
            group: key.clone(),
            key,
            state,
            name,
            summary,
            labels,
            annotations,
            starts_at,
            ends_at: None,
            links,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The trigger example from PagerDuty's Events API v2 documentation.
    const DOCUMENTED: &str = r#"{
      "payload": {
        "summary": "DISK at 99% on machine prod-datapipe03.example.com",
        "timestamp": "2026-12-02T03:00:00.000+0000",
        "severity": "critical",
        "source": "prod-datapipe03.example.com",
        "component": "mysql",
        "group": "prod-datapipe",
        "class": "disk",
        "custom_details": {"free space": "1%", "ping time": "1500ms"}
      },
      "routing_key": "R0123456789ABCDEF0123456789ABCDE",
      "dedup_key": "srv01/mysql",
      "event_action": "trigger",
      "client": "Sample Monitoring Service",
      "client_url": "https://monitoring.service.com",
      "links": [{"href": "https://example.com/", "text": "Link text"}],
      "images": []
    }"#;

    #[test]
    fn the_documented_trigger_reads_into_an_alert() {
        let event = read(DOCUMENTED.as_bytes()).unwrap();
        assert_eq!(event.routing_key, "R0123456789ABCDEF0123456789ABCDE");
        let alert = event.alert().unwrap();
        assert_eq!(alert.key, "srv01/mysql");
        assert_eq!(alert.state, AlertState::Firing);
        assert_eq!(alert.labels["severity"], "critical");
        assert_eq!(alert.labels["component"], "mysql");
        assert_eq!(alert.links[0].label, "Link text");
        assert!(alert.annotations["custom_details"].contains("1500ms"));
    }

    #[test]
    fn a_resolve_needs_its_key_and_a_trigger_its_payload() {
        let resolve =
            read(br#"{"routing_key":"k","event_action":"resolve","dedup_key":"srv01/mysql"}"#)
                .unwrap()
                .alert()
                .unwrap();
        assert_eq!(
            (resolve.key.as_str(), resolve.state),
            ("srv01/mysql", AlertState::Resolved)
        );
        for body in [
            &br#"{"routing_key":"k","event_action":"resolve"}"#[..],
            br#"{"routing_key":"k","event_action":"trigger"}"#,
            br#"{"routing_key":"k","event_action":"explode","dedup_key":"x"}"#,
            br#"{"routing_key":"k","event_action":"trigger","payload":{"summary":"x","source":"y","severity":"sev1"}}"#,
        ] {
            let refused = read(body).unwrap().alert().unwrap_err();
            assert_eq!(refused.reason, "malformed", "{}", refused.message);
        }
    }

    #[test]
    fn details_nested_past_the_recursion_limit_are_refused_as_too_deep() {
        let deep = format!(
            r#"{{"routing_key":"k","event_action":"trigger","payload":{{"summary":"s","source":"h","severity":"info","custom_details":{}{}}}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert_eq!(read(deep.as_bytes()).unwrap_err().reason, "too_deep");
    }
}
