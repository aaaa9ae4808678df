//! What a flood of signed slash commands does to warroom, beside a minimal Slack Bolt for Python
//! app under the same flood.
//!
//! A busy incident is when everyone types at once, and it is also when a bot that takes a task,
//! a socket and some memory per request runs out of all three (before the inbox, 64 connections
//! of slash commands for 15 s took warroom to 20,000 open files, 1 GB of memory and 16,835 lost
//! answers). So this bench saturates the real `warroom serve` binary: 16, then 64 connections
//! each sending signed `/incident list` commands back to back (a closed loop) for 15 s, capped
//! at 300,000 requests a row, and reports:
//! - throughput (acknowledgements per second) and the acknowledgement's p50, p99 and max, with
//!   every answer that was not 200 and every request that failed or took over Slack's 3 s;
//! - from `/proc/PID` every 100 ms: the peak of open file descriptors and of resident memory,
//!   from the start of the flood until the process has settled;
//! - the drain: how long after the flood stops until the inbox has nothing queued or running
//!   (polled in its SQLite file), bounded at 5 minutes;
//! - the resident memory once the process settles: the first sample under 60 MB, or the one a
//!   minute after the flood stopped;
//! - loss: every command answered 200 must be a row of the inbox marked done (looked up by its
//!   key, the signature), and the fake Slack must have received one answer per acknowledgement.
//!
//! `/incident list` on an empty database is cheap (one indexed read, one small ephemeral answer
//! through the response_url), so what is measured is delivery, not a command. The Bolt app only
//! calls `ack()`, so it has no backlog, nothing to lose and no drain; its acknowledgements and
//! its process's peaks are shown for scale. Bolt's server closes each connection after its
//! answer (see tests/support/bolt_ack.py), so its loop reconnects for every request.
//!
//! This is its own bench rather than part of slack_ack because it measures something else:
//! slack_ack holds an open loop at the rate Slack's 3 s limit is felt at, with warroom in
//! process; this one saturates the real binary, a separate process, to see its resources, and
//! takes minutes. One command runs both (see the README):
//!
//! `cargo build --release -p warroom && cargo bench -p warroom-tests --bench slack_ack --bench
//! slack_flood`
//!
//! The `warroom` binary beside the bench executable is the one measured (cargo does not build a
//! binary of another package for a bench); the bench stops with a sentence if it is missing.
//! Everything listens on 127.0.0.1: warroom, the fake Slack, the Bolt app.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use warroom_tests::bench::{
    Bolt, SECRET, Sampler, bolt_python, percentile, warroom_binary, with_causes,
};
use warroom_tests::binary::Serving;
use warroom_tests::replica::{configure, free_port, serve};
use warroom_tests::slack::{FakeSlack, SlackClient, sign};

const CONNECTIONS: [usize; 2] = [16, 64];
const WINDOW: Duration = Duration::from_secs(15);
const MAX_PER_ROW: u32 = 300_000;
/// A request that takes longer counts as failed; one that takes over `SLACK_LIMIT` is late.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Slack shows the person an error when the acknowledgement takes longer.
const SLACK_LIMIT: Duration = Duration::from_secs(3);
const DRAIN_LIMIT: Duration = Duration::from_secs(300);
const SETTLE_LIMIT: Duration = Duration::from_secs(60);
const SETTLED_KB: u64 = 60 * 1024;
const CHANNEL: &str = "C0FLOOD";
const USER: &str = "U0FLOOD";

/// What one flood got back.
#[derive(Default)]
struct Flood {
    connections: usize,
    sent: u32,
    /// Latencies of the 200s, sorted.
    latencies: Vec<Duration>,
    /// The inbox keys of the commands answered 200.
    accepted: Vec<String>,
    statuses: BTreeMap<u16, usize>,
    errors: BTreeMap<String, usize>,
    late: usize,
    /// From the first send to the last answer.
    elapsed: Duration,
}

