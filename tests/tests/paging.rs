//! A big outage against the real `warroom serve`: a hundred P1s declared within two seconds in
//! a hundred channels, each paging on-call at once, on one process (SQLite) and on two
//! processes sharing one Postgres. Every incident is paged exactly once, no channel is written
//! faster than Slack allows, and no page waits behind the others: the first page's p99 after
//! its declaration is printed (the goal is two seconds; a debug build of two replicas on two
//! shared cores measures 1.8–2.1 s) and must stay under five, where the delivery this replaced
//! took a median of 84 s. The figure itself is a measurement, not a pass mark, so the test's
//! bound is the failure it guards against rather than the goal.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use warroom_integrations::Store;
use warroom_tests::binary::Serving;
use warroom_tests::db::{Backend, TestDb};
use warroom_tests::replica::{SECRET, configure_with, free_port, serve, until};
use warroom_tests::slack::{FakeSlack, SlackClient};

const INCIDENTS: usize = 100;
const ESCALATION: &str = r#"
[escalation]
oncall = ["slack:S0ONCALL"]
"#;

fn channel(n: usize) -> String {
    format!("C0OUTAGE{n:03}")
}

/// The p-th percentile (0..=100) of `values`, sorted in place.
fn percentile(values: &mut [Duration], p: usize) -> Duration {
    values.sort();
    values[(values.len() - 1) * p / 100]
}

/// One outage at a time: the latency bound is about warroom, not about two outages sharing
/// two cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn a_hundred_p1s(backend: Backend, replicas: usize) {
    let _alone = ONE_AT_A_TIME.lock().await;
    warroom::server::install_crypto_provider();
    let db = TestDb::new(backend).await;
    let fake = FakeSlack::start().await;
    let mut servers: Vec<Serving> = Vec::new();
    let mut clients = Vec::new();
    for _ in 0..replicas {
        let port = free_port();
        let config = configure_with(db.dir.path(), port, &db.url, &fake, ESCALATION);
        servers.push(serve(db.dir.path(), port, &config).await);
        clients.push(SlackClient::new(
            format!("127.0.0.1:{port}").parse().unwrap(),
            SECRET,
        ));
    }

    // Declared together, spread over the replicas: when each declaration was answered.
    let declarations = (0..INCIDENTS).map(|n| {
        let client = &clients[n % replicas];
        let response = fake.response_url(0);
        async move {
            let status = client
                .command(
                    "U0ALICE",
                    &channel(n),
                    "/incident",
                    &format!("p1 outage {n}"),
                    &response,
                )
                .await;
            assert_eq!(status, 200);
            (channel(n), Instant::now())
        }
    });
    let started = Instant::now();
    let declared: HashMap<String, Instant> = futures_util::future::join_all(declarations)
        .await
        .into_iter()
        .collect();
    let spread = started.elapsed();
    assert!(spread < Duration::from_secs(2), "declared over {spread:?}");

    let pages = || {
        fake.calls_to("chat.postMessage")
            .into_iter()
            .filter(|c| c.body.to_string().contains("<!subteam^S0ONCALL>"))
            .collect::<Vec<_>>()
    };
    let paged = until(
        Duration::from_secs(30),
        || async { pages() },
        |p| p.len() >= INCIDENTS,
    )
    .await;
    assert_eq!(paged.len(), INCIDENTS, "one page per incident");

    // No page can come again: every level that paged is recorded as fired, none is still
    // claimed or pending for this level.
    let store = Store::open(&db.url).await.unwrap();
    let jobs = store_jobs(&store).await;
    assert_eq!(
        jobs.get("fired").copied().unwrap_or(0),
        INCIDENTS as i64,
        "{jobs:?}"
    );
    assert_eq!(jobs.get("claimed"), None, "{jobs:?}");

    let mut per_channel: HashMap<String, usize> = HashMap::new();
    let mut delays = Vec::new();
    for page in &paged {
        let channel = page.body["channel"].as_str().unwrap().to_string();
        *per_channel.entry(channel.clone()).or_default() += 1;
        delays.push(page.at.saturating_duration_since(declared[&channel]));
    }
    assert_eq!(per_channel.len(), INCIDENTS, "every channel paged");
    assert!(per_channel.values().all(|n| *n == 1), "{per_channel:?}");
    assert!(
        fake.paced_refusals().is_empty(),
        "no channel was written faster than Slack allows: {:?}",
        fake.paced_refusals()
    );
    let (p50, p99) = (percentile(&mut delays, 50), percentile(&mut delays, 99));
    println!(
        "{backend:?} × {replicas}: {INCIDENTS} P1s declared over {spread:?}; first page p50 {p50:?}, p99 {p99:?}"
    );
    assert!(
        p99 <= Duration::from_secs(5),
        "first page p99 {p99:?} after declaration: pages are waiting behind each other"
    );
}

/// How many level-1 escalation jobs ended in each state.
async fn store_jobs(store: &Store) -> HashMap<String, i64> {
    let rows: Vec<(String, i64)> = match store {
        Store::Sqlite(pool) => sqlx::query_as(
            "SELECT state, COUNT(*) FROM scheduled_jobs WHERE kind = 'escalate' AND level = 0 GROUP BY state",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Store::Postgres(pool) => sqlx::query_as(
            "SELECT state, COUNT(*) FROM scheduled_jobs WHERE kind = 'escalate' AND level = 0 GROUP BY state",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_p1s_on_one_process_are_each_paged_once_and_at_once() {
    a_hundred_p1s(Backend::Sqlite, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_p1s_on_two_replicas_are_each_paged_once_and_at_once() {
    a_hundred_p1s(Backend::Postgres, 2).await;
}
