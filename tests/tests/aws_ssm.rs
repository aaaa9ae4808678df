//! An EC2 fleet through SSM Run Command, against moto with scripted invocation output.

use warroom_tests::binary::confirmation_token;
use warroom_tests::moto::{Moto, console};

const FLEET: [&str; 3] = ["i-0aaa111", "i-0bbb222", "i-0ccc333"];

#[test]
fn version_drift_logs_restart_and_rollback_through_ssm() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("ssm.json");
    std::fs::write(
        &script,
        r#"[
  {"instance": "i-0ccc333", "contains": "rev-parse", "stdout": "9f1e2d3\n"},
  {"contains": "rev-parse", "stdout": "abc1234\n"},
  {"contains": "journalctl", "stdout": "Nov 22 03:01 web app[1]: ERROR db timeout\nNov 22 03:02 web app[1]: INFO ok\n"},
  {"instance": "i-0bbb222", "contains": "systemctl restart", "stderr": "Job for app.service failed\n", "code": 1},
  {"contains": "systemctl restart", "stdout": ""},
  {"contains": "PREVIOUS_COMMIT", "stdout": "HEAD is now at 1111111\n"},
  {"instance": "i-0bbb222", "contains": "curl", "stdout": "{\"status\": \"degraded\"}"},
  {"instance": "i-0ccc333", "contains": "curl", "stderr": "curl: (7) Failed to connect", "code": 7},
  {"contains": "curl", "stdout": "{\"status\": \"ok\"}"}
]"#,
    )
    .unwrap();
    let moto = Moto::start_scripted(&script);
    std::fs::write(
        dir.path().join("warroom.toml"),
        moto.warroom_toml(&format!(
            r#"
[services.app]
environment = "production"
settle_timeout = "1s"

[services.app.ssm]
instances = ["{a}", "{b}", "{c}"]
timeout = "30s"

[services.app.ssm.commands]
version = ["git -C /srv/app rev-parse --short HEAD"]
logs = ["journalctl -u app --since '{{since_iso}}' --no-pager"]
restart = ["systemctl restart app"]
health = ["curl -fsS localhost:8080/api/health"]
rollback = ["cd /srv/app && . /tmp/app_deploy_state && git checkout \"$PREVIOUS_COMMIT\""]
"#,
            a = FLEET[0],
            b = FLEET[1],
            c = FLEET[2],
        )),
    )
    .unwrap();

    let reads = console(
        dir.path(),
        "carol",
        "/version app\n/logs app --since 1h --level error\n/health app\n",
    );
    assert!(reads.contains("🟡 Health of app: degraded"), "{reads}");
    assert!(
        reads.contains("SSM i-0ccc333  -     -        down"),
        "{reads}"
    );
    assert!(
        reads.contains("SSM i-0bbb222  -     -        degraded"),
        "{reads}"
    );
    assert!(
        reads.contains("VERSION DRIFT: 2 versions across the fleet"),
        "{reads}"
    );
    assert!(reads.contains("abc1234: i-0aaa111, i-0bbb222"), "{reads}");
    assert!(reads.contains("9f1e2d3: i-0ccc333"), "{reads}");
    assert!(
        reads.contains("ERROR db timeout") && !reads.contains("INFO ok"),
        "{reads}"
    );

    let one = console(
        dir.path(),
        "alice",
        "/restart app --instance i-0aaa111\n/restart app --instance i-0fff999\n",
    );
    // The restart worked, but two instances were unhealthy before it and still are: a warning
    // with the fleet's health, after the settle timeout.
    assert!(
        one.contains("⚠️ app/restart")
            && one.contains("1 of 1 instances succeeded")
            && one.contains("still degraded after 2s: check `/health app`"),
        "{one}"
    );
    assert!(
        one.contains("🔴 SSM i-0ccc333: down Failed: curl: (7) Failed to connect"),
        "{one}"
    );
    assert!(
        one.contains("i-0fff999 is not one of app's instances"),
        "{one}"
    );

    let card = console(dir.path(), "alice", "/restart app\n");
    assert!(
        card.contains("SSM AWS-RunShellScript on i-0aaa111, i-0bbb222, i-0ccc333"),
        "{card}"
    );
    let all = console(
        dir.path(),
        "bob",
        &format!("confirm {}\n", confirmation_token(&card)),
    );
    assert!(
        all.contains("❌ app/restart") && all.contains("2 of 3 instances succeeded"),
        "{all}"
    );
    assert!(
        all.contains("== i-0bbb222 Failed (exit 1)") && all.contains("Job for app.service failed"),
        "{all}"
    );

    let rollback = console(dir.path(), "alice", "/rollback app\n");
    let done = console(
        dir.path(),
        "bob",
        &format!("confirm {}\n", confirmation_token(&rollback)),
    );
    assert!(done.contains("3 of 3 instances succeeded"), "{done}");
}

#[test]
fn a_fleet_named_by_tags_is_resolved_to_its_instances_in_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("ssm.json");
    std::fs::write(
        &script,
        r#"[{"contains": "rev-parse", "stdout": "abc1234\n"},
            {"contains": "systemctl restart", "stdout": ""}]"#,
    )
    .unwrap();
    let moto = Moto::start_scripted(&script);
    let mut app = moto.run_instances(2, &[("Role", "app"), ("Env", "prod")]);
    app.sort();
    let other = moto.run_instances(1, &[("Role", "worker"), ("Env", "prod")]);
    std::fs::write(
        dir.path().join("warroom.toml"),
        moto.warroom_toml(
            r#"
[services.app]
environment = "production"
[services.app.ssm]
tags = { Role = "app", Env = "prod" }
timeout = "30s"
[services.app.ssm.commands]
version = ["git -C /srv/app rev-parse --short HEAD"]
restart = ["systemctl restart app"]

[services.ghost]
environment = "production"
[services.ghost.ssm]
tags = { Role = "nothing-has-this" }
[services.ghost.ssm.commands]
version = ["git -C /srv/app rev-parse --short HEAD"]
"#,
        ),
    )
    .unwrap();

    let reads = console(
        dir.path(),
        "alice",
        &format!(
            "/version app\n/restart app\n/restart app --instance {}\n/version ghost\n",
            other[0]
        ),
    );
    assert!(
        reads.contains(&format!("abc1234: {}, {}", app[0], app[1])),
        "{reads}"
    );
    assert!(
        reads.contains(&format!(
            "SSM AWS-RunShellScript on {}, {}: systemctl restart app",
            app[0], app[1]
        )),
        "{reads}"
    );
    assert!(!reads.contains(&format!("on {}", other[0])), "{reads}");
    assert!(
        reads.contains(&format!("{} is not one of app's instances", other[0])),
        "{reads}"
    );
    assert!(
        reads.contains("No instance managed by SSM is tagged Role=nothing-has-this"),
        "{reads}"
    );
}
