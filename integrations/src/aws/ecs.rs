//! The ECS port on AWS ECS (or an emulator at `aws.endpoint_url`).

use async_trait::async_trait;
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::SortOrder;
use warroom_commands::ports::{EcsChange, EcsPort, EcsState, EcsTarget, OperationError};

use super::errors::explain;

pub struct AwsEcs {
    client: Client,
}

impl AwsEcs {
    pub fn new(config: &aws_config::SdkConfig) -> AwsEcs {
        AwsEcs {
            client: Client::new(config),
        }
    }
}

/// `arn:aws:ecs:region:account:task-definition/api:42` → `api:42`.
fn short(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

fn what(target: &EcsTarget) -> String {
    format!(
        "ECS service {} in cluster {}",
        target.service, target.cluster
    )
}

#[async_trait]
impl EcsPort for AwsEcs {
    async fn describe(&self, target: &EcsTarget) -> Result<EcsState, OperationError> {
        let out = self
            .client
            .describe_services()
            .cluster(&target.cluster)
            .services(&target.service)
            .send()
            .await
            .map_err(|e| explain(e, "ecs:DescribeServices", &what(target)))?;
        let service = out
            .services()
            .iter()
            .find(|s| s.status() != Some("INACTIVE"))
            .ok_or_else(|| {
                OperationError::Platform(format!(
                    "{} does not exist; check [services.NAME.ecs] in the configuration.",
                    what(target)
                ))
            })?;
        Ok(EcsState {
            task_definition: short(service.task_definition().unwrap_or_default()),
            desired: service.desired_count(),
            running: service.running_count(),
            pending: service.pending_count(),
            deployments: service.deployments().len(),
        })
    }

    async fn images(&self, task_definition: &str) -> Result<Vec<String>, OperationError> {
        let out = self
            .client
            .describe_task_definition()
            .task_definition(task_definition)
            .send()
            .await
            .map_err(|e| explain(e, "ecs:DescribeTaskDefinition", task_definition))?;
        Ok(out
            .task_definition()
            .map(|td| {
                td.container_definitions()
                    .iter()
                    .filter_map(|c| c.image().map(String::from))
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn revisions(&self, family: &str) -> Result<Vec<String>, OperationError> {
        let out = self
            .client
            .list_task_definitions()
            .family_prefix(family)
            .sort(SortOrder::Desc)
            .send()
            .await
            .map_err(|e| explain(e, "ecs:ListTaskDefinitions", family))?;
        let mut revisions: Vec<String> = out
            .task_definition_arns()
            .iter()
            .map(|arn| short(arn))
            .filter(|td| td.rsplit_once(':').is_some_and(|(f, _)| f == family))
            .collect();
        // Newest first, by revision number, whatever order the API used.
        revisions.sort_by_key(|td| {
            std::cmp::Reverse(
                td.rsplit_once(':')
                    .and_then(|(_, n)| n.parse::<u32>().ok())
                    .unwrap_or(0),
            )
        });
        Ok(revisions)
    }

    async fn wait_stable(&self, target: &EcsTarget) -> Result<(EcsState, bool), OperationError> {
        let started = std::time::Instant::now();
        let mut wait = std::time::Duration::from_secs(1);
        loop {
            let state = self.describe(target).await?;
            let stable = state.deployments <= 1 && state.running == state.desired;
            if stable || started.elapsed() + wait > target.settle {
                return Ok((state, stable));
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(std::time::Duration::from_secs(15));
        }
    }

    async fn update(
        &self,
        target: &EcsTarget,
        change: &EcsChange,
    ) -> Result<EcsState, OperationError> {
        let mut request = self
            .client
            .update_service()
            .cluster(&target.cluster)
            .service(&target.service);
        request = match change {
            EcsChange::TaskDefinition(td) => request.task_definition(td),
            EcsChange::DesiredCount(n) => request.desired_count(*n),
            EcsChange::ForceNewDeployment => request.force_new_deployment(true),
        };
        request
            .send()
            .await
            .map_err(|e| explain(e, "ecs:UpdateService", &what(target)))?;
        self.describe(target).await
    }
}
