//! The ECS carrier: rollback, restart, scale, version and deploys of a service that runs on
//! AWS ECS (the Fargate runbooks), and its task counts for `/health`.
//!
//! The plan names the exact change against the service's present state ("task definition
//! api:42 → api:41"); the change is made only if the service still runs what the plan saw, and
//! is followed until ECS says the service is stable.

use super::{Request, RunOutcome, TargetHealth, Work as AnyWork};
use crate::actions::{Plan, output_digest};
use crate::handlers::operation::Operation;
use crate::health::Verdict;
use crate::ports::{EcsChange, EcsTarget, split_revision};
use crate::services::OpKind;
use crate::{CommandError, Core};

/// What is done to the ECS service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    /// A change, made only if the service still runs `expect` (the plan's premise).
    Change {
        target: EcsTarget,
        change: EcsChange,
        expect: String,
    },
    /// Reading the service: its version or its deployable revisions.
    Read { target: EcsTarget, what: OpKind },
}

/// The plan: a read as it is, a change against what the service runs now.
pub async fn plan(
    core: &Core,
    request: &Request<'_>,
    target: &EcsTarget,
) -> Result<Operation, CommandError> {
    let Request {
        svc, kind, args, ..
    } = *request;
    let where_ = format!(
        "ECS service {} in cluster {}",
        target.service, target.cluster
    );
    let op = |summary: String, work: Work, fingerprint: String| Operation {
        command: kind.as_str(),
        target: svc.target(),
        risk: request.risk,
        plan: Plan {
            summary: request.summary(summary),
            details: vec![format!("{where_} ({})", svc.environment)],
            fingerprint: output_digest(&fingerprint),
        },
        work: AnyWork::Ecs(work),
    };
    if matches!(kind, OpKind::Version | OpKind::Deploys) {
        let read = Work::Read {
            target: target.clone(),
            what: kind,
        };
        return Ok(op(format!("read {where_}"), read, String::new()));
    }
    let state = core
        .metrics
        .metered("ecs", core.ecs.describe(target))
        .await?;
    let current = state.task_definition.clone();
    let change = |change: EcsChange| Work::Change {
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
                format!("task definition {current} → {to}"),
                change(EcsChange::TaskDefinition(to.clone())),
                format!("{current}>{to}"),
            ))
        }
        OpKind::Restart => Ok(op(
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

/// Makes the change or reads the service.
pub async fn run(core: &Core, work: &Work) -> RunOutcome {
    let done = match work {
        Work::Change {
            target,
            change,
            expect,
        } => make_change(core, target, change, expect).await,
        Work::Read { target, what } => read(core, target, *what).await,
    };
    done.unwrap_or_else(RunOutcome::failed)
}

/// Makes an ECS change if the service still runs what the plan saw, then follows the rollout:
/// the change counts as done when ECS says the service is stable.
async fn make_change(
    core: &Core,
    target: &EcsTarget,
    change: &EcsChange,
    expect: &str,
) -> Result<RunOutcome, crate::ports::OperationError> {
    let before = core
        .metrics
        .metered("ecs", core.ecs.describe(target))
        .await?;
    if before.task_definition != expect {
        return Ok(RunOutcome::failed(format!(
            "{} now runs {}, not {expect} as planned; nothing was changed. Run the command again to see the new plan.",
            target.service, before.task_definition
        )));
    }
    let after = core
        .metrics
        .metered("ecs", core.ecs.update(target, change))
        .await?;
    let changed = format!(
        "updated: task definition {} → {}, desired {} → {}",
        before.task_definition, after.task_definition, before.desired, after.desired
    );
    let done = |summary: String, output: String| RunOutcome {
        ok: true,
        summary,
        output,
    };
    let (last, settled) = match core
        .metrics
        .metered("ecs", core.ecs.wait_stable(target))
        .await
    {
        Ok(result) => result,
        Err(e) => {
            let summary = format!("{changed}; following the rollout failed: {e}");
            return Ok(done(summary, String::new()));
        }
    };
    let state = format!(
        "running {}, pending {}, desired {}, deployments {}",
        last.running, last.pending, last.desired, last.deployments
    );
    let summary = if settled {
        format!("{changed}; stable")
    } else {
        format!(
            "{changed}; not yet stable after {} s: check `/health` and `/deploys`",
            target.settle.as_secs()
        )
    };
    Ok(done(summary, state))
}

/// `/version` (the images the service runs) or `/deploys` (its revisions, the running one
/// marked).
async fn read(
    core: &Core,
    target: &EcsTarget,
    what: OpKind,
) -> Result<RunOutcome, crate::ports::OperationError> {
    let state = core
        .metrics
        .metered("ecs", core.ecs.describe(target))
        .await?;
    let current = state.task_definition.clone();
    let text = if what == OpKind::Deploys {
        let family = split_revision(&current).map_or(current.as_str(), |(f, _)| f);
        let revisions = core
            .metrics
            .metered("ecs", core.ecs.revisions(family))
            .await?;
        revisions
            .iter()
            .map(|r| {
                let mark = if *r == current { "  ← running" } else { "" };
                format!("{r}{mark}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        let images = core
            .metrics
            .metered("ecs", core.ecs.images(&current))
            .await?;
        format!(
            "{current}: {} ({} of {} tasks running)",
            images.join(", "),
            state.running,
            state.desired
        )
    };
    Ok(RunOutcome {
        ok: true,
        summary: format!("{} on ECS", target.service),
        output: text,
    })
}

/// The service's tasks as ECS counts them: down when it wants tasks and runs none, degraded
/// while short of its desired count or rolling out.
pub async fn health(core: &Core, target: &EcsTarget) -> TargetHealth {
    let label = format!("ECS {}/{}", target.cluster, target.service);
    let state = match core.metrics.metered("ecs", core.ecs.describe(target)).await {
        Ok(state) => state,
        Err(e) => return TargetHealth::platform(label, Verdict::Down, e),
    };
    let verdict = if state.desired > 0 && state.running == 0 {
        Verdict::Down
    } else if state.running < state.desired || state.deployments > 1 {
        Verdict::Degraded
    } else {
        Verdict::Healthy
    };
    let rollout = if state.deployments > 1 {
        ", rolling out"
    } else {
        ""
    };
    let detail = format!(
        "{}: running {}/{}, pending {}{rollout}",
        state.task_definition, state.running, state.desired, state.pending
    );
    TargetHealth::platform(label, verdict, detail)
}
