//! A flood of signed notes against the real `warroom serve`, with a `kill -9` in the middle:
//! every note answered 200 is on its timeline exactly once after a restart, and answered.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use warroom_commands::ports::{IncidentStore, ListFilter};
use warroom_integrations::Store;
use warroom_tests::binary::Serving;
use warroom_tests::db::{Backend, TestDb};
use warroom_tests::replica::{SECRET, configure, free_port, serve, until};
use warroom_tests::slack::{FakeSlack, SlackClient, sign};

const FORM: &str = "application/x-www-form-urlencoded";
const ALICE: &str = "U0ALICE";

fn channel(n: usize) -> String {
    format!("C0FLOOD{n:03}")
}

/// Every incident's notes (by text), read from the database as the post-mortem would.
async fn notes(store: &Store) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for incident in store.list(ListFilter::All, 1000).await.unwrap() {
        for entry in store.timeline(incident.id).await.unwrap() {
            if entry.text.starts_with("flood-") {
                *seen.entry(entry.text).or_insert(0) += 1;
            }
        }
    }
    seen
}

/// Sends `total` signed notes over `channels` channels, 32 at a time, and SIGKILLs the server
/// once `kill_after` were answered 200; the texts of the notes answered 200.
async fn flood_and_kill(
    base: &str,
    server: &mut Serving,
    fake: &FakeSlack,
    channels: usize,
    total: usize,
    kill_after: usize,
) -> Vec<String> {
    let http = reqwest::Client::new();
    let accepted = Arc::new(std::sync::Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let enough = Arc::new(tokio::sync::Notify::new());
    let next = Arc::new(AtomicUsize::new(0));
    let mut senders = Vec::new();
    for _ in 0..32 {
        let (http, accepted, count, killed, enough, next) = (
            http.clone(),
            accepted.clone(),
            count.clone(),
            killed.clone(),
            enough.clone(),
            next.clone(),
        );
        let (base, response) = (base.to_string(), fake.response_url(1));
        senders.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || killed.load(Ordering::Relaxed) {
                    return;
                }
                let text = format!("flood-{i:06}");
                let form = SlackClient::command_form(
                    ALICE,
                    &channel(i % channels),
                    "/incident",
                    &format!("note {text}"),
                    &response,
                );
                let now = chrono::Utc::now().timestamp();
                let answer = http
                    .post(format!("{base}/slack/commands"))
                    .header("content-type", FORM)
                    .header("x-slack-request-timestamp", now.to_string())
                    .header("x-slack-signature", sign(SECRET, now, &form))
                    .body(form)
                    .send()
                    .await;
                if answer.is_ok_and(|a| a.status() == 200) {
                    accepted.lock().unwrap().push(text);
                    if count.fetch_add(1, Ordering::Relaxed) + 1 == kill_after {
                        enough.notify_one();
                    }
                }
            }
        }));
    }
    enough.notified().await;
    server.kill_9();
    killed.store(true, Ordering::Relaxed);
    for sender in senders {
        sender.await.unwrap();
    }
    Arc::try_unwrap(accepted).unwrap().into_inner().unwrap()
}

/// The flood, the kill and the restart, on one backend.
async fn notes_survive_a_kill_9(backend: Backend) {
    warroom::server::install_crypto_provider();
    let db = TestDb::new(backend).await;
    let fake = FakeSlack::start().await;
    let port = free_port();
    let config = configure(db.dir.path(), port, &db.url, &fake);
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(db.dir.path(), port, &config).await;
    let client = SlackClient::new(format!("127.0.0.1:{port}").parse().unwrap(), SECRET);

    const CHANNELS: usize = 100;
    for n in 0..CHANNELS {
        let status = client
            .command(
                ALICE,
                &channel(n),
                "/incident",
                &format!("p2 flood {n}"),
                &fake.response_url(0),
            )
            .await;
        assert_eq!(status, 200);
    }
    let store = Store::open(&db.url).await.unwrap();
    let declared = until(
        Duration::from_secs(30),
        || store.list(ListFilter::Open, 1000),
        |l| l.as_ref().is_ok_and(|l| l.len() == CHANNELS),
    )
    .await
    .unwrap();
    assert_eq!(declared.len(), CHANNELS, "every channel has its incident");

    let accepted = flood_and_kill(&base, &mut server, &fake, CHANNELS, 5000, 1500).await;
    assert!(accepted.len() >= 1500, "{} accepted", accepted.len());
    let log = std::fs::read_to_string(db.dir.path().join(format!("serve-{port}.log"))).unwrap();
    assert!(!log.contains("panicked"), "{log}");

    // Restarted, warroom runs what the dead process had accepted and not finished.
    let _restarted = serve(db.dir.path(), port, &config).await;
    let recorded = until(
        Duration::from_secs(120),
        || notes(&store),
        |seen| accepted.iter().all(|t| seen.contains_key(t)),
    )
    .await;
    let missing: Vec<&String> = accepted
        .iter()
        .filter(|t| !recorded.contains_key(*t))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} notes answered 200 are not on any timeline, e.g. {:?}",
        missing.len(),
        accepted.len(),
        &missing[..missing.len().min(5)]
    );
    let twice: Vec<(&String, &usize)> = recorded.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "notes recorded more than once: {twice:?}");
    // Nothing was recorded that was not sent; notes that got no 200 may or may not be there.
    assert!(recorded.len() <= 5000);

    // Every accepted note is answered: in the card's thread, or (for one whose change had
    // committed when the process died) to the person who typed it.
    let replied = until(
        Duration::from_secs(120),
        || async {
            let said: Vec<String> = fake
                .calls()
                .into_iter()
                .filter(|c| c.method == "chat.postMessage" || c.method == "response_url")
                .map(|c| c.body.to_string())
                .collect();
            accepted
                .iter()
                .filter(|t| !said.iter().any(|s| s.contains(t.as_str())))
                .count()
        },
        |unanswered| *unanswered == 0,
    )
    .await;
    assert_eq!(replied, 0, "accepted notes without a reply");
    println!(
        "{backend:?}: {} notes accepted before kill -9, all on their timelines once and answered",
        accepted.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notes_accepted_before_a_kill_9_are_recorded_once_on_sqlite() {
    notes_survive_a_kill_9(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notes_accepted_before_a_kill_9_are_recorded_once_on_postgres() {
    notes_survive_a_kill_9(Backend::Postgres).await;
}
