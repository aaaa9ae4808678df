//! Slack slash commands end to end: signed commands into the real HTTP server (or over Socket
//! Mode), replies recorded by a fake Slack Web API on loopback, the record in SQLite; and the
//! buttons warroom did not make, refused.

use serde_json::json;
use warroom_commands::ports::IncidentStore;
use warroom_tests::db::inbox_rows;
use warroom_tests::golden;
use warroom_tests::http::{Answer, serve};
use warroom_tests::slack::{Card, FakeSlack, SocketPeer};
use warroom_tests::slack_app::{ALICE, BOB, CHANNEL, MALLORY, OPEN_POLICY, launch, shown, start};
use warroom_tests::stand_in;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_post_to_the_channel_and_errors_only_to_the_caller() {
    let target = serve(Answer::json(
        200,
        r#"{"status":"ok","components":{"db":"ok"}}"#,
    ))
    .await;
    let h = start(&format!(
        r#"
[services.api]
environment = "production"
[services.api.health]
urls = ["http://{target}/api/health"]
"#
    ))
    .await;

    h.command(ALICE, "/incident", "p1 checkout returns 502")
        .await;
    let posted = h.fake.wait_for("chat.postMessage", 1).await;
    assert_eq!(posted[0].body["channel"], CHANNEL);
    assert_eq!(posted[0].auth.as_deref(), Some("Bearer xoxb-1234-test"));
    golden::check(
        "slack/incident_declared.json",
        &golden::masked_json(&posted[0].body),
    );

    h.command(BOB, "/warroom", "health api").await;
    let posted = h.fake.wait_for("chat.postMessage", 2).await;
    golden::check("slack/health.json", &golden::masked_json(&posted[1].body));

    h.command(ALICE, "/health", "apj").await;
    h.command(MALLORY, "/help", "").await;
    let answered = h.fake.wait_for("response_url", 2).await;
    let texts: Vec<String> = answered.iter().map(|c| shown(&c.body)).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("There is no service `apj`. Did you mean `api`?")),
        "{texts:?}"
    );
    golden::check(
        "slack/error.json",
        &golden::masked_json(
            &answered
                .iter()
                .find(|c| shown(&c.body).contains("apj"))
                .unwrap()
                .body,
        ),
    );
    // Errors and help went to the caller only: still two channel posts.
    assert_eq!(h.fake.calls_to("chat.postMessage").len(), 2);

    let timeline = h
        .app
        .store
        .timeline(warroom_commands::incident::IncidentId(1))
        .await
        .unwrap();
    assert!(
        timeline.iter().any(|e| e.actor == ALICE),
        "the declaration is recorded under Alice's Slack id: {timeline:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_output_is_cut_in_the_message_and_uploaded_whole_through_rate_limits() {
    let dir = tempfile::tempdir().unwrap();
    let kubectl = stand_in::script(dir.path(), 400);
    let h = start(&format!(
        r#"
[services.api]
environment = "production"
[services.api.actions.pods]
argv = ["{kubectl}", "get", "pods"]
risk = "read"
"#
    ))
    .await;
    h.fake.rate_limit("chat.postMessage", 1);
    h.command(ALICE, "/run", "api pods").await;
    let posted = h.fake.wait_for("chat.postMessage", 1).await;
    let text = shown(&posted[0].body);
    assert!(text.contains("more lines"), "{text}");
    assert!(posted[0].body["blocks"].as_array().unwrap().len() <= 50);
    let uploaded = h.fake.wait_for("upload", 1).await;
    let whole = uploaded[0].body.as_str().unwrap();
    assert!(
        whole.starts_with("1\n2\n") && whole.ends_with("399\n400\n"),
        "{whole}"
    );
    let complete = h.fake.wait_for("files.completeUploadExternal", 1).await;
    assert_eq!(complete[0].body["channel_id"], CHANNEL);
    assert_eq!(
        complete[0].body["thread_ts"],
        posted[0].body["ts"]
            .clone()
            .as_str()
            .map_or(json!("1700000000.000001"), |t| json!(t))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_runs_the_same_commands_acknowledges_and_reconnects() {
    warroom::server::install_crypto_provider();
    let fake = FakeSlack::start().await;
    let peer = SocketPeer::start().await;
    fake.set_socket_url(&peer.url);
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"
[database]
url = "sqlite://{dir}/warroom.db"
[slack]
mode = "socket"
app_token = "xapp-1-test"
bot_token = "xoxb-1234-test"
api_url = "{api}"
[access.roles]
everyone = ["*"]
[[access.rules]]
role = "everyone"
allow = ["read", "incident"]
"#,
        dir = dir.path().display(),
        api = fake.api_url()
    );
    let _serving = warroom_tests::serve_in_process(&text).await;
    let command = |envelope: &str, text: &str| {
        json!({
            "type": "slash_commands",
            "envelope_id": envelope,
            "accepts_response_payload": true,
            "payload": {
                "team_id": "T0WARROOM", "channel_id": CHANNEL, "user_id": ALICE,
                "command": "/incident", "text": text, "response_url": fake.response_url(9)
            }
        })
    };
    peer.send(command("env-1", "p2 search is slow"));
    let posted = fake.wait_for("chat.postMessage", 1).await;
    assert!(
        shown(&posted[0].body).contains("INC-1 P2 · search is slow"),
        "{posted:?}"
    );
    let opened = fake.calls_to("apps.connections.open");
    assert_eq!(opened[0].auth.as_deref(), Some("Bearer xapp-1-test"));

    // Slack asks warroom to reconnect; the next command arrives on the new connection.
    peer.send(json!({ "type": "disconnect", "reason": "refresh_requested" }));
    peer.send(command("env-2", "note replica lag 40s"));
    let posted = fake.wait_for("chat.postMessage", 2).await;
    assert!(
        shown(&posted[1].body).contains("replica lag 40s"),
        "{posted:?}"
    );
    assert_eq!(peer.connections(), 2);
    assert_eq!(fake.calls_to("apps.connections.open").len(), 2);
    assert_eq!(peer.acks(), ["env-1", "env-2"]);
}

/// A click on a button warroom did not make (an action it does not have, a token it would
/// never make) is refused with 400 before it is recorded, so nothing can run it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_not_of_warroom_are_refused_and_recorded_nowhere() {
    let h = start("").await;
    let card = json!({ "text": "x", "blocks": [] });
    let respond = h.fake.response_url(1);
    let elsewhere = Card {
        channel: CHANNEL,
        message: &card,
        ts: "1.2",
        response_url: &respond,
    };
    let tampered = h
        .slack
        .click(BOB, &elsewhere, "warroom:rollback", "abcd1234")
        .await;
    assert_eq!(tampered, 400);
    let bad_token = h
        .slack
        .click(BOB, &elsewhere, "warroom:confirm", "'; DROP")
        .await;
    assert_eq!(bad_token, 400);
    assert_eq!(
        inbox_rows(&h.app.store).await,
        0,
        "nothing was recorded to run"
    );
    assert!(h.fake.calls().is_empty(), "{:?}", h.fake.calls());
}