impl Flood {
    fn merge(&mut self, other: Flood) {
        self.sent += other.sent;
        self.latencies.extend(other.latencies);
        self.accepted.extend(other.accepted);
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        for (error, n) in other.errors {
            *self.errors.entry(error).or_default() += n;
        }
        self.late += other.late;
        self.elapsed = self.elapsed.max(other.elapsed);
    }

    fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// `connections` loops, each on its own keep-alive connection, sending signed commands back to
/// back until `WINDOW` ends; response_urls are numbered from `next`, which is advanced.
async fn flood(
    target: SocketAddr,
    fake: &FakeSlack,
    connections: usize,
    next: &AtomicU32,
) -> Flood {
    let first = next.load(Ordering::Relaxed);
    let counter = Arc::new(AtomicU32::new(0));
    let start = Instant::now();
    let end = start + WINDOW;
    let url = format!("http://{target}/slack/commands");
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (counter, url, fake) = (counter.clone(), url.clone(), fake.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .no_proxy()
                    .pool_max_idle_per_host(1)
                    .build()
                    .expect("an HTTP client");
                let mut mine = Flood::default();
                loop {
                    let i = counter.fetch_add(1, Ordering::Relaxed);
                    if i >= MAX_PER_ROW || Instant::now() >= end {
                        break;
                    }
                    let body = SlackClient::command_form(
                        USER,
                        CHANNEL,
                        "/incident",
                        "list",
                        &fake.response_url(first + i),
                    );
                    let timestamp = chrono::Utc::now().timestamp();
                    let signature = sign(SECRET, timestamp, &body);
                    let request = client
                        .post(&url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("x-slack-request-timestamp", timestamp.to_string())
                        .header("x-slack-signature", &signature)
                        .timeout(REQUEST_TIMEOUT)
                        .body(body);
                    let sent = Instant::now();
                    mine.sent += 1;
                    match request.send().await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            // The whole answer (a queued note, or nothing) is part of the ack.
                            let read = response.bytes().await;
                            let latency = sent.elapsed();
                            match read {
                                Ok(_) if status == 200 => {
                                    mine.latencies.push(latency);
                                    mine.accepted.push(format!("slack:{timestamp}:{signature}"));
                                    if latency > SLACK_LIMIT {
                                        mine.late += 1;
                                    }
                                }
                                Ok(_) => *mine.statuses.entry(status).or_default() += 1,
                                Err(e) => *mine.errors.entry(with_causes(&e)).or_default() += 1,
                            }
                        }
                        Err(e) => *mine.errors.entry(with_causes(&e)).or_default() += 1,
                    }
                    mine.elapsed = start.elapsed();
                }
                mine
            })
        })
        .collect();
    let mut all = Flood {
        connections,
        ..Flood::default()
    };
    for task in tasks {
        all.merge(task.await.expect("a connection's loop does not panic"));
    }
    all.latencies.sort();
    next.fetch_add(all.sent, Ordering::Relaxed);
    all
}

/// What the flood left in warroom's process and inbox.
struct Aftermath {
    peak_files: usize,
    peak_rss_kb: u64,
    /// Resident memory once settled, and when (after the flood stopped).
    settled_rss_kb: u64,
    settled_after: Duration,
    settled: bool,
    drained_after: Option<Duration>,
    /// Accepted commands with no done row.
    lost: usize,
    /// Answers the fake Slack received for this flood.
    replies: usize,
}

