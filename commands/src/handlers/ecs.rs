//! Rollback, restart, scale, version and deploys of a service that runs on AWS ECS.
//!
//! The plan names the exact change against the service's present state ("task definition
//! api:42 → api:41"); the change is made only if the service still runs what the plan saw.

use super::operation::{Operation, Work};
use crate::access::Risk;
use crate::actions::{Plan, output_digest};
use crate::grammar::OpArgs;
use crate::ports::{EcsChange, EcsTarget, split_revision};
use crate::services::{OpKind, Service};
use crate::{CommandError, Core};

pub async fn resolve(
    core: &Core,
    svc: &Service,
    target: &EcsTarget,
    kind: OpKind,
    args: &OpArgs,
) -> Result<Operation, CommandError> {
    let where_ = format!(
        "ECS service {} in cluster {}",
        target.service, target.cluster
    );
    let op = |risk: Risk, summary: String, work: Work, fingerprint: String| Operation {
        command: kind.as_str(),
        target: svc.target(),
        risk,
        plan: Plan {
            summary: format!("{}/{}: {summary}", svc.name, kind.as_str()),
            details: vec![format!("{where_} ({})", svc.environment)],
            fingerprint: output_digest(&fingerprint),
        },
        work,
    };
    if matches!(kind, OpKind::Version | OpKind::Deploys) {
        return Ok(op(
            Risk::Read,
            format!("read {where_}"),
            Work::EcsRead {
                target: target.clone(),
                what: kind,
            },
            String::new(),
        ));
    }
    let state = core
        .metrics
        .metered("ecs", core.ecs.describe(target))
        .await?;
    let current = state.task_definition.clone();
    let change = |change: EcsChange| Work::Ecs {
        target: target.clone(),
        change,
        expect: current.clone(),
    };
    match kind {
        OpKind::Rollback => {
            let (family, revision) = split_revision(&current).ok_or_else(|| {
                CommandError::user(format!(
                    "{where_} runs `{current}`, which is not family:revision."
                ))
            })?;
            let revisions = core
                .metrics
                .metered("ecs", core.ecs.revisions(family))
                .await?;
            let to = match &args.to {
                Some(to) => {
                    let wanted = if to.contains(':') { to.clone() } else { format!("{family}:{to}") };
                    if !revisions.contains(&wanted) {
                        return Err(CommandError::user(format!(
                            "Task definition {wanted} does not exist; `/deploys {}` lists the revisions.",
                            svc.name
                        )));
                    }
                    wanted
                }
                None => revisions
                    .iter()
                    .filter(|r| split_revision(r).is_some_and(|(_, n)| n < revision))
                    .max_by_key(|r| split_revision(r).map_or(0, |(_, n)| n))
                    .cloned()
                    .ok_or_else(|| {
                        CommandError::user(format!(
                            "{where_} runs {current} and there is no earlier revision to roll back to."
                        ))
                    })?,
            };
            if to == current {
                return Err(CommandError::user(format!("{where_} already runs {to}.")));
            }
            Ok(op(
                Risk::Destructive,
                format!("task definition {current} → {to}"),
                change(EcsChange::TaskDefinition(to.clone())),
                format!("{current}>{to}"),
            ))
        }
        OpKind::Restart => Ok(op(
            Risk::Destructive,
            format!(
                "force a new deployment of {current} (replaces all {} tasks)",
                state.running
            ),
            change(EcsChange::ForceNewDeployment),
            current.clone(),
        )),
        OpKind::Scale => {
            let count = args.count.unwrap_or(0) as i32;
            if count == state.desired {
                return Err(CommandError::user(format!(
                    "{where_} already wants {count} tasks."
                )));
            }
            let stop = if count == 0 {
                " (emergency stop: no tasks will run)"
            } else {
                ""
            };
            Ok(op(
                Risk::Destructive,
                format!("desired count {} → {count}{stop}", state.desired),
                change(EcsChange::DesiredCount(count)),
                format!("{current}#{}>{count}", state.desired),
            ))
        }
        OpKind::Logs | OpKind::Version | OpKind::Deploys => {
            unreachable!("logs are not carried by ECS; reads returned above")
        }
    }
}
