//! The real `warroom serve` taking alerts, for the alert sources' end-to-end tests: one route
//! to a channel on a fake Slack, and what a test looks at afterwards: the answer, the rows
//! warroom stored (inbox, alerts, incidents), what it posted, and `/metrics` as Prometheus
//! reads it.

use std::time::{Duration, Instant};

use tempfile::TempDir;
use warroom_commands::alerts::{Alert, AlertState, Source};
use warroom_commands::incident::Incident;
use warroom_commands::ports::{AlertStore, IncidentStore, ListFilter};
use warroom_integrations::Store;

use crate::binary::Serving;
use crate::db::{Backend, TestDb, inbox_rows};
use crate::slack::FakeSlack;

/// The channel the one alert route declares in.
pub const CHANNEL: &str = "C0INC";

/// What warroom has stored: requests it accepted to run, alerts, incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub inbox: i64,
    pub alerts: i64,
    pub incidents: usize,
}

/// `warroom serve` with alerts on, its database, and the fake Slack it posts to.
pub struct AlertDesk {
    pub fake: FakeSlack,
    pub store: Store,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its working directory, with its log (`serve-PORT.log`).
    pub dir: TempDir,
    _serving: Serving,
    _db: TestDb,
}

/// An answer: its status and body.
#[derive(Debug)]
pub struct Answered {
    pub status: u16,
    pub body: String,
}

impl AlertDesk {
    /// Serves with `[alerts]` holding `alerts` (TOML lines) and one route, `matchers` (a TOML
    /// list), declaring in [`CHANNEL`].
    pub async fn start(backend: Backend, alerts: &str, matchers: &str) -> AlertDesk {
        AlertDesk::with_route(backend, alerts, &format!("match = {matchers}")).await
    }

    /// [`start`](Self::start) with the route's own keys written out as TOML lines (`match`,
    /// `auto_resolve`, ...).
    pub async fn with_route(backend: Backend, alerts: &str, route: &str) -> AlertDesk {
        warroom::server::install_crypto_provider();
        let db = TestDb::new(backend).await;
        let fake = FakeSlack::start().await;
        let port = crate::free_port();
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("warroom.toml"),
            format!(
                r#"
[server]
listen = "127.0.0.1:{port}"
[database]
url = "{url}"
[slack]
signing_secret = "alert-sources-secret"
bot_token = "xoxb-alert-sources"
api_url = "{api}"
[alerts]
{alerts}
[[alerts.routes]]
name = "payments"
{route}
channel = "slack:{CHANNEL}"
"#,
                url = db.url,
                api = fake.api_url(),
            ),
        )
        .expect("write warroom.toml");
        let serving = Serving::start(dir.path(), port).await;
        let store = Store::open(&db.url).await.expect("open the test database");
        AlertDesk {
            fake,
            store,
            base: format!("http://127.0.0.1:{port}"),
            dir,
            _serving: serving,
            _db: db,
        }
    }

    /// POSTs `body` to `route` with `headers`.
    pub async fn post(&self, route: &str, headers: &[(&str, String)], body: &[u8]) -> Answered {
        let mut request = reqwest::Client::new()
            .post(format!("{}{route}", self.base))
            .header("content-type", "application/json")
            .body(body.to_vec());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let answer = request.send().await.expect("warroom answers");
        Answered {
            status: answer.status().as_u16(),
            body: answer.text().await.unwrap_or_default(),
        }
    }

    /// POSTs a body of `len` bytes to `route` over a plain socket, writing it while reading the
    /// answer, so an answer sent before the whole body arrived (413) is read all the same.
    pub async fn post_bytes(&self, route: &str, len: usize) -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.base.trim_start_matches("http://");
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connect to warroom");
        let (mut read, mut write) = stream.into_split();
        let head = format!(
            "POST {route} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
        );
        let writing = tokio::spawn(async move {
            let chunk = vec![b' '; 64 * 1024];
            write.write_all(head.as_bytes()).await?;
            let mut left = len;
            while left > 0 {
                let n = left.min(chunk.len());
                write.write_all(&chunk[..n]).await?;
                left -= n;
            }
            // A client that half-closes is taken by the server as one that left, so the
            // connection stays open until the answer is read.
            std::future::pending::<()>().await;
            drop(write);
            std::io::Result::Ok(())
        });
        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        while !answer.windows(2).any(|w| w == b"\r\n") {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
        // The rest of the body may find the connection closed: that is the point.
        writing.abort();
        let line = String::from_utf8_lossy(&answer);
        line.split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no HTTP status line in {line:?}"))
    }

    pub async fn stored(&self) -> Stored {
        Stored {
            inbox: inbox_rows(&self.store).await,
            alerts: alert_rows(&self.store).await,
            incidents: self.incidents().await.len(),
        }
    }

    pub async fn incidents(&self) -> Vec<Incident> {
        self.store
            .list(ListFilter::All, 50)
            .await
            .expect("list incidents")
    }

    /// Waits until the alert keyed `key` has been seen `times` times (the worker runs a
    /// request after it is answered), within 30 seconds.
    pub async fn seen(&self, key: &str, times: u64) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let found = self.store.find(key).await.expect("find alerts");
            if found
                .iter()
                .any(|a| a.alert.key == key && a.times_seen >= times)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "alert {key} was not seen {times} times within 30 s: {found:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `warroom_requests_refused_total{transport, reason}`, as an independent parser of the
    /// Prometheus text reads it; 0 when absent.
    pub async fn refused(&self, transport: &str, reason: &str) -> f64 {
        let text = crate::binary::metrics(&self.base).await;
        let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string())))
            .expect("Prometheus text");
        scrape
            .samples
            .iter()
            .find(|s| {
                s.metric == "warroom_requests_refused_total"
                    && s.labels.get("transport") == Some(transport)
                    && s.labels.get("reason") == Some(reason)
            })
            .map_or(0.0, |s| match s.value {
                prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Untyped(v) => v,
                _ => 0.0,
            })
    }
}

/// Alerts stored, in any state.
pub async fn alert_rows(store: &Store) -> i64 {
    const SQL: &str = "SELECT COUNT(*) FROM alerts";
    let (n,): (i64,) = match store {
        Store::Sqlite(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
    };
    n
}

/// An Alertmanager alert as the core receives it: firing, with its `key` (fingerprint), its
/// group, a name and summary, and `labels`.
pub fn alert(key: &str, group: &str, summary: &str, labels: &[(&str, &str)]) -> Alert {
    Alert {
        source: Source::Alertmanager,
        key: key.into(),
        group: group.into(),
        state: AlertState::Firing,
        name: "HighErrorRate".into(),
        summary: summary.into(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        annotations: Default::default(),
        starts_at: None,
        ends_at: None,
        links: Vec::new(),
    }
}
