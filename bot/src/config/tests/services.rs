//! `[services.NAME]` checks of their own: the operations' argv templates and the SSM fleet.

use super::*;

#[test]
fn operation_templates_are_checked() {
    let text = problems(
        r#"
[services.api]
environment = "production"
[services.api.rollback]
argv = ["kubectl", "rollout", "undo", "{to}"]
argv_instance = ["kubectl", "delete", "pod", "{instance}"]
[services.api.scale]
argv = ["kubectl", "scale", "deployment/api"]
[services.api.restart]
argv = []
argv_instance = ["kubectl", "delete", "pod"]
[services.api.logs]
argv = ["kubectl", "logs", "--since={since}", "{count}"]
timeout = "soon"
"#,
    )
    .iter()
    .map(|p| p.to_string())
    .collect::<Vec<_>>()
    .join("\n");
    for expected in [
        "services.api.rollback.argv: {to} cannot be used here",
        "services.api.rollback.argv_instance: applies only to [services.NAME.restart]",
        "services.api.scale.argv: must use {count}.",
        "services.api.restart.argv: is required",
        "services.api.restart.argv_instance: must use {instance}.",
        "services.api.logs.argv: {count} cannot be used here",
        "services.api.logs.timeout: `soon` is not a duration",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn an_ssm_fleet_is_named_by_ids_or_by_tags() {
    let found = problems(
        r#"
[services.both]
environment = "production"
settle_timeout = "soon"
[services.both.ssm]
instances = ["i-0abc123"]
tags = { Role = "app" }

[services.neither]
environment = "production"
[services.neither.ssm]

[services.typo]
environment = "production"
[services.typo.ssm]
instances = ["web-1"]
tags = {}
"#,
    );
    assert_eq!(
        paths(&found),
        [
            "services.both.settle_timeout",
            "services.both.ssm.tags",
            "services.neither.ssm.instances",
            "services.typo.ssm.instances[0]",
        ],
        "{found:?}"
    );
    let tagged = load(
        r#"
[services.fleet]
environment = "production"
[services.fleet.ssm]
tags = { Role = "app", Env = "prod" }
[services.fleet.ssm.commands]
version = ["git rev-parse HEAD"]
"#,
    )
    .unwrap();
    let fleet = tagged.services.services["fleet"].ssm.clone().unwrap();
    assert_eq!(
        fleet.tags,
        [
            ("Env".to_string(), "prod".to_string()),
            ("Role".to_string(), "app".to_string())
        ]
    );
    assert!(fleet.instances.is_empty());
}
