//! `[services.NAME]`: what warroom may act on, read as written and built into a
//! [`ServiceCatalog`].
//!
//! Each service carries its environment (which access rules are scoped by) and the integrations
//! for its operations: named argv actions, HTTP health checks, argv templates of the operations,
//! ECS, CloudWatch Logs and an SSM fleet. The keys with rules of their own are in files of their
//! own: the operations' argv templates in `services/operations.rs`, the SSM fleet in
//! `services/ssm.rs`. Durations are read by serde; building checks the rest and assembles each
//! [`Service`] in the same pass.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde::{Deserialize, Deserializer};
use warroom_commands::access::Risk;
use warroom_commands::ports::EcsTarget;
use warroom_commands::services::{ArgvAction, HealthCheck, OpKind, Service};

use super::problems::Problems;
use super::text::{duration, read_text, std_duration};

mod operations;
mod ssm;

use operations::OpSection;
use ssm::SsmSection;

const DEFAULT_TIMEOUT: TimeDelta = TimeDelta::seconds(60);
const DEFAULT_HEALTH_TIMEOUT: TimeDelta = TimeDelta::seconds(5);
const DEFAULT_SETTLE: TimeDelta = TimeDelta::minutes(10);
const DEFAULT_HEALTH_SETTLE: TimeDelta = TimeDelta::minutes(5);

/// `[services.NAME]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct ServiceSection {
    /// `production`, `staging`, ...
    environment: String,
    /// For people reading the file; accepted so that it can be written, not shown anywhere.
    #[allow(dead_code)]
    description: String,
    /// How long a rollback, restart or scale through argv or SSM is followed until the
    /// service's health checks are green, default "5m".
    #[serde(deserialize_with = "some_duration")]
    settle_timeout: Option<TimeDelta>,
    /// Names of warroom's environment variables its argv commands get besides the standard
    /// ones (credentials, region, ssh agent, proxies): `["VAULT_ADDR"]`.
    env: Vec<String>,
    /// `[services.NAME.actions.ACTION]`: programs `/run NAME ACTION` runs.
    actions: BTreeMap<String, ActionSection>,
    /// `[services.NAME.health]`: HTTP endpoints `/health NAME` probes.
    health: Option<HealthSection>,
    /// `[services.NAME.rollback]` and its siblings: argv integrations of the operations.
    rollback: Option<OpSection>,
    restart: Option<OpSection>,
    scale: Option<OpSection>,
    logs: Option<OpSection>,
    version: Option<OpSection>,
    deploys: Option<OpSection>,
    /// `[services.NAME.ecs]`: the ECS service that carries rollback, restart, scale, version
    /// and deploys where no argv is configured for them.
    ecs: Option<EcsSection>,
    /// `[services.NAME.cloudwatch]`: the log group `/logs` reads where no argv is configured.
    cloudwatch: Option<CloudWatchSection>,
    /// `[services.NAME.ssm]`: an EC2 fleet reached through SSM Run Command.
    ssm: Option<SsmSection>,
}

/// `[services.NAME.cloudwatch]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CloudWatchSection {
    /// e.g. "/ecs/api".
    log_group: String,
}

/// `[services.NAME.ecs]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct EcsSection {
    cluster: String,
    service: String,
    /// How long a change is followed until the service is stable, default "10m".
    #[serde(deserialize_with = "some_duration")]
    settle_timeout: Option<TimeDelta>,
}

/// `[services.NAME.health]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct HealthSection {
    /// `http://` or `https://` URLs, each probed with GET.
    urls: Vec<String>,
    /// Per-target timeout, default "5s".
    #[serde(deserialize_with = "some_duration")]
    timeout: Option<TimeDelta>,
    /// A PEM file of extra certificates to trust (a private CA or a self-signed endpoint).
    ca_file: Option<String>,
}

/// `[services.NAME.actions.ACTION]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ActionSection {
    /// Program and arguments; run directly, never through a shell.
    argv: Vec<String>,
    /// `read`, `operate` or `destructive`.
    risk: String,
    description: String,
    /// Default "60s".
    #[serde(deserialize_with = "some_duration")]
    timeout: Option<TimeDelta>,
}

/// For `#[serde(deserialize_with)]`: a timeout or settle time.
pub(super) fn some_duration<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<TimeDelta>, D::Error> {
    read_text(d, duration).map(Some)
}

const NAME_RULE: &str =
    "names are lowercase letters, digits, `-` and `_`, starting with a letter or digit; rename it.";

/// A problem at `at` unless `name` is a valid service, action or schedule name.
pub(super) fn check_name(at: &str, name: &str, problems: &mut Problems) {
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        problems.push(at, format!("`{name}`: {NAME_RULE}"));
    }
}

/// A problem at `path` when `value` is empty.
fn require(path: String, value: &str, what: &str, problems: &mut Problems) {
    if value.trim().is_empty() {
        problems.push(path, format!("is required: {what}"));
    }
}

