//! Operation ports: health, logs, deploy/rollback and configured argv actions.
//!
//! These are the seams the platform integrations (HTTP probes, AWS SSM, ECS, CloudWatch Logs,
//! argv runners) plug into. The core names what it needs in the incident world (a service's
//! health, its recent logs, its deployable revisions); each integration maps that onto its
//! platform.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Why an operation could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperationError {
    /// The service has no integration for this operation; the sentence names the config key.
    #[error("{0}")]
    NotConfigured(String),
    /// The platform answered with an error or not at all.
    #[error("{0}")]
    Platform(String),
}

/// One checked target of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHealth {
    pub target: String,
    pub healthy: bool,
    pub detail: String,
}

#[async_trait]
pub trait HealthPort: Send + Sync {
    async fn check(&self, service: &str) -> Result<Vec<TargetHealth>, OperationError>;
}

/// A log line with its time, as the platform recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: DateTime<Utc>,
    pub source: String,
    pub message: String,
}

#[async_trait]
pub trait LogsPort: Send + Sync {
    async fn fetch(
        &self,
        service: &str,
        since: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        pattern: Option<&str>,
        limit: usize,
    ) -> Result<Vec<LogLine>, OperationError>;
}

/// A version of a service that can be deployed or rolled back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: String,
    pub deployed_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait DeployPort: Send + Sync {
    async fn current(&self, service: &str) -> Result<Revision, OperationError>;
    async fn history(&self, service: &str) -> Result<Vec<Revision>, OperationError>;
    async fn roll_back(&self, service: &str, to: &Revision) -> Result<Revision, OperationError>;
}

/// What an argv command printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    /// The exit code; `None` when the process was killed (timeout, signal).
    pub exit_code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl RunOutput {
    pub fn succeeded(&self) -> bool {
        self.exit_code == Some(0)
    }
}

#[async_trait]
pub trait RunPort: Send + Sync {
    /// Runs a configured program with its arguments, never through a shell; kills it after
    /// `timeout`.
    async fn run(
        &self,
        argv: &[String],
        timeout: std::time::Duration,
    ) -> Result<RunOutput, OperationError>;
}
