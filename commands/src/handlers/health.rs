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
            if svc.health.is_none() {
                return Err(CommandError::user(format!(
                    "{0} has no health checks configured: add [services.{0}.health] with urls = [\"https://...\"].",
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
                .filter(|svc| svc.health.is_some() && allowed(core, inv, svc).is_ok())
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
        let check = svc
            .health
            .as_ref()
            .expect("selected services have health checks");
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
