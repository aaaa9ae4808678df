//! `/health [SERVICE|all]`: every health endpoint probed at once, one verdict per service.

use std::time::Duration;

use crate::access::{Decision, Request, Risk};
use crate::core::denial;
use crate::grammar::Word;
use crate::health::{self, Verdict};
use crate::ports::HttpProbe;
use crate::services::Service;
use crate::{CommandError, Core, Invocation, Reply};

fn allowed(core: &Core, inv: &Invocation, svc: &Service) -> Result<(), String> {
    let actor = inv.actor();
    match core.access.decide(&Request {
        actor: &actor,
        channel: &inv.channel,
        command: "health",
        risk: Risk::Read,
        target: Some(&svc.target()),
    }) {
        Decision::Allow { .. } => Ok(()),
        Decision::Deny { roles } => Err(denial(
            &roles,
            &format!("check {} ({})", svc.name, svc.environment),
        )),
    }
}

/// The services to probe: the one named, or every configured one the caller may check.
fn select<'c>(
    core: &'c Core,
    inv: &Invocation,
    service: Option<&Word>,
) -> Result<Vec<&'c Service>, CommandError> {
    match service.filter(|w| w.text != "all") {
        Some(word) => {
            let svc = core.services.get(&word.text, word.span)?;
            if !svc.has_health() {
                return Err(CommandError::user(format!(
                    "{0} has no health checks configured: add [services.{0}.health] with urls = [\"https://...\"], [services.{0}.ecs], or an SSM health command.",
                    svc.name
                )));
            }
            allowed(core, inv, svc).map_err(CommandError::user)?;
            Ok(vec![svc])
        }
        None => {
            let chosen: Vec<&Service> = core
                .services
                .services
                .values()
                .filter(|svc| svc.has_health() && allowed(core, inv, svc).is_ok())
                .collect();
            if chosen.is_empty() {
                return Err(CommandError::user(
                    "No service you may check here has health checks configured; add [services.NAME.health] urls, or ask for access.",
                ));
            }
            Ok(chosen)
        }
    }
}

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    service: Option<&Word>,
) -> Result<Reply, CommandError> {
    let services = select(core, inv, service)?;
    let mut probes = Vec::new();
    for svc in &services {
        let Some(check) = svc.health.as_ref() else {
            continue;
        };
        let timeout = check.timeout.to_std().unwrap_or(Duration::from_secs(5));
        probes.extend(check.urls.iter().map(|url| HttpProbe {
            url: url.clone(),
            timeout,
        }));
    }
    // One fan-out across every service: `/health all` takes as long as the slowest target.
    let mut results = core.health.probe_all(&probes).await.into_iter();

    let mut summary = Vec::new();
    let mut rows = Vec::new();
    for svc in &services {
        let count = svc.health.as_ref().map_or(0, |h| h.urls.len());
        let mut verdicts = Vec::new();
        for result in results.by_ref().take(count) {
            let verdict = health::of_target(&result);
            verdicts.push(verdict);
            let detail = match (&result.error, &result.reported) {
                (Some(error), _) => error.clone(),
                (None, reported) => {
                    let mut parts: Vec<String> =
                        reported.iter().map(|r| format!("status {r}")).collect();
                    parts.extend(
                        result
                            .components
                            .iter()
                            .map(|(name, status)| format!("{name}: {status}")),
                    );
                    parts.join(", ")
                }
            };
            rows.push(vec![
                svc.name.clone(),
                result.url.clone(),
                result.status.map_or("-".to_string(), |s| s.to_string()),
                format!("{} ms", result.latency.as_millis()),
                verdict.as_str().to_string(),
                detail,
            ]);
        }
        for (label, verdict, detail) in platform_rows(core, svc).await {
            verdicts.push(verdict);
            rows.push(vec![
                svc.name.clone(),
                label,
                "-".to_string(),
                "-".to_string(),
                verdict.as_str().to_string(),
                detail,
            ]);
        }
        let verdict = health::of_service(&verdicts);
        let up = verdicts.iter().filter(|v| **v != Verdict::Down).count();
        summary.push((
            verdict,
            format!(
                "{} {}: {} ({up}/{} targets answering)",
                verdict.marker(),
                svc.name,
                verdict.as_str(),
                verdicts.len()
            ),
        ));
    }
    let worst = summary
        .iter()
        .map(|(v, _)| *v)
        .max()
        .unwrap_or(Verdict::Healthy);
    let title = match services.as_slice() {
        [one] => format!(
            "{} Health of {}: {}",
            worst.marker(),
            one.name,
            worst.as_str()
        ),
        many => format!(
            "{} Health of {} services: worst is {}",
            worst.marker(),
            many.len(),
            worst.as_str()
        ),
    };
    let lines: Vec<String> = summary.into_iter().map(|(_, line)| line).collect();
    Ok(Reply::channel().header(title).text(lines.join("\n")).table(
        &["Service", "Target", "HTTP", "Latency", "Verdict", "Detail"],
        rows,
    ))
}

/// Health as the platform sees it: ECS task counts, and the SSM health command per instance.
async fn platform_rows(core: &Core, svc: &Service) -> Vec<(String, Verdict, String)> {
    let mut rows = Vec::new();
    if let Some(target) = &svc.ecs {
        let label = format!("ECS {}/{}", target.cluster, target.service);
        rows.push(match core.ecs.describe(target).await {
            Ok(state) => {
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
                (label, verdict, detail)
            }
            Err(e) => (label, Verdict::Down, e.to_string()),
        });
    }
    if let Some(fleet) = &svc.ssm
        && let Some(commands) = &fleet.health
    {
        let deadline = fleet.timeout.to_std().unwrap_or(Duration::from_secs(60));
        match core.ssm.run(&fleet.instances, commands, deadline).await {
            Ok(runs) => {
                for run in runs {
                    let verdict = if run.succeeded() {
                        let probe = crate::ports::ProbeResult {
                            url: run.instance.clone(),
                            status: Some(200),
                            latency: Duration::ZERO,
                            reported: json_status(&run.stdout),
                            components: Vec::new(),
                            error: None,
                        };
                        health::of_target(&probe)
                    } else {
                        Verdict::Down
                    };
                    let first = run
                        .stdout
                        .lines()
                        .chain(run.stderr.lines())
                        .next()
                        .unwrap_or("")
                        .to_string();
                    rows.push((
                        format!("SSM {}", run.instance),
                        verdict,
                        format!("{}: {first}", run.status),
                    ));
                }
            }
            Err(e) => rows.push(("SSM".to_string(), Verdict::Down, e.to_string())),
        }
    }
    rows
}

/// `"status": "..."` from a JSON body printed by an instance's health command, without a JSON
/// parser in the core: the value of the first `"status"` key.
fn json_status(text: &str) -> Option<String> {
    let after = text.split("\"status\"").nth(1)?;
    let value = after
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(value.split('"').next()?.to_string())
}
