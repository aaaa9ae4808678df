//! The confirmation flow on in-memory ports: who may request, who may confirm, and that a
//! confirmed operation runs exactly once.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::TimeDelta;

use super::harness::{Ops, catalog, policy, with_ecs};
use crate::Core;
use crate::actions::AuditEvent;
use crate::fakes::FakeHealth;
use crate::incident::{EntryKind, IncidentId};
use crate::ports::{IncidentStore, ProbeResult};
use crate::services::HealthCheck;

#[tokio::test]
async fn production_rollback_needs_a_second_person_and_runs_once() {
    let ops = Ops::new();
    let asked = ops.ok("alice", "/run api rollback").await;
    assert!(
        asked.contains("Confirm destructive operation: api/rollback"),
        "{asked}"
    );
    assert!(asked.contains("confirm tok1"), "{asked}");
    assert!(asked.contains("two-person rule"), "{asked}");
    assert_eq!(
        ops.runner.run_count(),
        0,
        "nothing runs before confirmation"
    );

    let own = ops.refused("alice", "confirm tok1").await;
    assert!(own.contains("needs a second person"), "{own}");
    assert_eq!(ops.runner.run_count(), 0);

    let ran = ops.ok("bob", "confirm tok1").await;
    assert!(ran.contains("✅ api/rollback"), "{ran}");
    assert!(ran.contains("confirmed by bob"), "{ran}");
    assert_eq!(
        ops.runner.runs.lock().unwrap().clone(),
        [vec!["kubectl", "rollout", "undo", "deployment/api"]]
    );

    let again = ops.refused("bob", "confirm tok1").await;
    assert!(
        again.contains("Already confirmed by bob at 2026-11-22 03:00:00 UTC"),
        "{again}"
    );
    assert_eq!(ops.runner.run_count(), 1, "executed exactly once");
    assert_eq!(
        ops.events(),
        [
            AuditEvent::Requested,
            AuditEvent::Refused,
            AuditEvent::Succeeded,
            AuditEvent::Refused
        ]
    );
    let success = &ops.actions.audit_entries()[2];
    assert_eq!(success.requested_by.as_deref(), Some("alice"));
    assert_eq!(success.approved_by.as_deref(), Some("bob"));
    assert_eq!(success.output_sha256.as_deref().map(str::len), Some(64));
}

#[tokio::test]
async fn staging_lets_the_requester_confirm() {
    let ops = Ops::new();
    ops.ok("alice", "/run api-staging rollback").await;
    let ran = ops.ok("alice", "confirm tok1").await;
    assert!(ran.contains("✅"), "{ran}");
    assert_eq!(ops.runner.run_count(), 1);
}

#[tokio::test]
async fn a_denial_names_the_role_and_is_audited() {
    let ops = Ops::new();
    let denied = ops.refused("mallory", "/run api rollback").await;
    assert!(denied.contains("it needs the `oncall` role"), "{denied}");
    assert_eq!(ops.events(), [AuditEvent::Denied]);
    let elsewhere = ops
        .run("random", "alice", "/incident p1 down")
        .await
        .unwrap_err();
    assert!(
        elsewhere.contains("no role is allowed to in this channel"),
        "{elsewhere}"
    );
}

#[tokio::test]
async fn reads_run_at_once_and_dry_runs_run_nothing() {
    let ops = Ops::new();
    let pods = ops.ok("mallory", "/run api pods").await;
    assert!(
        pods.contains("✅ api/pods") && pods.contains("done"),
        "{pods}"
    );
    assert_eq!(ops.runner.run_count(), 1);
    let dry = ops.ok("alice", "/run api rollback --dry-run").await;
    assert!(
        dry.contains("Dry run (destructive): nothing was run"),
        "{dry}"
    );
    assert!(
        dry.contains("\"deployment/api\""),
        "the plan shows the exact argv: {dry}"
    );
    assert_eq!(ops.runner.run_count(), 1);
    assert_eq!(ops.events(), [AuditEvent::Succeeded, AuditEvent::DryRun]);
}

#[tokio::test]
async fn expired_cancelled_unknown_and_foreign_tokens_run_nothing() {
    let ops = Ops::new();
    ops.ok("alice", "/run api rollback").await;
    ops.clock.advance(TimeDelta::minutes(6));
    let late = ops.refused("bob", "confirm tok1").await;
    assert!(
        late.contains("expired at 2026-11-22 03:05:00 UTC; run the command again"),
        "{late}"
    );

    ops.ok("alice", "/run api rollback").await;
    let cancelled = ops.ok("alice", "cancel tok2").await;
    assert!(
        cancelled.contains("Cancelled") && cancelled.contains("Nothing ran"),
        "{cancelled}"
    );
    let after = ops.refused("bob", "confirm tok2").await;
    assert!(after.contains("Already cancelled by alice"), "{after}");

    let unknown = ops.refused("bob", "confirm nosuchtoken").await;
    assert!(
        unknown.contains("There is no pending operation with that token"),
        "{unknown}"
    );

    ops.ok("alice", "/run api rollback").await;
    let foreign = ops.run("other", "bob", "confirm tok3").await.unwrap_err();
    assert!(
        foreign.contains("belongs to an operation requested in #ops"),
        "{foreign}"
    );
    assert_eq!(ops.runner.run_count(), 0);
    assert!(ops.events().contains(&AuditEvent::Expired));
    assert!(ops.events().contains(&AuditEvent::Cancelled));
}