/// A channel's `/incident` commands run in the order they were typed: a note sent right after
/// its declaration, before the declaration has run, is recorded on that incident, in ten
/// channels at once, even when a declaration is held up (the inbox's workers would otherwise
/// run the note first, and it would find no incident).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_sent_right_after_its_declaration_is_recorded_on_it() {
    let h = launch("", OPEN_POLICY, "").await;
    // The first request's user-group lookup is refused once (429, Retry-After 1 s), so one
    // declaration runs a second late while its note is already waiting.
    h.fake.rate_limit("usergroups.list", 1);
    let respond = h.fake.response_url(1);
    let channels: Vec<String> = (0..10).map(|n| format!("C0FAST{n:02}")).collect();
    let typed = channels.iter().map(|channel| {
        let (slack, respond) = (&h.slack, &respond);
        async move {
            for text in ["p2 search is slow", "note the cache is cold"] {
                let status = slack
                    .command(ALICE, channel, "/incident", text, respond)
                    .await;
                assert_eq!(status, 200, "{channel}: {text}");
            }
        }
    });
    futures_util::future::join_all(typed).await;
    // Each channel: its card, then the note in the card's thread.
    let posted = h
        .fake
        .wait_for("chat.postMessage", 2 * channels.len())
        .await;
    for channel in &channels {
        assert!(
            posted.iter().any(|c| c.body["channel"] == channel.as_str()
                && shown(&c.body).contains("the cache is cold")),
            "no note in {channel}: {:?}",
            h.fake.calls_to("response_url")
        );
    }
    assert!(
        h.fake
            .calls_to("response_url")
            .iter()
            .all(|c| !c.body.to_string().contains("There is no incident")),
        "{:?}",
        h.fake.calls_to("response_url")
    );
}
