//! Running an operation's work through the ports, and what came of it.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Operation, Work};
use crate::Core;
use crate::access::Risk;
use crate::actions::output_digest;
use crate::handlers::health;
use crate::health::Verdict;
use crate::ports::{EcsChange, EcsTarget, split_revision};
use crate::services::OpKind;
use crate::timefmt;

/// What running an operation produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub ok: bool,
    /// The change was made but the service's health checks were not green by its settle
    /// timeout: shown as a warning, not as a failure of the command.
    pub unsettled: bool,
    /// One line: `exit 0 after 1s`, `could not start kubectl: ...`.
    pub summary: String,
    pub output: String,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
}

impl Outcome {
    pub fn digest(&self) -> String {
        output_digest(&self.output)
    }
}

/// Runs the operation; a change made through argv or SSM is then followed until the service's
/// health checks are green or its settle timeout passes (ECS changes follow their own rollout).
pub async fn run(core: &Core, op: &Operation) -> Outcome {
    let started = core.clock.now();
    let (ok, summary, mut output) = carry_out(core, &op.work).await;
    let mut unsettled = false;
    let mut summary = format!(
        "{summary} after {}",
        timefmt::duration(core.clock.now() - started)
    );
    let changed = op.risk != Risk::Read && matches!(op.work, Work::Argv { .. } | Work::Ssm { .. });
    if ok
        && changed
        && let Some((healthy, said, table)) = follow_health(core, &op.target.service).await
    {
        unsettled = !healthy;
        summary = format!("{summary}; {said}");
        if !output.is_empty() && !output.ends_with('\n') {
            output.push('\n');
        }
        output.push_str(&table);
    }
    Outcome {
        ok,
        unsettled,
        summary,
        output,
        started,
        finished: core.clock.now(),
    }
}

/// The first pause between health checks while following a change; it doubles up to the most.
const FIRST_PAUSE: Duration = Duration::from_secs(2);
const MOST_PAUSE: Duration = Duration::from_secs(15);

/// Checks the service's health until it is healthy or its settle timeout passes: the verdict,
/// a few words for the summary, and the last health table. `None` when the service has no
/// health checks to follow.
async fn follow_health(core: &Core, service: &str) -> Option<(bool, String, String)> {
    let svc = core.services.services.get(service)?;
    if !svc.has_health() {
        return None;
    }
    let settle = svc.settle_timeout;
    let started = core.clock.now();
    let mut pause = FIRST_PAUSE;
    loop {
        let found = health::check(core, &[svc]).await.pop()?;
        let waited = core.clock.now() - started;
        let table = found
            .targets
            .iter()
            .map(|t| {
                format!(
                    "{} {}: {} {}\n",
                    t.verdict.marker(),
                    t.label,
                    t.verdict.as_str(),
                    t.detail
                )
            })
            .collect::<String>();
        if found.verdict == Verdict::Healthy {
            return Some((
                true,
                format!("healthy after {}", timefmt::duration(waited)),
                table,
            ));
        }
        if waited >= settle {
            return Some((
                false,
                format!(
                    "still {} after {}: check `/health {service}` and consider a rollback",
                    found.verdict.as_str(),
                    timefmt::duration(waited)
                ),
                table,
            ));
        }
        core.pause.pause(pause).await;
        pause = (pause * 2).min(MOST_PAUSE);
    }
}

/// Carries out the work: whether it succeeded, one line, and the output.
async fn carry_out(core: &Core, work: &Work) -> (bool, String, String) {
    match work {
        Work::Argv {
            argv,
            timeout,
            filter,
        } => match core
            .metrics
            .metered("argv", core.runner.run(argv, *timeout))
            .await
        {
            Ok(mut out) => {
                if let Some(filter) = filter {
                    out.stdout = filter.apply(&out.stdout);
                }
                let code = out
                    .exit_code
                    .map_or("killed".to_string(), |c| format!("exit {c}"));
                let mut output = out.stdout;
                if !out.stderr.is_empty() {
                    if !output.is_empty() && !output.ends_with('\n') {
                        output.push('\n');
                    }
                    output.push_str(&out.stderr);
                }
                (out.exit_code == Some(0), code, output)
            }
            Err(e) => (false, e.to_string(), String::new()),
        },
        Work::Ecs {
            target,
            change,
            expect,
        } => ecs_change(core, target, change, expect).await,
        Work::EcsRead { target, what } => ecs_read(core, target, *what).await,
        Work::Ssm {
            instances,
            commands,
            timeout,
            drift,
            filter,
        } => match core
            .metrics
            .metered("ssm", core.ssm.run(instances, commands, *timeout))
            .await
        {
            Ok(runs) => ssm_outcome(&runs, *drift, filter.as_ref()),
            Err(e) => (false, e.to_string(), String::new()),
        },
        Work::CloudWatch { query, filter } => {
            match core.metrics.metered("logs", core.logs.read(query)).await {
                Ok(page) => {
                    let mut text: String = page
                        .lines
                        .iter()
                        .map(|l| {
                            format!("{} {} {}\n", timefmt::at_seconds(l.at), l.source, l.message)
                        })
                        .collect();
                    if page.truncated {
                        text.insert_str(
                            0,
                            &format!(
                                "[read the first {} events only; narrow --since]\n",
                                query.budget
                            ),
                        );
                    }
                    (
                        true,
                        format!("{} events from {}", page.lines.len(), query.group),
                        filter.apply(&text),
                    )
                }
                Err(e) => (false, e.to_string(), String::new()),
            }
        }
    }
}

