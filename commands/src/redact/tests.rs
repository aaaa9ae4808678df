//! The redactor's tests: the corpus (every secret masked, every look-alike unchanged), the
//! exact output of each rule family, and the reply and store paths.

use std::sync::Arc;

use super::rules::secret_name;
use super::*;
use crate::fakes::{FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use crate::incident::{EntryKind, NewEntry};
use crate::ports::IncidentStore;
use crate::{ChannelRef, Invocation, Platform};

#[test]
fn the_corpus_is_large_enough_to_mean_something() {
    let secrets: usize = corpus::secrets().iter().map(|s| s.secrets.len()).sum();
    let look_alikes = corpus::look_alikes().len();
    assert!(secrets >= 40, "{secrets} secrets");
    assert!(look_alikes >= 20, "{look_alikes} look-alikes");
}

#[test]
fn every_secret_of_the_corpus_is_masked() {
    let r = Redactor::default();
    for sample in corpus::secrets() {
        let shown = r.redact(&sample.text);
        for secret in &sample.secrets {
            assert!(
                !shown.contains(secret.as_str()),
                "{secret} survives in {shown}"
            );
        }
        assert!(shown.contains(MASK), "{shown}");
    }
}

#[test]
fn every_look_alike_of_the_corpus_is_unchanged() {
    let r = Redactor::default();
    for text in corpus::look_alikes() {
        assert_eq!(r.redact(&text), text);
    }
}

#[test]
fn the_corpus_printed_as_one_output_keeps_every_line_apart() {
    // Command output arrives as one text: no rule may run from one line into the next.
    let r = Redactor::default();
    let samples = corpus::samples();
    let all: Vec<&str> = samples.iter().map(|s| s.text.as_str()).collect();
    let shown = r.redact(&all.join("\n"));
    for sample in &samples {
        for secret in &sample.secrets {
            assert!(!shown.contains(secret.as_str()), "{secret} survives");
        }
    }
    for text in corpus::look_alikes() {
        assert!(shown.contains(&text), "{text} changed in\n{shown}");
    }
}

#[test]
fn redacting_twice_changes_nothing_more() {
    let r = Redactor::default();
    for sample in corpus::samples() {
        let once = r.redact(&sample.text);
        assert_eq!(r.redact(&once), once);
    }
}

#[test]
fn names_of_secrets_are_told_from_ordinary_words() {
    for name in [
        "DB_PASSWORD",
        "PGPASSWORD",
        "SessionToken",
        "SecretAccessKey",
        "secret_key",
        "X-Api-Key",
        "apikey",
        "APIKEY",
        "AccountKey",
        "db.pass",
        "dbPass",
        "--pass",
        "credentials",
        "client_secret",
    ] {
        assert!(secret_name(name), "{name} is a secret's name");
    }
    for name in [
        "key",
        "pass",
        "monkey",
        "turkey",
        "bypass",
        "compass",
        "MONKEY",
        "cache_key",
        "CacheKey",
        "partition-key",
        "ssh_public_key",
        "idempotency_key",
    ] {
        assert!(!secret_name(name), "{name} is not a secret's name");
    }
}

#[test]
fn named_values_keep_their_name_and_quotes() {
    redacts_as(&[
        ("DB_PASSWORD=abc123x", "DB_PASSWORD=[redacted]"),
        (
            "--password hunter2x --verbose",
            "--password [redacted] --verbose",
        ),
        (
            r#""SessionToken": "FwoG/x==""#,
            r#""SessionToken": "[redacted]""#,
        ),
        ("{'token': 'abc'}", "{'token': '[redacted]'}"),
        (
            r#"{\"db_password\":\"x1\"}"#,
            r#"{\"db_password\":\"[redacted]\"}"#,
        ),
        ("password=\"\" is empty", "password=\"\" is empty"),
        ("a=1, secret=xyz, b=2", "a=1, secret=[redacted], b=2"),
        ("?token=abc&page=2", "?token=[redacted]&page=2"),
    ]);
}

#[test]
fn url_passwords_are_masked_and_the_rest_of_the_url_kept() {
    redacts_as(&[
        (
            "redis://:pw1234@cache:6379",
            "redis://:[redacted]@cache:6379",
        ),
        ("postgres://u:a/b@db/app", "postgres://u:[redacted]@db/app"),
        ("https://u:@host/x", "https://u:@host/x"),
        ("http://localhost:3000/@vite", "http://localhost:3000/@vite"),
    ]);
}

#[tokio::test]
async fn the_store_keeps_only_masked_text() {
    let store = Arc::new(InMemoryStore::default());
    let core = crate::fakes::core(
        store.clone(),
        Arc::new(InMemoryActions::default()),
        Arc::new(FakeRunner::default()),
        Arc::new(ManualClock::at("2026-11-22T03:00:00Z")),
    );
    let channel = ChannelRef::new(Platform::Console, "local", "ops");
    for text in [
        "/incident p2 api down DB_PASSWORD=hunter2-db",
        "/incident note tried ghp_R4nd0mT0k3nV4lu3F0rT3st1ngABCDEF1234",
    ] {
        let inv = Invocation {
            channel: channel.clone(),
            actor: "alice".into(),
            groups: Vec::new(),
            text: text.into(),
        };
        core.execute(&inv).await.unwrap();
    }
    let incident = store.open_in_channel(&channel).await.unwrap().unwrap();
    assert_eq!(incident.title, "api down DB_PASSWORD=[redacted]");
    let written: Vec<String> = store
        .timeline(incident.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.text)
        .collect();
    assert!(
        written
            .iter()
            .all(|t| !t.contains("hunter2-db") && !t.contains("ghp_")),
        "{written:?}"
    );
    let inner: Arc<dyn IncidentStore> = store.clone();
    let entry = NewEntry::new(incident.declared_at, "bob", EntryKind::Note, "x")
        .change(Some("secret=abc12".into()), "secret=def34");
    Redacting::new(inner, Redactor::default())
        .append(incident.id, &[entry])
        .await
        .unwrap();
    let last = store.timeline(incident.id).await.unwrap().pop().unwrap();
    assert_eq!(last.from.as_deref(), Some("secret=[redacted]"));
    assert_eq!(last.to.as_deref(), Some("secret=[redacted]"));
}

#[test]
fn masks_well_known_credential_shapes() {
    redacts_as(&[
        ("key AKIAIOSFODNN7EXAMPLE used", "key [redacted] used"),
        (
            "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key=[redacted]",
        ),
        ("SLACK xoxb-1234567890-abcdefghij ok", "SLACK [redacted] ok"),
        ("app xapp-1-A0123-456-abcdef0123", "app [redacted]"),
        (
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc",
            "Authorization: Bearer [redacted]",
        ),
        (
            "postgres://warroom:hunter22@db:5432/w",
            "postgres://warroom:[redacted]@db:5432/w",
        ),
        ("password: \"tops3cret\"", "password: \"[redacted]\""),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\nafter",
            "-----BEGIN RSA PRIVATE KEY-----[redacted]\nafter",
        ),
        (
            "MTE4NDU2Nzg5MDEyMzQ1Njc4.GhJkLm.abcdefghijklmnopqrstuvwxyz0123",
            "[redacted]",
        ),
    ]);
}

#[test]
fn masks_configured_secrets_and_leaves_ordinary_text() {
    let r = Redactor::new(vec!["s3cr3t-signing".into(), "abc".into()]);
    assert_eq!(r.redact("sig s3cr3t-signing!"), "sig [redacted]!");
    assert_eq!(
        r.redact("abc stays, so do pods and 502s"),
        "abc stays, so do pods and 502s"
    );
}

#[test]
fn every_block_of_a_reply_is_redacted() {
    let r = Redactor::default();
    let reply = Reply::channel()
        .text("AKIAIOSFODNN7EXAMPLE")
        .code("token=abcdef123")
        .fields([("k", "xoxb-1234567890-abcdefghij")])
        .table(&["x"], vec![vec!["Bearer abc123def456".into()]]);
    let text = r.reply(reply).to_plain_text();
    assert!(
        !text.contains("AKIA") && !text.contains("abcdef123") && !text.contains("xoxb"),
        "{text}"
    );
    assert!(!text.contains("abc123def456"), "{text}");
}

/// Each input redacts to exactly its expected text.
fn redacts_as(cases: &[(&str, &str)]) {
    let r = Redactor::default();
    for (input, expected) in cases {
        assert_eq!(r.redact(input), *expected, "{input}");
    }
}
