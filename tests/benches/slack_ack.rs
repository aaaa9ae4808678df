//! How fast warroom acknowledges signed slash commands under a steady load, beside a minimal
//! Slack Bolt for Python app that acknowledges the same command.
//!
//! Slack gives an app three seconds to answer a slash command and shows the user an error
//! after that, so the acknowledgement is what a busy incident channel feels. The target: p99 at
//! most 5 ms at 500 requests/s on the project's 2-core machine.
//!
//! The load is an open loop: request i is sent at start + i × 2 ms whether or not earlier ones
//! were answered, so a slow server shows up as latency instead of as a slower sender. Each
//! request is timed from just before it is sent to its status line. The first second is a
//! warm-up and is not counted; the next ten seconds (5000 requests) are. Every body is distinct
//! (its own response_url, as Slack's are) and signed before the clock starts, because warroom
//! refuses a signature it has already seen and signing is not what is measured.
//!
//! warroom runs in this process on its own runtime, as it would in its own process, with Slack's
//! Web API faked on loopback; `/incident list` is acknowledged and then really run, its answer
//! posted to the fake. Bolt runs as a child process (tests/support/bolt_ack.py, which says why it
//! is served by a thread-per-connection WSGI server rather than `app.start()`), installed into
//! `~/.cache/warroom-bolt` on the first run. Nothing leaves the machine.
//!
//! Run with `cargo bench -p warroom-tests --bench slack_ack`; it prints p50, p99 and max for
//! both and the ratio of their p99s. Any failed request makes the run invalid: it exits non-zero.
//! What a flood beyond this rate does (saturation, open files, memory, the backlog) is the
//! slack_flood bench's question; this one keeps to the steady rate Slack's limit is felt at.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use warroom_tests::bench::{Bolt, SECRET, bolt_python, http_client, percentile, with_causes};
use warroom_tests::slack::{FakeSlack, SlackClient, sign};

const CHANNEL: &str = "C0BENCH";
const USER: &str = "U0BENCH";
const RATE: u32 = 500;
const WARM_UP: u32 = RATE;
const MEASURED: u32 = 10 * RATE;
/// Long enough for a server that falls far behind to still answer; a request that takes longer
/// counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// What one target did with the measured requests.
struct Summary {
    latencies: Vec<Duration>,
    failed: Vec<String>,
    /// How late the sender was against its schedule at worst: the load's own health.
    max_send_lag: Duration,
    /// From the first measured send to the last answer.
    elapsed: Duration,
}

/// Every request, signed now, ready to send: distinct bodies so none is a replay.
fn signed_requests(
    client: &reqwest::Client,
    addr: SocketAddr,
    fake: &FakeSlack,
) -> Vec<reqwest::Request> {
    let url = format!("http://{addr}/slack/commands");
    let timestamp = chrono::Utc::now().timestamp();
    (0..WARM_UP + MEASURED)
        .map(|i| {
            let body = SlackClient::command_form(
                USER,
                CHANNEL,
                "/incident",
                "list",
                &fake.response_url(i),
            );
            client
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-slack-request-timestamp", timestamp.to_string())
                .header("x-slack-signature", sign(SECRET, timestamp, &body))
                .timeout(REQUEST_TIMEOUT)
                .body(body)
                .build()
                .expect("a well-formed request")
        })
        .collect()
}

/// Sends `requests` at `RATE` per second, each on its own task, and times them.
async fn load(client: &reqwest::Client, requests: Vec<reqwest::Request>) -> Summary {
    let period = Duration::from_secs(1) / RATE;
    let start = tokio::time::Instant::now() + Duration::from_millis(10);
    let mut tasks = Vec::with_capacity(requests.len());
    let mut max_send_lag = Duration::ZERO;
    for (i, request) in (0u32..).zip(requests) {
        let due = start + period * i;
        tokio::time::sleep_until(due).await;
        let sent = Instant::now();
        if i >= WARM_UP {
            max_send_lag = max_send_lag.max(tokio::time::Instant::now() - due);
        }
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let answer = client.execute(request).await;
            let latency = sent.elapsed();
            let outcome = match answer {
                Ok(response) if response.status() == 200 => {
                    // Read the (empty) body so the connection goes back to the pool.
                    let _ = response.bytes().await;
                    Ok(())
                }
                Ok(response) => Err(format!("status {}", response.status())),
                Err(e) => Err(with_causes(&e)),
            };
            (sent, latency, outcome)
        }));
    }
    let mut summary = Summary {
        latencies: Vec::with_capacity(MEASURED as usize),
        failed: Vec::new(),
        max_send_lag,
        elapsed: Duration::ZERO,
    };
    let mut first_measured = None;
    for (i, task) in (0u32..).zip(tasks) {
        let (sent, latency, outcome) = task.await.expect("a request task does not panic");
        if i < WARM_UP {
            continue;
        }
        let first = *first_measured.get_or_insert(sent);
        summary.elapsed = summary.elapsed.max(sent + latency - first);
        match outcome {
            Ok(()) => summary.latencies.push(latency),
            Err(e) => summary.failed.push(e),
        }
    }
    summary.latencies.sort();
    summary
}

