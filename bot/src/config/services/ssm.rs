//! `[services.NAME.ssm]`: an EC2 fleet reached through SSM Run Command, named by instance ids
//! or by tags, with the shell command lists each operation runs on it.
//!
//! Apart from the other service keys because a fleet is checked on its own terms: ids or tags
//! (never both), what an instance id looks like, a timeout per fleet.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde::Deserialize;
use warroom_commands::services::{OpKind, SsmFleet};

use super::some_duration;
use crate::config::problems::Problems;

const DEFAULT_SSM_TIMEOUT: TimeDelta = TimeDelta::seconds(120);

/// `[services.NAME.ssm]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct SsmSection {
    /// EC2 instance ids, `i-…`; or else `tags`.
    instances: Vec<String>,
    /// EC2 tags every instance of the fleet carries, e.g. { Role = "app" }: the fleet is the
    /// instances SSM manages with all of them, looked up when a plan is made.
    tags: BTreeMap<String, String>,
    /// How long to wait for every instance, default "120s".
    #[serde(deserialize_with = "some_duration")]
    timeout: Option<TimeDelta>,
    /// Shell command lists per operation (AWS-RunShellScript); only checked values are filled
    /// into their placeholders.
    commands: SsmCommands,
}

/// `[services.NAME.ssm.commands]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SsmCommands {
    rollback: Option<Vec<String>>,
    restart: Option<Vec<String>>,
    logs: Option<Vec<String>>,
    version: Option<Vec<String>>,
    /// Run by `/health` on every instance, e.g. ["curl -fsS localhost:8080/api/health"].
    health: Option<Vec<String>>,
}

/// An EC2 or hybrid managed instance id: `i-` or `mi-` and hex digits.
fn instance_id(id: &str) -> bool {
    let digits = id
        .strip_prefix("i-")
        .or_else(|| id.strip_prefix("mi-"))
        .unwrap_or("");
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit())
}

impl SsmSection {
    pub(super) fn build(&self, at: &str, problems: &mut Problems) -> SsmFleet {
        match (self.instances.is_empty(), self.tags.is_empty()) {
            (true, true) => problems.push(
                format!("{at}.instances"),
                "is required: list the instance ids, or name the fleet by tags = { Role = \"app\" }.",
            ),
            (false, false) => problems.push(
                format!("{at}.tags"),
                "cannot be given with instances: name the fleet by ids or by tags, not both.",
            ),
            _ => {}
        }
        for (i, id) in self.instances.iter().enumerate() {
            if !instance_id(id) {
                problems.push(
                    format!("{at}.instances[{i}]"),
                    format!("`{id}` is not an instance id like \"i-0abc1234567890def\"; fix it."),
                );
            }
        }
        for (key, value) in &self.tags {
            if key.trim().is_empty() || value.trim().is_empty() {
                problems.push(
                    format!("{at}.tags"),
                    "tag keys and values cannot be empty; write tags = { Role = \"app\" }.",
                );
            }
        }
        let c = &self.commands;
        SsmFleet {
            instances: self.instances.clone(),
            tags: self.tags.clone().into_iter().collect(),
            commands: [
                (OpKind::Rollback, &c.rollback),
                (OpKind::Restart, &c.restart),
                (OpKind::Logs, &c.logs),
                (OpKind::Version, &c.version),
            ]
            .into_iter()
            .filter_map(|(kind, list)| Some((kind, list.clone()?)))
            .collect(),
            health: c.health.clone(),
            timeout: self.timeout.unwrap_or(DEFAULT_SSM_TIMEOUT),
        }
    }
}