#[tokio::test]
async fn an_approver_who_lost_the_role_or_a_changed_plan_runs_nothing() {
    let mut ops = Ops::new();
    ops.ok("alice", "/run api rollback").await;
    ops.core.access = policy(&["alice"]);
    let lost = ops.refused("bob", "confirm tok1").await;
    assert!(
        lost.contains("You may not approve destructive commands on api"),
        "{lost}"
    );

    ops.core.access = policy(&["alice", "bob"]);
    ops.core.services = catalog(&[
        "kubectl",
        "rollout",
        "undo",
        "deployment/api",
        "--to-revision=3",
    ]);
    let changed = ops.refused("bob", "confirm tok1").await;
    assert!(
        changed.contains("The plan changed since it was proposed"),
        "{changed}"
    );
    assert_eq!(ops.runner.run_count(), 0);
    let again = ops.refused("bob", "confirm tok1").await;
    assert!(
        again.contains("Already cancelled"),
        "a stale plan cannot be confirmed later: {again}"
    );
}

#[tokio::test]
async fn operations_go_on_the_open_incident_and_into_the_postmortem() {
    let ops = Ops::new();
    ops.ok("alice", "/incident p1 api 502").await;
    ops.ok("alice", "/run api rollback").await;
    ops.ok("bob", "confirm tok1").await;
    let timeline = ops.store.timeline(IncidentId(1)).await.unwrap();
    let actions: Vec<&str> = timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Action)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert!(actions[0].starts_with("requested `/run api rollback` (destructive)"));
    assert!(actions[1].contains("confirmed `/run api rollback` (requested by alice); succeeded"));
    let pm = ops.ok("carol", "/incident postmortem").await;
    assert!(
        pm.contains("## Actions taken\n\n- 2026-11-22 03:00 UTC — alice: requested"),
        "{pm}"
    );
}

#[tokio::test]
async fn help_lists_only_what_the_caller_may_run() {
    let ops = Ops::new();
    let alice = ops.ok("alice", "/help").await;
    assert!(alice.contains("api/rollback (destructive)"), "{alice}");
    assert!(alice.contains("/confirm"), "{alice}");
    let mallory = ops.ok("mallory", "/help").await;
    assert!(
        mallory.contains("api/pods (read)") && !mallory.contains("rollback"),
        "{mallory}"
    );
    let outsider = ops.run("random", "alice", "/help").await.unwrap();
    assert!(
        !outsider.contains("/incident") && !outsider.contains("/run"),
        "{outsider}"
    );
}

#[tokio::test]
async fn ecs_rollback_plans_the_revision_change_and_revalidates_it() {
    use crate::ports::EcsChange;
    let mut ops = Ops::new();
    let ecs = Arc::new(crate::fakes::FakeEcs::new("api", 42, 42));
    with_ecs(&mut ops, ecs.clone());

    let card = ops.ok("alice", "/rollback api").await;
    assert!(card.contains("task definition api:42 → api:41"), "{card}");
    assert!(card.contains("ECS service api in cluster prod"), "{card}");
    let done = ops.ok("bob", "confirm tok1").await;
    assert!(
        done.contains("updated: task definition api:42 → api:41"),
        "{done}"
    );
    assert_eq!(
        ecs.updates.lock().unwrap().clone(),
        [EcsChange::TaskDefinition("api:41".into())]
    );

    // The service moved on between request and confirmation: nothing changes.
    ops.ok("alice", "/rollback api --to 39").await;
    ecs.state.lock().unwrap().task_definition = "api:43".into();
    let stale = ops.refused("bob", "confirm tok2").await;
    assert!(
        stale.contains("The plan changed since it was proposed"),
        "{stale}"
    );
    assert_eq!(ecs.updates.lock().unwrap().len(), 1);
    ecs.state.lock().unwrap().task_definition = "api:41".into();

    let missing = ops.refused("alice", "/rollback api --to 99").await;
    assert!(
        missing.contains("Task definition api:99 does not exist"),
        "{missing}"
    );
    let stop = ops.ok("alice", "/scale api 0 --dry-run").await;
    assert!(
        stop.contains("desired count 2 → 0 (emergency stop"),
        "{stop}"
    );
    let deploys = ops.ok("mallory", "/deploys api").await;
    assert!(deploys.contains("api:41  ← running"), "{deploys}");
    let version = ops.ok("mallory", "/version api").await;
    assert!(
        version.contains("api:41: registry/api:v41 (2 of 2 tasks running)"),
        "{version}"
    );
    let logs = ops.refused("mallory", "/logs api").await;
    assert!(logs.contains("api has no logs configured"), "{logs}");
}

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
