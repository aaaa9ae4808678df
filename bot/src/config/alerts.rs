//! `[alerts]`: which alert sources may send, and `[[alerts.routes]]`: where their alerts go.
//!
//! A source's route exists only when its credential is set, so an unconfigured warroom
//! answers 404 to alerts rather than taking them from anyone. Routes are read in order; the
//! first whose matchers all hold takes an alert, and routes that can never take one are
//! reported with the reason.

use std::collections::BTreeMap;

use serde::Deserialize;
use warroom_commands::alerts::route::{
    AlertRoute, AlertRoutes, Matcher, RouteAction, default_severities,
};
use warroom_commands::incident::Severity;

use super::problems::{Problems, index, join};
use super::text::{channel, positive_duration};
use crate::alerts::auth::{Credentials, GrafanaAuth};
use crate::sns::{SnsTrust, SnsVerifier};

/// `[alerts]` built.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertsConfig {
    /// What `POST /alerts/alertmanager` accepts (and `/alerts/grafana` without a secret).
    pub alertmanager: Credentials,
    grafana_secret: Option<String>,
    grafana_timestamp_header: Option<String>,
    /// Routing keys `POST /alerts/events` accepts.
    pub routing_keys: Vec<String>,
    /// What `POST /alerts/sns` believes, when SNS topics are set.
    pub sns: Option<SnsTrust>,
    pub routes: AlertRoutes,
}

impl AlertsConfig {
    /// Grafana's check, when Grafana can be verified at all.
    pub fn grafana(&self) -> Option<GrafanaAuth> {
        (self.grafana_secret.is_some() || self.alertmanager.is_set()).then(|| GrafanaAuth {
            secret: self.grafana_secret.clone(),
            signature_header: "x-grafana-alerting-signature".into(),
            timestamp_header: self.grafana_timestamp_header.clone(),
            credentials: self.alertmanager.clone(),
        })
    }

    /// The alert routes that are open, for `check-config`.
    pub fn sources(&self) -> Vec<&'static str> {
        let mut open = Vec::new();
        if self.alertmanager.is_set() {
            open.push("/alerts/alertmanager");
        }
        if self.grafana().is_some() {
            open.push("/alerts/grafana");
        }
        if !self.routing_keys.is_empty() {
            open.push("/alerts/events");
        }
        if self.sns.is_some() {
            open.push("/alerts/sns");
        }
        open
    }
}

/// `[alerts]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct AlertsSection {
    /// `Authorization: Bearer …` that Alertmanager's `http_config.authorization` sends.
    token: Option<String>,
    /// Basic auth that Alertmanager's `http_config.basic_auth` sends.
    basic_user: Option<String>,
    basic_password: Option<String>,
    /// The HMAC secret of Grafana's webhook contact point.
    grafana_secret: Option<String>,
    /// The timestamp header Grafana is set to sign with, if any: `X-Grafana-Alerting-Timestamp`.
    grafana_timestamp_header: Option<String>,
    /// Routing keys a PagerDuty-style sender may use at `/alerts/events`.
    routing_keys: Vec<String>,
    /// SNS topic ARNs whose deliveries `/alerts/sns` takes: CloudWatch alarms.
    sns_topics: Vec<String>,
    /// For tests only: one more https URL prefix (`https://127.0.0.1:PORT/`) that SNS signing
    /// certificates and subscription URLs may come from besides SNS's own hosts.
    sns_trust_prefix: Option<String>,
    /// For tests only: the path of a PEM file with the CA that a stand-in SNS's TLS uses.
    sns_trust_root: Option<String>,
    /// How long alerts of one group keep joining the incident they opened: `1h`.
    group_window: Option<String>,
    routes: Vec<RouteSection>,
}

/// `[[alerts.routes]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteSection {
    name: String,
    /// Label matchers, all of which must hold: `['service="api"', 'severity=~"critical|page"']`.
    #[serde(default, rename = "match")]
    matchers: Vec<String>,
    /// The service the alerts are about; `/health` runs for it when an incident opens.
    service: Option<String>,
    /// `slack:C0INCIDENTS` or `discord:CHANNEL_ID`.
    channel: String,
    /// The severity when the alert's `severity` label is not in `severities`. Default p3.
    severity: Option<String>,
    /// The alert's `severity` label value → p1..p4, added to the usual critical → p1,
    /// error → p2, warning → p3, info → p4.
    #[serde(default)]
    severities: BTreeMap<String, String>,
    /// false: post alerts to the channel without declaring. Default true.
    declare: Option<bool>,
    /// Resolve the incident on its own once all its alerts have been clear this long: `30m`.
    /// Unset: warroom only asks the channel.
    auto_resolve: Option<String>,
}

fn severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text)
        .ok_or_else(|| format!("`{text}` is not a severity; write p1, p2, p3 or p4."))
}

