//! An alert as warroom keeps it, whatever sent it.
//!
//! Alertmanager, Grafana, CloudWatch (through SNS) and any PagerDuty-style sender each describe
//! an alert in their own shape; every source is read into this one, so routing, grouping, the
//! timeline and `/alerts` are written once.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// Which kind of sender an alert came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Alertmanager,
    Grafana,
    /// A CloudWatch alarm delivered by SNS.
    Cloudwatch,
    /// A PagerDuty Events API v2 event.
    Events,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Alertmanager,
        Source::Grafana,
        Source::Cloudwatch,
        Source::Events,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Alertmanager => "alertmanager",
            Source::Grafana => "grafana",
            Source::Cloudwatch => "cloudwatch",
            Source::Events => "events",
        }
    }

    pub fn parse(text: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Where an alert stands, as its sender last said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertState {
    Firing,
    /// A sender that can acknowledge (Events v2 `acknowledge`) says someone took it.
    Acknowledged,
    Resolved,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Firing => "firing",
            AlertState::Acknowledged => "acknowledged",
            AlertState::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<AlertState> {
        [
            AlertState::Firing,
            AlertState::Acknowledged,
            AlertState::Resolved,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// A link an alert carries: where it was generated, its dashboard, its runbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertLink {
    pub label: String,
    pub url: String,
}

/// One alert, read from any source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub source: Source,
    /// What makes this alert the same alert when it is sent again: Alertmanager's and
    /// Grafana's fingerprint, an Events v2 dedup key, a CloudWatch alarm's ARN.
    pub key: String,
    /// Alerts sent together under one group key (Alertmanager's `groupKey`) belong to one
    /// incident; a source without groups uses the alert's own key.
    pub group: String,
    pub state: AlertState,
    /// A short name: `alertname`, the alarm's name, the event's summary.
    pub name: String,
    /// One line saying what is wrong.
    pub summary: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub links: Vec<AlertLink>,
}

impl Alert {
    /// The value routing and severity mapping read under `name`: a label, else the alert's
    /// name for `alertname`.
    pub fn label(&self, name: &str) -> Option<&str> {
        match self.labels.get(name) {
            Some(value) => Some(value),
            None if name == "alertname" => Some(&self.name),
            None => None,
        }
    }
}

/// Why a sender's request was refused; the sentence goes to the log, the reason to
/// `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Unreadable {
    /// A short word for the metric label: `malformed`, `too_large`, `too_deep`, `unsupported`.
    pub reason: &'static str,
    pub message: String,
}

impl Unreadable {
    pub fn malformed(message: impl Into<String>) -> Unreadable {
        Unreadable {
            reason: "malformed",
            message: message.into(),
        }
    }

    pub fn unsupported(message: impl Into<String>) -> Unreadable {
        Unreadable {
            reason: "unsupported",
            message: message.into(),
        }
    }
}
