//! warroom run the way an operator runs it: `warroom serve --log-format json` answers its
//! health, readiness and metrics routes, writes one JSON object per log line, and on SIGTERM
//! finishes the operation it is running, posts its result, and only then exits.

use std::time::Duration;

use warroom_tests::binary::{Serving, metrics};
use warroom_tests::slack::{FakeSlack, SlackClient};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// A stand-in for a slow command: it notes that it started, takes two seconds, and says done.
fn slow_script(dir: &std::path::Path) -> String {
    let path = dir.join("slow-check");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\ntouch {started}\nsleep 2\necho all pods ready\n",
            started = dir.join("started").display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_logs_json_reports_readiness_and_finishes_running_work_on_sigterm() {
    warroom::server::install_crypto_provider();
    let fake = FakeSlack::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("warroom.toml"),
        format!(
            r#"
[server]
listen = "127.0.0.1:{port}"
shutdown_grace = "30s"
[database]
url = "sqlite://{dir}/warroom.db"
[slack]
signing_secret = "{SECRET}"
bot_token = "xoxb-1234-test"
api_url = "{api}"
[services.api]
environment = "production"
[services.api.actions.check]
argv = ["{script}"]
risk = "read"
"#,
            dir = dir.path().display(),
            api = fake.api_url(),
            script = slow_script(dir.path()),
        ),
    )
    .unwrap();
    let mut serving = Serving::start_with(dir.path(), port, &["--log-format", "json"]).await;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let ready = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready\n");
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let metrics = metrics(&base).await;
    scraped_as_prometheus_reads_it(&metrics);
    let slack = SlackClient::new(format!("127.0.0.1:{port}").parse().unwrap(), SECRET);

    // A P1 declared through Slack shows on the open-incidents gauge at the next scrape.
    let status = slack
        .command(
            "U0ALICE",
            "C0INC",
            "/incident",
            "p1 checkout returns 502",
            &fake.response_url(0),
        )
        .await;
    assert_eq!(status, 200);
    let mut open = None;
    for _ in 0..200 {
        open = gauge(
            &metrics_of(&base).await,
            "warroom_open_incidents",
            ("severity", "p1"),
        );
        if open == Some(1.0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(open, Some(1.0), "the declared P1 is counted open");
    let pages = client
        .get(format!("{base}/incidents"))
        .send()
        .await
        .unwrap();
    assert_eq!(pages.status(), 401, "the incident pages are not public");

    // A slow read runs on its own task after Slack's acknowledgement; SIGTERM arrives mid-way.
    let status = slack
        .command(
            "U0ALICE",
            "C0OPS",
            "/run",
            "api check",
            &fake.response_url(1),
        )
        .await;
    assert_eq!(status, 200);
    let started = dir.path().join("started");
    for _ in 0..100 {
        if started.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(started.exists(), "the check started");
    let (status, stderr) = serving.terminate_within(Duration::from_secs(30));
    assert!(status.success(), "exit {status}: {stderr}");
    let posted = fake.calls_to("chat.postMessage");
    assert!(
        posted
            .iter()
            .any(|c| c.body.to_string().contains("all pods ready")),
        "the check's result was posted before the process exited: {posted:?}"
    );
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let messages: Vec<&str> = lines.iter().filter_map(|l| l["message"].as_str()).collect();
    assert!(messages.contains(&"warroom is serving"), "{messages:?}");
    assert!(
        messages.contains(&"every running operation finished"),
        "{messages:?}"
    );
    assert_eq!(messages.last(), Some(&"stopped"), "{messages:?}");
    assert!(
        lines
            .iter()
            .all(|l| l["level"].is_string() && l["timestamp"].is_string())
    );
}

async fn metrics_of(base: &str) -> prometheus_parse::Scrape {
    let text = metrics(base).await;
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string())))
        .expect("Prometheus text")
}

/// A gauge's value for one label, as an independent parser reads it.
fn gauge(scrape: &prometheus_parse::Scrape, name: &str, (key, value): (&str, &str)) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name && s.labels.get(key) == Some(value))
        .and_then(|s| match s.value {
            prometheus_parse::Value::Gauge(v) => Some(v),
            _ => None,
        })
}

/// `/metrics` read by an independent parser of the Prometheus text format: latencies are
/// histograms with buckets, known counters exist at 0 before their first event, and the
/// process's own figures and the build's name are there.
fn scraped_as_prometheus_reads_it(text: &str) {
    use prometheus_parse::{Scrape, Value};
    let scrape = Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("Prometheus text");
    let find = |name: &str, label: Option<(&str, &str)>| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
            .unwrap_or_else(|| panic!("no {name} {label:?} in:\n{text}"))
            .value
            .clone()
    };
    for histogram in [
        "warroom_command_seconds",
        "warroom_confirmation_seconds",
        "warroom_integration_seconds",
    ] {
        match find(histogram, None) {
            Value::Histogram(buckets) => assert!(buckets.len() > 5, "{histogram}: {buckets:?}"),
            other => panic!("{histogram} is {other:?}, not a histogram"),
        }
    }
    assert_eq!(
        find("warroom_commands_total", Some(("command", "rollback"))),
        Value::Counter(0.0)
    );
    assert_eq!(
        find(
            "warroom_requests_refused_total",
            Some(("reason", "bad_signature"))
        ),
        Value::Counter(0.0)
    );
    assert_eq!(
        find("warroom_escalations_total", Some(("severity", "p1"))),
        Value::Counter(0.0)
    );
    // The backlog gauges exist before there is any backlog.
    for (name, label) in [
        ("warroom_open_incidents", Some(("severity", "p1"))),
        ("warroom_pending_confirmations", None),
        ("warroom_queued", Some(("queue", "inbox"))),
        ("warroom_queued", Some(("queue", "outbox"))),
        ("warroom_queued", Some(("queue", "jobs"))),
    ] {
        assert_eq!(find(name, label), Value::Gauge(0.0), "{name} {label:?}");
    }
    assert!(matches!(find("process_cpu_seconds_total", None), Value::Counter(c) if c > 0.0));
    assert!(matches!(find("process_resident_memory_bytes", None), Value::Gauge(b) if b > 1e6));
    assert!(matches!(find("process_open_fds", None), Value::Gauge(n) if n > 0.0));
    let build = scrape
        .samples
        .iter()
        .find(|s| s.metric == "warroom_build_info")
        .expect("build info");
    assert_eq!(build.labels.get("commit").map(str::len), Some(12), "{text}");
}
