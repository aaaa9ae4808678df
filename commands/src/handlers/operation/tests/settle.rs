//! After a change, warroom follows the service's health checks until it is healthy or the
//! settle timeout passes; reads are not followed. The clock is manual, so no test waits.

use std::sync::atomic::Ordering;

use super::*;
use crate::fakes::FakeHealth;
use crate::ports::ProbeResult;
use crate::services::HealthCheck;

/// `api` with a health URL that answers with each of `verdicts` once, then healthy for good.
fn with_health(ops: &mut Ops, first: &[Option<u16>], then: Option<u16>) -> Arc<FakeHealth> {
    let url = "http://api.internal/health".to_string();
    let answer = |status: Option<u16>| ProbeResult {
        url: url.clone(),
        status,
        latency: std::time::Duration::from_millis(3),
        reported: None,
        components: vec![],
        error: status.is_none().then(|| "cannot connect".to_string()),
        cert_days_left: None,
    };
    let fake = Arc::new(FakeHealth::default());
    fake.first
        .lock()
        .unwrap()
        .insert(url.clone(), first.iter().map(|s| answer(*s)).collect());
    fake.answers
        .lock()
        .unwrap()
        .insert(url.clone(), answer(then));
    let mut services = ops.core.services.clone();
    services.services.get_mut("api").unwrap().health = Some(HealthCheck {
        urls: vec![url.clone()],
        timeout: TimeDelta::seconds(5),
        ca_file: None,
    });
    ops.core = Core {
        health: fake.clone(),
        services,
        ..ops.core.clone()
    };
    fake
}

#[tokio::test]
async fn a_change_is_followed_until_the_service_is_healthy() {
    let mut ops = Ops::new();
    let health = with_health(&mut ops, &[None, Some(503)], Some(200));
    ops.ok("alice", "/run api rollback").await;
    let ran = ops.ok("bob", "confirm tok1").await;
    // Down, still failing after 2 s, healthy after 2 + 4 s: three checks, no real waiting.
    assert!(ran.contains("✅ api/rollback"), "{ran}");
    assert!(ran.contains("; healthy after 6s"), "{ran}");
    assert_eq!(health.probes.load(Ordering::SeqCst), 3);
    assert_eq!(ops.events().last(), Some(&AuditEvent::Succeeded));
}

#[tokio::test]
async fn a_change_that_never_turns_healthy_is_a_warning_after_the_settle_timeout() {
    let mut ops = Ops::new();
    let health = with_health(&mut ops, &[], Some(503));
    ops.ok("alice", "/run api rollback").await;
    let ran = ops.ok("bob", "confirm tok1").await;
    assert!(ran.contains("⚠️ api/rollback"), "{ran}");
    assert!(
        ran.contains("still down after 5m") && ran.contains("check `/health api`"),
        "{ran}"
    );
    assert!(ran.contains("🔴 http://api.internal/health: down"), "{ran}");
    // 2 + 4 + 8 + 15 + 15 + ... until five minutes: a bounded number of checks.
    let probes = health.probes.load(Ordering::SeqCst);
    assert!((20..=25).contains(&probes), "{probes}");
    assert_eq!(
        ops.runner.run_count(),
        1,
        "the rollback ran once, not again"
    );
    // The rollback itself succeeded; the audit says so, with the health verdict beside it.
    assert_eq!(ops.events().last(), Some(&AuditEvent::Succeeded));
}

#[tokio::test]
async fn reads_are_not_followed() {
    let mut ops = Ops::new();
    let health = with_health(&mut ops, &[], Some(503));
    let ran = ops.ok("alice", "/run api pods").await;
    assert!(ran.contains("✅"), "{ran}");
    assert_eq!(health.probes.load(Ordering::SeqCst), 0);
}