impl ServiceSection {
    /// The service named `name`, checked as it is built.
    pub(super) fn build(&self, name: &str, problems: &mut Problems) -> Service {
        let at = format!("services.{name}");
        check_name(&at, name, problems);
        require(
            format!("{at}.environment"),
            &self.environment,
            "say which environment the service is in, e.g. \"production\".",
            problems,
        );
        let health = self
            .health
            .as_ref()
            .map(|h| h.build(&format!("{at}.health"), problems));
        let ecs = self
            .ecs
            .as_ref()
            .map(|e| e.build(&format!("{at}.ecs"), problems));
        let log_group = self.cloudwatch.as_ref().map(|c| {
            require(
                format!("{at}.cloudwatch.log_group"),
                &c.log_group,
                "the CloudWatch Logs group, e.g. \"/ecs/api\".",
                problems,
            );
            c.log_group.clone()
        });
        let ssm = self
            .ssm
            .as_ref()
            .map(|f| f.build(&format!("{at}.ssm"), problems));
        let ops = [
            (OpKind::Rollback, &self.rollback),
            (OpKind::Restart, &self.restart),
            (OpKind::Scale, &self.scale),
            (OpKind::Logs, &self.logs),
            (OpKind::Version, &self.version),
            (OpKind::Deploys, &self.deploys),
        ]
        .into_iter()
        .filter_map(|(kind, op)| {
            let op = op.as_ref()?;
            Some((
                kind,
                op.build(&format!("{at}.{}", kind.as_str()), kind, problems),
            ))
        })
        .collect();
        let actions = self
            .actions
            .iter()
            .filter_map(|(action, a)| {
                let built = a.build(&format!("{at}.actions.{action}"), action, problems)?;
                Some((action.clone(), built))
            })
            .collect();
        Service {
            name: name.to_string(),
            environment: self.environment.clone(),
            actions,
            health,
            ops,
            ecs,
            log_group,
            ssm,
            settle_timeout: self.settle_timeout.unwrap_or(DEFAULT_HEALTH_SETTLE),
            env: self.env_names(&at, problems),
        }
    }
}

impl ServiceSection {
    /// The `env` names, each a variable name (letters, digits and `_`, not starting with a
    /// digit): what `std::env` can look up and a program can be given.
    fn env_names(&self, at: &str, problems: &mut Problems) -> Vec<String> {
        for (i, name) in self.env.iter().enumerate() {
            let valid = name.chars().next().is_some_and(|c| !c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                problems.push(
                    format!("{at}.env[{i}]"),
                    format!(
                        "`{name}` is not an environment variable name; write names such as \"VAULT_ADDR\" (letters, digits and _), not values."
                    ),
                );
            }
        }
        self.env.clone()
    }
}

impl HealthSection {
    fn build(&self, at: &str, problems: &mut Problems) -> HealthCheck {
        if self.urls.is_empty() {
            problems.push(
                format!("{at}.urls"),
                "is required: list the health endpoints, e.g. [\"https://api.example.com/health\"].",
            );
        }
        for (i, url) in self.urls.iter().enumerate() {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                problems.push(
                    format!("{at}.urls[{i}]"),
                    format!("`{url}` is not an http:// or https:// URL; fix it."),
                );
            }
        }
        if let Some(path) = &self.ca_file
            && let Err(e) = std::fs::read(path)
        {
            problems.push(
                format!("{at}.ca_file"),
                format!("cannot read `{path}` ({e}); give the path of a PEM file."),
            );
        }
        HealthCheck {
            urls: self.urls.clone(),
            timeout: self.timeout.unwrap_or(DEFAULT_HEALTH_TIMEOUT),
            ca_file: self.ca_file.clone(),
        }
    }
}

impl EcsSection {
    fn build(&self, at: &str, problems: &mut Problems) -> EcsTarget {
        for (key, value) in [("cluster", &self.cluster), ("service", &self.service)] {
            require(
                format!("{at}.{key}"),
                value,
                &format!("the ECS {key} name."),
                problems,
            );
        }
        EcsTarget {
            cluster: self.cluster.clone(),
            service: self.service.clone(),
            settle: std_duration(self.settle_timeout.unwrap_or(DEFAULT_SETTLE)),
        }
    }
}

impl ActionSection {
    /// The action; `None` once a problem with its risk class is reported.
    fn build(&self, at: &str, name: &str, problems: &mut Problems) -> Option<ArgvAction> {
        check_name(at, name, problems);
        if self
            .argv
            .first()
            .is_none_or(|program| program.trim().is_empty())
        {
            problems.push(
                format!("{at}.argv"),
                "is required: the program and its arguments, e.g. [\"kubectl\", \"get\", \"pods\"].",
            );
        }
        let risk = Risk::parse(&self.risk).ok_or_else(|| {
            format!(
                "`{}` is not a risk class; write \"read\", \"operate\" or \"destructive\".",
                self.risk
            )
        });
        Some(ArgvAction {
            name: name.to_string(),
            argv: self.argv.clone(),
            risk: problems.read(&format!("{at}.risk"), risk)?,
            description: self.description.clone(),
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
        })
    }
}
