//! Prometheus Alertmanager's webhook (`version: "4"`), which Grafana's alerting also sends with
//! a few more fields (`orgId`, and per alert `silenceURL`, `dashboardURL`, `panelURL`,
//! `values`).
//!
//! Each alert keeps its `fingerprint` as its key, so a group sent again every
//! `repeat_interval` updates the alerts it already has; the group's `groupKey` groups them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::super::{Alert, AlertLink, AlertState, Source, Unreadable};

/// The largest number of alerts one webhook may carry; Alertmanager's `max_alerts` is 0
/// (unlimited) by default, so warroom sets its own bound.
pub const MOST_ALERTS: usize = 1_000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Webhook {
    version: String,
    #[serde(default)]
    group_key: String,
    #[serde(default)]
    common_annotations: BTreeMap<String, String>,
    #[serde(default, rename = "externalURL")]
    external_url: String,
    alerts: Vec<WebhookAlert>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookAlert {
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    #[serde(default, rename = "generatorURL")]
    generator_url: String,
    #[serde(default)]
    fingerprint: String,
    // Grafana's additions.
    #[serde(default, rename = "dashboardURL")]
    dashboard_url: String,
    #[serde(default, rename = "panelURL")]
    panel_url: String,
    #[serde(default, rename = "silenceURL")]
    silence_url: String,
}

/// Reads an Alertmanager (or, with `source` Grafana, a Grafana) webhook body.
pub fn read(body: &[u8], source: Source) -> Result<Vec<Alert>, Unreadable> {
    let what = format!("The {} webhook", source.as_str());
    let hook: Webhook = super::json(body, &what)?;
    if hook.version != "4" && hook.version != "1" {
        return Err(Unreadable::unsupported(format!(
            "{what} says version {:?}; warroom reads version 4.",
            hook.version
        )));
    }
    if hook.alerts.len() > MOST_ALERTS {
        return Err(Unreadable {
            reason: "too_large",
            message: format!(
                "{what} carries {} alerts; set max_alerts to {MOST_ALERTS} or fewer.",
                hook.alerts.len()
            ),
        });
    }
    let alerts = hook
        .alerts
        .into_iter()
        .map(|alert| {
            alert.read(
                source,
                &hook.group_key,
                &hook.common_annotations,
                &hook.external_url,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    super::some(alerts, &what)
}

impl WebhookAlert {
    fn read(
        self,
        source: Source,
        group_key: &str,
        common: &BTreeMap<String, String>,
        external_url: &str,
    ) -> Result<Alert, Unreadable> {
        let state = match self.status.as_str() {
            "firing" => AlertState::Firing,
            "resolved" => AlertState::Resolved,
            other => {
                return Err(Unreadable::malformed(format!(
                    "An alert's status is {other:?}; it must be firing or resolved."
                )));
            }
        };
        let name = self
            .labels
            .get("alertname")
            .cloned()
            .unwrap_or_else(|| "alert".to_string());
        // Alertmanager always sends a fingerprint; a sender that does not is keyed by its
        // labels, which is what Alertmanager's fingerprint is a hash of.
        let key = if self.fingerprint.is_empty() {
            labels_key(&self.labels)
        } else {
            self.fingerprint
        };
        let mut annotations = common.clone();
        annotations.extend(self.annotations);
        let summary = ["summary", "description", "message"]
            .iter()
            .find_map(|k| annotations.get(*k))
            .cloned()
            .unwrap_or_else(|| name.clone());
        let mut links = Vec::new();
        for (label, url) in [
            ("source", self.generator_url.as_str()),
            ("dashboard", self.dashboard_url.as_str()),
            ("panel", self.panel_url.as_str()),
            ("silence", self.silence_url.as_str()),
            (
                "runbook",
                annotations
                    .get("runbook_url")
                    .or_else(|| annotations.get("runbook"))
                    .map_or("", String::as_str),
            ),
        ] {
            if is_web_url(url) {
                links.push(AlertLink {
                    label: label.to_string(),
                    url: url.to_string(),
                });
            }
        }
        if links.is_empty() && is_web_url(external_url) {
            links.push(AlertLink {
                label: "alertmanager".to_string(),
                url: external_url.to_string(),
            });
        }
        Ok(Alert {
            source,
            group: if group_key.is_empty() {
                key.clone()
            } else {
                group_key.to_string()
            },
            key,
            state,
            name,
            summary,
            labels: self.labels,
            annotations,
            starts_at: time(self.starts_at.as_deref()),
            ends_at: time(self.ends_at.as_deref()),
            links,
        })
    }
}

/// A stable key from an alert's labels, for a sender that gives no fingerprint.
fn labels_key(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Alertmanager writes `0001-01-01T00:00:00Z` for "not ended"; that and anything unreadable is
/// no time.
fn time(text: Option<&str>) -> Option<DateTime<Utc>> {
    let at = DateTime::parse_from_rfc3339(text?)
        .ok()?
        .with_timezone(&Utc);
    (at.timestamp() > 0).then_some(at)
}

/// Only http and https links are kept: a link is shown to people, and anything else
/// (`javascript:`, `file:`) has no business in an incident channel.
pub(crate) fn is_web_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 2_000
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example from Alertmanager's documentation of the webhook receiver.
    pub(crate) const DOCUMENTED: &str = r#"{
      "version": "4",
      "groupKey": "{}:{alertname=\"HighErrorRate\"}",
      "truncatedAlerts": 0,
      "status": "firing",
      "receiver": "warroom",
      "groupLabels": {"alertname": "HighErrorRate"},
      "commonLabels": {"alertname": "HighErrorRate", "severity": "critical", "service": "api"},
      "commonAnnotations": {"runbook_url": "https://runbooks.example/api-5xx"},
      "externalURL": "http://alertmanager.example:9093",
      "alerts": [
        {
          "status": "firing",
          "labels": {"alertname": "HighErrorRate", "severity": "critical", "service": "api", "instance": "api-1"},
          "annotations": {"summary": "api 5xx rate is 12%"},
          "startsAt": "2026-12-02T03:00:00Z",
          "endsAt": "0001-01-01T00:00:00Z",
          "generatorURL": "http://prometheus.example:9090/graph?g0.expr=rate",
          "fingerprint": "a1b2c3d4e5f60718"
        },
        {
          "status": "resolved",
          "labels": {"alertname": "HighErrorRate", "severity": "critical", "service": "api", "instance": "api-2"},
          "annotations": {},
          "startsAt": "2026-12-02T02:50:00Z",
          "endsAt": "2026-12-02T03:01:00Z",
          "generatorURL": "javascript:alert(1)",
          "fingerprint": "0f1e2d3c4b5a6978"
        }
      ]
    }"#;

    #[test]
    fn the_documented_webhook_reads_into_alerts() {
        let alerts = read(DOCUMENTED.as_bytes(), Source::Alertmanager).unwrap();
        assert_eq!(alerts.len(), 2);
        let first = &alerts[0];
        assert_eq!(first.key, "a1b2c3d4e5f60718");
        assert_eq!(first.group, "{}:{alertname=\"HighErrorRate\"}");
        assert_eq!(first.state, AlertState::Firing);
        assert_eq!(first.name, "HighErrorRate");
        assert_eq!(first.summary, "api 5xx rate is 12%");
        assert_eq!(first.ends_at, None, "0001-01-01 is not an end");
        assert_eq!(
            first
                .links
                .iter()
                .map(|l| l.label.as_str())
                .collect::<Vec<_>>(),
            vec!["source", "runbook"]
        );
        let second = &alerts[1];
        assert_eq!(second.state, AlertState::Resolved);
        assert_eq!(second.summary, "HighErrorRate", "no summary: the name");
        assert!(
            second
                .links
                .iter()
                .all(|l| !l.url.starts_with("javascript")),
            "{:?}",
            second.links
        );
        assert!(second.ends_at.is_some());
    }

    #[test]
    fn what_is_not_a_webhook_is_refused_with_a_reason() {
        for (body, reason) in [
            (&b"not json"[..], "malformed"),
            (br#"{"version":"4","alerts":[]}"#, "malformed"),
            (br#"{"version":"3","alerts":[]}"#, "unsupported"),
            (
                br#"{"version":"4","alerts":[{"status":"pending"}]}"#,
                "malformed",
            ),
        ] {
            let refused = read(body, Source::Alertmanager).unwrap_err();
            assert_eq!(refused.reason, reason, "{}", refused.message);
        }
        // Deep nesting in a field warroom does not read is skipped without recursing.
        let deep = format!(
            r#"{{"extra":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(read(deep.as_bytes(), Source::Alertmanager).is_err());
    }
}
