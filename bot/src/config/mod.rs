//! Configuration: one TOML file, every key documented in `config.example.toml`.
//!
//! Everything has a default, so a first run needs no file at all: warroom listens on loopback,
//! keeps incidents in `./warroom.db` and uses the runbooks' severity targets. A deployment writes
//! only what differs, keeps secrets in the environment as `${ENV_VAR}` references, and may set
//! `DATABASE_URL` to override `database.url`.
//!
//! A mistake in the file is found before warroom starts, not in the middle of an incident: every
//! value is checked while loading (durations, the listen address, the database URL), unknown keys
//! are rejected with a suggestion, and all problems are reported together, each under its key
//! path (see [`ConfigError`]). `warroom check-config` is loading and nothing else.

mod access;
mod aws;
mod database;
mod discord;
mod env;
mod escalation;
mod load;
mod problems;
mod schema;
mod server;
mod services;
mod severity;
mod slack;
mod web;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Deserialize;
use warroom_commands::access::AccessPolicy;
use warroom_commands::incident::SeverityPolicy;
use warroom_commands::services::ServiceCatalog;

pub use access::{AccessConfig, RuleConfig};
pub use aws::AwsConfig;
pub use services::{
    ActionConfig, CloudWatchConfig, EcsConfig, HealthConfig, OpConfig, ServiceConfig, SsmCommands,
    SsmConfig,
};

pub use database::{DATABASE_URL, DatabaseConfig, DatabaseKind};
pub use discord::{DISCORD_ORIGIN, DiscordConfig, DiscordMode};
pub use escalation::{EscalationConfig, LevelConfig, SeverityEscalationConfig};
pub use load::{
    BUILT_IN_DEFAULTS, DEFAULT_PATH, Loaded, Source, load, load_str, load_str_with_env,
    load_with_env,
};
pub use problems::{ConfigError, Problem};
pub use server::ServerConfig;
pub use severity::{SeverityConfig, SeverityLevelConfig};
pub use slack::{SlackConfig, SlackMode};
pub use web::WebConfig;

/// The whole file. Sections that are left out keep their defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `[server]`: where the HTTP server listens.
    pub server: ServerConfig,
    /// `[database]`: where incidents are stored.
    pub database: DatabaseConfig,
    /// `[severity.p1]` to `[severity.p4]`: response targets per severity.
    pub severity: SeverityConfig,
    /// `[aws]`: region and endpoint for the ECS, SSM and CloudWatch Logs integrations.
    pub aws: AwsConfig,
    /// `[access]`: who may do what. Absent: incidents only.
    pub access: Option<AccessConfig>,
    /// `[services.NAME]`: what warroom may act on.
    pub services: BTreeMap<String, ServiceConfig>,
    /// `[slack]`: the Slack transport.
    pub slack: SlackConfig,
    /// `[discord]`: the Discord transport.
    pub discord: DiscordConfig,
    /// `[escalation]`: who is paged when nobody acknowledges, and the weekly digest.
    pub escalation: EscalationConfig,
    /// `[web]`: the incident pages, and who may read them.
    pub web: WebConfig,
    /// Values that came from `${ENV_VAR}` references and `DATABASE_URL`'s password: masked in
    /// everything warroom shows.
    #[serde(skip)]
    pub secrets: Vec<String>,
}

impl Config {
    /// The response targets the incident handlers enforce.
    pub fn severity_policy(&self) -> SeverityPolicy {
        self.severity.policy()
    }

    /// Who may do what.
    pub fn access_policy(&self) -> AccessPolicy {
        self.access
            .as_ref()
            .map_or_else(AccessPolicy::incidents_only, AccessConfig::policy)
    }

    /// The services commands may name.
    pub fn service_catalog(&self) -> ServiceCatalog {
        services::catalog(&self.services)
    }

    /// Problems that only the whole configuration shows: values of access and services, and
    /// names that refer to nothing.
    fn check(&self, problems: &mut Vec<Problem>) {
        services::check(&self.services, problems);
        self.slack.check(problems);
        self.discord.check(problems);
        self.escalation.check(problems);
        self.web.check(problems);
        if let Some(access) = &self.access {
            access.check(&self.service_catalog(), problems);
        }
    }
}
