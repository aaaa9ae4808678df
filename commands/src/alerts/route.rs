//! Routes: which alerts go where, at what severity, and whether they declare an incident.
//!
//! A route is a list of label matchers written as Alertmanager writes them (`service="api"`,
//! `alertname=~"High.*"`, `env!="dev"`, `team!~"x|y"`); the first route whose matchers all
//! hold takes the alert, so an operator reads the list top to bottom like a firewall. A route
//! that an earlier one always takes first, or whose matchers contradict each other, can never
//! match; [`AlertRoutes::never_match`] finds those for `check-config`.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use regex::Regex;

use super::Alert;
use crate::ChannelRef;
use crate::incident::Severity;

/// How a matcher compares a label.
#[derive(Debug, Clone)]
pub enum Op {
    Equal(String),
    NotEqual(String),
    /// Anchored like Alertmanager's: the whole value must match.
    Matches(Regex),
    NotMatches(Regex),
}

/// One `label="value"` condition.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub label: String,
    pub op: Op,
    /// As written, for messages.
    pub text: String,
}

/// Two matchers are the same when written the same: a regex has no equality of its own.
impl PartialEq for Matcher {
    fn eq(&self, other: &Matcher) -> bool {
        self.text == other.text
    }
}

impl Eq for Matcher {}

impl Matcher {
    /// Reads `service="api"`, `alertname=~"High.*"`, `env!="dev"` or `team!~"a|b"`; the error
    /// is a sentence.
    pub fn parse(text: &str) -> Result<Matcher, String> {
        let bad = || {
            format!(
                "`{text}` is not a matcher; write label=\"value\", label!=\"value\", label=~\"regex\" or label!~\"regex\"."
            )
        };
        let at = text.find(['=', '!']).ok_or_else(bad)?;
        let label = text[..at].trim();
        if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad());
        }
        let rest = &text[at..];
        let (op, value) = ["=~", "!~", "!=", "="]
            .iter()
            .find_map(|op| rest.strip_prefix(op).map(|v| (*op, v.trim())))
            .ok_or_else(bad)?;
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value)
            .to_string();
        let regex = || {
            Regex::new(&format!("^(?:{value})$"))
                .map_err(|_| format!("`{value}` in `{text}` is not a regular expression."))
        };
        let op = match op {
            "=" => Op::Equal(value),
            "!=" => Op::NotEqual(value),
            "=~" => Op::Matches(regex()?),
            _ => Op::NotMatches(regex()?),
        };
        Ok(Matcher {
            label: label.to_string(),
            op,
            text: text.trim().to_string(),
        })
    }

    /// Whether `alert` meets this condition; a missing label reads as empty, as in
    /// Alertmanager.
    pub fn holds(&self, alert: &Alert) -> bool {
        let value = alert.label(&self.label).unwrap_or("");
        match &self.op {
            Op::Equal(v) => value == v,
            Op::NotEqual(v) => value != v,
            Op::Matches(re) => re.is_match(value),
            Op::NotMatches(re) => !re.is_match(value),
        }
    }
}

/// Declare an incident, or only post the alert to the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteAction {
    Declare,
    Post,
}

/// One route from configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRoute {
    pub name: String,
    pub matchers: Vec<Matcher>,
    /// The service the alerts are about: `/health` runs for it when an incident opens.
    pub service: Option<String>,
    pub channel: ChannelRef,
    /// The severity when the alert's `severity` label names none in `severities`.
    pub severity: Severity,
    /// The alert's `severity` label value → warroom's severity.
    pub severities: BTreeMap<String, Severity>,
    pub action: RouteAction,
    /// Resolve the incident on its own once all its alerts have been clear this long; `None`
    /// only asks the channel.
    pub auto_resolve: Option<TimeDelta>,
}

impl AlertRoute {
    pub fn takes(&self, alert: &Alert) -> bool {
        self.matchers.iter().all(|m| m.holds(alert))
    }

    /// The incident severity for `alert`: its `severity` label mapped, else the route's.
    pub fn severity_of(&self, alert: &Alert) -> Severity {
        alert
            .label("severity")
            .and_then(|s| self.severities.get(&s.to_ascii_lowercase()))
            .copied()
            .unwrap_or(self.severity)
    }
}

/// The usual mapping of monitoring severities, which a route's `severities` extends.
pub fn default_severities() -> BTreeMap<String, Severity> {
    [
        ("critical", Severity::P1),
        ("page", Severity::P1),
        ("error", Severity::P2),
        ("high", Severity::P2),
        ("warning", Severity::P3),
        ("info", Severity::P4),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Every route, in order, and how long a group keeps joining its incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRoutes {
    pub routes: Vec<AlertRoute>,
    /// Alerts of a group seen within this window of the last join the same incident.
    pub group_window: TimeDelta,
}

impl Default for AlertRoutes {
    fn default() -> Self {
        AlertRoutes {
            routes: Vec::new(),
            group_window: TimeDelta::hours(1),
        }
    }
}

impl AlertRoutes {
    /// The first route that takes `alert`.
    pub fn route(&self, alert: &Alert) -> Option<&AlertRoute> {
        self.routes.iter().find(|r| r.takes(alert))
    }

    pub fn named(&self, name: &str) -> Option<&AlertRoute> {
        self.routes.iter().find(|r| r.name == name)
    }

    /// Routes that can never take an alert, each with the sentence saying why.
    pub fn never_match(&self) -> Vec<(usize, String)> {
        let mut found = Vec::new();
        for (i, route) in self.routes.iter().enumerate() {
            if let Some(why) = contradiction(&route.matchers) {
                found.push((i, why));
                continue;
            }
            // An earlier route whose every matcher this one also has takes all its alerts.
            if let Some(earlier) = self.routes[..i]
                .iter()
                .find(|e| e.matchers.iter().all(|m| route.matchers.contains(m)))
            {
                found.push((
                    i,
                    format!(
                        "can never match: route `{}` above it takes every alert it would; put `{}` above `{}`, or narrow `{}`.",
                        earlier.name, route.name, earlier.name, earlier.name
                    ),
                ));
            }
        }
        found
    }
}

/// Two equality matchers on one label with different values can never both hold.
fn contradiction(matchers: &[Matcher]) -> Option<String> {
    for (i, a) in matchers.iter().enumerate() {
        for b in &matchers[i + 1..] {
            if let (Op::Equal(x), Op::Equal(y)) = (&a.op, &b.op)
                && a.label == b.label
                && x != y
            {
                return Some(format!(
                    "can never match: `{}` and `{}` cannot both hold.",
                    a.text, b.text
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
