//! A real Prometheus Alertmanager on loopback (Debian's `prometheus-alertmanager`), sending its
//! webhook to warroom as it would in production.
//!
//! `tests/run` installs it and sets `WARROOM_ALERTMANAGER`; without it the tests fail with a
//! sentence saying how to install it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

pub struct Alertmanager {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

fn binary() -> PathBuf {
    let path = std::env::var("WARROOM_ALERTMANAGER")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/usr/bin/prometheus-alertmanager"));
    assert!(
        path.exists(),
        "{} is missing: install Debian's prometheus-alertmanager (tests/run does) or set WARROOM_ALERTMANAGER",
        path.display()
    );
    path
}

impl Alertmanager {
    /// Starts Alertmanager in `dir` with one receiver: warroom's webhook at `webhook`, with the
    /// bearer `token` in its `http_config`, grouping by alertname and service and flushing
    /// every second so a test sees each change at once.
    pub async fn start(dir: &Path, webhook: &str, token: &str) -> Alertmanager {
        let config = dir.join("alertmanager.yml");
        std::fs::write(
            &config,
            format!(
                r#"route:
  receiver: warroom
  group_by: ['alertname', 'service']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: warroom
    webhook_configs:
      - url: '{webhook}'
        send_resolved: true
        http_config:
          authorization:
            credentials: '{token}'
"#
            ),
        )
        .unwrap();
        let port = crate::free_port();
        let log = std::fs::File::create(dir.join("alertmanager.log")).unwrap();
        let child = Command::new(binary())
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", dir.join("am-data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus-alertmanager");
        let manager = Alertmanager {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(answer) = client.get(format!("{}/-/ready", manager.url)).send().await
                && answer.status().is_success()
            {
                return manager;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "Alertmanager did not become ready; its log: {}",
            std::fs::read_to_string(dir.join("alertmanager.log")).unwrap_or_default()
        );
    }

    /// Posts alerts through Alertmanager's own API (v2), as Prometheus does.
    pub async fn post(&self, alerts: &Value) {
        let answer = reqwest::Client::new()
            .post(format!("{}/api/v2/alerts", self.url))
            .json(alerts)
            .send()
            .await
            .unwrap();
        assert!(
            answer.status().is_success(),
            "Alertmanager refused the alerts: {}",
            answer.text().await.unwrap_or_default()
        );
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