/// Every instance's status and output; for `drift`, the instances grouped by what they printed.
fn ssm_outcome(
    runs: &[crate::ports::InstanceRun],
    drift: bool,
    filter: Option<&super::LineFilter>,
) -> (bool, String, String) {
    let ok = runs.iter().all(|r| r.succeeded());
    let failed = runs.iter().filter(|r| !r.succeeded()).count();
    let mut summary = format!(
        "{} of {} instances succeeded",
        runs.len() - failed,
        runs.len()
    );
    let mut text = String::new();
    if drift {
        let mut groups: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
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
    for r in runs {
        if drift && r.succeeded() {
            continue;
        }
        let code = r.exit_code.map_or("-".to_string(), |c| c.to_string());
        text.push_str(&format!("== {} {} (exit {code})\n", r.instance, r.status));
        let output = match filter {
            Some(f) => f.apply(&r.stdout),
            None => r.stdout.clone(),
        };
        text.push_str(&output);
        if !r.stderr.is_empty() {
            text.push_str(&r.stderr);
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    (ok, summary, text)
}

/// Makes an ECS change if the service still runs what the plan saw.
async fn ecs_change(
    core: &Core,
    target: &EcsTarget,
    change: &EcsChange,
    expect: &str,
) -> (bool, String, String) {
    let before = match core.metrics.metered("ecs", core.ecs.describe(target)).await {
        Ok(state) => state,
        Err(e) => return (false, e.to_string(), String::new()),
    };
    if before.task_definition != expect {
        return (
            false,
            format!(
                "{} now runs {}, not {expect} as planned; nothing was changed. Run the command again to see the new plan.",
                target.service, before.task_definition
            ),
            String::new(),
        );
    }
    let after = match core
        .metrics
        .metered("ecs", core.ecs.update(target, change))
        .await
    {
        Ok(after) => after,
        Err(e) => return (false, e.to_string(), String::new()),
    };
    let changed = format!(
        "updated: task definition {} → {}, desired {} → {}",
        before.task_definition, after.task_definition, before.desired, after.desired
    );
    // Follow the rollout: the change counts as done when ECS says the service is stable.
    let (last, settled) = match core
        .metrics
        .metered("ecs", core.ecs.wait_stable(target))
        .await
    {
        Ok(result) => result,
        Err(e) => {
            return (
                true,
                format!("{changed}; following the rollout failed: {e}"),
                String::new(),
            );
        }
    };
    let state = format!(
        "running {}, pending {}, desired {}, deployments {}",
        last.running, last.pending, last.desired, last.deployments
    );
    if settled {
        (true, format!("{changed}; stable"), state)
    } else {
        (
            true,
            format!(
                "{changed}; not yet stable after {} s: check `/health` and `/deploys`",
                target.settle.as_secs()
            ),
            state,
        )
    }
}

/// `/version` (the images the service runs) or `/deploys` (its revisions) on ECS.
async fn ecs_read(core: &Core, target: &EcsTarget, what: OpKind) -> (bool, String, String) {
    let state = match core.metrics.metered("ecs", core.ecs.describe(target)).await {
        Ok(state) => state,
        Err(e) => return (false, e.to_string(), String::new()),
    };
    let current = state.task_definition.clone();
    let listed = if what == OpKind::Deploys {
        let family = split_revision(&current).map_or(current.as_str(), |(f, _)| f);
        core.metrics
            .metered("ecs", core.ecs.revisions(family))
            .await
            .map(|revisions| {
                revisions
                    .iter()
                    .map(|r| {
                        let mark = if *r == current { "  ← running" } else { "" };
                        format!("{r}{mark}")
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
    } else {
        core.metrics
            .metered("ecs", core.ecs.images(&current))
            .await
            .map(|images| {
                format!(
                    "{current}: {} ({} of {} tasks running)",
                    images.join(", "),
                    state.running,
                    state.desired
                )
            })
    };
    match listed {
        Ok(text) => (true, format!("{} on ECS", target.service), text),
        Err(e) => (false, e.to_string(), String::new()),
    }
}

impl super::LineFilter {
    /// The matching lines, the last `limit` of them, with a note of what was left out.
    pub fn apply(&self, output: &str) -> String {
        let pattern = self
            .pattern
            .as_deref()
            .and_then(|p| regex::RegexBuilder::new(p).size_limit(1 << 20).build().ok());
        let lines: Vec<&str> = output
            .lines()
            .filter(|line| pattern.as_ref().is_none_or(|p| p.is_match(line)))
            .collect();
        let skipped = lines.len().saturating_sub(self.limit);
        let mut kept = String::new();
        if skipped > 0 {
            kept.push_str(&format!(
                "[{skipped} earlier matching lines left out; raise --limit to see them]\n"
            ));
        }
        for line in &lines[skipped..] {
            kept.push_str(line);
            kept.push('\n');
        }
        if lines.is_empty() {
            kept.push_str("[no matching lines]\n");
        }
        kept
    }
}
