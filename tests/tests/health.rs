//! `/health` against real HTTP servers on loopback, through the real binary and in-process.

use std::time::{Duration, Instant};

use warroom_commands::health::{self, Verdict};
use warroom_commands::ports::{HealthPort, HttpProbe};
use warroom_integrations::HttpHealth;
use warroom_tests::binary::{Run, answered};
use warroom_tests::http::{Answer, serve, serve_tls};
use warroom_tests::tls::ServerCerts;

const OK: &str = r#"{"status":"ok","components":{"db":"ok","cache":"ok"}}"#;
const DEGRADED: &str =
    r#"{"status":"degraded","checks":{"db":{"status":"ok"},"redis":{"status":"timeout"}}}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_report_status_body_latency_and_timeouts() {
    let healthy = serve(Answer::json(200, OK)).await;
    let slow = serve(Answer::json(200, OK).after(Duration::from_millis(300))).await;
    let hung = serve(Answer::hung()).await;
    let probe = |addr: std::net::SocketAddr| HttpProbe {
        url: format!("http://{addr}/health"),
        timeout: Duration::from_millis(800),
        ca_file: None,
    };
    let started = Instant::now();
    let results = HttpHealth::new(16)
        .probe_all(&[
            probe(healthy),
            probe(slow),
            probe(hung),
            HttpProbe {
                url: "http://127.0.0.1:9/health".into(),
                timeout: Duration::from_millis(800),
                ca_file: None,
            },
        ])
        .await;
    let elapsed = started.elapsed();
    assert_eq!(results[0].status, Some(200));
    assert_eq!(results[0].reported.as_deref(), Some("ok"));
    assert_eq!(
        results[0].components,
        [
            ("cache".to_string(), "ok".to_string()),
            ("db".to_string(), "ok".to_string())
        ]
    );
    assert!(
        results[1].latency >= Duration::from_millis(300),
        "{:?}",
        results[1].latency
    );
    assert_eq!(results[2].status, None);
    assert_eq!(results[2].error.as_deref(), Some("no answer within 800 ms"));
    assert!(
        results[3]
            .error
            .as_deref()
            .unwrap()
            .starts_with("cannot connect"),
        "{:?}",
        results[3]
    );
    // Probed concurrently: the hung target costs its timeout once, not per target.
    assert!(elapsed < Duration::from_millis(1600), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_in_the_console_gives_one_verdict_per_service() {
    let healthy = serve(Answer::json(200, OK)).await;
    let degraded = serve(Answer::json(200, DEGRADED)).await;
    let failing = serve(Answer::json(500, r#"{"status":"error"}"#)).await;
    let hung = serve(Answer::hung()).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("warroom.toml"),
        format!(
            r#"
[access.roles]
everyone = ["*"]

[[access.rules]]
role = "everyone"
allow = ["read", "incident"]

[services.api]
environment = "production"
[services.api.health]
urls = ["http://{healthy}/health", "http://{degraded}/api/health"]
timeout = "2s"

[services.web]
environment = "production"
[services.web.health]
urls = ["http://{failing}/health", "http://{hung}/health"]
timeout = "500ms"

[services.worker]
environment = "production"
"#
        ),
    )
    .unwrap();
    let path = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Run::new(&path, &["console", "--as", "alice"])
            .stdin("/health api\n/health all\n/health wrker\n/health worker\n")
            .output()
    })
    .await
    .unwrap();
    let text = answered(&out);
    assert!(text.contains("🟡 Health of api: degraded"), "{text}");
    assert!(
        text.contains("status degraded, db: ok, redis: timeout"),
        "{text}"
    );
    assert!(
        text.contains("🔴 web: down (0/2 targets answering)"),
        "{text}"
    );
    assert!(text.contains("no answer within 500 ms"), "{text}");
    assert!(
        text.contains("Health of 2 services: worst is down"),
        "{text}"
    );
    assert!(
        text.contains("There is no service `wrker`. Did you mean `worker`?"),
        "{text}"
    );
    assert!(
        text.contains("worker has no health checks configured: add [services.worker.health]"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_targets_report_certificate_days_and_untrusted_certificates() {
    let lasting = ServerCerts::expiring_in(60);
    let expiring = ServerCerts::expiring_in(5);
    let lasting_at = serve_tls(Answer::json(200, OK), &lasting).await;
    let expiring_at = serve_tls(Answer::json(200, OK), &expiring).await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = |name: &str, certs: &ServerCerts| {
        let path = dir.path().join(name);
        std::fs::write(&path, &certs.ca_pem).unwrap();
        Some(path.to_string_lossy().into_owned())
    };
    let probe = |addr, ca_file| HttpProbe {
        url: format!("https://{addr}/health"),
        timeout: Duration::from_secs(5),
        ca_file,
    };
    let results = HttpHealth::new(8)
        .probe_all(&[
            probe(lasting_at, ca_file("lasting.pem", &lasting)),
            probe(expiring_at, ca_file("expiring.pem", &expiring)),
            // Nobody said to trust this CA: the certificate is refused, the target is down.
            probe(lasting_at, None),
        ])
        .await;
    assert_eq!(results[0].status, Some(200), "{:?}", results[0]);
    assert_eq!(results[0].cert_days_left, Some(60), "{:?}", results[0]);
    assert_eq!(health::of_target(&results[0]), Verdict::Healthy);
    assert_eq!(results[1].cert_days_left, Some(5), "{:?}", results[1]);
    assert_eq!(health::of_target(&results[1]), Verdict::Degraded);
    assert_eq!(results[2].status, None);
    let refused = results[2].error.as_deref().unwrap();
    assert!(
        refused.starts_with("TLS certificate not trusted")
            && refused.ends_with("trust its CA with health.ca_file"),
        "{refused}"
    );
    assert_eq!(health::of_target(&results[2]), Verdict::Down);
}
