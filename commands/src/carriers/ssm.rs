//! The SSM carrier: shell command lists from configuration run on an EC2 fleet reached only
//! through AWS Systems Manager Run Command (the EC2 runbook): health by `curl localhost` on
//! every instance, journalctl logs, systemctl restart, rollback to a recorded commit, and the
//! version drift across the fleet.
//!
//! Values from a command are quoted for the instance's shell; the instances are named in the
//! plan (a fleet named by tags is looked up when the plan is made).

use std::collections::BTreeMap;
use std::time::Duration;

use super::logs::{self, LineFilter};
use super::{Request, RunOutcome, TargetHealth, Work as AnyWork};
use crate::actions::{Plan, output_digest};
use crate::handlers::operation::Operation;
use crate::health::{self, Verdict};
use crate::ports::{InstanceRun, ProbeResult};
use crate::services::{OpKind, Placeholder, Service, SsmFleet, expand_for_shell};
use crate::{CommandError, Core};

/// Shell commands on instances through SSM Run Command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    pub instances: Vec<String>,
    pub commands: Vec<String>,
    pub timeout: Duration,
    /// Groups the instances by their output (the runbook's version-drift check).
    pub drift: bool,
    pub filter: Option<LineFilter>,
}

/// The fleet's instances: its ids, or the instances SSM manages that carry its tags now.
pub async fn instances(
    core: &Core,
    svc: &Service,
    fleet: &SsmFleet,
) -> Result<Vec<String>, CommandError> {
    if fleet.tags.is_empty() {
        return Ok(fleet.instances.clone());
    }
    let tags = fleet
        .tags
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let found = core.ssm.tagged(&fleet.tags).await?;
    if found.is_empty() {
        return Err(CommandError::user(format!(
            "No instance managed by SSM is tagged {tags}, so {} has no instances to act on: check [services.{}.ssm] tags and that the SSM agent runs.",
            svc.name, svc.name
        )));
    }
    Ok(found)
}

/// The operation's command list, placeholders filled with checked values, on every instance
/// (or the one `--instance` names).
pub async fn plan(
    core: &Core,
    request: &Request<'_>,
    fleet: &SsmFleet,
    template: &[String],
) -> Result<Operation, CommandError> {
    let Request {
        svc, kind, args, ..
    } = *request;
    let mut values = Vec::new();
    let fleet_instances = instances(core, svc, fleet).await?;
    let mut instances = fleet_instances.clone();
    let mut filter = None;
    match kind {
        OpKind::Rollback => {
            if let Some(to) = &args.to {
                values.push((Placeholder::To, to.clone()));
            }
        }
        OpKind::Restart => {
            if let Some(one) = &args.instance {
                if !fleet_instances.contains(one) {
                    return Err(CommandError::user(format!(
                        "{one} is not one of {}'s instances ({}); pick one of them.",
                        svc.name,
                        fleet_instances.join(", ")
                    )));
                }
                instances = vec![one.clone()];
            }
        }
        OpKind::Logs => {
            values.extend(logs::placeholders(core.clock.now(), args)?);
            filter = Some(LineFilter::of(args));
        }
        OpKind::Scale | OpKind::Version | OpKind::Deploys => {}
    }
    let commands = expand_for_shell(template, &values).map_err(|missing| {
        let hint = if missing.contains("{to}") {
            " give --to REVISION, or"
        } else {
            ""
        };
        CommandError::user(format!(
            "{}'s {} commands need a value ({missing}):{hint} fix [services.{}.ssm.commands].",
            svc.name,
            kind.as_str(),
            svc.name
        ))
    })?;
    Ok(Operation {
        command: kind.as_str(),
        target: svc.target(),
        risk: request.risk,
        plan: Plan {
            summary: request.summary(format!(
                "SSM AWS-RunShellScript on {}: {}",
                instances.join(", "),
                commands.join("; ")
            )),
            details: Vec::new(),
            fingerprint: output_digest(&format!("{instances:?}{commands:?}")),
        },
        work: AnyWork::Ssm(Work {
            instances,
            commands,
            timeout: fleet.timeout.to_std().unwrap_or(Duration::from_secs(120)),
            drift: kind == OpKind::Version,
            filter,
        }),
    })
}

