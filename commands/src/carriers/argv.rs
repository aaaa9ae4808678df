//! The argv carrier: a program and its arguments from configuration (kubectl, docker compose
//! over ssh, a deploy script), run directly, never through a shell.
//!
//! It carries a service's operations that have an argv template (`[services.NAME.rollback]`)
//! and every `/run` action. User text only selects a template and fills its placeholders with
//! checked values, each inside one argument.

use std::time::Duration;

use super::logs::{self, LineFilter};
use super::{Request, RunOutcome, Work as AnyWork};
use crate::CommandError;
use crate::Core;
use crate::access::Risk;
use crate::actions::{Plan, output_digest};
use crate::handlers::operation::Operation;
use crate::services::{ArgvAction, ArgvOp, OpKind, Placeholder, Service, expand};

/// A configured argv command, filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    pub argv: Vec<String>,
    /// The environment variables it gets from warroom's (see [`Service::command_env`]).
    pub env: Vec<String>,
    pub timeout: Duration,
    /// Keeps matching lines of the output (logs).
    pub filter: Option<LineFilter>,
}

/// An operation through the service's argv template, filled with checked values.
pub fn plan(core: &Core, request: &Request<'_>, op: &ArgvOp) -> Result<Operation, CommandError> {
    let Request {
        svc, kind, args, ..
    } = *request;
    let mut values = Vec::new();
    let mut filter = None;
    let template = match kind {
        OpKind::Rollback | OpKind::Restart => {
            let (value, placeholder, key) = match kind {
                OpKind::Rollback => (&args.to, Placeholder::To, "argv_to"),
                _ => (&args.instance, Placeholder::Instance, "argv_instance"),
            };
            match value {
                None => &op.argv,
                Some(value) => {
                    values.push((placeholder, value.clone()));
                    op.argv_targeted.as_ref().ok_or_else(|| {
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
            &op.argv
        }
        OpKind::Logs => {
            values.extend(logs::placeholders(core.clock.now(), args)?);
            filter = Some(LineFilter::of(args));
            &op.argv
        }
        OpKind::Version | OpKind::Deploys => &op.argv,
    };
    let argv = expand(template, &values).map_err(|missing| {
        CommandError::user(format!(
            "[services.{}.{}] uses a placeholder it cannot be given ({missing}); fix its argv.",
            svc.name,
            kind.as_str()
        ))
    })?;
    Ok(operation(
        svc,
        kind.as_str(),
        kind.as_str(),
        request.risk,
        Vec::new(),
        Work {
            argv,
            env: svc.command_env(),
            timeout: op.timeout.to_std().unwrap_or(Duration::from_secs(60)),
            filter,
        },
    ))
}

/// `/run SERVICE ACTION`: the configured action as it stands, at its configured risk.
pub fn action(svc: &Service, action: &ArgvAction) -> Operation {
    let mut notes = Vec::new();
    if !action.description.is_empty() {
        notes.push(action.description.clone());
    }
    operation(
        svc,
        "run",
        &action.name,
        action.risk,
        notes,
        Work {
            argv: action.argv.clone(),
            env: svc.command_env(),
            timeout: action.timeout.to_std().unwrap_or(Duration::from_secs(60)),
            filter: None,
        },
    )
}

/// The operation `command` that runs `work` on `svc` as `name` (the operation or the action):
/// the plan shows the exact argv, then `notes`.
fn operation(
    svc: &Service,
    command: &'static str,
    name: &str,
    risk: Risk,
    notes: Vec<String>,
    work: Work,
) -> Operation {
    let shown = work.argv.join(" ");
    let mut details = vec![format!("argv: {:?} (run directly, no shell)", work.argv)];
    details.extend(notes);
    Operation {
        command,
        target: svc.target(),
        risk,
        plan: Plan {
            summary: format!(
                "{}/{name}: run `{shown}` on {} ({})",
                svc.name, svc.name, svc.environment
            ),
            details,
            fingerprint: output_digest(&format!("{:?}", work.argv)),
        },
        work: AnyWork::Argv(work),
    }
}

/// Runs the command: success is exit 0; the output is stdout (filtered, for logs) then stderr.
pub async fn run(core: &Core, work: &Work) -> RunOutcome {
    let mut out = match core
        .metrics
        .metered("argv", core.runner.run(&work.argv, &work.env, work.timeout))
        .await
    {
        Ok(out) => out,
        Err(e) => return RunOutcome::failed(e),
    };
    if let Some(filter) = &work.filter {
        out.stdout = filter.apply(&out.stdout);
    }
    let summary = out
        .exit_code
        .map_or("killed".to_string(), |c| format!("exit {c}"));
    let mut output = out.stdout;
    if !out.stderr.is_empty() {
        if !output.is_empty() && !output.ends_with('\n') {
            output.push('\n');
        }
        output.push_str(&out.stderr);
    }
    RunOutcome {
        ok: out.exit_code == Some(0),
        summary,
        output,
    }
}
