//! A flood of 10,000 signed notes against the real `warroom serve`, with a `kill -9` in the
//! middle: every note answered 200 is on its timeline exactly once after a restart, and
//! answered; an answer is repeated only if its letter was being sent when the process died.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use warroom_commands::ports::{IncidentStore, ListFilter};
use warroom_integrations::Store;
use warroom_tests::binary::Serving;
use warroom_tests::db::{Backend, TestDb};
use warroom_tests::replica::{SECRET, configure, free_port, serve, until, until_every};
use warroom_tests::slack::{FakeSlack, SlackClient, sign};

const FORM: &str = "application/x-www-form-urlencoded";
const ALICE: &str = "U0ALICE";

fn channel(n: usize) -> String {
    format!("C0FLOOD{n:03}")
}

/// How many timeline entries each `flood-NNNNNN` note has, on every incident.
async fn notes(store: &Store) -> HashMap<String, usize> {
    const SQL: &str =
        "SELECT text, COUNT(*) FROM timeline_entries WHERE text LIKE 'flood-%' GROUP BY text";
    let rows: Vec<(String, i64)> = match store {
        Store::Sqlite(pool) => sqlx::query_as(SQL).fetch_all(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_as(SQL).fetch_all(pool).await.unwrap(),
    };
    rows.into_iter()
        .map(|(text, n)| (text, usize::try_from(n).unwrap()))
        .collect()
}

/// How many times each `flood-NNNNNN` note was answered: in its card's thread, or through the
/// response_url of the person who typed it.
fn answers(fake: &FakeSlack) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for call in fake.calls() {
        if call.method != "chat.postMessage" && call.method != "response_url" {
            continue;
        }
        let body = call.body.to_string();
        // Count each note once per answer, however often the answer names it.
        let mut named: Vec<&str> = body
            .match_indices("flood-")
            .filter_map(|(at, _)| body.get(at..at + 12))
            .filter(|t| t[6..].bytes().all(|b| b.is_ascii_digit()))
            .collect();
        named.sort_unstable();
        named.dedup();
        for note in named {
            *seen.entry(note.to_string()).or_insert(0) += 1;
        }
    }
    seen
}

/// Letters that were claimed more than once: sent again after the process died holding them.
async fn sent_again(store: &Store) -> usize {
    const SQL: &str = "SELECT COUNT(*) FROM outbox WHERE attempts > 1";
    let (n,): (i64,) = match store {
        Store::Sqlite(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
    };
    usize::try_from(n).unwrap()
}

/// Sends signed notes `next..total` over `channels` channels, 32 at a time; with a server to
/// kill, SIGKILLs it once `kill_after` were answered 200 and stops sending. The texts of the
/// notes answered 200; `next` is left past the last note sent.
async fn flood(
    base: &str,
    mut kill: Option<&mut Serving>,
    fake: &FakeSlack,
    channels: usize,
    next: &Arc<AtomicUsize>,
    total: usize,
    kill_after: usize,
) -> Vec<String> {
    let http = reqwest::Client::new();
    let accepted = Arc::new(std::sync::Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let enough = Arc::new(tokio::sync::Notify::new());
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
                if killed.load(Ordering::Relaxed) {
                    return;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
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
    if let Some(server) = kill.as_mut() {
        enough.notified().await;
        server.kill_9();
        killed.store(true, Ordering::Relaxed);
    }
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

    const CHANNELS: usize = 400;
    const NOTES: usize = 10_000;
    const KILL_AFTER: usize = 5_000;
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

    let next = Arc::new(AtomicUsize::new(0));
    let mut accepted = flood(
        &base,
        Some(&mut server),
        &fake,
        CHANNELS,
        &next,
        NOTES,
        KILL_AFTER,
    )
    .await;
    let before_kill = accepted.len();
    assert!(before_kill >= KILL_AFTER, "{before_kill} accepted");
    let log = std::fs::read_to_string(db.dir.path().join(format!("serve-{port}.log"))).unwrap();
    assert!(!log.contains("panicked"), "{log}");

    // Restarted, warroom runs what the dead process had accepted and not finished, and takes
    // the rest of the flood.
    let _restarted = serve(db.dir.path(), port, &config).await;
    accepted.extend(flood(&base, None, &fake, CHANNELS, &next, NOTES, NOTES).await);
    let recorded = until_every(
        Duration::from_secs(300),
        Duration::from_secs(1),
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
    assert!(recorded.len() <= NOTES);

    // Every accepted note is answered: in the card's thread, or (for one whose change had
    // committed when the process died) to the person who typed it.
    let answered = until_every(
        Duration::from_secs(300),
        Duration::from_secs(1),
        || async { answers(&fake) },
        |seen| accepted.iter().all(|t| seen.contains_key(t)),
    )
    .await;
    let unanswered = accepted
        .iter()
        .filter(|t| !answered.contains_key(*t))
        .count();
    assert_eq!(unanswered, 0, "accepted notes without a reply");
    // Once, but for letters whose sender died between Slack's answer and recording it.
    let repeated: usize = answered.values().map(|n| n - 1).sum();
    let again = sent_again(&store).await;
    assert!(
        repeated <= again,
        "{repeated} answers repeated, but only {again} letters were sent again after the kill"
    );
    println!(
        "{backend:?}: {before_kill} notes accepted before kill -9 and {} after the restart, all on their timelines once and answered; {repeated} answers repeated, {again} letters sent again",
        accepted.len() - before_kill
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
