//! `/logs` from CloudWatch Logs, against moto on loopback, through the real binary.

use warroom_tests::binary::{Run, answered};
use warroom_tests::moto::{ENV, Moto};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_are_read_filtered_and_ordered() {
    let moto = Moto::start();
    moto.seed_logs(&[
        (120, "ERROR old failure outside the window"),
        (20, "INFO request ok"),
        (10, "ERROR upstream returned 502 token=abcdef123456"),
        (5, "ERROR upstream timeout"),
    ])
    .await;

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("warroom.toml"),
        format!(
            r#"
[aws]
region = "us-east-1"
endpoint_url = "{}"

[services.api]
environment = "production"

[services.api.cloudwatch]
log_group = "/ecs/api"
"#,
            moto.url
        ),
    )
    .unwrap();
    let path = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        let mut run = Run::new(&path, &["console", "--as", "carol"]).stdin(
            "/logs api --since 30m --grep ERROR\n/logs api --since 1h --limit 1\n/logs web\n/logs api --since 30m --until 8m\n/logs api --since 5m --until 10m\n",
        );
        for (key, value) in ENV {
            run = run.env(key, value);
        }
        run.output()
    })
    .await
    .unwrap();
    let text = answered(&out);
    assert!(text.contains("✅ api/logs"), "{text}");
    let first = text.find("upstream returned 502").expect(&text);
    let second = text.find("upstream timeout").expect(&text);
    assert!(first < second, "newest last:\n{text}");
    assert!(!text.contains("old failure"), "outside --since:\n{text}");
    assert!(
        !text.contains("abcdef123456"),
        "secrets are redacted:\n{text}"
    );
    assert!(
        text.contains("api/web/1"),
        "each line names its stream:\n{text}"
    );
    assert!(
        text.contains("earlier matching lines left out"),
        "--limit 1 keeps the newest:\n{text}"
    );
    assert!(text.contains("There is no service `web`"), "{text}");
    // --until 8m ends before the newest event (5 minutes ago): 2 events in the window.
    assert!(text.contains("2 events from /ecs/api"), "{text}");
    assert!(text.contains("--until is not after --since"), "{text}");
}
