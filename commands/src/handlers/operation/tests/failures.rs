//! What an outage and a failed operation look like to the user and to `/metrics`: an outage of
//! a platform or of the incident store is shown as its sentence and counted `failed`, never
//! `refused`; an operation that ran and failed keeps its ❌ card and is counted `failed`, never
//! `ok`.

use std::sync::Arc;

use super::{Ops, with_ecs};
use crate::CommandError;
use crate::fakes::FakeEcs;
use crate::ports::{OperationError, RunOutput};

const TIMEOUT: &str = "AWS did not answer ecs:DescribeServices on ECS service api in cluster prod in time; try again, and check the network path to AWS.";

impl Ops {
    /// How many times `command` ended with `outcome`, as `/metrics` says.
    fn counted(&self, command: &str, outcome: &str) -> u64 {
        let line =
            format!("warroom_commands_total{{command=\"{command}\",outcome=\"{outcome}\"}} ");
        self.core
            .metrics
            .render()
            .lines()
            .find_map(|l| l.strip_prefix(&line))
            .map_or(0, |n| n.parse().unwrap())
    }
}

fn ecs_ops() -> (Ops, Arc<FakeEcs>) {
    let mut ops = Ops::new();
    let ecs = Arc::new(FakeEcs::new("api", 42, 42));
    with_ecs(&mut ops, ecs.clone());
    (ops, ecs)
}

#[tokio::test]
async fn an_ecs_outage_is_its_sentence_and_counted_failed_not_refused() {
    let (ops, ecs) = ecs_ops();
    *ecs.down.lock().unwrap() = Some(OperationError::Platform(TIMEOUT.into()));

    match ops.execute("ops", "alice", "/rollback api").await {
        Err(CommandError::Unavailable(e)) => assert_eq!(e.message, TIMEOUT),
        other => panic!("expected an outage, got {other:?}"),
    }
    assert_eq!(ops.counted("rollback", "failed"), 1);
    assert_eq!(ops.counted("rollback", "refused"), 0);

    // The user's own mistake is still a refusal.
    *ecs.down.lock().unwrap() = None;
    let missing = ops.refused("alice", "/rollback api --to 99").await;
    assert!(
        missing.contains("Task definition api:99 does not exist"),
        "{missing}"
    );
    assert_eq!(ops.counted("rollback", "refused"), 1);
    assert_eq!(ops.counted("rollback", "failed"), 1);
}

#[tokio::test]
async fn an_outage_at_confirmation_runs_nothing_and_leaves_the_confirmation_open() {
    let (ops, ecs) = ecs_ops();
    let card = ops.ok("alice", "/rollback api").await;
    assert!(card.contains("task definition api:42 → api:41"), "{card}");

    *ecs.down.lock().unwrap() = Some(OperationError::Platform(TIMEOUT.into()));
    match ops.execute("ops", "bob", "confirm tok1").await {
        Err(CommandError::Unavailable(e)) => assert_eq!(e.message, TIMEOUT),
        other => panic!("expected an outage, got {other:?}"),
    }
    assert!(ecs.updates.lock().unwrap().is_empty(), "nothing ran");
    assert_eq!(ops.counted("confirm", "failed"), 1);

    *ecs.down.lock().unwrap() = None;
    let done = ops.ok("bob", "confirm tok1").await;
    assert!(done.contains("✅ api/rollback"), "{done}");
    assert_eq!(ecs.updates.lock().unwrap().len(), 1);
    assert_eq!(ops.counted("confirm", "ok"), 1);
}

#[tokio::test]
async fn a_read_whose_platform_fails_shows_its_card_and_is_counted_failed() {
    let (ops, ecs) = ecs_ops();
    *ecs.down.lock().unwrap() = Some(OperationError::Platform(TIMEOUT.into()));
    let reply = ops.execute("ops", "alice", "/version api").await.unwrap();
    assert!(reply.failed);
    let shown = reply.to_plain_text();
    assert!(shown.contains("❌ api/version"), "{shown}");
    assert!(shown.contains("AWS did not answer"), "{shown}");
    assert_eq!(ops.counted("version", "failed"), 1);
    assert_eq!(ops.counted("version", "ok"), 0);
}

#[tokio::test]
async fn a_command_that_exits_non_zero_is_counted_failed_and_a_zero_exit_ok() {
    let ops = Ops::new();
    *ops.runner.answer.lock().unwrap() = Ok(RunOutput {
        exit_code: Some(1),
        stdout: String::new(),
        stderr: "error: the server doesn't have a resource type \"pods\"\n".into(),
    });
    let failed = ops.ok("alice", "/run api pods").await;
    assert!(failed.contains("❌ api/pods"), "{failed}");
    assert!(failed.contains("resource type"), "{failed}");
    assert_eq!(ops.counted("run", "failed"), 1);

    *ops.runner.answer.lock().unwrap() = Err(OperationError::Platform(
        "could not start `kubectl`: No such file or directory (os error 2).".into(),
    ));
    let unstarted = ops.ok("alice", "/run api pods").await;
    assert!(unstarted.contains("❌ api/pods"), "{unstarted}");
    assert_eq!(ops.counted("run", "failed"), 2);

    *ops.runner.answer.lock().unwrap() = Ok(RunOutput {
        exit_code: Some(0),
        stdout: "api-1 Running\n".into(),
        stderr: String::new(),
    });
    let fine = ops.ok("alice", "/run api pods").await;
    assert!(fine.contains("✅ api/pods"), "{fine}");
    assert_eq!(ops.counted("run", "ok"), 1);
    assert_eq!(ops.counted("run", "failed"), 2);
}

#[tokio::test]
async fn a_store_outage_is_its_sentence_and_counted_failed() {
    let ops = Ops::new();
    let read_only = "warroom's database is read-only, so nothing was changed; make it writable and run the command again.";
    ops.store.set_down(Some(read_only));
    match ops
        .execute("ops", "alice", "/incident p2 API returns 502")
        .await
    {
        Err(CommandError::Unavailable(e)) => assert_eq!(e.message, read_only),
        other => panic!("expected an outage, got {other:?}"),
    }
    assert_eq!(ops.counted("incident", "failed"), 1);
    assert_eq!(ops.counted("incident", "refused"), 0);

    ops.store.set_down(None);
    let declared = ops.ok("alice", "/incident p2 API returns 502").await;
    assert!(declared.contains("API returns 502"), "{declared}");
    assert_eq!(ops.counted("incident", "ok"), 1);
}
