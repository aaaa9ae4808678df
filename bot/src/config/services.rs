//! `[services.NAME]`: what warroom may act on, read as written and checked into a
//! [`ServiceCatalog`].
//!
//! Each service carries its environment (which access rules are scoped by) and the integrations
//! for its operations. Today that is named argv actions; health, logs, rollback and the AWS
//! integrations add their own keys beside `actions`. The keys with checks of their own are in
//! files of their own: the operations' argv templates in `services/operations.rs`, the SSM
//! fleet in `services/ssm.rs`.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde::Deserialize;
use warroom_commands::access::Risk;
use warroom_commands::grammar::parse_duration;
use warroom_commands::ports::EcsTarget;
use warroom_commands::services::{
    ArgvAction, ArgvOp, HealthCheck, OpKind, Service, ServiceCatalog, SsmFleet,
};

use super::problems::Problem;

mod operations;
mod ssm;

pub use operations::OpConfig;
pub use ssm::{SsmCommands, SsmConfig};

use operations::check_op;
use ssm::check_ssm;

/// `[services.NAME]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ServiceConfig {
    /// `production`, `staging`, ...
    pub environment: String,
    pub description: String,
    /// How long a rollback, restart or scale through argv or SSM is followed until the
    /// service's health checks are green, default "5m".
    pub settle_timeout: Option<String>,
    /// `[services.NAME.actions.ACTION]`: programs `/run NAME ACTION` runs.
    pub actions: BTreeMap<String, ActionConfig>,
    /// `[services.NAME.health]`: HTTP endpoints `/health NAME` probes.
    pub health: Option<HealthConfig>,
    /// `[services.NAME.rollback]` and its siblings: argv integrations of the operations.
    pub rollback: Option<OpConfig>,
    pub restart: Option<OpConfig>,
    pub scale: Option<OpConfig>,
    pub logs: Option<OpConfig>,
    pub version: Option<OpConfig>,
    pub deploys: Option<OpConfig>,
    /// `[services.NAME.ecs]`: the ECS service that carries rollback, restart, scale, version
    /// and deploys where no argv is configured for them.
    pub ecs: Option<EcsConfig>,
    /// `[services.NAME.cloudwatch]`: the log group `/logs` reads where no argv is configured.
    pub cloudwatch: Option<CloudWatchConfig>,
    /// `[services.NAME.ssm]`: an EC2 fleet reached through SSM Run Command.
    pub ssm: Option<SsmConfig>,
}

/// `[services.NAME.cloudwatch]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct CloudWatchConfig {
    /// e.g. "/ecs/api".
    pub log_group: String,
}

/// `[services.NAME.ecs]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EcsConfig {
    pub cluster: String,
    pub service: String,
    /// How long a change is followed until the service is stable, default "10m".
    pub settle_timeout: Option<String>,
}

impl ServiceConfig {
    fn ops(&self) -> impl Iterator<Item = (OpKind, &OpConfig)> {
        [
            (OpKind::Rollback, &self.rollback),
            (OpKind::Restart, &self.restart),
            (OpKind::Scale, &self.scale),
            (OpKind::Logs, &self.logs),
            (OpKind::Version, &self.version),
            (OpKind::Deploys, &self.deploys),
        ]
        .into_iter()
        .filter_map(|(kind, op)| op.as_ref().map(|op| (kind, op)))
    }
}

fn timeout(text: &Option<String>, default: TimeDelta) -> TimeDelta {
    text.as_deref()
        .and_then(|t| parse_duration(t).ok())
        .unwrap_or(default)
}

