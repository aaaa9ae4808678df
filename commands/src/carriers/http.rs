//! The HTTP carrier: a service's health endpoints, probed with GET (the runbooks'
//! `curl -s https://.../api/health`). It carries `/health` only.
//!
//! Every endpoint of every service asked about is probed in one fan-out, so `/health all` takes
//! as long as the slowest target, not the sum of them.

use std::time::Duration;

use super::TargetHealth;
use crate::Core;
use crate::health;
use crate::ports::{HttpProbe, ProbeResult};
use crate::services::Service;

/// Probes every endpoint of `services` at once: one list of rows per service, in order (empty
/// for a service without endpoints).
pub async fn health(core: &Core, services: &[&Service]) -> Vec<Vec<TargetHealth>> {
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
    services
        .iter()
        .map(|svc| {
            let count = svc.health.as_ref().map_or(0, |h| h.urls.len());
            results.by_ref().take(count).map(row).collect()
        })
        .collect()
}

/// One endpoint's row: its status code, latency, verdict and what it said.
fn row(result: ProbeResult) -> TargetHealth {
    TargetHealth {
        verdict: health::of_target(&result),
        detail: detail(&result),
        http: result.status.map_or("-".to_string(), |s| s.to_string()),
        latency: format!("{} ms", result.latency.as_millis()),
        label: result.url,
    }
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
