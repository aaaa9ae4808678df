//! The access policy: roles, rules, and the decision for one request.
//!
//! A request is allowed when some rule, for a role the actor holds, grants the command (by name
//! or by its risk class) on the service's environment and in the channel it was typed in:
//! effective permission = role ∩ channel ∩ environment. Nothing is allowed otherwise. A denial
//! names the roles that would have been allowed, so the person knows whom to ask.

use std::collections::BTreeSet;

use chrono::TimeDelta;

use super::{Actor, Principal, Risk};
use crate::ChannelRef;

/// A named set of principals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub members: Vec<Principal>,
}

/// What a rule grants: a whole risk class or one command by name (`incident`, `run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    Risk(Risk),
    Command(String),
}

impl Grant {
    /// `read`, `operate`, `destructive`, or a command name.
    pub fn parse(text: &str) -> Grant {
        Risk::parse(text).map_or_else(|| Grant::Command(text.to_string()), Grant::Risk)
    }
}

/// Where a rule applies: everywhere, or only to the listed names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Any,
    Only(Vec<String>),
}

impl Scope {
    fn admits(&self, name: &str) -> bool {
        match self {
            Scope::Any => true,
            Scope::Only(names) => names.iter().any(|n| n == name),
        }
    }
}

/// Who confirms a command that needs confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Approval {
    /// The requester may confirm their own request.
    SelfApprove,
    /// Someone else, also allowed to run the command, must confirm (two-person rule).
    SecondPerson,
}

impl Approval {
    pub fn as_str(self) -> &'static str {
        match self {
            Approval::SelfApprove => "self",
            Approval::SecondPerson => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Approval> {
        [Approval::SelfApprove, Approval::SecondPerson]
            .into_iter()
            .find(|a| a.as_str() == text)
    }
}

/// One grant to one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub role: String,
    pub allow: Vec<Grant>,
    pub services: Scope,
    pub environments: Scope,
    /// Channels as `PLATFORM:CHANNEL_ID` (`slack:C024BE91L`, `console:ops`).
    pub channels: Scope,
    pub approval: Approval,
}

/// The service a command acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub service: String,
    pub environment: String,
}

/// One question to the policy.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub actor: &'a Actor,
    pub channel: &'a ChannelRef,
    /// The command's name: `incident`, `run`, `help`.
    pub command: &'a str,
    pub risk: Risk,
    pub target: Option<&'a Target>,
}

/// The policy's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed; `approval` says who confirms when the command needs confirming.
    Allow { approval: Approval },
    /// Denied; these roles would have been allowed here.
    Deny { roles: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPolicy {
    pub roles: Vec<Role>,
    pub rules: Vec<Rule>,
    /// Whether `operate` commands that change platforms need a confirmation too.
    pub confirm_operate: bool,
    /// How long a confirmation stays valid.
    pub confirmation_ttl: TimeDelta,
}

impl AccessPolicy {
    /// The policy when the configuration has no `[access]` section: everyone may read and work
    /// incidents in any channel; nothing that touches a platform is allowed.
    pub fn incidents_only() -> AccessPolicy {
        AccessPolicy {
            roles: vec![Role {
                name: "everyone".into(),
                members: vec![Principal::Everyone],
            }],
            rules: vec![Rule {
                role: "everyone".into(),
                allow: vec![Grant::Risk(Risk::Read), Grant::Command("incident".into())],
                services: Scope::Any,
                environments: Scope::Any,
                channels: Scope::Any,
                approval: Approval::SecondPerson,
            }],
            confirm_operate: false,
            confirmation_ttl: TimeDelta::minutes(5),
        }
    }

    fn holds(&self, actor: &Actor, role: &str) -> bool {
        self.roles
            .iter()
            .filter(|r| r.name == role)
            .any(|r| r.members.iter().any(|m| m.matches(actor)))
    }

    /// Rules that grant this request, ignoring who asks.
    fn granting<'p>(&'p self, req: &'p Request<'_>) -> impl Iterator<Item = &'p Rule> + 'p {
        let channel = format!("{}:{}", req.channel.platform, req.channel.channel);
        self.rules.iter().filter(move |rule| {
            let grants = rule.allow.iter().any(|g| match g {
                Grant::Risk(r) => *r == req.risk,
                Grant::Command(name) => name == req.command,
            });
            let on_target = req.target.is_none_or(|t| {
                rule.services.admits(&t.service) && rule.environments.admits(&t.environment)
            });
            grants && on_target && rule.channels.admits(&channel)
        })
    }

    pub fn decide(&self, req: &Request<'_>) -> Decision {
        let approval = self
            .granting(req)
            .filter(|rule| self.holds(req.actor, &rule.role))
            .map(|rule| rule.approval)
            .min();
        match approval {
            Some(approval) => Decision::Allow { approval },
            None => Decision::Deny {
                roles: self
                    .granting(req)
                    .map(|rule| rule.role.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            },
        }
    }

    /// Role names the rules refer to but that are not defined, for `check-config`.
    pub fn undefined_roles(&self) -> Vec<String> {
        self.rules
            .iter()
            .filter(|rule| !self.roles.iter().any(|r| r.name == rule.role))
            .map(|rule| rule.role.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests;
