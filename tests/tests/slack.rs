//! Slack end to end: signed slash commands and clicks into the real HTTP server, replies
//! recorded by a fake Slack Web API on loopback, the record in SQLite.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use warroom::app::App;
use warroom_commands::ports::IncidentStore;
use warroom_tests::golden;
use warroom_tests::http::{Answer, serve};
use warroom_tests::slack::{Card, FakeSlack, SlackClient, SocketPeer, sign};
use warroom_tests::slack_app::{
    ALICE, BOB, CAROL, CHANNEL, FORM, MALLORY, SECRET, launch, shown, start,
};
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
async fn requests_slack_did_not_sign_now_are_refused_and_run_nothing() {
    let h = start("").await;
    let form = SlackClient::command_form(
        ALICE,
        CHANNEL,
        "/incident",
        "p1 forged",
        &h.fake.response_url(1),
    );
    let now = chrono::Utc::now().timestamp();
    let post = |body: &str, at: i64, signature: String| {
        let body = body.to_string();
        let slack = &h.slack;
        async move {
            slack
                .post_signed("/slack/commands", FORM, &body, at, &signature)
                .await
        }
    };
    assert_eq!(
        post(&form, now, sign("not-the-secret", now, &form)).await,
        401,
        "forged"
    );
    assert_eq!(
        post(&form, now - 360, sign(SECRET, now - 360, &form)).await,
        401,
        "stale"
    );
    let altered = form.replace("forged", "altered");
    assert_eq!(
        post(&altered, now, sign(SECRET, now, &form)).await,
        401,
        "altered body"
    );
    let missing = reqwest::Client::new()
        .post(format!("{}/slack/commands", h.slack.base))
        .header("content-type", FORM)
        .body(form.clone())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(missing, 401, "missing headers");
    let json_body = r#"{"command":"/incident","text":"p1 json"}"#;
    assert_eq!(
        h.slack
            .post("/slack/commands", "application/json", json_body)
            .await,
        400,
        "not a form"
    );
    let huge = format!("{form}&pad={}", "x".repeat(2 * 1024 * 1024));
    assert_eq!(
        h.slack.post("/slack/commands", FORM, &huge).await,
        413,
        "2 MB body"
    );

    // The genuine request runs once; the same request sent again is a replay.
    let signature = sign(SECRET, now, &form);
    assert_eq!(post(&form, now, signature.clone()).await, 200);
    assert_eq!(post(&form, now, signature).await, 401, "replayed");

    h.fake.wait_for("chat.postMessage", 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        h.fake.calls_to("chat.postMessage").len(),
        1,
        "only the genuine request ran"
    );
    let open = h
        .app
        .store
        .list(warroom_commands::ports::ListFilter::All, 10)
        .await
        .unwrap();
    assert_eq!(open.len(), 1, "one incident, from the genuine request");

    // warroom counts what it refused and what it ran, for Prometheus.
    let metrics = reqwest::get(format!("{}/metrics", h.slack.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "warroom_commands_total{command=\"incident\",outcome=\"ok\"} 1",
        "warroom_requests_refused_total{transport=\"slack\",reason=\"bad_signature\"} 2",
        "warroom_requests_refused_total{transport=\"slack\",reason=\"stale\"} 1",
        "warroom_requests_refused_total{transport=\"slack\",reason=\"replayed\"} 1",
        "warroom_requests_refused_total{transport=\"slack\",reason=\"missing_headers\"} 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in:\n{metrics}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_events_url_answers_its_challenge_and_buttons_not_of_warroom_are_refused() {
    let h = start("").await;
    let challenge =
        json!({ "type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV" });
    let status = h
        .slack
        .post("/slack/events", "application/json", &challenge.to_string())
        .await;
    assert_eq!(status, 200);

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
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(h.fake.calls().is_empty(), "{:?}", h.fake.calls());
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
    let app = Arc::new(
        App::start(warroom::config::load_str(&text, "test").unwrap())
            .await
            .unwrap(),
    );
    let _running = warroom::server::start(app, Some("127.0.0.1:0".parse().unwrap()))
        .await
        .unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaring_creates_the_incident_channel_whose_card_and_topic_follow_the_incident() {
    let open_policy = r#"
[access.roles]
everyone = ["*"]
[[access.rules]]
role = "everyone"
allow = ["read", "incident"]
"#;
    let h = launch(
        "incident_channel = \"create\"\noncall_group = \"S0ONCALL\"",
        open_policy,
        "",
    )
    .await;
    h.fake.set_user_groups(&[("S0ONCALL", &[CAROL, BOB])]);
    h.command(ALICE, "/incident", "p1 Checkout returns 502!")
        .await;

    let created = h.fake.wait_for("conversations.create", 1).await;
    let today = chrono::Utc::now().format("%Y%m%d");
    assert_eq!(
        created[0].body["name"],
        format!("inc-{today}-checkout-returns-502")
    );
    let invited = h.fake.wait_for("conversations.invite", 1).await;
    assert_eq!(invited[0].body["channel"], "C0NEW1");
    assert_eq!(invited[0].body["users"], json!([ALICE, BOB, CAROL]));
    // The card and the pointer go to different channels, so either may be posted first.
    let posted = h.fake.wait_for("chat.postMessage", 2).await;
    let to = |channel: &str| {
        posted
            .iter()
            .find(|c| c.body["channel"] == channel)
            .unwrap_or_else(|| panic!("nothing posted to {channel}: {posted:?}"))
    };
    let card = to("C0NEW1");
    assert!(shown(&card.body).contains("INC-1 P1"), "{:?}", card.body);
    let pointer = to(CHANNEL);
    assert!(
        shown(&pointer.body).contains(&format!(
            "declared by <@{ALICE}>; it is worked in <#C0NEW1>"
        )),
        "{:?}",
        pointer.body
    );
    let topic = h.fake.wait_for("conversations.setTopic", 1).await;
    assert!(
        shown(&topic[0].body).contains("INC-1 P1 · Checkout returns 502! | status: investigating"),
        "{:?}",
        topic[0].body
    );

    // Working the incident in its channel redraws the card and the topic.
    let status = h
        .slack
        .command(
            BOB,
            "C0NEW1",
            "/incident",
            "status identified",
            &h.fake.response_url(1),
        )
        .await;
    assert_eq!(status, 200);
    let redrawn = h.fake.wait_for_text("chat.update", "identified").await;
    assert_eq!(redrawn.body["channel"], "C0NEW1");
    assert_eq!(redrawn.body["ts"], card.body["ts"]);
    let topic = h.fake.wait_for("conversations.setTopic", 2).await;
    assert!(
        shown(&topic[1].body).contains("status: identified"),
        "{topic:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_message_joins_the_timeline_with_its_own_author_and_time() {
    let h = start("").await;
    h.command(ALICE, "/incident", "p2 search is slow").await;
    h.fake.wait_for("chat.postMessage", 1).await;
    let said_at = "1700000100.000200";
    h.fake
        .add_message(CHANNEL, said_at, CAROL, "EU pool answers 502 since 03:02");
    let event = |kind: &str, reaction: &str| {
        json!({
            "type": "event_callback", "team_id": "T0WARROOM", "api_app_id": "A0WARROOM",
            "event_id": format!("Ev{kind}{reaction}"), "event_time": 1_700_000_200,
            "event": {
                "type": kind, "user": BOB, "reaction": reaction,
                "item": { "type": "message", "channel": CHANNEL, "ts": said_at },
                "item_user": CAROL, "event_ts": "1700000200.000100"
            }
        })
        .to_string()
    };
    let timeline = || async {
        h.app
            .store
            .timeline(warroom_commands::incident::IncidentId(1))
            .await
            .unwrap()
    };
    let wait_for_entries = |n: usize| async move {
        for _ in 0..200 {
            let entries = timeline().await;
            if entries.len() >= n {
                return entries;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("expected {n} timeline entries: {:?}", timeline().await);
    };

    // Another emoji means nothing; the pin puts Carol's words on the timeline at her time.
    assert_eq!(
        h.slack
            .post(
                "/slack/events",
                "application/json",
                &event("reaction_added", "eyes")
            )
            .await,
        200
    );
    assert_eq!(
        h.slack
            .post(
                "/slack/events",
                "application/json",
                &event("reaction_added", "pushpin")
            )
            .await,
        200
    );
    let entries = wait_for_entries(2).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let pinned = &entries[0];
    assert_eq!(pinned.actor, CAROL);
    assert_eq!(pinned.at.timestamp(), 1_700_000_100);
    assert_eq!(
        pinned.text,
        format!("EU pool answers 502 since 03:02 (pinned by {BOB})")
    );

    let edited = json!({
        "type": "event_callback", "team_id": "T0WARROOM",
        "event": {
            "type": "message", "subtype": "message_changed", "channel": CHANNEL,
            "message": { "type": "message", "user": CAROL, "ts": said_at,
                         "text": "EU pool answers 502 since 03:01",
                         "reactions": [{ "name": "pushpin", "users": [BOB], "count": 1 }] },
            "previous_message": { "type": "message", "user": CAROL, "ts": said_at,
                                  "text": "EU pool answers 502 since 03:02" }
        }
    });
    h.slack
        .post("/slack/events", "application/json", &edited.to_string())
        .await;
    let entries = wait_for_entries(3).await;
    assert!(
        entries[2].text.starts_with("edited the pinned message of")
            && entries[2].text.ends_with("since 03:01"),
        "{entries:?}"
    );
    h.slack
        .post(
            "/slack/events",
            "application/json",
            &event("reaction_removed", "pushpin"),
        )
        .await;
    let entries = wait_for_entries(4).await;
    assert!(
        entries[3]
            .text
            .starts_with(&format!("unpinned the message of {CAROL}")),
        "{entries:?}"
    );
    assert_eq!(entries[3].actor, BOB);
    // The pinned words are still there: the timeline is only ever added to.
    assert_eq!(timeline().await[0].text, pinned.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_mention_people_and_groups_in_channels_threads_and_direct_messages() {
    use warroom_commands::ports::{Mention, Notifier, Recipient};
    use warroom_commands::{ChannelRef, Platform, Reply};
    let h = start("").await;
    let letters = warroom::outbox::Outbox::new(h.app.store.clone(), "test".into());
    let slack = warroom::slack::Slack::new(
        h.app.core.clone(),
        Arc::new(h.app.store.clone()),
        warroom::inbox::Inbox::new(h.app.store.clone(), letters.clone()),
        letters,
        &h.app.config.slack,
    )
    .unwrap();
    let channel = ChannelRef {
        platform: Platform::Slack,
        workspace: "T0WARROOM".into(),
        channel: CHANNEL.into(),
    };
    let page = Reply::channel().text("INC-1 is not acknowledged after 5m.");
    let ts = slack
        .notify(
            &Recipient::Channel(channel.clone()),
            &[
                Mention::Group("S0ONCALL".into()),
                Mention::User("U0LEAD".into()),
            ],
            &page,
        )
        .await
        .unwrap();
    slack
        .notify(
            &Recipient::Thread {
                channel,
                message: ts.clone(),
            },
            &[Mention::User("<!channel>".into())],
            &Reply::channel().text("Still nobody."),
        )
        .await
        .unwrap();
    slack
        .notify(
            &Recipient::Direct {
                platform: Platform::Slack,
                user: "U0LEAD".into(),
            },
            &[],
            &page,
        )
        .await
        .unwrap();
    let posted = h.fake.wait_for("chat.postMessage", 3).await;
    assert_eq!(posted[0].body["channel"], CHANNEL);
    assert_eq!(
        posted[0].body["blocks"][0]["text"]["text"],
        "<!subteam^S0ONCALL> <@U0LEAD>"
    );
    assert!(
        posted[0].body["text"]
            .as_str()
            .unwrap()
            .starts_with("<!subteam^S0ONCALL> <@U0LEAD> INC-1")
    );
    assert_eq!(posted[1].body["thread_ts"], ts.as_str());
    assert!(
        !shown(&posted[1].body).contains("<!channel>"),
        "a mention that is not an id is dropped: {:?}",
        posted[1].body
    );
    assert_eq!(posted[2].body["channel"], "DU0LEAD");
    assert_eq!(h.fake.calls_to("conversations.open").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalation_page_is_acknowledged_with_its_button_and_the_post_mortem_links_its_page() {
    use warroom_commands::escalation::JobKind;
    use warroom_commands::incident::IncidentId;
    let h = start(
        r#"
[escalation]
oncall = ["slack:S0ONCALL"]
[escalation.p1]
levels = [{ after = "0m", notify = ["oncall"] }, { after = "1h", notify = ["slack:U0LEAD"] }]

[web]
base_url = "https://warroom.example.com"
link_secret = "a-long-random-secret-for-links"
"#,
    )
    .await;
    h.command(ALICE, "/incident", "p1 checkout returns 502")
        .await;
    // The scheduler pages on-call in the channel within its one-second tick.
    let page = h
        .fake
        .wait_for_text("chat.postMessage", "not acknowledged")
        .await
        .body;
    assert_eq!(page["channel"], CHANNEL);
    assert!(shown(&page).contains("<!subteam^S0ONCALL>"), "{page}");
    golden::check("slack/escalation.json", &golden::masked_json(&page));
    let button = page["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .expect("an Acknowledge button")["elements"][0]
        .clone();
    assert_eq!(button["action_id"], "warroom:ack");
    assert_eq!(button["value"], "inc1");

    let respond = h.fake.response_url(3);
    let on_page = Card {
        channel: CHANNEL,
        message: &page,
        ts: "1700000000.000009",
        response_url: &respond,
    };
    assert_eq!(
        h.slack.click(BOB, &on_page, "warroom:ack", "inc1").await,
        200
    );
    let outcome = h
        .fake
        .wait_for_text("chat.update", &format!("acknowledged by {BOB}"))
        .await;
    assert_eq!(outcome.body["ts"], "1700000000.000009");
    let incident = h.app.core.store.get(IncidentId(1)).await.unwrap().unwrap();
    assert_eq!(incident.acknowledged_by.as_deref(), Some(BOB));
    let pending = h
        .app
        .core
        .schedule
        .pending(Some(IncidentId(1)))
        .await
        .unwrap();
    assert!(
        pending.iter().all(|j| j.kind != JobKind::Escalate),
        "the lead's level is withdrawn: {pending:?}"
    );

    h.command(ALICE, "/incident", "postmortem").await;
    let draft = h
        .fake
        .wait_for_text("chat.postMessage", "Post-mortem draft")
        .await;
    // The link is posted whole: nothing in it looks like a secret to the redactor.
    let link = shown(&draft.body)
        .split("https://warroom.example.com/incidents/1?sig=")
        .nth(1)
        .map(|rest| rest.split([' ', '>']).next().unwrap().to_string())
        .unwrap_or_else(|| panic!("no link in {}", draft.body));
    let (expiry, signature) = link.split_once('.').expect("EXPIRY.SIG");
    assert!(expiry.parse::<i64>().is_ok(), "{link}");
    assert_eq!(signature.len(), 64, "{link}");
    let uploads = h.fake.wait_for("files.getUploadURLExternal", 1).await;
    assert!(
        shown(&uploads[0].body).contains("INC-1-postmortem.md"),
        "{uploads:?}"
    );
}