impl AlertsSection {
    pub(super) fn build(&self, services: &[&str], problems: &mut Problems) -> AlertsConfig {
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        if self.basic_user.is_some() != self.basic_password.is_some() {
            problems.push(
                "alerts.basic_password",
                "basic_user and basic_password go together; set both, or neither.",
            );
        }
        let mut routes = AlertRoutes::default();
        if let Some(window) = &self.group_window
            && let Some(window) = problems.read("alerts.group_window", positive_duration(window))
        {
            routes.group_window = window;
        }
        for (i, written) in self.routes.iter().enumerate() {
            let at = index("alerts.routes", i);
            if let Some(route) = written.build(&at, services, problems) {
                if routes.named(&route.name).is_some() {
                    problems.push(
                        join(&at, "name"),
                        format!(
                            "`{}` names two routes; give each route its own name.",
                            route.name
                        ),
                    );
                }
                routes.routes.push(route);
            }
        }
        for (i, why) in routes.never_match() {
            problems.push(index("alerts.routes", i), why);
        }
        AlertsConfig {
            alertmanager: Credentials {
                token: given(&self.token),
                basic: given(&self.basic_user).zip(given(&self.basic_password)),
            },
            grafana_secret: given(&self.grafana_secret),
            grafana_timestamp_header: given(&self.grafana_timestamp_header)
                .map(|h| h.to_ascii_lowercase()),
            routing_keys: self
                .routing_keys
                .iter()
                .filter(|k| !k.is_empty())
                .cloned()
                .collect(),
            sns: self.sns(problems),
            routes,
        }
    }

    /// What `/alerts/sns` trusts, checked as the route will build it, each problem under the
    /// key that causes it.
    fn sns(&self, problems: &mut Problems) -> Option<SnsTrust> {
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        let extra_root_pem = given(&self.sns_trust_root).and_then(|path| {
            match std::fs::read_to_string(&path) {
                Ok(pem) => Some(pem),
                Err(e) => {
                    problems.push(
                        "alerts.sns_trust_root",
                        format!("Cannot read {path} ({e}); give the path of a PEM file holding the CA certificate."),
                    );
                    None
                }
            }
        });
        let extra_prefix = given(&self.sns_trust_prefix);
        if self.sns_topics.is_empty() {
            if extra_prefix.is_some() || self.sns_trust_root.is_some() {
                problems.push(
                    "alerts.sns_topics",
                    "sns_trust_prefix and sns_trust_root are for /alerts/sns, which is open only with sns_topics; set it, or remove them.",
                );
            }
            return None;
        }
        let trust = SnsTrust {
            topics: self.sns_topics.clone(),
            extra_prefix,
            extra_root_pem,
        };
        let Err(why) = SnsVerifier::new(trust.clone()) else {
            return Some(trust);
        };
        // The verifier checks the topics, then the prefix, then the CA: the first of these
        // that fails alone is the key to fix.
        let topics_only = SnsTrust {
            topics: trust.topics.clone(),
            ..SnsTrust::default()
        };
        let with_prefix = SnsTrust {
            extra_prefix: trust.extra_prefix.clone(),
            ..topics_only.clone()
        };
        let key = if SnsVerifier::new(topics_only).is_err() {
            "alerts.sns_topics"
        } else if SnsVerifier::new(with_prefix).is_err() {
            "alerts.sns_trust_prefix"
        } else {
            "alerts.sns_trust_root"
        };
        problems.push(key, sentence(&why));
        None
    }
}

/// `why` as a sentence: a capital first letter and a full stop.
fn sentence(why: &str) -> String {
    let mut chars = why.chars();
    let mut text: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

impl RouteSection {
    fn build(&self, at: &str, services: &[&str], problems: &mut Problems) -> Option<AlertRoute> {
        let matchers: Vec<Matcher> = self
            .matchers
            .iter()
            .enumerate()
            .filter_map(|(i, m)| problems.read(&index(&join(at, "match"), i), Matcher::parse(m)))
            .collect();
        if let Some(service) = &self.service
            && !services.contains(&service.as_str())
        {
            problems.push(
                join(at, "service"),
                format!("`{service}` is not a configured service; add [services.{service}] or fix the name."),
            );
        }
        let channel = problems.read(&join(at, "channel"), channel(&self.channel));
        let fallback = match &self.severity {
            Some(text) => problems.read(&join(at, "severity"), severity(text)),
            None => Some(Severity::P3),
        };
        let mut severities = default_severities();
        for (label, level) in &self.severities {
            if let Some(level) =
                problems.read(&join(&join(at, "severities"), label), severity(level))
            {
                severities.insert(label.to_ascii_lowercase(), level);
            }
        }
        let auto_resolve = self
            .auto_resolve
            .as_ref()
            .map(|quiet| problems.read(&join(at, "auto_resolve"), positive_duration(quiet)));
        if auto_resolve.is_some() && self.declare == Some(false) {
            problems.push(
                join(at, "auto_resolve"),
                "a route that only posts opens no incident to resolve; remove auto_resolve or declare = false.",
            );
        }
        if matchers.len() != self.matchers.len() || matches!(auto_resolve, Some(None)) {
            return None;
        }
        Some(AlertRoute {
            name: self.name.clone(),
            matchers,
            service: self.service.clone(),
            channel: channel?,
            severity: fallback?,
            severities,
            action: if self.declare.unwrap_or(true) {
                RouteAction::Declare
            } else {
                RouteAction::Post
            },
            auto_resolve: auto_resolve.flatten(),
        })
    }
}
