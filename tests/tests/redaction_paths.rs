//! The redaction corpus pushed through the real `warroom serve` three ways — CloudWatch Logs
//! read with `/logs`, an argv action that prints it, and notes typed into the incident — and
//! then looked for everywhere it could have gone: every call the fake Slack received (messages,
//! card edits, uploaded files), every row of the SQLite file, the incident pages in HTML,
//! Markdown and JSON, and warroom's own log. No secret may be anywhere; every look-alike must
//! be shown intact.

use std::path::Path;
use std::time::Duration;

use sqlx::{AssertSqlSafe, Connection, SqliteConnection};
use warroom_commands::redact::corpus::{self, Sample};
use warroom_tests::moto::Moto;
use warroom_tests::replica::{self, SECRET, free_port, until};
use warroom_tests::slack::{FakeSlack, SlackClient};

const PAGES: &str = "redaction-pages-bearer";
const CHANNEL: &str = "C0REDACT";
const ALICE: &str = "U0ALICE";
/// Notes hold at most 3000 characters; the corpus goes in as several.
const NOTE_BUDGET: usize = 2800;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_of_the_corpus_leaves_warroom_and_every_look_alike_does() {
    let samples = corpus::samples();
    let printed: Vec<&str> = samples.iter().map(|s| s.text.as_str()).collect();
    let moto = Moto::start();
    let events: Vec<(i64, &str)> = printed.iter().map(|t| (20, *t)).collect();
    moto.seed_logs(&events).await;
    let fake = FakeSlack::start().await;
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("corpus.txt"), printed.join("\n")).unwrap();
    let database = format!("sqlite://{}/warroom.db", dir.path().display());
    let config = replica::configure_with(
        dir.path(),
        port,
        &database,
        &fake,
        &services(dir.path(), &moto.url),
    );
    let _serving = replica::serve(dir.path(), port, &config).await;
    let slack = SlackClient::new(format!("127.0.0.1:{port}").parse().unwrap(), SECRET);
    let respond = fake.response_url(1);
    let say = |command: &'static str, text: String| {
        let (slack, respond) = (&slack, respond.clone());
        async move {
            let status = slack
                .command(ALICE, CHANNEL, command, &text, &respond)
                .await;
            assert_eq!(status, 200, "{command} {text}");
        }
    };

    say("/incident", "p2 redaction check".into()).await;
    wait_until(&fake, "the incident card", |all| all.contains("INC-1 P2")).await;
    let notes = note_chunks(&printed);
    for note in &notes {
        say("/incident", format!("note {note}")).await;
    }
    wait_until(&fake, "every note echoed", |all| {
        all.matches("note by").count() >= notes.len()
    })
    .await;
    say("/run", "api corpus".into()).await;
    wait_until(&fake, "the action's output", |all| {
        all.contains("api/corpus")
    })
    .await;
    say("/logs", "api --since 1h --limit 500".into()).await;
    wait_until(&fake, "the log lines", |all| all.contains("from /ecs/api")).await;

    let slack_text = everything_slack_received(&fake);
    let database = every_stored_value(&dir.path().join("warroom.db")).await;
    let client = reqwest::Client::new();
    let mut pages = String::new();
    for file in ["1", "1.md", "1.json"] {
        let answer = client
            .get(format!("http://127.0.0.1:{port}/incidents/{file}"))
            .bearer_auth(PAGES)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "/incidents/{file}");
        pages.push_str(&answer.text().await.unwrap());
    }
    let log = std::fs::read_to_string(dir.path().join(format!("serve-{port}.log"))).unwrap();
    assert!(log.contains("warroom is serving"), "{log}");

    for (place, text) in [
        ("Slack", &slack_text),
        ("the database", &database),
        ("the incident pages", &pages),
        ("warroom's log", &log),
    ] {
        no_secret_in(place, text, &samples);
    }
    // Look-alikes are shown where they were: in Slack (notes, output, logs), in the stored
    // notes, and on the pages that show those notes.
    for (place, text) in [
        ("Slack", &slack_text),
        ("the database", &database),
        ("the incident pages", &pages),
    ] {
        for kept in corpus::look_alikes() {
            assert!(
                text.contains(&kept),
                "{kept:?} is not shown intact in {place}"
            );
        }
    }
}

/// The pages' credentials, CloudWatch in moto, and the service `api` with its logs there and
/// an action that prints the corpus.
fn services(dir: &Path, moto: &str) -> String {
    format!(
        r#"
[web]
bearer_token = "{PAGES}"

[aws]
region = "us-east-1"
endpoint_url = "{moto}"

[services.api]
environment = "production"

[services.api.cloudwatch]
log_group = "/ecs/api"

[services.api.actions.corpus]
argv = ["/bin/cat", "{dir}/corpus.txt"]
risk = "read"
"#,
        dir = dir.display(),
    )
}

/// The corpus as notes of at most [`NOTE_BUDGET`] characters, one sample a line.
fn note_chunks(printed: &[&str]) -> Vec<String> {
    let mut notes: Vec<String> = vec![String::new()];
    for text in printed {
        let current = notes.last_mut().expect("never empty");
        if !current.is_empty() && current.chars().count() + text.chars().count() > NOTE_BUDGET {
            notes.push(String::new());
        }
        let current = notes.last_mut().expect("never empty");
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(text);
    }
    notes
}

/// Every call the fake Slack took, bodies decoded: JSON strings as their text, so a
/// look-alike with a line break or a slash reads as it was written.
fn everything_slack_received(fake: &FakeSlack) -> String {
    let mut out = String::new();
    for call in fake.calls() {
        collect_strings(&call.body, &mut out);
    }
    out
}

fn collect_strings(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// Waits (up to 60 s: the fake paces messages as Slack does) until what Slack received
/// satisfies `done`.
async fn wait_until(fake: &FakeSlack, what: &str, done: impl Fn(&str) -> bool) {
    let all = until(
        Duration::from_secs(60),
        || async { everything_slack_received(fake) },
        |all| done(all),
    )
    .await;
    assert!(
        done(&all),
        "{what} did not reach Slack within 60 s; it received:\n{all}"
    );
}

/// Every value of every row of every table, as text, one a line.
async fn every_stored_value(file: &Path) -> String {
    let url = format!("sqlite://{}?mode=ro", file.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let mut out = String::new();
    for (table,) in tables {
        let columns: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for (column,) in columns {
            // As bytes: a column may hold binary data, and text is read as it is stored.
            let values: Vec<(Option<Vec<u8>>,)> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT CAST(\"{column}\" AS BLOB) FROM \"{table}\""
            )))
            .fetch_all(&mut conn)
            .await
            .unwrap();
            for value in values.into_iter().filter_map(|(v,)| v) {
                out.push_str(&String::from_utf8_lossy(&value));
                out.push('\n');
            }
        }
    }
    assert!(out.contains("redaction check"), "the incident is stored");
    out
}

fn no_secret_in(place: &str, text: &str, samples: &[Sample]) {
    for secret in samples.iter().flat_map(|s| &s.secrets) {
        assert!(!text.contains(secret.as_str()), "{secret} reached {place}");
    }
}
