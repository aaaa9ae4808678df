//! Secrets never reach the channel or the audit log, whatever a command prints.

use warroom_tests::binary::{Run, answered, stdout};

#[test]
fn command_output_and_plans_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("warroom.toml"),
        r#"
[access.roles]
everyone = ["*"]

[[access.rules]]
role = "everyone"
allow = ["read", "incident", "destructive"]
approval = "self"

[services.api]
environment = "production"

[services.api.actions.env]
argv = ["/bin/echo", "token=${DEPLOY_TOKEN} AKIAIOSFODNN7EXAMPLE postgres://app:pw12345678@db/app"]
risk = "read"

[services.api.actions.wipe]
argv = ["/bin/echo", "wiping with ${DEPLOY_TOKEN}"]
risk = "destructive"
"#,
    )
    .unwrap();
    let secret = "sup3r-s3cret-deploy-token";
    let out = Run::new(dir.path(), &["console", "--as", "alice"])
        .env("DEPLOY_TOKEN", secret)
        .stdin(
            "/incident p2 leak check\n/run api env\n/run api env --dry-run\n/run api wipe\n/incident timeline\n",
        )
        .output();
    let shown = answered(&out);
    assert!(shown.contains("✅ api/env"), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
    for leaked in [secret, "AKIAIOSFODNN7EXAMPLE", "pw12345678"] {
        assert!(!shown.contains(leaked), "{leaked} shown in chat:\n{shown}");
    }
    let audit = Run::new(dir.path(), &["audit"])
        .env("DEPLOY_TOKEN", secret)
        .output();
    let audit = stdout(&audit);
    assert!(audit.contains("succeeded"), "{audit}");
    assert!(!audit.contains(secret), "{audit}");
    let pm = stdout(
        &Run::new(dir.path(), &["postmortem", "1"])
            .env("DEPLOY_TOKEN", secret)
            .output(),
    );
    assert!(
        !pm.contains(secret) && !pm.contains("AKIAIOSFODNN7EXAMPLE"),
        "{pm}"
    );
}
