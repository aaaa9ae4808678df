//! `[access]`: roles and rules, read as written and built into an [`AccessPolicy`].
//!
//! Without an `[access]` section the policy is [`AccessPolicy::incidents_only`]: incidents can
//! be worked from a fresh install, and nothing that touches a platform is allowed until someone
//! writes who may. With the section, only what it grants is allowed. Rules name roles, services
//! and environments, so the section is built after `[services]`, against its catalog.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde::Deserialize;
use warroom_commands::access::{AccessPolicy, Approval, Grant, Principal, Role, Rule, Scope};
use warroom_commands::grammar::nearest;
use warroom_commands::grammar::spec::COMMANDS;
use warroom_commands::services::ServiceCatalog;

use super::problems::Problems;
use super::services::some_duration;

/// Whether a rule may grant `name` by name: every declared command (so a new command can be
/// granted the day it is declared), and `audit`, which configurations written for it use.
fn grantable(name: &str) -> bool {
    COMMANDS.iter().any(|c| c.name == name) || name == "audit"
}

const DEFAULT_TTL: TimeDelta = TimeDelta::minutes(5);

/// `[access]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct AccessSection {
    /// Whether `operate` commands that change platforms need a confirmation too.
    confirm_operate: bool,
    /// How long a confirmation stays valid, e.g. "5m".
    #[serde(deserialize_with = "some_duration")]
    confirmation_ttl: Option<TimeDelta>,
    /// Role name → members (`*`, `slack:U…`, `slack:S…`, `discord:…`, `console:NAME`).
    roles: BTreeMap<String, Vec<String>>,
    rules: Vec<RuleSection>,
}

/// One `[[access.rules]]` entry as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RuleSection {
    role: String,
    /// Risk classes (`read`, `operate`, `destructive`) or command names.
    allow: Vec<String>,
    services: Option<Vec<String>>,
    environments: Option<Vec<String>>,
    /// `PLATFORM:CHANNEL_ID`.
    channels: Option<Vec<String>>,
    /// `self` or `other` (two-person rule); default `other`.
    approval: Option<String>,
}

/// Every name in `names` but `*`, which stands for any.
fn named(names: &Option<Vec<String>>) -> impl Iterator<Item = &String> {
    names.iter().flatten().filter(|name| *name != "*")
}

fn scope(names: &Option<Vec<String>>) -> Scope {
    match names {
        Some(names) if !names.iter().any(|n| n == "*") => Scope::Only(names.clone()),
        _ => Scope::Any,
    }
}

impl AccessSection {
    /// The policy, after every problem in the section, including names that refer to nothing
    /// in `services`.
    pub(super) fn build(&self, services: &ServiceCatalog, problems: &mut Problems) -> AccessPolicy {
        if self.confirmation_ttl == Some(TimeDelta::zero()) {
            problems.push(
                "access.confirmation_ttl",
                "must be longer than zero, e.g. \"5m\".",
            );
        }
        let roles = self
            .roles
            .iter()
            .map(|(name, members)| Role {
                name: name.clone(),
                members: members
                    .iter()
                    .enumerate()
                    .filter_map(|(i, member)| {
                        let at = format!("access.roles.{name}[{i}]");
                        problems.read(&at, Principal::parse(member))
                    })
                    .collect(),
            })
            .collect();
        let rules = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| rule.build(&format!("access.rules[{i}]"), self, services, problems))
            .collect();
        AccessPolicy {
            roles,
            rules,
            confirm_operate: self.confirm_operate,
            confirmation_ttl: self.confirmation_ttl.unwrap_or(DEFAULT_TTL),
        }
    }
}

impl RuleSection {
    fn build(
        &self,
        at: &str,
        access: &AccessSection,
        services: &ServiceCatalog,
        problems: &mut Problems,
    ) -> Rule {
        let at = |key: &str| format!("{at}.{key}");
        if self.role.is_empty() {
            problems.push(
                at("role"),
                "is required: name a role defined under [access.roles].",
            );
        } else if !access.roles.contains_key(&self.role) {
            let hint = nearest(&self.role, access.roles.keys().map(String::as_str))
                .map_or(String::new(), |g| format!(" (did you mean `{g}`?)"));
            problems.push(
                at("role"),
                format!("role `{}` is not defined under [access.roles]{hint}; define it or fix the name.", self.role),
            );
        }
        if self.allow.is_empty() {
            problems.push(
                at("allow"),
                "is required: list risk classes (read, operate, destructive) or command names.",
            );
        }
        let allow: Vec<Grant> = self.allow.iter().map(|g| Grant::parse(g)).collect();
        for grant in &allow {
            if let Grant::Command(name) = grant
                && !grantable(name)
            {
                problems.push(
                    at("allow"),
                    format!("`{name}` is neither a risk class (read, operate, destructive) nor a command name; fix it."),
                );
            }
        }
        for service in named(&self.services) {
            if !services.services.contains_key(service) {
                problems.push(
                    at("services"),
                    format!("service `{service}` is not configured under [services]; add it or fix the name."),
                );
            }
        }
        let environments = services.environments();
        if !services.services.is_empty() {
            for env in named(&self.environments) {
                if !environments.contains(env) {
                    problems.push(
                        at("environments"),
                        format!(
                            "no service is in environment `{env}` (known: {}); fix the name.",
                            environments.join(", ")
                        ),
                    );
                }
            }
        }
        for channel in named(&self.channels) {
            if let Err(message) = Principal::parse(channel) {
                problems.push(at("channels"), message.replace("member", "channel"));
            }
        }
        let approval = problems.parse_or(
            &at("approval"),
            self.approval.as_deref(),
            |text| Approval::parse(text).ok_or_else(|| format!("`{text}` is not an approval; use \"self\" (the requester may confirm) or \"other\" (a second person must).")),
            Approval::SecondPerson,
        );
        Rule {
            role: self.role.clone(),
            allow,
            services: scope(&self.services),
            environments: scope(&self.environments),
            channels: scope(&self.channels),
            approval,
        }
    }
}
