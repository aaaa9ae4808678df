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
mod alerts;
mod aws;
mod database;
mod discord;
mod env;
mod escalation;
mod load;
mod paging;
mod problems;
mod read;
mod schedules;
mod server;
mod services;
mod severity;
mod slack;
mod text;
mod web;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Deserialize;
use warroom_commands::access::AccessPolicy;
use warroom_commands::incident::SeverityPolicy;
use warroom_commands::oncall::Schedules;
use warroom_commands::services::ServiceCatalog;

pub use alerts::AlertsConfig;
pub use aws::AwsConfig;
pub use database::{DATABASE_URL, DatabaseConfig, DatabaseKind};
pub use discord::{DISCORD_ORIGIN, DiscordConfig, DiscordMode};
pub use escalation::EscalationConfig;
pub use load::{
    BUILT_IN_DEFAULTS, DEFAULT_PATH, Loaded, Source, load, load_str, load_str_with_env,
    load_with_env,
};
pub use paging::{OpsgenieConfig, PagerDutyConfig, PagingConfig};
pub use problems::{ConfigError, Problem};
pub use server::ServerConfig;
pub use slack::{SlackConfig, SlackMode};
pub use web::WebConfig;

use access::AccessSection;
use alerts::AlertsSection;
use escalation::EscalationSection;
use problems::Problems;
use schedules::ScheduleSection;
use services::ServiceSection;
use severity::SeveritySection;

/// What warroom runs with: every section built from the file, each value already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `[server]`: where the HTTP server listens.
    pub server: ServerConfig,
    /// `[database]`: where incidents are stored.
    pub database: DatabaseConfig,
    /// `[severity.p1]` to `[severity.p4]`: the response targets the incident handlers enforce.
    pub severity: SeverityPolicy,
    /// `[aws]`: region and endpoint for the ECS, SSM and CloudWatch Logs integrations.
    pub aws: AwsConfig,
    /// `[access]`: who may do what. Absent: incidents only.
    pub access: AccessPolicy,
    /// `[services.NAME]`: the services commands may name.
    pub services: ServiceCatalog,
    /// `[slack]`: the Slack transport.
    pub slack: SlackConfig,
    /// `[discord]`: the Discord transport.
    pub discord: DiscordConfig,
    /// `[escalation]`: who is paged when nobody acknowledges, and the weekly digest.
    pub escalation: EscalationConfig,
    /// `[schedules.NAME]`: on-call rotations, in name order.
    pub schedules: Schedules,
    /// `[web]`: the incident pages, and who may read them.
    pub web: WebConfig,
    /// `[alerts]`: which alert sources may send, and where their alerts go.
    pub alerts: AlertsConfig,
    /// `[paging.pagerduty]`, `[paging.opsgenie]`: the paging providers, both ways.
    pub paging: PagingConfig,
    /// Values that came from `${ENV_VAR}` references and `DATABASE_URL`'s password: masked in
    /// everything warroom shows.
    pub secrets: Vec<String>,
}

/// The built-in defaults: what an empty file builds into.
impl Default for Config {
    fn default() -> Self {
        ConfigFile::default().build(&mut Problems::default())
    }
}

/// The file as written. Sections that are left out keep their defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ConfigFile {
    server: ServerConfig,
    database: DatabaseConfig,
    severity: SeveritySection,
    aws: AwsConfig,
    access: Option<AccessSection>,
    services: BTreeMap<String, ServiceSection>,
    slack: SlackConfig,
    discord: DiscordConfig,
    escalation: EscalationSection,
    schedules: BTreeMap<String, ScheduleSection>,
    web: WebConfig,
    alerts: AlertsSection,
    paging: PagingConfig,
}

impl ConfigFile {
    /// Every section built, and every problem that needs more than one value to see: keys
    /// required together, and names that refer to nothing.
    fn build(self, problems: &mut Problems) -> Config {
        let services = ServiceCatalog {
            services: self
                .services
                .iter()
                .map(|(name, service)| (name.clone(), service.build(name, problems)))
                .collect(),
        };
        self.slack.check(problems);
        self.discord.check(problems);
        let schedule_names: Vec<&str> = self.schedules.keys().map(String::as_str).collect();
        let escalation = self.escalation.build(&schedule_names, problems);
        let schedules = schedules::build(&self.schedules, escalation.zone(), problems);
        self.web.check(problems);
        self.paging.check(problems);
        paging::check_levels(&escalation.policy(), &self.paging, problems);
        let names: Vec<&str> = services.services.keys().map(String::as_str).collect();
        let alerts = self.alerts.build(&names, problems);
        let access = match &self.access {
            Some(access) => access.build(&services, problems),
            None => AccessPolicy::incidents_only(),
        };
        Config {
            server: self.server,
            database: self.database,
            severity: self.severity.build(),
            aws: self.aws,
            access,
            services,
            slack: self.slack,
            discord: self.discord,
            escalation,
            schedules,
            web: self.web,
            alerts,
            paging: self.paging,
            secrets: Vec::new(),
        }
    }
}
