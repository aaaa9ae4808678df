//! The whole incident story through Slack, as an on-call team lives it: the real `warroom
//! serve` binary, signed requests in, a fake Slack Web API recording what it posts, ECS and
//! CloudWatch Logs in moto, a real HTTP health endpoint.

use std::net::TcpListener;

use warroom_tests::binary::{Serving, confirmation_token};
use warroom_tests::http::{Answer, serve};
use warroom_tests::moto::Moto;
use warroom_tests::slack::{Card, FakeSlack, SlackClient};

const SECRET: &str = "story-signing-secret";
const CHANNEL: &str = "C0CHECKOUT";
const ALICE: &str = "U0ALICE";
const BOB: &str = "U0BOB";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declare_investigate_roll_back_resolve_and_review() {
    let moto = Moto::start();
    let ecs = moto.seed_ecs().await;
    moto.seed_logs(&[
        (12, "INFO request ok"),
        (9, "ERROR upstream returned 502"),
        (4, "ERROR upstream returned 502"),
    ])
    .await;
    let health = serve(Answer::json(
        200,
        r#"{"status":"ok","components":{"db":"ok"}}"#,
    ))
    .await;
    let fake = FakeSlack::start().await;
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:{port}\"\n[slack]\nsigning_secret = \"{SECRET}\"\nbot_token = \"xoxb-story\"\napi_url = \"{api}\"\n{rest}",
        api = fake.api_url(),
        rest = warroom_tests::story_config(
            &format!("slack:{ALICE}"),
            &format!("slack:{BOB}"),
            &moto.url,
            health
        ),
    );
    std::fs::write(dir.path().join("warroom.toml"), config).unwrap();
    let _serving = Serving::start(dir.path(), port).await;
    let slack = SlackClient::new(format!("127.0.0.1:{port}").parse().unwrap(), SECRET);
    let respond = fake.response_url(1);
    let say = |user: &'static str, command: &'static str, text: &'static str| {
        let slack = &slack;
        let respond = respond.clone();
        async move {
            assert_eq!(
                slack.command(user, CHANNEL, command, text, &respond).await,
                200
            );
        }
    };
    let posted = |n: usize| {
        let fake = fake.clone();
        async move {
            fake.wait_for("chat.postMessage", n)
                .await
                .remove(n - 1)
                .body
                .to_string()
        }
    };

    say(ALICE, "/incident", "p1 checkout returns 502").await;
    assert!(posted(1).await.contains("INC-1 P1 · checkout returns 502"));
    let card_ts = fake.calls_to("chat.postMessage")[0].body["ts"].clone();
    say(BOB, "/incident", "ack").await;
    // The change goes into the card's thread, and the card itself is redrawn in place.
    let change: serde_json::Value = serde_json::from_str(&posted(2).await).unwrap();
    assert!(change.to_string().contains("acknowledged"), "{change}");
    assert_eq!(change["thread_ts"], card_ts);
    let redrawn = fake.wait_for_text("chat.update", "Acknowledged").await;
    assert_eq!(redrawn.body["ts"], card_ts);
    assert!(
        redrawn.body.to_string().contains("by <@U0BOB>"),
        "{:?}",
        redrawn.body
    );

    say(ALICE, "/health", "api").await;
    let health = posted(3).await;
    assert!(health.contains("Health of api"), "{health}");
    assert!(
        health.contains("ECS prod/api") && health.contains("api:3"),
        "{health}"
    );

    say(ALICE, "/logs", "api --since 1h --grep ERROR").await;
    let logs = posted(4).await;
    assert!(logs.contains("ERROR upstream returned 502"), "{logs}");
    assert!(!logs.contains("INFO request ok"), "{logs}");

    say(ALICE, "/rollback", "api").await;
    let card: serde_json::Value = serde_json::from_str(&posted(5).await).unwrap();
    assert!(card.to_string().contains("api:3 → api:2"), "{card}");
    let token = confirmation_token(&card.to_string());
    let on_card = Card {
        channel: CHANNEL,
        message: &card,
        ts: card["ts"].as_str().unwrap_or("1700000000.000005"),
        response_url: &respond,
    };
    assert_eq!(
        slack.click(BOB, &on_card, "warroom:confirm", &token).await,
        200
    );
    fake.wait_for_text("chat.update", "✅ api/rollback").await;
    let running = moto.ecs_running(&ecs).await;
    assert!(running.ends_with("api:2"), "ECS runs {running}");

    say(ALICE, "/incident", "resolve bad deploy rolled back").await;
    assert!(posted(6).await.contains("resolved"));
    fake.wait_for_text("chat.update", "*Resolved*").await;
    say(ALICE, "/incident", "postmortem").await;
    let review = posted(7).await;
    assert!(review.contains("Actions taken"), "{review}");
    assert!(review.contains("rollback"), "{review}");
    assert!(
        review.contains("U0BOB"),
        "the approver is on record: {review}"
    );
}