/// Waits for the backlog to drain and the memory to settle, then looks for lost commands.
async fn aftermath(
    sampler: &Sampler,
    db: &sqlx::SqlitePool,
    fake: &FakeSlack,
    flood: &Flood,
    began: Instant,
    replies_before: usize,
) -> Aftermath {
    let stopped = Instant::now();
    let mut drained_after = None;
    let mut settled = None;
    loop {
        let since = stopped.elapsed();
        if drained_after.is_none() {
            let (waiting,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM inbox WHERE state IN ('queued', 'running')")
                    .fetch_one(db)
                    .await
                    .expect("the inbox can be read");
            if waiting == 0 {
                drained_after = Some(since);
            }
        }
        if settled.is_none()
            && let Some(sample) = sampler.latest()
            && (sample.rss_kb < SETTLED_KB || since >= SETTLE_LIMIT)
        {
            settled = Some((sample.rss_kb, since, sample.rss_kb < SETTLED_KB));
        }
        if (drained_after.is_some() || since >= DRAIN_LIMIT) && settled.is_some() {
            break;
        }
        tokio::time::sleep(Sampler::EVERY).await;
    }
    let (settled_rss_kb, settled_after, settled) = settled.expect("the loop ends settled");
    let (peak_files, peak_rss_kb) = sampler.peak_since(began);
    let done: HashSet<String> =
        sqlx::query_as::<_, (String,)>("SELECT key FROM inbox WHERE state = 'done'")
            .fetch_all(db)
            .await
            .expect("the inbox can be read")
            .into_iter()
            .map(|(key,)| key)
            .collect();
    Aftermath {
        peak_files,
        peak_rss_kb,
        settled_rss_kb,
        settled_after,
        settled,
        drained_after,
        lost: flood.accepted.iter().filter(|k| !done.contains(*k)).count(),
        replies: fake.count("response_url") - replies_before,
    }
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn flood_row(name: &str, f: &Flood) {
    let errors: usize = f.errors.values().sum();
    let non_200: usize = f.statuses.values().sum();
    println!(
        "  {name:<14} {:>5} {:>7} {:>7} {:>8.0} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>6} {:>5}",
        f.connections,
        f.sent,
        f.latencies.len(),
        f.throughput(),
        percentile(&f.latencies, 50.0),
        percentile(&f.latencies, 99.0),
        percentile(&f.latencies, 100.0),
        non_200,
        errors,
        f.late,
    );
}

fn main() {
    let binary = warroom_binary();
    let python = bolt_python();
    // The fake Slack gets its own runtime, as it would be another process, so the senders never
    // delay the answers warroom is posting.
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the fake's runtime");
    let fake = server.block_on(FakeSlack::start());
    let sender = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the sender runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let port = free_port();
    let database = dir.path().join("warroom.db");
    let config = configure(
        dir.path(),
        port,
        &format!("sqlite://{}", database.display()),
        &fake,
    );
    let next = AtomicU32::new(0);

    let serving: Serving = sender.block_on(serve(dir.path(), port, &config));
    let warroom: SocketAddr = ([127, 0, 0, 1], port).into();
    let db = sender.block_on(async {
        sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&database))
            .await
            .expect("the bench opens warroom's database")
    });
    let sampler = Sampler::start(serving.pid());
    let idle = sampler.latest().expect("warroom's process can be sampled");
    let mut ours = Vec::new();
    for connections in CONNECTIONS {
        let began = Instant::now();
        let replies_before = fake.count("response_url");
        let flooded = sender.block_on(flood(warroom, &fake, connections, &next));
        let after = sender.block_on(aftermath(
            &sampler,
            &db,
            &fake,
            &flooded,
            began,
            replies_before,
        ));
        ours.push((flooded, after));
    }
    drop(sampler);
    drop(serving);

    let bolt = Bolt::start(&python, &fake);
    let sampler = Sampler::start(bolt.pid());
    let bolt_idle = sampler.latest().expect("Bolt's process can be sampled");
    let mut theirs = Vec::new();
    for connections in CONNECTIONS {
        let began = Instant::now();
        let flooded = sender.block_on(flood(bolt.addr, &fake, connections, &next));
        theirs.push((flooded, sampler.peak_since(began)));
    }
    drop(sampler);
    drop(bolt);

    println!(
        "slack_flood: signed `/incident list`, closed loop, {} s a row, {} cores shared by the \
         senders, the server and the fake Slack; warroom = {}",
        WINDOW.as_secs(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        binary.display(),
    );
    println!(
        "  {:<14} {:>5} {:>7} {:>7} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>5}",
        "system",
        "conns",
        "sent",
        "200s",
        "acks/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "non-200",
        "errors",
        ">3s"
    );
    for (f, _) in &ours {
        flood_row("warroom", f);
    }
    for (f, _) in &theirs {
        flood_row("Bolt (Python)", f);
    }
    println!(
        "  {:<14} {:>5} {:>9} {:>11} {:>19} {:>9} {:>8} {:>8} {:>5}",
        "process",
        "conns",
        "peak fds",
        "peak RSS MB",
        "settled RSS MB",
        "drained",
        "accepted",
        "replies",
        "lost"
    );
    for (f, a) in &ours {
        println!(
            "  {:<14} {:>5} {:>9} {:>11.1} {:>9.1} at {:>5.1} s {:>9} {:>8} {:>8} {:>5}",
            "warroom",
            f.connections,
            a.peak_files,
            mb(a.peak_rss_kb),
            mb(a.settled_rss_kb),
            a.settled_after.as_secs_f64(),
            a.drained_after
                .map_or("NOT".to_string(), |d| format!("{:.1} s", d.as_secs_f64())),
            f.latencies.len(),
            a.replies,
            a.lost,
        );
    }
    for (f, (files, rss)) in &theirs {
        println!(
            "  {:<14} {:>5} {:>9} {:>11.1} {:>19} {:>9} {:>8} {:>8} {:>5}",
            "Bolt (Python)",
            f.connections,
            files,
            mb(*rss),
            "-",
            "-",
            f.latencies.len(),
            "-",
            "-",
        );
    }
    println!(
        "  idle before the floods: warroom {} fds, {:.1} MB; Bolt {} fds, {:.1} MB",
        idle.open_files,
        mb(idle.rss_kb),
        bolt_idle.open_files,
        mb(bolt_idle.rss_kb)
    );
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    let lost: usize = ours.iter().map(|(_, a)| a.lost).sum();
    let unanswered = ours.iter().any(|(f, a)| a.replies < f.latencies.len());
    let files = ours.iter().map(|(_, a)| a.peak_files).max().unwrap_or(0);
    let rss = ours.iter().map(|(_, a)| a.peak_rss_kb).max().unwrap_or(0);
    println!(
        "  goals: 0 accepted commands lost: {} ({lost} lost{}); open files < 1000: {} (peak \
         {files}); RSS peak <= 150 MB: {} (peak {:.1} MB); back under 60 MB within a minute: \
         {}; all drained within {} s: {}",
        verdict(lost == 0 && !unanswered),
        if unanswered {
            ", fewer answers at the fake than acknowledgements"
        } else {
            ""
        },
        verdict(files < 1000),
        verdict(rss <= 150 * 1024),
        mb(rss),
        verdict(ours.iter().all(|(_, a)| a.settled)),
        DRAIN_LIMIT.as_secs(),
        verdict(ours.iter().all(|(_, a)| a.drained_after.is_some())),
    );
    for (name, floods) in [
        ("warroom", ours.iter().map(|(f, _)| f).collect::<Vec<_>>()),
        ("Bolt", theirs.iter().map(|(f, _)| f).collect()),
    ] {
        for f in floods {
            for (status, n) in &f.statuses {
                eprintln!("{name} at {}: {n} answered {status}", f.connections);
            }
            for (error, n) in &f.errors {
                eprintln!("{name} at {}: {n} failed: {error}", f.connections);
            }
        }
    }
    if ours.iter().any(|(f, _)| f.latencies.is_empty()) {
        eprintln!(
            "INVALID RUN: warroom acknowledged nothing (see {}/serve-{port}.log)",
            dir.path().display()
        );
        std::process::exit(1);
    }
}
