//! What an alert storm does to warroom: 10,000 alerts from Alertmanager, on SQLite and on
//! Postgres.
//!
//! When a dependency falls over, Alertmanager sends every firing alert of every group at once,
//! and that is when the incident card must appear at once and the channel must stay readable.
//! So this bench starts the real release `warroom serve` binary twice in one run (SQLite in a
//! temp dir, then a fresh Postgres database at 127.0.0.1:5432), each with five declaring routes
//! (one service, one channel each) and Slack's Web API faked on loopback, and sends 10,000
//! distinct firing alerts as 100 webhook bodies of 100 (Alertmanager's version 4, bearer token):
//! one group (`groupKey`) per service, body *i* of service *i* mod 5, labels alertname, service,
//! instance, severity, job and env as Prometheus rules give them, each with its own fingerprint.
//! Four senders each post the next body as soon as their last one is answered (a closed loop).
//! It reports:
//! - each webhook's time from just before it is sent to its whole answer (p50, p99, max), and
//!   every answer that was not 200;
//! - alerts stored per second: 10,000 over the time from the first webhook sent until
//!   `SELECT COUNT(*) FROM alerts` (polled every 50 ms, at most 10 minutes, or a minute without
//!   progress) reaches 10,000;
//! - the card: from the first webhook sent to the first incident card (`chat.postMessage`) at
//!   the fake Slack, and per incident from the first webhook of its group to its card;
//! - how often a card changes: its `chat.update`s until the outbox is drained, and the smallest
//!   gap between two of them (the fake records when each arrived);
//! - incidents opened (one per group is required), alerts stored and in an incident, the inbox
//!   and the outbox drained (polled, at most 5 minutes), errors in warroom's log;
//! - where the time went: warroom's processor time until drained (`/proc/PID/stat`: busy, or
//!   waiting on the database?) and the most inbox rows seen running at once (polled with the
//!   count), with the peak of open files and resident memory from `/proc`.
//!
//! A run in which a webhook was refused, an alert is missing, the incidents are not one per
//! group or the queues did not drain prints its table and exits non-zero. Goals on the project's
//! 2-core machine: at least 2,000 alerts/s stored, webhook p99 at most 50 ms, the card within
//! 1 s of the first alert, and at most one card update per 2 s per incident (the issue's "a few
//! seconds"). Run it as the README says:
//!
//! `cargo build --release -p warroom && cargo bench -p warroom-tests --bench alert_storm`

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use warroom_commands::ports::{IncidentStore, ListFilter};
use warroom_integrations::Store;
use warroom_tests::alert_desk::alert_rows;
use warroom_tests::bench::{Sampler, warroom_binary, with_causes};
use warroom_tests::db::{Backend, TestDb};
use warroom_tests::replica::{configure_with, free_port, serve};
use warroom_tests::slack::{Call, FakeSlack};

/// The table and the goals' verdicts.
#[path = "alert_storm/report.rs"]
mod report;

const ALERTS: usize = 10_000;
const PER_WEBHOOK: usize = 100;
const SENDERS: usize = 4;
/// One Alertmanager group, route and channel each.
const SERVICES: [&str; 5] = ["api", "payments", "search", "checkout", "auth"];
/// Alert names with their severity label, taken in turn.
const NAMES: [(&str, &str); 4] = [
    ("HighErrorRate", "critical"),
    ("LatencyHigh", "warning"),
    ("PodCrashLooping", "critical"),
    ("DiskFillingUp", "warning"),
];
const TOKEN: &str = "storm-bearer-token";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(50);
const STORE_LIMIT: Duration = Duration::from_secs(600);
const STALL_LIMIT: Duration = Duration::from_secs(60);
const DRAIN_LIMIT: Duration = Duration::from_secs(300);
const GOAL_RATE: f64 = 2_000.0;
const GOAL_P99_MS: f64 = 50.0;
const GOAL_CARD: Duration = Duration::from_secs(1);
const GOAL_GAP: Duration = Duration::from_secs(2);

fn channel(group: usize) -> String {
    format!("C0{}", SERVICES[group].to_uppercase())
}

