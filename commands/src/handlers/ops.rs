//! `/rollback`, `/restart`, `/scale`, `/logs`, `/version`, `/deploys` through a service's argv
//! integration: the configured template, filled with checked values, through the one
//! operation path (access, confirmation for what is destructive, audit, timeline).

use std::time::Duration;

use super::operation::{self, Intent, LineFilter, Operation, Work};
use crate::access::Risk;
use crate::actions::{Plan, output_digest};
use crate::grammar::{self, OpArgs, SinceArg, Word};
use crate::ports::{EcsTarget, LogQuery};
use crate::services::{ArgvOp, OpKind, Placeholder, Service, SsmFleet, expand, expand_for_shell};
use crate::{CommandError, Core, Invocation, Reply, timefmt};

/// How far back `/logs` reads without `--since`, and how many lines it keeps without `--limit`.
const DEFAULT_SINCE_MINUTES: i64 = 15;
const DEFAULT_LOG_LINES: usize = 200;

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    kind: OpKind,
    service: &Word,
    args: &OpArgs,
    dry_run: bool,
) -> Result<Reply, CommandError> {
    let svc = core.services.get(&service.text, service.span)?;
    let carrier = carrier(svc, kind)?;
    let intent = Intent {
        command: kind.as_str(),
        target: svc.target(),
        risk: risk(kind, &carrier, args),
    };
    // Access first: a plan may ask AWS about the service, and nobody refused may cause that.
    let approval = operation::admit(core, inv, &intent).await?;
    let op = plan(core, svc, carrier, kind, args).await?;
    let approval = if op.intent() == intent {
        approval
    } else {
        operation::admit(core, inv, &op.intent()).await?
    };
    operation::proceed(core, inv, op, approval, dry_run).await
}

/// The operation a command means today: integration chosen, values filled, risk and plan set.
pub async fn resolve(
    core: &Core,
    kind: OpKind,
    service: &Word,
    args: &OpArgs,
) -> Result<Operation, CommandError> {
    let svc = core.services.get(&service.text, service.span)?;
    let carrier = carrier(svc, kind)?;
    plan(core, svc, carrier, kind, args).await
}

