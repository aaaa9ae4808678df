//! `[access]`: roles and rules, read as written and checked into an [`AccessPolicy`].
//!
//! Without an `[access]` section the policy is [`AccessPolicy::incidents_only`]: incidents can
//! be worked from a fresh install, and nothing that touches a platform is allowed until someone
//! writes who may. With the section, only what it grants is allowed.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde::Deserialize;
use warroom_commands::access::{AccessPolicy, Approval, Grant, Principal, Role, Rule, Scope};
use warroom_commands::grammar::{nearest, parse_duration};
use warroom_commands::services::ServiceCatalog;

use super::problems::Problem;

/// Command names a rule may grant by name (some arrive with later transports and operations).
pub const COMMAND_NAMES: [&str; 13] = [
    "incident", "help", "run", "confirm", "cancel", "audit", "health", "logs", "rollback",
    "restart", "scale", "version", "deploys",
];

/// `[access]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AccessConfig {
    /// Whether `operate` commands that change platforms need a confirmation too.
    pub confirm_operate: bool,
    /// How long a confirmation stays valid, e.g. "5m".
    pub confirmation_ttl: Option<String>,
    /// Role name → members (`*`, `slack:U…`, `slack:S…`, `discord:…`, `console:NAME`).
    pub roles: BTreeMap<String, Vec<String>>,
    pub rules: Vec<RuleConfig>,
}

/// One `[[access.rules]]` entry as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RuleConfig {
    pub role: String,
    /// Risk classes (`read`, `operate`, `destructive`) or command names.
    pub allow: Vec<String>,
    pub services: Option<Vec<String>>,
    pub environments: Option<Vec<String>>,
    /// `PLATFORM:CHANNEL_ID`.
    pub channels: Option<Vec<String>>,
    /// `self` or `other` (two-person rule); default `other`.
    pub approval: Option<String>,
}

const DEFAULT_TTL: TimeDelta = TimeDelta::minutes(5);

fn scope(names: &Option<Vec<String>>) -> Scope {
    match names {
        None => Scope::Any,
        Some(names) if names.iter().any(|n| n == "*") => Scope::Any,
        Some(names) => Scope::Only(names.clone()),
    }
}

impl AccessConfig {
    /// The policy; call only on a configuration that passed [`AccessConfig::check`].
    pub fn policy(&self) -> AccessPolicy {
        AccessPolicy {
            roles: self
                .roles
                .iter()
                .map(|(name, members)| Role {
                    name: name.clone(),
                    members: members
                        .iter()
                        .filter_map(|m| Principal::parse(m).ok())
                        .collect(),
                })
                .collect(),
            rules: self
                .rules
                .iter()
                .map(|r| Rule {
                    role: r.role.clone(),
                    allow: r.allow.iter().map(|g| Grant::parse(g)).collect(),
                    services: scope(&r.services),
                    environments: scope(&r.environments),
                    channels: scope(&r.channels),
                    approval: r
                        .approval
                        .as_deref()
                        .and_then(Approval::parse)
                        .unwrap_or(Approval::SecondPerson),
                })
                .collect(),
            confirm_operate: self.confirm_operate,
            confirmation_ttl: self
                .confirmation_ttl
                .as_deref()
                .and_then(|t| parse_duration(t).ok())
                .unwrap_or(DEFAULT_TTL),
        }
    }

    /// Every problem in the section, including names that refer to nothing.
    pub fn check(&self, services: &ServiceCatalog, problems: &mut Vec<Problem>) {
        if let Some(ttl) = &self.confirmation_ttl {
            match parse_duration(ttl) {
                Ok(d) if d > TimeDelta::zero() => {}
                Ok(_) => problems.push(Problem::new(
                    "access.confirmation_ttl",
                    "must be longer than zero, e.g. \"5m\".",
                )),
                Err(e) => problems.push(Problem::new("access.confirmation_ttl", e.to_string())),
            }
        }
        for (role, members) in &self.roles {
            for (i, member) in members.iter().enumerate() {
                if let Err(message) = Principal::parse(member) {
                    problems.push(Problem::new(format!("access.roles.{role}[{i}]"), message));
                }
            }
        }
        let environments = services.environments();
        for (i, rule) in self.rules.iter().enumerate() {
            let at = |key: &str| format!("access.rules[{i}].{key}");
            if rule.role.is_empty() {
                problems.push(Problem::new(
                    at("role"),
                    "is required: name a role defined under [access.roles].",
                ));
            } else if !self.roles.contains_key(&rule.role) {
                let hint = nearest(&rule.role, self.roles.keys().map(String::as_str))
                    .map_or(String::new(), |g| format!(" (did you mean `{g}`?)"));
                problems.push(Problem::new(
                    at("role"),
                    format!("role `{}` is not defined under [access.roles]{hint}; define it or fix the name.", rule.role),
                ));
            }
            if rule.allow.is_empty() {
                problems.push(Problem::new(
                    at("allow"),
                    "is required: list risk classes (read, operate, destructive) or command names.",
                ));
            }
            for grant in &rule.allow {
                if let Grant::Command(name) = Grant::parse(grant)
                    && !COMMAND_NAMES.contains(&name.as_str())
                {
                    problems.push(Problem::new(
                        at("allow"),
                        format!("`{name}` is neither a risk class (read, operate, destructive) nor a command name; fix it."),
                    ));
                }
            }
            for service in rule.services.iter().flatten().filter(|s| *s != "*") {
                if !services.services.contains_key(service) {
                    problems.push(Problem::new(
                        at("services"),
                        format!("service `{service}` is not configured under [services]; add it or fix the name."),
                    ));
                }
            }
            if !services.services.is_empty() {
                for env in rule.environments.iter().flatten().filter(|e| *e != "*") {
                    if !environments.contains(env) {
                        problems.push(Problem::new(
                            at("environments"),
                            format!(
                                "no service is in environment `{env}` (known: {}); fix the name.",
                                environments.join(", ")
                            ),
                        ));
                    }
                }
            }
            for channel in rule.channels.iter().flatten().filter(|c| *c != "*") {
                if let Err(message) = Principal::parse(channel) {
                    problems.push(Problem::new(
                        at("channels"),
                        message.replace("member", "channel"),
                    ));
                }
            }
            if let Some(approval) = &rule.approval
                && Approval::parse(approval).is_none()
            {
                problems.push(Problem::new(
                    at("approval"),
                    format!("`{approval}` is not an approval; use \"self\" (the requester may confirm) or \"other\" (a second person must)."),
                ));
            }
        }
    }
}