/// Runs the commands on every instance: ok when all succeeded, with each instance's status and
/// output; for drift, the instances grouped by what they printed.
pub async fn run(core: &Core, work: &Work) -> RunOutcome {
    let runs = match core
        .metrics
        .metered(
            "ssm",
            core.ssm.run(&work.instances, &work.commands, work.timeout),
        )
        .await
    {
        Ok(runs) => runs,
        Err(e) => return RunOutcome::failed(e),
    };
    let failed = runs.iter().filter(|r| !r.succeeded()).count();
    let mut summary = format!(
        "{} of {} instances succeeded",
        runs.len() - failed,
        runs.len()
    );
    let mut text = String::new();
    if work.drift {
        let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for r in runs.iter().filter(|r| r.succeeded()) {
            groups.entry(r.stdout.trim()).or_default().push(&r.instance);
        }
        for (version, instances) in &groups {
            text.push_str(&format!("{version}: {}\n", instances.join(", ")));
        }
        if groups.len() > 1 {
            summary.push_str(&format!(
                "; VERSION DRIFT: {} versions across the fleet",
                groups.len()
            ));
        }
    }
    for r in runs.iter().filter(|r| !(work.drift && r.succeeded())) {
        text.push_str(&instance_output(r, work.filter.as_ref()));
    }
    RunOutcome {
        ok: failed == 0,
        summary,
        output: text,
    }
}

/// One instance's part of the output: a header with its status, then what it printed.
fn instance_output(run: &InstanceRun, filter: Option<&LineFilter>) -> String {
    let code = run.exit_code.map_or("-".to_string(), |c| c.to_string());
    let mut text = format!("== {} {} (exit {code})\n", run.instance, run.status);
    match filter {
        Some(f) => text.push_str(&f.apply(&run.stdout)),
        None => text.push_str(&run.stdout),
    }
    text.push_str(&run.stderr);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The health command on every instance: an instance is healthy when the command succeeded
/// and the JSON body it printed, if any, says so.
pub async fn health(
    core: &Core,
    svc: &Service,
    fleet: &SsmFleet,
    commands: &[String],
) -> Vec<TargetHealth> {
    let deadline = fleet.timeout.to_std().unwrap_or(Duration::from_secs(60));
    let instances = match instances(core, svc, fleet).await {
        Ok(instances) => instances,
        Err(e) => return vec![TargetHealth::platform("SSM", Verdict::Down, e)],
    };
    let runs = match core
        .metrics
        .metered("ssm", core.ssm.run(&instances, commands, deadline))
        .await
    {
        Ok(runs) => runs,
        Err(e) => return vec![TargetHealth::platform("SSM", Verdict::Down, e)],
    };
    runs.iter()
        .map(|run| {
            let first = run
                .stdout
                .lines()
                .chain(run.stderr.lines())
                .next()
                .unwrap_or("");
            TargetHealth::platform(
                format!("SSM {}", run.instance),
                verdict(run),
                format!("{}: {first}", run.status),
            )
        })
        .collect()
}

/// A failed health command is down; a successful one is judged like an HTTP 200 whose body is
/// what the command printed.
fn verdict(run: &InstanceRun) -> Verdict {
    if !run.succeeded() {
        return Verdict::Down;
    }
    health::of_target(&ProbeResult {
        url: run.instance.clone(),
        status: Some(200),
        latency: Duration::ZERO,
        reported: health::Body::read(run.stdout.as_bytes()).and_then(|body| body.status),
        components: Vec::new(),
        error: None,
        cert_days_left: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(stdout: &str) -> InstanceRun {
        InstanceRun {
            instance: "i-0abc".into(),
            status: "Success".into(),
            exit_code: Some(0),
            stdout: stdout.into(),
            stderr: String::new(),
        }
    }

    #[test]
    fn an_instance_is_judged_by_the_status_its_json_body_reports() {
        assert_eq!(
            verdict(&answered("{\"status\": \"ok\"}\n")),
            Verdict::Healthy
        );
        assert_eq!(
            verdict(&answered("{\"status\": \"degraded\"}")),
            Verdict::Degraded
        );
        assert_eq!(verdict(&answered("{\"status\":\"down\"}")), Verdict::Down);
        // Only the body's own status counts, not one of its components'.
        assert_eq!(
            verdict(&answered(
                r#"{"checks": {"db": {"status": "down"}}, "status": "ok"}"#
            )),
            Verdict::Healthy
        );
    }

    #[test]
    fn an_instance_that_prints_no_json_is_judged_by_its_command() {
        assert_eq!(verdict(&answered("OK\n")), Verdict::Healthy);
        assert_eq!(verdict(&answered("")), Verdict::Healthy);
        let failed = InstanceRun {
            status: "Failed".into(),
            exit_code: Some(7),
            ..answered("{\"status\": \"ok\"}")
        };
        assert_eq!(verdict(&failed), Verdict::Down);
    }
}
