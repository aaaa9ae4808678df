//! The whole incident story through Discord: the real `warroom serve` binary, interactions
//! signed with a key made for the test, a fake Discord REST API, ECS and CloudWatch Logs in
//! moto, a real HTTP health endpoint.

use std::net::TcpListener;
use std::time::Duration;

use serde_json::{Value, json};
use warroom_tests::binary::Serving;
use warroom_tests::discord::{DiscordClient, FakeDiscord, click, command};
use warroom_tests::http::{Answer, serve};
use warroom_tests::moto::Moto;

const CHANNEL: &str = "1111111111111111111";
const ALICE: &str = "2000000000000000001";
const BOB: &str = "2000000000000000002";
const APP: &str = "1300000000000000001";

fn incident(sub: &str, options: Value) -> Value {
    json!({ "name": "incident", "type": 1, "options": [{ "name": sub, "type": 1, "options": options }] })
}

fn on(name: &str, service: &str, more: &[(&str, &str)]) -> Value {
    let mut options = vec![json!({ "name": "service", "type": 3, "value": service })];
    options.extend(
        more.iter()
            .map(|(n, v)| json!({ "name": n, "type": 3, "value": v })),
    );
    json!({ "name": name, "type": 1, "options": options })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declare_investigate_roll_back_resolve_and_review() {
    let moto = Moto::start();
    let ecs = moto.seed_ecs().await;
    moto.seed_logs(&[(12, "INFO request ok"), (4, "ERROR upstream returned 502")])
        .await;
    let health = serve(Answer::json(200, r#"{"status":"ok"}"#)).await;
    let fake = FakeDiscord::start().await;
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut discord = DiscordClient::new(format!("127.0.0.1:{port}").parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:{port}\"\n[discord]\nmode = \"http\"\nbot_token = \"story-bot-token\"\napplication_id = \"{APP}\"\npublic_key = \"{key}\"\napi_url = \"{api}\"\n{rest}",
        key = discord.public_key(),
        api = fake.api_url(),
        rest = warroom_tests::story_config(
            &format!("discord:{ALICE}"),
            &format!("discord:{BOB}"),
            &moto.url,
            health
        ),
    );
    std::fs::write(dir.path().join("warroom.toml"), config).unwrap();
    let _serving = Serving::start(dir.path(), port).await;
    discord.base = format!("http://127.0.0.1:{port}");
    let shown = |n: usize| {
        let fake = fake.clone();
        async move {
            fake.wait_for("PATCH", "/messages/@original", n)
                .await
                .remove(n - 1)
                .body
        }
    };

    let declare = incident(
        "declare",
        json!([{ "name": "severity", "value": "p1" }, { "name": "title", "value": "checkout returns 502" }]),
    );
    discord.post(&command(ALICE, &[], CHANNEL, declare)).await;
    assert!(
        shown(1)
            .await
            .to_string()
            .contains("INC-1 P1 · checkout returns 502")
    );

    discord
        .post(&command(ALICE, &[], CHANNEL, on("health", "api", &[])))
        .await;
    let health = shown(2).await.to_string();
    assert!(
        health.contains("Health of api") && health.contains("ECS prod/api"),
        "{health}"
    );

    discord
        .post(&command(
            ALICE,
            &[],
            CHANNEL,
            on("logs", "api", &[("since", "1h"), ("grep", "ERROR")]),
        ))
        .await;
    let logs = shown(3).await.to_string();
    assert!(
        logs.contains("ERROR upstream returned 502") && !logs.contains("INFO request ok"),
        "{logs}"
    );

    discord
        .post(&command(ALICE, &[], CHANNEL, on("rollback", "api", &[])))
        .await;
    let card = shown(4).await;
    assert!(card.to_string().contains("api:3 → api:2"), "{card}");
    let custom_id = card["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    discord
        .post(&click(BOB, &[], CHANNEL, &card, &custom_id))
        .await;
    let mut outcome = String::new();
    for _ in 0..200 {
        outcome = fake
            .calls_to("PATCH", "/messages/@original")
            .last()
            .unwrap()
            .body
            .to_string();
        if outcome.contains("✅ api/rollback") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(outcome.contains("✅ api/rollback"), "{outcome}");
    assert!(moto.ecs_running(&ecs).await.ends_with("api:2"));

    let edits = fake.calls_to("PATCH", "/messages/@original").len();
    discord
        .post(&command(
            ALICE,
            &[],
            CHANNEL,
            incident(
                "resolve",
                json!([{ "name": "summary", "value": "bad deploy rolled back" }]),
            ),
        ))
        .await;
    assert!(shown(edits + 1).await.to_string().contains("resolved"));
    discord
        .post(&command(
            ALICE,
            &[],
            CHANNEL,
            incident("postmortem", json!([])),
        ))
        .await;
    let review = shown(edits + 2).await.to_string();
    assert!(
        review.contains("Actions taken") && review.contains(BOB),
        "{review}"
    );
}
