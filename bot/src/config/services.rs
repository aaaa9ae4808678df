//! `[services.NAME]`: what warroom may act on, read as written and checked into a
//! [`ServiceCatalog`].
//!
//! Each service carries its environment (which access rules are scoped by) and the integrations
//! for its operations. Today that is named argv actions; health, logs, rollback and the AWS
//! integrations add their own keys beside `actions`.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde::Deserialize;
use warroom_commands::access::Risk;
use warroom_commands::grammar::parse_duration;
use warroom_commands::services::{ArgvAction, HealthCheck, Service, ServiceCatalog};

use super::problems::Problem;

/// `[services.NAME]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ServiceConfig {
    /// `production`, `staging`, ...
    pub environment: String,
    pub description: String,
    /// `[services.NAME.actions.ACTION]`: programs `/run NAME ACTION` runs.
    pub actions: BTreeMap<String, ActionConfig>,
    /// `[services.NAME.health]`: HTTP endpoints `/health NAME` probes.
    pub health: Option<HealthConfig>,
}

/// `[services.NAME.health]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct HealthConfig {
    /// `http://` or `https://` URLs, each probed with GET.
    pub urls: Vec<String>,
    /// Per-target timeout, default "5s".
    pub timeout: Option<String>,
}

/// `[services.NAME.actions.ACTION]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ActionConfig {
    /// Program and arguments; run directly, never through a shell.
    pub argv: Vec<String>,
    /// `read`, `operate` or `destructive`.
    pub risk: String,
    pub description: String,
    /// Default "60s".
    pub timeout: Option<String>,
}

const DEFAULT_TIMEOUT: TimeDelta = TimeDelta::seconds(60);
const DEFAULT_HEALTH_TIMEOUT: TimeDelta = TimeDelta::seconds(5);

fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The catalog; call only on services that passed [`check`].
pub fn catalog(services: &BTreeMap<String, ServiceConfig>) -> ServiceCatalog {
    ServiceCatalog {
        services: services
            .iter()
            .map(|(name, svc)| {
                let actions = svc
                    .actions
                    .iter()
                    .map(|(action, a)| {
                        let parsed = ArgvAction {
                            name: action.clone(),
                            argv: a.argv.clone(),
                            risk: Risk::parse(&a.risk).unwrap_or(Risk::Destructive),
                            description: a.description.clone(),
                            timeout: a
                                .timeout
                                .as_deref()
                                .and_then(|t| parse_duration(t).ok())
                                .unwrap_or(DEFAULT_TIMEOUT),
                        };
                        (action.clone(), parsed)
                    })
                    .collect();
                let service = Service {
                    name: name.clone(),
                    environment: svc.environment.clone(),
                    actions,
                    health: svc.health.as_ref().map(|h| HealthCheck {
                        urls: h.urls.clone(),
                        timeout: h
                            .timeout
                            .as_deref()
                            .and_then(|t| parse_duration(t).ok())
                            .unwrap_or(DEFAULT_HEALTH_TIMEOUT),
                    }),
                };
                (name.clone(), service)
            })
            .collect(),
    }
}

/// Every problem in `[services]`.
pub fn check(services: &BTreeMap<String, ServiceConfig>, problems: &mut Vec<Problem>) {
    const NAME_RULE: &str = "names are lowercase letters, digits, `-` and `_`, starting with a letter or digit; rename it.";
    for (name, svc) in services {
        let at = format!("services.{name}");
        if !valid_name(name) {
            problems.push(Problem::new(&at, format!("`{name}`: {NAME_RULE}")));
        }
        if svc.environment.trim().is_empty() {
            problems.push(Problem::new(
                format!("{at}.environment"),
                "is required: say which environment the service is in, e.g. \"production\".",
            ));
        }
        if let Some(health) = &svc.health {
            if health.urls.is_empty() {
                problems.push(Problem::new(
                    format!("{at}.health.urls"),
                    "is required: list the health endpoints, e.g. [\"https://api.example.com/health\"].",
                ));
            }
            for (i, url) in health.urls.iter().enumerate() {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    problems.push(Problem::new(
                        format!("{at}.health.urls[{i}]"),
                        format!("`{url}` is not an http:// or https:// URL; fix it."),
                    ));
                }
            }
            if let Some(timeout) = &health.timeout
                && let Err(message) = parse_duration(timeout)
            {
                problems.push(Problem::new(format!("{at}.health.timeout"), message));
            }
        }
        for (action, a) in &svc.actions {
            let at = format!("{at}.actions.{action}");
            if !valid_name(action) {
                problems.push(Problem::new(&at, format!("`{action}`: {NAME_RULE}")));
            }
            if a.argv.is_empty() || a.argv[0].trim().is_empty() {
                problems.push(Problem::new(
                    format!("{at}.argv"),
                    "is required: the program and its arguments, e.g. [\"kubectl\", \"get\", \"pods\"].",
                ));
            }
            if Risk::parse(&a.risk).is_none() {
                problems.push(Problem::new(
                    format!("{at}.risk"),
                    format!(
                        "`{}` is not a risk class; write \"read\", \"operate\" or \"destructive\".",
                        a.risk
                    ),
                ));
            }
            if let Some(timeout) = &a.timeout
                && let Err(message) = parse_duration(timeout)
            {
                problems.push(Problem::new(format!("{at}.timeout"), message));
            }
        }
    }
}
