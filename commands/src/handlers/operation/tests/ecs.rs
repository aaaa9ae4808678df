//! Operations planned against an ECS service: the rollback names the task definition
//! revisions, a service that moved on before the confirmation changes nothing, and the reads
//! (deploys, version) come from the service itself.

use super::*;

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

#[tokio::test]
async fn help_offers_what_a_service_on_ecs_alone_can_do() {
    let mut ops = Ops::new();
    with_ecs(
        &mut ops,
        Arc::new(crate::fakes::FakeEcs::new("api", 42, 42)),
    );
    let mut catalog = ops.core.services.clone();
    for service in catalog.services.values_mut() {
        service.ops.clear();
        service.health = None;
    }
    ops.core.services = catalog;
    let help = ops.ok("alice", "/help").await;
    for command in ["/rollback", "/restart", "/version", "/health"] {
        assert!(help.contains(command), "{command} missing:\n{help}");
    }
    assert!(!help.contains("/logs"), "no log group, no /logs:\n{help}");
}