/// `[services.NAME.health]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct HealthConfig {
    /// `http://` or `https://` URLs, each probed with GET.
    pub urls: Vec<String>,
    /// Per-target timeout, default "5s".
    pub timeout: Option<String>,
    /// A PEM file of extra certificates to trust (a private CA or a self-signed endpoint).
    pub ca_file: Option<String>,
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
const DEFAULT_SSM_TIMEOUT: TimeDelta = TimeDelta::seconds(120);
const DEFAULT_SETTLE: TimeDelta = TimeDelta::minutes(10);
const DEFAULT_HEALTH_SETTLE: TimeDelta = TimeDelta::minutes(5);

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
                            timeout: timeout(&a.timeout, DEFAULT_TIMEOUT),
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
                        timeout: timeout(&h.timeout, DEFAULT_HEALTH_TIMEOUT),
                        ca_file: h.ca_file.clone(),
                    }),
                    settle_timeout: timeout(&svc.settle_timeout, DEFAULT_HEALTH_SETTLE),
                    ops: svc
                        .ops()
                        .map(|(kind, op)| {
                            let argv = ArgvOp {
                                argv: op.argv.clone(),
                                argv_targeted: op
                                    .argv_to
                                    .clone()
                                    .or_else(|| op.argv_instance.clone()),
                                timeout: timeout(&op.timeout, DEFAULT_TIMEOUT),
                            };
                            (kind, argv)
                        })
                        .collect(),
                    log_group: svc.cloudwatch.as_ref().map(|c| c.log_group.clone()),
                    ssm: svc.ssm.as_ref().map(|f| SsmFleet {
                        instances: f.instances.clone(),
                        tags: f.tags.clone().into_iter().collect(),
                        commands: f.command_lists().map(|(k, c)| (k, c.clone())).collect(),
                        health: f.commands.health.clone(),
                        timeout: timeout(&f.timeout, DEFAULT_SSM_TIMEOUT),
                    }),
                    ecs: svc.ecs.as_ref().map(|e| EcsTarget {
                        cluster: e.cluster.clone(),
                        service: e.service.clone(),
                        settle: timeout(&e.settle_timeout, DEFAULT_SETTLE)
                            .to_std()
                            .unwrap_or(std::time::Duration::from_secs(600)),
                    }),
                };
                (name.clone(), service)
            })
            .collect(),
    }
}

/// A problem at `path` when `value` is given and is not a duration.
fn check_duration(path: String, value: &Option<String>, problems: &mut Vec<Problem>) {
    if let Some(value) = value
        && let Err(e) = parse_duration(value)
    {
        problems.push(Problem::new(path, e.to_string()));
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
            check_duration(format!("{at}.health.timeout"), &health.timeout, problems);
            if let Some(path) = &health.ca_file
                && let Err(e) = std::fs::read(path)
            {
                problems.push(Problem::new(
                    format!("{at}.health.ca_file"),
                    format!("cannot read `{path}` ({e}); give the path of a PEM file."),
                ));
            }
        }
        if let Some(ecs) = &svc.ecs {
            check_duration(
                format!("{at}.ecs.settle_timeout"),
                &ecs.settle_timeout,
                problems,
            );
            for (key, value) in [("cluster", &ecs.cluster), ("service", &ecs.service)] {
                if value.trim().is_empty() {
                    problems.push(Problem::new(
                        format!("{at}.ecs.{key}"),
                        format!("is required: the ECS {key} name."),
                    ));
                }
            }
        }
        if svc
            .cloudwatch
            .as_ref()
            .is_some_and(|c| c.log_group.trim().is_empty())
        {
            problems.push(Problem::new(
                format!("{at}.cloudwatch.log_group"),
                "is required: the CloudWatch Logs group, e.g. \"/ecs/api\".",
            ));
        }
        check_duration(
            format!("{at}.settle_timeout"),
            &svc.settle_timeout,
            problems,
        );
        if let Some(ssm) = &svc.ssm {
            check_ssm(&format!("{at}.ssm"), ssm, problems);
        }
        for (kind, op) in svc.ops() {
            check_op(&format!("{at}.{}", kind.as_str()), kind, op, problems);
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
            check_duration(format!("{at}.timeout"), &a.timeout, problems);
        }
    }
}
