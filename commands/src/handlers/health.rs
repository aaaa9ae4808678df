//! `/health [SERVICE|all]`: every health endpoint probed at once, one verdict per service.

use std::time::Duration;

use crate::access::{Asked, Risk};
use crate::grammar::Word;
use crate::health::{self, Verdict};
use crate::ports::{HttpProbe, ProbeResult};
use crate::services::Service;
use crate::{CommandError, Core, Invocation, Reply};

fn allowed(core: &Core, inv: &Invocation, svc: &Service) -> Result<(), String> {
    let asked = Asked {
        command: "health",
        risk: Risk::Read,
        target: Some(&svc.target()),
        doing: format!("check {} ({})", svc.name, svc.environment),
    };
    core.access
        .authorize(inv, &asked)
        .map(drop)
        .map_err(|d| d.0)
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
    let checked = check(core, &services).await;

    let mut summary = Vec::new();
    let mut rows = Vec::new();
    for found in checked {
        let up = found
            .targets
            .iter()
            .filter(|t| t.verdict != Verdict::Down)
            .count();
        summary.push((
            found.verdict,
            format!(
                "{} {}: {} ({up}/{} targets answering)",
                found.verdict.marker(),
                found.service,
                found.verdict.as_str(),
                found.targets.len()
            ),
        ));
        rows.extend(found.targets.into_iter().map(|t| {
            vec![
                found.service.clone(),
                t.label,
                t.http,
                t.latency,
                t.verdict.as_str().to_string(),
                t.detail,
            ]
        }));
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
    Ok(Reply::channel()
        .tone(worst.tone())
        .header(title)
        .text(lines.join("\n"))
        .table(
            &["Service", "Target", "HTTP", "Latency", "Verdict", "Detail"],
            rows,
        ))
}

/// One service's health: its verdict and every target's row.
pub struct ServiceHealth {
    pub service: String,
    pub verdict: Verdict,
    pub targets: Vec<TargetHealth>,
}

/// One row of the health table.
pub struct TargetHealth {
    pub label: String,
    pub http: String,
    pub latency: String,
    pub verdict: Verdict,
    pub detail: String,
}

/// Checks every service: all HTTP targets in one fan-out (so `/health all` takes as long as
/// the slowest target), then what each platform says. Used by `/health` and by the follow-up
/// after a change.
pub async fn check(core: &Core, services: &[&Service]) -> Vec<ServiceHealth> {
    let mut probes = Vec::new();
    for svc in services {
        let Some(check) = svc.health.as_ref() else {
            continue;
        };
        let timeout = check.timeout.to_std().unwrap_or(Duration::from_secs(5));
        probes.extend(check.urls.iter().map(|url| HttpProbe {
            url: url.clone(),
            timeout,
            ca_file: check.ca_file.clone(),
        }));
    }
    let results = core.health.probe_all(&probes).await;
    for result in &results {
        core.metrics
            .integration("http_health", result.error.is_none(), result.latency);
    }
    let mut results = results.into_iter();

    let mut checked = Vec::new();
    for svc in services {
        let count = svc.health.as_ref().map_or(0, |h| h.urls.len());
        let mut targets: Vec<TargetHealth> = results
            .by_ref()
            .take(count)
            .map(|result| TargetHealth {
                verdict: health::of_target(&result),
                detail: detail(&result),
                http: result.status.map_or("-".to_string(), |s| s.to_string()),
                latency: format!("{} ms", result.latency.as_millis()),
                label: result.url,
            })
            .collect();
        for (label, verdict, detail) in platform_rows(core, svc).await {
            targets.push(TargetHealth {
                label,
                http: "-".to_string(),
                latency: "-".to_string(),
                verdict,
                detail,
            });
        }
        let verdicts: Vec<Verdict> = targets.iter().map(|t| t.verdict).collect();
        checked.push(ServiceHealth {
            service: svc.name.clone(),
            verdict: health::of_service(&verdicts),
            targets,
        });
    }
    checked
}

/// What a probe found, in a few words: the error, or the body's status, its components and
/// the certificate's remaining days.
fn detail(result: &ProbeResult) -> String {
    if let Some(error) = &result.error {
        return error.clone();
    }
    let mut parts: Vec<String> = result
        .reported
        .iter()
        .map(|r| format!("status {r}"))
        .collect();
    parts.extend(
        result
            .components
            .iter()
            .map(|(name, status)| format!("{name}: {status}")),
    );
    match result.cert_days_left {
        Some(days) if days < 0 => parts.push(format!("certificate expired {} days ago", -days)),
        Some(days) if days < health::CERT_WARN_DAYS => {
            parts.push(format!("certificate expires in {days} days: renew it"))
        }
        Some(days) => parts.push(format!("certificate {days} days left")),
        None => {}
    }
    parts.join(", ")
}

/// Health as the platform sees it: ECS task counts, and the SSM health command per instance.
async fn platform_rows(core: &Core, svc: &Service) -> Vec<(String, Verdict, String)> {
    let mut rows = Vec::new();
    if let Some(target) = &svc.ecs {
        let label = format!("ECS {}/{}", target.cluster, target.service);
        rows.push(
            match core.metrics.metered("ecs", core.ecs.describe(target)).await {
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
            },
        );
    }
    if let Some(fleet) = &svc.ssm
        && let Some(commands) = &fleet.health
    {
        let deadline = fleet.timeout.to_std().unwrap_or(Duration::from_secs(60));
        let instances = match super::ops::fleet_instances(core, svc, fleet).await {
            Ok(instances) => instances,
            Err(e) => {
                rows.push(("SSM".to_string(), Verdict::Down, e.to_string()));
                return rows;
            }
        };
        match core
            .metrics
            .metered("ssm", core.ssm.run(&instances, commands, deadline))
            .await
        {
            Ok(runs) => {
                for run in runs {
                    let verdict = if run.succeeded() {
                        let probe = ProbeResult {
                            url: run.instance.clone(),
                            status: Some(200),
                            latency: Duration::ZERO,
                            reported: json_status(&run.stdout),
                            components: Vec::new(),
                            error: None,
                            cert_days_left: None,
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
