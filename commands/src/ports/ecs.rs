//! The port to AWS ECS: what the core needs to know about a service and how it changes it.
//!
//! Task definitions are named `family:revision`, as ECS itself writes them.

use async_trait::async_trait;

use super::OperationError;

/// Which ECS service a warroom service is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsTarget {
    pub cluster: String,
    pub service: String,
    /// How long a change is followed until the service is stable, before reporting anyway.
    pub settle: std::time::Duration,
}

/// An ECS service as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsState {
    /// `family:revision`.
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    /// How many deployments are in flight (more than one while rolling out).
    pub deployments: usize,
}

/// A change to an ECS service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EcsChange {
    /// Deploy this task definition (`family:revision`): a rollback.
    TaskDefinition(String),
    /// Set the desired count: scaling, 0 for an emergency stop.
    DesiredCount(i32),
    /// Replace every task with the same task definition: a restart.
    ForceNewDeployment,
}

#[async_trait]
pub trait EcsPort: Send + Sync {
    async fn describe(&self, target: &EcsTarget) -> Result<EcsState, OperationError>;
    /// The container images of a task definition.
    async fn images(&self, task_definition: &str) -> Result<Vec<String>, OperationError>;
    /// The family's revisions (`family:revision`), newest first.
    async fn revisions(&self, family: &str) -> Result<Vec<String>, OperationError>;
    async fn update(
        &self,
        target: &EcsTarget,
        change: &EcsChange,
    ) -> Result<EcsState, OperationError>;
    /// Follows the service until it is stable (one deployment, running = desired) or
    /// `target.settle` passes; returns the last state seen and whether it settled.
    async fn wait_stable(&self, target: &EcsTarget) -> Result<(EcsState, bool), OperationError>;
}

/// `api:42` → (`api`, 42).
pub fn split_revision(task_definition: &str) -> Option<(&str, u32)> {
    let (family, rev) = task_definition.rsplit_once(':')?;
    Some((family, rev.parse().ok()?))
}
