//! ECS operations against moto on loopback, through the real binary.

use warroom_tests::binary::confirmation_token;
use warroom_tests::moto::{Moto, console};

fn config(dir: &std::path::Path, endpoint: &str) {
    std::fs::write(
        dir.join("warroom.toml"),
        format!(
            r#"
[aws]
region = "us-east-1"
endpoint_url = "{endpoint}"

{policy}

[services.api]
environment = "production"

[services.api.ecs]
cluster = "prod"
service = "api"
settle_timeout = "2s"
"#,
            policy = warroom_tests::ONCALL_POLICY
        ),
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_scale_version_and_deploys_on_ecs() {
    let moto = Moto::start();
    let ecs = moto.seed_ecs().await;
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), &moto.url);
    let path = dir.path().to_path_buf();
    let run = move |actor: &'static str, input: String| {
        let path = path.clone();
        tokio::task::spawn_blocking(move || console(&path, actor, &input))
    };

    let reads = run(
        "carol",
        "/version api\n/deploys api\n/rollback api --to 9\n/health api\n".into(),
    )
    .await
    .unwrap();
    assert!(
        reads.contains("api:3: registry.example/api:v3 (0 of 2 tasks running)"),
        "{reads}"
    );
    assert!(reads.contains("api:3  ← running\napi:2\napi:1"), "{reads}");
    // moto starts no tasks: the service wants 2, runs none, and reports 2 pending.
    assert!(reads.contains("api:3: running 0/2, pending 2"), "{reads}");
    assert!(reads.contains("🔴 Health of api: down"), "{reads}");

    let card = run(
        "alice",
        "/rollback api --to 9\n/scale api 0 --dry-run\n/rollback api\n".into(),
    )
    .await
    .unwrap();
    assert!(
        card.contains("Task definition api:9 does not exist"),
        "{card}"
    );
    assert!(
        card.contains("desired count 2 → 0 (emergency stop"),
        "{card}"
    );
    assert!(card.contains("task definition api:3 → api:2"), "{card}");
    let token = confirmation_token(&card);
    let done = run("bob", format!("confirm {token}\n")).await.unwrap();
    assert!(done.contains("✅ api/rollback"), "{done}");
    assert!(
        done.contains("updated: task definition api:3 → api:2"),
        "{done}"
    );
    // moto never starts tasks, so the rollout is followed until the deadline and said so.
    assert!(done.contains("not yet stable after 2 s"), "{done}");

    let now = moto.ecs_running(&ecs).await;
    // moto answers with `family:rev` where AWS gives the full ARN; both end in the same name.
    assert_eq!(
        now.rsplit('/').next(),
        Some("api:2"),
        "moto shows the rollback: {now}"
    );
}

#[test]
fn an_unreachable_aws_is_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "http://127.0.0.1:9");
    let out = console(dir.path(), "carol", "/version api\n");
    assert!(
        out.contains(
            "AWS is unreachable for ecs:DescribeServices on ECS service api in cluster prod"
        ),
        "{out}"
    );
}
