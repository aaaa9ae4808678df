//! Paging beyond chat: an incident handed to PagerDuty or Opsgenie, so the page reaches a phone,
//! and what comes back (someone acknowledged or resolved it there) acting on the warroom
//! incident as if they had typed `/incident ack` or `/incident resolve`.
//!
//! The core decides what is sent and what an answer means; the HTTP calls and the webhooks are
//! outside ([`crate::ports::PagingPort`], the bot's `/paging/*` routes). Each provider is told
//! about an incident under one key, [`page_key`], which is also how its webhooks name the
//! incident back to warroom ([`incident_in`]).

mod handoff;
mod inbound;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::incident::{Incident, IncidentId, Severity};

pub(crate) use handoff::{by, provider_of};
pub use handoff::{follow, hand_off, handed_to};
pub use inbound::{Answered, acknowledged_elsewhere, resolved_elsewhere};

/// Where a page can be handed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    PagerDuty,
    Opsgenie,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::PagerDuty, Provider::Opsgenie];

    /// The name in configuration, on the timeline and in an actor (`pagerduty:Alice`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::PagerDuty => "pagerduty",
            Provider::Opsgenie => "opsgenie",
        }
    }

    pub fn parse(text: &str) -> Option<Provider> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The actor of something a person did on this provider: `pagerduty:Alice Smith`, so the
    /// timeline says who and on which system.
    pub fn actor(self, who: &str) -> String {
        let who = who.trim();
        let who = if who.is_empty() { "someone" } else { who };
        format!("{}:{who}", self.as_str())
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::PagerDuty => "PagerDuty",
            Provider::Opsgenie => "Opsgenie",
        })
    }
}

/// What is asked of the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageAction {
    /// Open (or join) the provider's incident or alert, which pages its on-call.
    Trigger,
    Acknowledge,
    Resolve,
}

impl PageAction {
    pub fn as_str(self) -> &'static str {
        match self {
            PageAction::Trigger => "trigger",
            PageAction::Acknowledge => "acknowledge",
            PageAction::Resolve => "resolve",
        }
    }
}

/// PagerDuty's four severities, from warroom's.
pub fn pagerduty_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::P1 => "critical",
        Severity::P2 => "error",
        Severity::P3 => "warning",
        Severity::P4 => "info",
    }
}

/// Opsgenie's priority (P1..P5), from warroom's severity: the same names, P5 unused.
pub fn opsgenie_priority(severity: Severity) -> &'static str {
    match severity {
        Severity::P1 => "P1",
        Severity::P2 => "P2",
        Severity::P3 => "P3",
        Severity::P4 => "P4",
    }
}

/// What a provider is told about an incident: everything a call needs, so a letter holding it
/// can be sent after a restart without reading the incident again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub incident: IncidentId,
    /// The provider's deduplication key (PagerDuty `dedup_key`, Opsgenie `alias`).
    pub key: String,
    /// One line a phone can show; it starts with [`page_key`] in brackets, so a provider whose
    /// webhook carries only the title still names the incident.
    pub summary: String,
    pub severity: Severity,
    /// Who sends it, as providers show it.
    pub source: String,
    /// The incident's page, when warroom serves pages.
    pub link: Option<String>,
}

impl PageRequest {
    /// The request for `incident`, with `link` to its page when there is one.
    pub fn of(incident: &Incident, link: Option<String>) -> PageRequest {
        let key = page_key(incident.id);
        PageRequest {
            incident: incident.id,
            summary: format!("[{key}] {} {}", incident.severity, incident.title),
            key,
            severity: incident.severity,
            source: "warroom".into(),
            link,
        }
    }
}

/// What the key of every warroom page starts with.
const KEY_PREFIX: &str = "warroom-";

/// The key an incident is known by at every provider: `warroom-INC-7`. Decided here only, so
/// the trigger, the acknowledge and the resolve of one incident always name the same page, and
/// a webhook back names the incident the same way.
pub fn page_key(id: IncidentId) -> String {
    format!("{KEY_PREFIX}{id}")
}

/// The incident a provider's text names: a page key (`warroom-INC-7`) found anywhere in it, as
/// a dedup key, an alias or the start of a title. `None` when it names none, which is a page
/// warroom did not send.
pub fn incident_in(text: &str) -> Option<IncidentId> {
    let lower = text.to_ascii_lowercase();
    let prefix = format!("{}inc-", KEY_PREFIX);
    let mut rest = lower.as_str();
    while let Some(at) = rest.find(&prefix) {
        let after = &rest[at + prefix.len()..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse::<i64>() {
            return Some(IncidentId(n));
        }
        rest = after;
    }
    None
}
