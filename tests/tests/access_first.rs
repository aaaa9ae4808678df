//! Access is decided before anything else: a refused command makes no call to any platform,
//! counted at the emulator's own request recorder. And what a person types for `--to` reaches
//! an instance's shell through SSM only as a checked value, one word of the command.

use warroom_tests::binary::confirmation_token;
use warroom_tests::moto::{Moto, console};

/// `api` on ECS (with its logs in CloudWatch) and `web`, an EC2 fleet named by tags, on SSM.
fn setup(moto: &Moto, dir: &std::path::Path) {
    std::fs::write(
        dir.join("warroom.toml"),
        moto.warroom_toml(
            r#"
[services.api]
environment = "production"
[services.api.ecs]
cluster = "prod"
service = "api"
settle_timeout = "2s"
[services.api.cloudwatch]
log_group = "/ecs/api"

[services.web]
environment = "production"
settle_timeout = "1s"
[services.web.ssm]
tags = { Role = "web" }
timeout = "30s"
[services.web.ssm.commands]
rollback = ["/usr/local/bin/deploy-web --to {to}"]
restart = ["systemctl restart web"]
"#,
        ),
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_command_makes_no_platform_call() {
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start();
    moto.seed_ecs().await;
    moto.run_instances(2, &[("Role", "web")]);
    setup(&moto, dir.path());

    // Mallory is in no role that may operate: every one of these is refused.
    moto.record();
    let refused = console(
        dir.path(),
        "mallory",
        "/rollback api\n/rollback api --to 2 --dry-run\n/scale api 0\n/restart api\n\
         /rollback web --to v2\n/restart web --instance i-0aaa111\n",
    );
    assert_eq!(
        refused.matches("may not").count(),
        6,
        "every command is refused:\n{refused}"
    );
    assert_eq!(
        moto.recorded(),
        Vec::<String>::new(),
        "refused commands reached AWS:\n{refused}"
    );

    // The same commands from someone on call do ask AWS, so the count above can fail.
    moto.record();
    let planned = console(
        dir.path(),
        "alice",
        "/rollback api --dry-run\n/rollback web --to v2 --dry-run\n",
    );
    assert!(planned.contains("api:3 → api:2"), "{planned}");
    let calls = moto.recorded();
    for expected in [
        "DescribeServices",
        "ListTaskDefinitions",
        "DescribeInstanceInformation",
    ] {
        assert!(
            calls.iter().any(|c| c.ends_with(expected)),
            "{expected} not in {calls:?}"
        );
    }
}

#[test]
fn a_to_value_reaches_the_instance_shell_only_checked_and_as_one_word() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("ssm.json");
    std::fs::write(
        &script,
        r#"[{"contains": "deploy-web", "stdout": "deployed\n"}]"#,
    )
    .unwrap();
    let moto = Moto::start_scripted(&script);
    let fleet = moto.run_instances(2, &[("Role", "web")]);
    setup(&moto, dir.path());

    moto.record();
    let hostile = console(
        dir.path(),
        "alice",
        "/rollback web --to \"v1'; touch /tmp/warroom-pwned; echo '\"\n/rollback web --to 'v1;id'\n",
    );
    assert_eq!(
        hostile.matches("is not a valid revision").count(),
        2,
        "{hostile}"
    );
    let sent: Vec<String> = moto
        .recorded()
        .into_iter()
        .filter(|c| c.ends_with("SendCommand"))
        .collect();
    assert!(sent.is_empty(), "a refused value reached SSM: {sent:?}");

    let card = console(
        dir.path(),
        "alice",
        "/rollback web --to release-2026.12.01\n",
    );
    assert!(
        card.contains("/usr/local/bin/deploy-web --to release-2026.12.01"),
        "{card}"
    );
    let done = console(
        dir.path(),
        "bob",
        &format!("confirm {}\n", confirmation_token(&card)),
    );
    assert!(
        done.contains(&format!(
            "{} of {} instances succeeded",
            fleet.len(),
            fleet.len()
        )),
        "{done}"
    );
    assert_eq!(
        moto.recorded()
            .iter()
            .filter(|c| c.ends_with("SendCommand"))
            .count(),
        1
    );
}
