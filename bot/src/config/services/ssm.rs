//! `[services.NAME.ssm]`: an EC2 fleet reached through SSM Run Command, named by instance ids
//! or by tags, with the shell command lists each operation runs on it.
//!
//! Apart from the other service keys because a fleet is checked on its own terms: ids or tags
//! (never both), what an instance id looks like, a timeout per fleet.

use std::collections::BTreeMap;

use serde::Deserialize;
use warroom_commands::services::OpKind;

use super::check_duration;
use crate::config::problems::Problem;

/// `[services.NAME.ssm]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SsmConfig {
    /// EC2 instance ids, `i-…`; or else `tags`.
    pub instances: Vec<String>,
    /// EC2 tags every instance of the fleet carries, e.g. { Role = "app" }: the fleet is the
    /// instances SSM manages with all of them, looked up when a plan is made.
    pub tags: BTreeMap<String, String>,
    /// How long to wait for every instance, default "120s".
    pub timeout: Option<String>,
    /// Shell command lists per operation (AWS-RunShellScript); only checked values are filled
    /// into their placeholders.
    pub commands: SsmCommands,
}

/// `[services.NAME.ssm.commands]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SsmCommands {
    pub rollback: Option<Vec<String>>,
    pub restart: Option<Vec<String>>,
    pub logs: Option<Vec<String>>,
    pub version: Option<Vec<String>>,
    /// Run by `/health` on every instance, e.g. ["curl -fsS localhost:8080/api/health"].
    pub health: Option<Vec<String>>,
}

impl SsmConfig {
    pub(super) fn command_lists(&self) -> impl Iterator<Item = (OpKind, &Vec<String>)> {
        let c = &self.commands;
        [
            (OpKind::Rollback, &c.rollback),
            (OpKind::Restart, &c.restart),
            (OpKind::Logs, &c.logs),
            (OpKind::Version, &c.version),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
    }
}

/// An EC2 or hybrid managed instance id: `i-` or `mi-` and hex digits.
fn instance_id(id: &str) -> bool {
    let digits = id
        .strip_prefix("i-")
        .or_else(|| id.strip_prefix("mi-"))
        .unwrap_or("");
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit())
}

pub(super) fn check_ssm(at: &str, ssm: &SsmConfig, problems: &mut Vec<Problem>) {
    match (ssm.instances.is_empty(), ssm.tags.is_empty()) {
        (true, true) => problems.push(Problem::new(
            format!("{at}.instances"),
            "is required: list the instance ids, or name the fleet by tags = { Role = \"app\" }.",
        )),
        (false, false) => problems.push(Problem::new(
            format!("{at}.tags"),
            "cannot be given with instances: name the fleet by ids or by tags, not both.",
        )),
        _ => {}
    }
    for (i, id) in ssm.instances.iter().enumerate() {
        if !instance_id(id) {
            problems.push(Problem::new(
                format!("{at}.instances[{i}]"),
                format!("`{id}` is not an instance id like \"i-0abc1234567890def\"; fix it."),
            ));
        }
    }
    for (key, value) in &ssm.tags {
        if key.trim().is_empty() || value.trim().is_empty() {
            problems.push(Problem::new(
                format!("{at}.tags"),
                "tag keys and values cannot be empty; write tags = { Role = \"app\" }.",
            ));
        }
    }
    check_duration(format!("{at}.timeout"), &ssm.timeout, problems);
}
