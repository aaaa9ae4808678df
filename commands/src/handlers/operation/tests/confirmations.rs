//! Requesting and confirming: the two-person rule, self-approval in staging, denials, dry
//! runs, tokens that must run nothing, and what an operation leaves on the incident.

use super::*;
use crate::incident::{EntryKind, IncidentId};
use crate::ports::IncidentStore;

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
