//! `/health [SERVICE|all]`: every carrier's view of each service (its HTTP endpoints probed at
//! once, its ECS tasks, its SSM fleet), one verdict per service.

use crate::access::{Asked, Risk};
use crate::carriers;
use crate::grammar::Word;
use crate::health::Verdict;
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
    Ok(report(core, &services).await)
}

/// Probes `services` and says how each is: for `/health`, and for an incident an alert just
/// opened, whose channel gets its service's health at once.
pub async fn report(core: &Core, services: &[&Service]) -> Reply {
    let checked = carriers::check(core, services).await;

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
    let title = match services {
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
    Reply::channel()
        .tone(worst.tone())
        .header(title)
        .text(lines.join("\n"))
        .table(
            &["Service", "Target", "HTTP", "Latency", "Verdict", "Detail"],
            rows,
        )
}
