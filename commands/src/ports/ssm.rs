//! The port to AWS Systems Manager Run Command: shell commands from configuration run on a
//! fleet reached only through SSM (the EC2 runbook).

use std::time::Duration;

use async_trait::async_trait;

use super::OperationError;

/// What one instance reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRun {
    pub instance: String,
    /// SSM's status: Success, Failed, TimedOut, Cancelled, or `NoAnswer` when the overall
    /// deadline passed first.
    pub status: String,
    pub exit_code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl InstanceRun {
    pub fn succeeded(&self) -> bool {
        self.status == "Success"
    }
}

#[async_trait]
pub trait SsmPort: Send + Sync {
    /// Runs `commands` (AWS-RunShellScript) on every instance and waits for each, up to
    /// `deadline` overall; one result per instance, in the order given.
    async fn run(
        &self,
        instances: &[String],
        commands: &[String],
        deadline: Duration,
    ) -> Result<Vec<InstanceRun>, OperationError>;

    /// The instances SSM manages that carry every one of `tags` (key, value), sorted: a fleet
    /// named by EC2 tags instead of ids, resolved when a plan is made.
    async fn tagged(&self, tags: &[(String, String)]) -> Result<Vec<String>, OperationError>;
}
