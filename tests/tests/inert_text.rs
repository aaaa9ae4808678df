//! Text people type is inert wherever warroom repeats it: a title or note written as
//! `<!channel> <!here> <@U0LEAD> <https://evil.example|click>` pings nobody and disguises no
//! link, on Slack (mrkdwn and the notification `text`) and on Discord (embeds). Only mentions
//! warroom writes itself, from ids, may ping.

use std::net::TcpListener;

use serde_json::{Value, json};
use warroom_tests::binary::Serving;
use warroom_tests::discord::{DiscordClient, FakeDiscord, command};
use warroom_tests::slack::{FakeSlack, SlackClient};
use warroom_tests::slack_app::OPEN_POLICY;

/// What an outside check typed: both broadcasts, a person, and a link that shows other text.
const SLACK_PAYLOAD: &str = "<!channel> <!here> <@U0LEAD> <https://evil.example|click>";
const DISCORD_PAYLOAD: &str =
    "@everyone <@2000000000000000009> <@&77> [click](https://evil.example)";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Every string Slack would read as mrkdwn: the message's `text` and each `mrkdwn` object.
fn slack_mrkdwn(body: &Value, out: &mut Vec<String>) {
    match body {
        Value::Object(map) => {
            let is_mrkdwn = map.get("type").and_then(Value::as_str) == Some("mrkdwn");
            for (key, value) in map {
                if let (true, "text", Some(text)) = (is_mrkdwn, key.as_str(), value.as_str()) {
                    out.push(text.to_string());
                }
                slack_mrkdwn(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| slack_mrkdwn(v, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_never_pings_or_links_from_what_people_typed() {
    const SECRET: &str = "inert-signing-secret";
    let fake = FakeSlack::start().await;
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:{port}\"\n[slack]\nsigning_secret = \"{SECRET}\"\nbot_token = \"xoxb-inert\"\napi_url = \"{api}\"\n{OPEN_POLICY}",
        api = fake.api_url(),
    );
    std::fs::write(dir.path().join("warroom.toml"), config).unwrap();
    let _serving = Serving::start(dir.path(), port).await;
    let slack = SlackClient::new(format!("127.0.0.1:{port}").parse().unwrap(), SECRET);
    let respond = fake.response_url(1);
    // Each command after the previous one is answered, as a person types them: the card, then
    // the note in its thread; the list goes to the caller only.
    for (text, method, count) in [
        (format!("p1 db down {SLACK_PAYLOAD}"), "chat.postMessage", 1),
        (format!("note {SLACK_PAYLOAD}"), "chat.postMessage", 2),
        ("list".to_string(), "response_url", 1),
    ] {
        let status = slack
            .command("U0MALLORY", "C0INERT", "/incident", &text, &respond)
            .await;
        assert_eq!(status, 200, "/incident {text}");
        fake.wait_for(method, count).await;
    }

    let mut mrkdwn = Vec::new();
    for call in fake.calls() {
        if let Some(text) = call.body.get("text").and_then(Value::as_str) {
            mrkdwn.push(text.to_string());
        }
        slack_mrkdwn(&call.body, &mut mrkdwn);
    }
    for raw in [
        "<!channel>",
        "<!here>",
        "<@U0LEAD>",
        "<https://evil.example|click>",
    ] {
        let found: Vec<&String> = mrkdwn.iter().filter(|t| t.contains(raw)).collect();
        assert!(found.is_empty(), "{raw} reached Slack as mrkdwn: {found:?}");
    }
    // What was typed is still shown, as text.
    let escaped =
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U0LEAD&gt; &lt;https://evil.example|click&gt;";
    let shown = mrkdwn.iter().filter(|t| t.contains(escaped)).count();
    assert!(
        shown >= 2,
        "the note and the card's notification show the typed text escaped: {mrkdwn:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_embeds_never_mention_or_disguise_a_link() {
    const CHANNEL: &str = "1111111111111111111";
    const MALLORY: &str = "2000000000000000005";
    let fake = FakeDiscord::start().await;
    let port = free_port();
    let mut discord = DiscordClient::new(format!("127.0.0.1:{port}").parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:{port}\"\n[discord]\nmode = \"http\"\nbot_token = \"inert-bot-token\"\napplication_id = \"1300000000000000001\"\npublic_key = \"{key}\"\napi_url = \"{api}\"\n{OPEN_POLICY}",
        key = discord.public_key(),
        api = fake.api_url(),
    );
    std::fs::write(dir.path().join("warroom.toml"), config).unwrap();
    let _serving = Serving::start(dir.path(), port).await;
    discord.base = format!("http://127.0.0.1:{port}");
    let incident = |sub: &str, options: Value| json!({ "name": "incident", "type": 1, "options": [{ "name": sub, "type": 1, "options": options }] });
    let declare = incident(
        "declare",
        json!([{ "name": "severity", "value": "p1" }, { "name": "title", "value": DISCORD_PAYLOAD }]),
    );
    let note = incident(
        "note",
        json!([{ "name": "text", "value": DISCORD_PAYLOAD }]),
    );
    let mut answers = Vec::new();
    for (n, data) in [declare, note].into_iter().enumerate() {
        let (status, _) = discord.post(&command(MALLORY, &[], CHANNEL, data)).await;
        assert_eq!(status, 200);
        answers = fake.wait_for("PATCH", "/messages/@original", n + 1).await;
    }

    let mut embedded = Vec::new();
    for call in fake.calls() {
        for embed in call.body["embeds"].as_array().into_iter().flatten() {
            let mut texts = vec![
                &embed["title"],
                &embed["description"],
                &embed["footer"]["text"],
            ];
            for field in embed["fields"].as_array().into_iter().flatten() {
                texts.extend([&field["name"], &field["value"]]);
            }
            embedded.extend(
                texts
                    .into_iter()
                    .filter_map(Value::as_str)
                    .map(String::from),
            );
        }
        // Nothing warroom answers may ping by parsing its text.
        if call.body.get("content").is_some() {
            assert_eq!(
                call.body["allowed_mentions"]["parse"],
                json!([]),
                "{:?}",
                call.body
            );
        }
    }
    for raw in [
        "<@2000000000000000009>",
        "<@&77>",
        "[click](https://evil.example)",
    ] {
        let found: Vec<&String> = embedded.iter().filter(|t| t.contains(raw)).collect();
        assert!(
            found.is_empty(),
            "{raw} reached Discord unescaped: {found:?}"
        );
    }
    let escaped = r"\<@2000000000000000009\> \<@&77\> \[click\](https://evil.example)";
    assert!(
        embedded.iter().filter(|t| t.contains(escaped)).count() >= 2,
        "the title and the note are shown escaped: {embedded:?} {answers:?}"
    );
}