/// The integration that carries an operation on a service: its own argv template first, then
/// its SSM fleet, its ECS service, or (for logs) its CloudWatch group.
enum Carrier<'a> {
    Argv(&'a ArgvOp),
    Ssm(&'a SsmFleet),
    Ecs(&'a EcsTarget),
    CloudWatch(&'a str),
}

fn carrier(svc: &Service, kind: OpKind) -> Result<Carrier<'_>, CommandError> {
    if !svc.ops.contains_key(&kind) {
        if let Some(fleet) = &svc.ssm
            && fleet.commands.contains_key(&kind)
        {
            return Ok(Carrier::Ssm(fleet));
        }
        match (kind, &svc.ecs, &svc.log_group) {
            (OpKind::Logs, _, Some(group)) => return Ok(Carrier::CloudWatch(group)),
            (OpKind::Logs, _, None) => {}
            (_, Some(target), _) => return Ok(Carrier::Ecs(target)),
            (_, None, _) => {}
        }
    }
    Ok(Carrier::Argv(svc.op(kind)?))
}

/// The risk of an operation: its kind's, except a restart of one instance through argv or SSM,
/// which leaves the rest of the service serving.
fn risk(kind: OpKind, carrier: &Carrier<'_>, args: &OpArgs) -> Risk {
    match carrier {
        Carrier::Argv(_) | Carrier::Ssm(_)
            if kind == OpKind::Restart && args.instance.is_some() =>
        {
            Risk::Operate
        }
        _ => kind.risk(),
    }
}

/// The plan for an operation through its carrier, asking the platform what it must know.
async fn plan(
    core: &Core,
    svc: &Service,
    carrier: Carrier<'_>,
    kind: OpKind,
    args: &OpArgs,
) -> Result<Operation, CommandError> {
    match carrier {
        Carrier::Argv(integration) => argv(core, svc, integration, kind, args),
        Carrier::Ssm(fleet) => ssm(core, svc, fleet, kind, args).await,
        Carrier::Ecs(target) => super::ecs::resolve(core, svc, target, kind, args).await,
        Carrier::CloudWatch(group) => cloudwatch(core, svc, group, args),
    }
}

/// An operation through the service's argv template, filled with checked values.
fn argv(
    core: &Core,
    svc: &Service,
    integration: &ArgvOp,
    kind: OpKind,
    args: &OpArgs,
) -> Result<Operation, CommandError> {
    let now = core.clock.now();
    let mut values = Vec::new();
    let risk = risk(kind, &Carrier::Argv(integration), args);
    let mut filter = None;
    let template = match kind {
        OpKind::Rollback | OpKind::Restart => {
            let (value, placeholder, key) = match kind {
                OpKind::Rollback => (&args.to, Placeholder::To, "argv_to"),
                _ => (&args.instance, Placeholder::Instance, "argv_instance"),
            };
            match value {
                None => &integration.argv,
                Some(value) => {
                    values.push((placeholder, value.clone()));
                    integration.argv_targeted.as_ref().ok_or_else(|| {
                        CommandError::user(format!(
                            "{0}'s {1} does not take {2}: add {3} with {2} to [services.{0}.{1}].",
                            svc.name,
                            kind.as_str(),
                            placeholder.token(),
                            key
                        ))
                    })?
                }
            }
        }
        OpKind::Scale => {
            values.push((Placeholder::Count, args.count.unwrap_or(0).to_string()));
            &integration.argv
        }
        OpKind::Logs => {
            values.extend(log_window(now, args)?);
            filter = Some(line_filter(args));
            &integration.argv
        }
        OpKind::Version | OpKind::Deploys => &integration.argv,
    };
    let argv = expand(template, &values).map_err(|missing| {
        CommandError::user(format!(
            "[services.{}.{}] uses a placeholder it cannot be given ({missing}); fix its argv.",
            svc.name,
            kind.as_str()
        ))
    })?;
    let shown = argv.join(" ");
    Ok(Operation {
        command: kind.as_str(),
        target: svc.target(),
        risk,
        plan: Plan {
            summary: format!(
                "{}/{}: run `{shown}` on {} ({})",
                svc.name,
                kind.as_str(),
                svc.name,
                svc.environment
            ),
            details: vec![format!("argv: {argv:?} (run directly, no shell)")],
            fingerprint: output_digest(&format!("{argv:?}")),
        },
        work: Work::Argv {
            argv,
            timeout: integration
                .timeout
                .to_std()
                .unwrap_or(Duration::from_secs(60)),
            filter,
        },
    })
}

/// Where `/logs` starts reading: `--since`, or the default window back from now.
fn log_start(
    now: chrono::DateTime<chrono::Utc>,
    args: &OpArgs,
) -> Result<chrono::DateTime<chrono::Utc>, CommandError> {
    match &args.since {
        None => back_from(
            now,
            "since",
            chrono::TimeDelta::minutes(DEFAULT_SINCE_MINUTES),
        ),
        Some(SinceArg::Ago(ago)) => back_from(now, "since", *ago),
        Some(SinceArg::At(at)) if *at > now => Err(CommandError::user(format!(
            "--since {} is in the future; give a time before now.",
            timefmt::at_seconds(*at)
        ))),
        Some(SinceArg::At(at)) => Ok(*at),
    }
}

/// `now - ago` for `--since` or `--until`, refused in a sentence when it would be before the
/// first date there is (the grammar bounds durations, so only a clock far off today gets here).
fn back_from(
    now: chrono::DateTime<chrono::Utc>,
    flag: &str,
    ago: chrono::TimeDelta,
) -> Result<chrono::DateTime<chrono::Utc>, CommandError> {
    now.checked_sub_signed(ago)
        .ok_or_else(|| CommandError::user(grammar::too_far_back(flag, &timefmt::duration(ago))))
}

fn line_filter(args: &OpArgs) -> LineFilter {
    LineFilter {
        pattern: args.grep.clone(),
        limit: args.limit.unwrap_or(DEFAULT_LOG_LINES),
    }
}

/// Most events `/logs` reads from CloudWatch before saying the rest was left out.
const EVENT_BUDGET: usize = 10_000;

/// `/logs` from a CloudWatch Logs group: FilterLogEvents from the start time, filtered here.
fn cloudwatch(
    core: &Core,
    svc: &crate::services::Service,
    group: &str,
    args: &OpArgs,
) -> Result<Operation, CommandError> {
    let now = core.clock.now();
    let start = log_start(now, args)?;
    let end = match &args.until {
        None => None,
        Some(SinceArg::Ago(ago)) => Some(back_from(now, "until", *ago)?),
        Some(SinceArg::At(at)) => Some(*at),
    };
    if end.is_some_and(|end| end <= start) {
        return Err(CommandError::user(
            "--until is not after --since; give an end later than the start.",
        ));
    }
    Ok(Operation {
        command: OpKind::Logs.as_str(),
        target: svc.target(),
        risk: Risk::Read,
        plan: Plan {
            summary: format!(
                "{}/logs: read CloudWatch Logs group {group} since {}",
                svc.name,
                timefmt::at_seconds(start)
            ),
            details: Vec::new(),
            fingerprint: output_digest(group),
        },
        work: Work::CloudWatch {
            query: LogQuery {
                group: group.to_string(),
                start,
                end,
                budget: EVENT_BUDGET,
            },
            filter: line_filter(args),
        },
    })
}

/// The fleet's instances: its ids, or the instances SSM manages that carry its tags now.
pub(crate) async fn fleet_instances(
    core: &Core,
    svc: &crate::services::Service,
    fleet: &crate::services::SsmFleet,
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

/// An operation on an EC2 fleet through SSM: the configured command list, placeholders filled
/// with checked values, on every instance (or the one `--instance` names).
async fn ssm(
    core: &Core,
    svc: &Service,
    fleet: &SsmFleet,
    kind: OpKind,
    args: &OpArgs,
) -> Result<Operation, CommandError> {
    let now = core.clock.now();
    let mut values = Vec::new();
    let fleet_instances = fleet_instances(core, svc, fleet).await?;
    let mut instances = fleet_instances.clone();
    let risk = risk(kind, &Carrier::Ssm(fleet), args);
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
            values.extend(log_window(now, args)?);
            filter = Some(line_filter(args));
        }
        OpKind::Scale | OpKind::Version | OpKind::Deploys => {}
    }
    let template = fleet.commands.get(&kind).expect("checked by the caller");
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
        risk,
        plan: Plan {
            summary: format!(
                "{}/{}: SSM AWS-RunShellScript on {}: {}",
                svc.name,
                kind.as_str(),
                instances.join(", "),
                commands.join("; ")
            ),
            details: Vec::new(),
            fingerprint: output_digest(&format!("{instances:?}{commands:?}")),
        },
        work: Work::Ssm {
            instances,
            commands,
            timeout: fleet.timeout.to_std().unwrap_or(Duration::from_secs(120)),
            drift: kind == OpKind::Version,
            filter,
        },
    })
}

/// `{since}` and `{since_iso}` for a command-output log template (argv or SSM), which has no
/// way to stop at `--until`.
fn log_window(
    now: chrono::DateTime<chrono::Utc>,
    args: &OpArgs,
) -> Result<[(Placeholder, String); 2], CommandError> {
    until_unsupported(args)?;
    let start = log_start(now, args)?;
    Ok([
        (
            Placeholder::Since,
            format!("{}s", (now - start).num_seconds()),
        ),
        (Placeholder::SinceIso, start.to_rfc3339()),
    ])
}

/// `--until` needs a log store that can stop at a time; command output has no such handle.
fn until_unsupported(args: &OpArgs) -> Result<(), CommandError> {
    match args.until {
        Some(_) => Err(CommandError::user(
            "--until works with CloudWatch logs only; narrow the window with --since and --grep instead.",
        )),
        None => Ok(()),
    }
}
