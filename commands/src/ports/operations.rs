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

/// One HTTP health endpoint to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpProbe {
    pub url: String,
    pub timeout: std::time::Duration,
    /// A PEM file of certificates to trust besides the system's roots: a private CA, or a
    /// self-signed endpoint someone decided to trust.
    pub ca_file: Option<String>,
}

/// What one probe found. The integration reads the body as the runbooks' `/api/health`
/// returns it (`{"status": "...", "components"|"checks": {...}}`); judging it is the core's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResult {
    pub url: String,
    /// The HTTP status; `None` when no response arrived.
    pub status: Option<u16>,
    pub latency: std::time::Duration,
    /// The body's own `status` field, when it is JSON and has one.
    pub reported: Option<String>,
    /// The body's `components` or `checks`, as name → status.
    pub components: Vec<(String, String)>,
    /// Why no response arrived (timeout, refused, TLS), as one sentence.
    pub error: Option<String>,
    /// For https targets: whole days until the server's certificate expires (negative once it
    /// has).
    pub cert_days_left: Option<i64>,
}

#[async_trait]
pub trait HealthPort: Send + Sync {
    /// Probes every endpoint concurrently, each within its own timeout; one result per probe,
    /// in the same order.
    async fn probe_all(&self, probes: &[HttpProbe]) -> Vec<ProbeResult>;
}

/// A log line with its time, as the platform recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: DateTime<Utc>,
    pub source: String,
    pub message: String,
}

/// Which log events to read from a log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogQuery {
    pub group: String,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    /// Most events to read before stopping; the rest is reported as left out.
    pub budget: usize,
}

/// Log events, oldest first, and whether the budget cut the reading short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPage {
    pub lines: Vec<LogLine>,
    pub truncated: bool,
}

#[async_trait]
pub trait LogsPort: Send + Sync {
    async fn read(&self, query: &LogQuery) -> Result<LogPage, OperationError>;
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
    /// Runs a configured program with its arguments, never through a shell, with only the
    /// environment variables named in `env` (those warroom has); kills it after `timeout`.
    async fn run(
        &self,
        argv: &[String],
        env: &[String],
        timeout: std::time::Duration,
    ) -> Result<RunOutput, OperationError>;
}