fn row(name: &str, s: &Summary) {
    println!(
        "  {name:<14} {:>6} {:>6} {:>9.2} {:>9.2} {:>9.2} {:>8.2} s {:>8.2}",
        MEASURED,
        s.failed.len(),
        percentile(&s.latencies, 50.0),
        percentile(&s.latencies, 99.0),
        percentile(&s.latencies, 100.0),
        s.elapsed.as_secs_f64(),
        s.max_send_lag.as_secs_f64() * 1000.0,
    );
}

/// warroom serving on loopback with an empty SQLite database and Slack pointed at the fake.
async fn start_warroom(fake: &FakeSlack, dir: &std::path::Path) -> SocketAddr {
    warroom::server::install_crypto_provider();
    let toml = format!(
        r#"
[database]
url = "sqlite://{dir}/warroom.db"

[slack]
signing_secret = "{SECRET}"
bot_token = "xoxb-bench"
api_url = "{api}"
"#,
        dir = dir.display(),
        api = fake.api_url(),
    );
    let config = warroom::config::load_str(&toml, "bench").expect("the bench configuration");
    let app = Arc::new(
        warroom::app::App::start(config)
            .await
            .expect("warroom starts"),
    );
    warroom::server::start(app, Some(([127, 0, 0, 1], 0).into()))
        .await
        .expect("warroom listens on loopback")
        .addr
}

fn main() {
    let python = bolt_python();
    // warroom and the fake Slack get their own runtime, as they would in their own process, so
    // the sender's timers never wait behind warroom's work after an acknowledgement.
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the server runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (fake, warroom) = server.block_on(async {
        let fake = FakeSlack::start().await;
        let warroom = start_warroom(&fake, dir.path()).await;
        (fake, warroom)
    });
    let sender = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the sender runtime");

    let warroom_summary = sender.block_on(async {
        let client = http_client();
        load(&client, signed_requests(&client, warroom, &fake)).await
    });
    // The acknowledged commands really run: their answers reach the fake Slack (how many by the
    // time Bolt starts is printed; answers through response_urls are not rate limited together).
    std::thread::sleep(Duration::from_secs(2));
    let replies = fake.calls_to("response_url").len();
    assert!(
        replies > 0,
        "warroom answered none of the commands it acknowledged"
    );

    let bolt = Bolt::start(&python, &fake);
    let bolt_summary = sender.block_on(async {
        let client = http_client();
        load(&client, signed_requests(&client, bolt.addr, &fake)).await
    });
    drop(bolt);

    println!(
        "slack_ack: signed `/incident list` at {RATE}/s, {} s warm-up then {MEASURED} requests \
         measured, {} cores",
        WARM_UP / RATE,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    println!(
        "  {:<14} {:>6} {:>6} {:>9} {:>9} {:>9} {:>10} {:>8}",
        "system", "sent", "failed", "p50 ms", "p99 ms", "max ms", "done in", "lag ms"
    );
    row("warroom", &warroom_summary);
    row("Bolt (Python)", &bolt_summary);
    let (ours, theirs) = (
        percentile(&warroom_summary.latencies, 99.0),
        percentile(&bolt_summary.latencies, 99.0),
    );
    println!(
        "  p99 warroom / Bolt = {:.4} (Bolt's p99 is {:.1}x warroom's); target warroom p99 <= 5 ms: {}",
        ours / theirs,
        theirs / ours,
        if ours <= 5.0 { "met" } else { "NOT met" }
    );
    println!(
        "  warroom had posted {replies} of {} answers to response_urls when Bolt started",
        WARM_UP + MEASURED
    );
    for (name, summary) in [("warroom", &warroom_summary), ("Bolt", &bolt_summary)] {
        let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
        for failure in &summary.failed {
            *kinds.entry(failure).or_default() += 1;
        }
        for (kind, count) in kinds {
            eprintln!("{name}: {count} requests failed: {kind}");
        }
    }
    if !warroom_summary.failed.is_empty() || !bolt_summary.failed.is_empty() {
        eprintln!("INVALID RUN: every request must be answered 200");
        std::process::exit(1);
    }
}
