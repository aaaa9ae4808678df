//! The services warroom may act on, from configuration.
//!
//! Commands name a service (`/run api pods`); everything about how to reach it comes from here,
//! so user text is only ever used to pick an entry, never to build a command line.

use std::collections::BTreeMap;

use chrono::TimeDelta;

mod carrier;
mod ops;

pub use carrier::Carrier;
pub use ops::{ArgvOp, OpKind, Placeholder, check_identifier, expand, expand_for_shell};

use crate::UserError;
use crate::access::{Risk, Target};
use crate::grammar::{Span, nearest};

/// A configured argv command: run as a program with arguments, never through a shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgvAction {
    pub name: String,
    /// Program and arguments, exactly as configured.
    pub argv: Vec<String>,
    pub risk: Risk,
    pub description: String,
    pub timeout: TimeDelta,
}

/// HTTP health endpoints of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    pub urls: Vec<String>,
    /// Per-target timeout: a hung target is reported down after it, not waited for.
    pub timeout: TimeDelta,
    /// A PEM file of certificates to trust besides the system's roots.
    pub ca_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// `production`, `staging`, ...: what access rules are scoped by.
    pub environment: String,
    /// Named actions for `/run SERVICE ACTION`.
    pub actions: BTreeMap<String, ArgvAction>,
    /// `/health SERVICE`.
    pub health: Option<HealthCheck>,
    /// `/rollback`, `/restart`, `/scale`, `/logs`, `/version`, `/deploys` through argv.
    pub ops: BTreeMap<OpKind, ArgvOp>,
    /// The ECS service that carries rollback, restart, scale, version and deploys when no argv
    /// is configured for them.
    pub ecs: Option<crate::ports::EcsTarget>,
    /// The CloudWatch Logs group `/logs` reads when no argv is configured for logs.
    pub log_group: Option<String>,
    /// The EC2 fleet reached through SSM, and its command lists per operation.
    pub ssm: Option<SsmFleet>,
    /// How long a change made through argv or SSM is followed until the service's health
    /// checks are green (ECS changes follow the rollout for `ecs.settle`).
    pub settle_timeout: TimeDelta,
    /// Names of warroom's environment variables its argv commands get besides
    /// [`PASSED_ENV`] (`[services.NAME] env`).
    pub env: Vec<String>,
}

/// The environment variables every argv command gets from warroom's own environment, when set:
/// what `kubectl`, `aws`, `ssh` and `docker` need to find their configuration and credentials
/// (the AWS SDK's whole credential chain, on EC2, ECS, EKS and with SSO), the ssh agent and
/// proxies. Nothing else reaches a configured command unless the service names it.
pub const PASSED_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TZ",
    "KUBECONFIG",
    "DOCKER_HOST",
    "DOCKER_CONFIG",
    "SSH_AUTH_SOCK",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
];

impl Service {
    /// A service with its name and environment and nothing yet to operate it through: where a
    /// service is built up from, field by field, in tests and fixtures.
    pub fn bare(name: &str, environment: &str) -> Service {
        Service {
            name: name.into(),
            environment: environment.into(),
            actions: BTreeMap::new(),
            health: None,
            ops: BTreeMap::new(),
            ecs: None,
            log_group: None,
            ssm: None,
            settle_timeout: TimeDelta::minutes(5),
            env: Vec::new(),
        }
    }

    /// The names of the variables this service's argv commands get, when warroom has them.
    pub fn command_env(&self) -> Vec<String> {
        let mut names: Vec<String> = PASSED_ENV.iter().map(|n| n.to_string()).collect();
        for extra in &self.env {
            if !names.contains(extra) {
                names.push(extra.clone());
            }
        }
        names
    }
}

/// Instances reached through SSM Run Command, with the shell command lists (from
/// configuration only) that carry each operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsmFleet {
    /// Instance ids; empty when the fleet is named by `tags`.
    pub instances: Vec<String>,
    /// EC2 tags (key, value) every instance of the fleet carries; resolved through SSM when a
    /// plan is made, so the plan names the instances it will touch.
    pub tags: Vec<(String, String)>,
    pub commands: BTreeMap<OpKind, Vec<String>>,
    /// Run on every instance by `/health`; success (and a healthy JSON body, if it prints one)
    /// means the instance is healthy: the runbook's `curl localhost` check.
    pub health: Option<Vec<String>>,
    pub timeout: TimeDelta,
}

impl Service {
    /// Whether `/health` has anything to check: URLs, an ECS service, or SSM health commands.
    pub fn has_health(&self) -> bool {
        self.health.is_some()
            || self.ecs.is_some()
            || self.ssm.as_ref().is_some_and(|f| f.health.is_some())
    }

    pub fn target(&self) -> Target {
        Target {
            service: self.name.clone(),
            environment: self.environment.clone(),
        }
    }

    /// The service's argv integration for an operation, or a sentence naming the key to add.
    pub fn op(&self, kind: OpKind) -> Result<&ArgvOp, UserError> {
        self.ops.get(&kind).ok_or_else(|| {
            UserError::new(format!(
                "{0} has no {1} configured: add [services.{0}.{1}] with argv = [...].",
                self.name,
                kind.as_str()
            ))
        })
    }

    /// The named action, or a sentence listing the ones that exist.
    pub fn action(&self, name: &str, span: Span) -> Result<&ArgvAction, UserError> {
        self.actions.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.actions.keys().map(String::as_str).collect();
            let hint = match nearest(name, known.iter().copied()) {
                Some(g) => format!(" Did you mean `{g}`?"),
                None if known.is_empty() => format!(" {} has no actions configured.", self.name),
                None => format!(" Its actions are: {}.", known.join(", ")),
            };
            UserError::at(
                format!("Service {} has no action `{name}`.{hint}", self.name),
                span,
            )
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceCatalog {
    pub services: BTreeMap<String, Service>,
}

impl ServiceCatalog {
    /// The named service, or a sentence with the nearest name.
    pub fn get(&self, name: &str, span: Span) -> Result<&Service, UserError> {
        self.services.get(name).ok_or_else(|| {
            let hint = match nearest(name, self.services.keys().map(String::as_str)) {
                Some(g) => format!(" Did you mean `{g}`?"),
                None if self.services.is_empty() => {
                    " No services are configured yet; add them under [services.NAME].".to_string()
                }
                None => format!(
                    " Known services: {}.",
                    self.services.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            UserError::at(format!("There is no service `{name}`.{hint}"), span)
        })
    }

    /// Every environment some service is in.
    pub fn environments(&self) -> Vec<String> {
        let mut envs: Vec<String> = self
            .services
            .values()
            .map(|s| s.environment.clone())
            .collect();
        envs.sort();
        envs.dedup();
        envs
    }
}
