//! The SSM port on AWS Systems Manager: SendCommand with AWS-RunShellScript, then
//! GetCommandInvocation per instance with backoff until each finishes or the deadline passes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_ssm::Client;
use aws_sdk_ssm::error::ProvideErrorMetadata;
use aws_sdk_ssm::types::InstanceInformationStringFilter;
use warroom_commands::ports::{InstanceRun, OperationError, SsmPort};

use super::errors::explain;

/// SSM's statuses after which an invocation does not change any more.
const TERMINAL: [&str; 5] = [
    "Success",
    "Failed",
    "Cancelled",
    "TimedOut",
    "Undeliverable",
];

pub struct AwsSsm {
    client: Client,
}

impl AwsSsm {
    pub fn new(config: &aws_config::SdkConfig) -> AwsSsm {
        AwsSsm {
            client: Client::new(config),
        }
    }
}

#[async_trait]
impl SsmPort for AwsSsm {
    async fn run(
        &self,
        instances: &[String],
        commands: &[String],
        deadline: Duration,
    ) -> Result<Vec<InstanceRun>, OperationError> {
        let fleet = instances.join(", ");
        let sent = self
            .client
            .send_command()
            .document_name("AWS-RunShellScript")
            .set_instance_ids(Some(instances.to_vec()))
            .parameters("commands", commands.to_vec())
            .timeout_seconds(deadline.as_secs().clamp(30, 2_592_000) as i32)
            .send()
            .await
            .map_err(|e| explain(e, "ssm:SendCommand", &format!("instances {fleet}")))?;
        let command_id = sent
            .command()
            .and_then(|c| c.command_id())
            .ok_or_else(|| OperationError::Platform("SSM returned no command id.".into()))?
            .to_string();

        let started = Instant::now();
        let mut done: HashMap<String, InstanceRun> = HashMap::new();
        let mut wait = Duration::from_millis(250);
        while done.len() < instances.len() && started.elapsed() < deadline {
            let waiting: Vec<&String> = instances
                .iter()
                .filter(|i| !done.contains_key(*i))
                .collect();
            for instance in waiting {
                let answer = self
                    .client
                    .get_command_invocation()
                    .command_id(&command_id)
                    .instance_id(instance)
                    .send()
                    .await;
                let invocation = match answer {
                    Ok(invocation) => invocation,
                    // The invocation appears a moment after SendCommand: ask again later.
                    Err(e) if e.code() == Some("InvocationDoesNotExist") => continue,
                    Err(e) => {
                        return Err(explain(
                            e,
                            "ssm:GetCommandInvocation",
                            &format!("instance {instance}"),
                        ));
                    }
                };
                let status = invocation
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default();
                if TERMINAL.contains(&status.as_str()) {
                    done.insert(
                        instance.clone(),
                        InstanceRun {
                            instance: instance.clone(),
                            status,
                            exit_code: Some(invocation.response_code()),
                            stdout: invocation
                                .standard_output_content()
                                .unwrap_or_default()
                                .to_string(),
                            stderr: invocation
                                .standard_error_content()
                                .unwrap_or_default()
                                .to_string(),
                        },
                    );
                }
            }
            if done.len() < instances.len() {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
        Ok(instances
            .iter()
            .map(|instance| {
                done.remove(instance).unwrap_or_else(|| InstanceRun {
                    instance: instance.clone(),
                    status: "NoAnswer".into(),
                    exit_code: None,
                    stdout: String::new(),
                    stderr: format!("no result within {} s", deadline.as_secs()),
                })
            })
            .collect())
    }

    async fn tagged(&self, tags: &[(String, String)]) -> Result<Vec<String>, OperationError> {
        let described = tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let filters: Vec<InstanceInformationStringFilter> = tags
            .iter()
            .map(|(key, value)| {
                InstanceInformationStringFilter::builder()
                    .key(format!("tag:{key}"))
                    .values(value)
                    .build()
                    .expect("key and values are set")
            })
            .collect();
        let mut found = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = self
                .client
                .describe_instance_information()
                .set_filters(Some(filters.clone()))
                .set_next_token(next.take())
                .send()
                .await
                .map_err(|e| {
                    explain(
                        e,
                        "ssm:DescribeInstanceInformation",
                        &format!("instances tagged {described}"),
                    )
                })?;
            found.extend(
                page.instance_information_list()
                    .iter()
                    .filter_map(|i| i.instance_id().map(String::from)),
            );
            match page.next_token() {
                Some(token) if !token.is_empty() => next = Some(token.to_string()),
                _ => break,
            }
        }
        found.sort();
        found.dedup();
        Ok(found)
    }
}
