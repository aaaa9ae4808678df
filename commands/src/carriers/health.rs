//! A service's health as every carrier sees it: its HTTP endpoints, its ECS service and its
//! SSM fleet, as rows of one table and one verdict. `/health` shows it; a change made through
//! argv or SSM is followed with it until the service is healthy.

use super::{ecs, http, ssm};
use crate::Core;
use crate::health::{self, Verdict};
use crate::services::Service;

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

impl TargetHealth {
    /// A row that a platform gave rather than an HTTP endpoint: no status code, no latency.
    pub fn platform(
        label: impl Into<String>,
        verdict: Verdict,
        detail: impl std::fmt::Display,
    ) -> TargetHealth {
        TargetHealth {
            label: label.into(),
            http: "-".to_string(),
            latency: "-".to_string(),
            verdict,
            detail: detail.to_string(),
        }
    }
}

/// Checks every service: all HTTP targets in one fan-out, then what each platform says.
pub async fn check(core: &Core, services: &[&Service]) -> Vec<ServiceHealth> {
    let mut endpoints = http::health(core, services).await.into_iter();
    let mut checked = Vec::new();
    for svc in services {
        let mut targets = endpoints.next().unwrap_or_default();
        if let Some(target) = &svc.ecs {
            targets.push(ecs::health(core, target).await);
        }
        if let Some(fleet) = &svc.ssm
            && let Some(commands) = &fleet.health
        {
            targets.extend(ssm::health(core, svc, fleet, commands).await);
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