/// `[alerts]` with the token and one declaring route per service, each to its own channel.
fn alerts_config() -> String {
    let mut text = format!("[alerts]\ntoken = \"{TOKEN}\"\n");
    for (group, service) in SERVICES.iter().enumerate() {
        text.push_str(&format!(
            "[[alerts.routes]]\nname = \"{service}\"\nmatch = ['service=\"{service}\"']\n\
             channel = \"slack:{}\"\n",
            channel(group)
        ));
    }
    text
}

/// A fingerprint as Alertmanager writes one (16 hex digits), distinct for each `n`.
fn fingerprint(n: usize) -> String {
    let mut x = (n as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    format!("{:016x}", x ^ (x >> 31))
}

/// Webhook body `i`: its group and its bytes.
fn webhook(i: usize, started: &str) -> (usize, Vec<u8>) {
    let group = i % SERVICES.len();
    let service = SERVICES[group];
    let round = i / SERVICES.len();
    let alerts: Vec<_> = (0..PER_WEBHOOK)
        .map(|j| {
            let (name, severity) = NAMES[j % NAMES.len()];
            let instance = format!("{service}-{:04}.prod:9100", round * PER_WEBHOOK + j);
            json!({
                "status": "firing",
                "labels": {"alertname": name, "service": service, "instance": instance,
                    "severity": severity, "job": service, "env": "production"},
                "annotations": {"summary": format!("{name} on {instance}"),
                    "runbook_url": format!("https://runbooks.example/{service}/{name}")},
                "startsAt": started,
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": format!("http://prometheus.example:9090/graph?g0.expr={name}"),
                "fingerprint": fingerprint(i * PER_WEBHOOK + j),
            })
        })
        .collect();
    let body = json!({
        "version": "4",
        "groupKey": format!("{{}}:{{service=\"{service}\"}}"),
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "warroom",
        "groupLabels": {"service": service},
        "commonLabels": {"service": service, "env": "production"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example:9093",
        "alerts": alerts,
    });
    (group, body.to_string().into_bytes())
}

/// One webhook sent: its group, when it went, how long its answer took, and the answer.
struct Sent {
    group: usize,
    at: Instant,
    latency: Duration,
    outcome: Result<u16, String>,
}

/// Posts every body from [`SENDERS`] loops, each on its own keep-alive connection.
async fn storm(url: String, bodies: Arc<Vec<(usize, Vec<u8>)>>) -> Vec<Sent> {
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (url, bodies, next) = (url.clone(), bodies.clone(), next.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .no_proxy()
                    .build()
                    .expect("an HTTP client");
                let mut sent = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((group, body)) = bodies.get(i) else {
                        return sent;
                    };
                    let request = client
                        .post(&url)
                        .bearer_auth(TOKEN)
                        .header("content-type", "application/json")
                        .timeout(REQUEST_TIMEOUT)
                        .body(body.clone());
                    let at = Instant::now();
                    let outcome = match request.send().await {
                        Ok(answer) => {
                            let status = answer.status().as_u16();
                            answer.bytes().await.map(|_| status)
                        }
                        Err(e) => Err(e),
                    };
                    sent.push(Sent {
                        group: *group,
                        at,
                        latency: at.elapsed(),
                        outcome: outcome.map_err(|e| with_causes(&e)),
                    });
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("a sender does not panic"));
    }
    all
}

async fn count(store: &Store, sql: &'static str) -> i64 {
    let (n,): (i64,) = match store {
        Store::Sqlite(pool) => sqlx::query_as(sql).fetch_one(pool).await,
        Store::Postgres(pool) => sqlx::query_as(sql).fetch_one(pool).await,
    }
    .expect("the bench reads warroom's database");
    n
}

/// The processor time a process has used, user and system, from `/proc/PID/stat`: whether a
/// slow run was busy or waiting. Linux counts it in USER_HZ ticks, 100 a second.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// One incident's card at the fake Slack.
struct CardSeen {
    /// From the first webhook of its group to the card's chat.postMessage.
    after: Option<Duration>,
    updates: Vec<Instant>,
}

impl CardSeen {
    fn smallest_gap(&self) -> Option<Duration> {
        self.updates.windows(2).map(|w| w[1] - w[0]).min()
    }
}

/// What one backend did with the storm.
struct Storm {
    backend: &'static str,
    /// Latencies of the 200s, sorted.
    latencies: Vec<Duration>,
    refused: BTreeMap<String, usize>,
    /// From the first webhook sent to the last answer.
    answered: Duration,
    first_stored: Option<Duration>,
    stored: i64,
    all_stored: Option<Duration>,
    in_incidents: i64,
    inbox_drained: Option<Duration>,
    outbox_drained: Option<Duration>,
    /// Incidents in each route's channel, and in all.
    per_channel: Vec<usize>,
    incidents: usize,
    first_card: Option<Duration>,
    cards: Vec<CardSeen>,
    paced_refusals: u32,
    peak_files: usize,
    peak_rss_kb: u64,
    /// warroom's processor time (user and system) from the first webhook until drained.
    cpu: Option<Duration>,
    /// The most inbox rows seen running at once while the alerts were being stored.
    most_running: i64,
    errors_logged: Vec<String>,
}

impl Storm {
    fn problems(&self) -> Vec<String> {
        let mut found = Vec::new();
        let b = self.backend;
        if !self.refused.is_empty() {
            found.push(format!(
                "{b}: webhooks not answered 200: {:?}",
                self.refused
            ));
        }
        if self.stored != ALERTS as i64 {
            found.push(format!("{b}: {} alerts stored of {ALERTS}", self.stored));
        }
        if self.incidents != SERVICES.len() || self.per_channel.iter().any(|n| *n != 1) {
            found.push(format!(
                "{b}: {} incidents opened ({:?} per route's channel); one per group expected",
                self.incidents, self.per_channel
            ));
        }
        if self.inbox_drained.is_none() || self.outbox_drained.is_none() {
            found.push(format!("{b}: the inbox or the outbox did not drain"));
        }
        if self.cards.iter().any(|c| c.after.is_none()) {
            found.push(format!("{b}: an incident's card was never posted"));
        }
        found
    }
}

/// Serves `backend` with the five routes, sends the storm, and waits for it to be worked off.
fn run(
    backend: Backend,
    server: &tokio::runtime::Runtime,
    sender: &tokio::runtime::Runtime,
) -> Storm {
    let db = sender.block_on(TestDb::new(backend));
    let fake = server.block_on(FakeSlack::start());
    let port = free_port();
    let dir = db.dir.path();
    let config = configure_with(dir, port, &db.url, &fake, &alerts_config());
    let serving = sender.block_on(serve(dir, port, &config));
    let store = sender
        .block_on(Store::connect(&db.url))
        .expect("the bench opens warroom's database");
    let started = (chrono::Utc::now() - chrono::TimeDelta::minutes(2)).to_rfc3339();
    let bodies: Arc<Vec<_>> = Arc::new(
        (0..ALERTS / PER_WEBHOOK)
            .map(|i| webhook(i, &started))
            .collect(),
    );
    let sampler = Sampler::start(serving.pid());
    let url = format!("http://127.0.0.1:{port}/alerts/alertmanager");

    let cpu_before = cpu_time(serving.pid());
    let t0 = Instant::now();
    let sending = sender.spawn(storm(url, bodies));
    let mut most_running = 0;
    let (first_stored, stored, all_stored) = sender.block_on(async {
        let (mut first, mut progress) = (None, (0, Instant::now()));
        loop {
            const RUNNING: &str = "SELECT COUNT(*) FROM inbox WHERE state = 'running'";
            most_running = most_running.max(count(&store, RUNNING).await);
            let n = alert_rows(&store).await;
            let now = Instant::now();
            if n > 0 && first.is_none() {
                first = Some(now - t0);
            }
            if n >= ALERTS as i64 {
                return (first, n, Some(now - t0));
            }
            if n > progress.0 {
                progress = (n, now);
            } else if now - progress.1 > STALL_LIMIT || now - t0 > STORE_LIMIT {
                return (first, n, None);
            }
            tokio::time::sleep(POLL).await;
        }
    });
    let sent = sender.block_on(sending).expect("the senders finish");
    let (inbox_drained, outbox_drained) = sender.block_on(async {
        let (mut inbox, mut outbox) = (None, None);
        let since = Instant::now();
        while (inbox.is_none() || outbox.is_none()) && since.elapsed() < DRAIN_LIMIT {
            const INBOX: &str = "SELECT COUNT(*) FROM inbox WHERE state IN ('queued', 'running')";
            const OUTBOX: &str = "SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending')";
            if inbox.is_none() && count(&store, INBOX).await == 0 {
                inbox = Some(t0.elapsed());
            }
            // Letters are written before their request is done, so only then is "no letter
            // waiting" the end.
            if inbox.is_some() && count(&store, OUTBOX).await == 0 {
                outbox = Some(t0.elapsed());
            }
            tokio::time::sleep(POLL).await;
        }
        (inbox, outbox)
    });
    let (peak_files, peak_rss_kb) = sampler.peak_since(t0);
    drop(sampler);
    let cpu = cpu_time(serving.pid())
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let incidents = sender
        .block_on(store.list(ListFilter::All, 100))
        .expect("incidents can be listed");
    let in_incidents = sender.block_on(count(
        &store,
        "SELECT COUNT(*) FROM alerts WHERE incident_id IS NOT NULL",
    ));
    sender.block_on(store.close());
    drop(serving);
    let log = std::fs::read_to_string(dir.join(format!("serve-{port}.log"))).unwrap_or_default();

    let calls = fake.calls();
    let in_channel = |call: &Call, channel: &str| call.body["channel"].as_str() == Some(channel);
    let cards: Vec<CardSeen> = (0..SERVICES.len())
        .map(|group| {
            let channel = channel(group);
            let first_alert = sent.iter().filter(|s| s.group == group).map(|s| s.at).min();
            let card = calls
                .iter()
                .find(|c| c.method == "chat.postMessage" && in_channel(c, &channel));
            CardSeen {
                after: card.zip(first_alert).map(|(c, at)| c.at - at),
                updates: calls
                    .iter()
                    .filter(|c| c.method == "chat.update" && in_channel(c, &channel))
                    .map(|c| c.at)
                    .collect(),
            }
        })
        .collect();
    let first_card = calls
        .iter()
        .find(|c| c.method == "chat.postMessage")
        .map(|c| c.at - t0);
    let mut latencies = Vec::new();
    let mut refused = BTreeMap::new();
    for s in &sent {
        match &s.outcome {
            Ok(200) => latencies.push(s.latency),
            Ok(status) => *refused.entry(format!("answered {status}")).or_default() += 1,
            Err(e) => *refused.entry(e.clone()).or_default() += 1,
        }
    }
    latencies.sort();
    Storm {
        backend: match backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "Postgres",
        },
        latencies,
        refused,
        answered: sent
            .iter()
            .map(|s| s.at + s.latency - t0)
            .max()
            .unwrap_or_default(),
        first_stored,
        stored,
        all_stored,
        in_incidents,
        inbox_drained,
        outbox_drained,
        per_channel: (0..SERVICES.len())
            .map(|g| {
                incidents
                    .iter()
                    .filter(|i| i.channel.channel == channel(g))
                    .count()
            })
            .collect(),
        incidents: incidents.len(),
        first_card,
        cards,
        paced_refusals: fake.paced_refusals().values().sum(),
        peak_files,
        peak_rss_kb,
        cpu,
        most_running,
        errors_logged: log
            .lines()
            .filter(|l| l.contains("ERROR"))
            .map(String::from)
            .collect(),
    }
}

fn main() {
    warroom_binary();
    // The fake Slack gets its own runtime, as it would be another process, so the senders never
    // delay the answers warroom is waiting for.
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the fake's runtime");
    let sender = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the sender runtime");
    let runs: Vec<Storm> = [Backend::Sqlite, Backend::Postgres]
        .into_iter()
        .map(|backend| run(backend, &server, &sender))
        .collect();
    report::report(&runs);
    let problems: Vec<String> = runs.iter().flat_map(Storm::problems).collect();
    for r in &runs {
        for line in r.errors_logged.iter().take(5) {
            eprintln!("{} logged: {line}", r.backend);
        }
    }
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("FAILED: {problem}");
        }
        std::process::exit(1);
    }
}
