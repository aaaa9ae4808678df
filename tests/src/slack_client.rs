//! Slack's side of the conversation: a client that signs and posts slash commands, clicks and
//! events to warroom's routes exactly as Slack does, so the tests exercise the real signature
//! check and the real payload parsing.

use std::net::SocketAddr;

use serde_json::{Value, json};

/// A message with buttons, as a click refers to it.
#[derive(Clone, Copy)]
pub struct Card<'a> {
    pub channel: &'a str,
    pub message: &'a Value,
    pub ts: &'a str,
    /// Where warroom answers the person who clicked.
    pub response_url: &'a str,
}

impl<'a> Card<'a> {
    /// A message warroom posted, as the fake recorded it (with the ts the fake gave it).
    pub fn posted(message: &'a Value, response_url: &'a str) -> Card<'a> {
        Card {
            channel: message["channel"].as_str().unwrap_or_default(),
            message,
            ts: message["ts"].as_str().unwrap_or_default(),
            response_url,
        }
    }
}

/// Signs and posts requests to warroom's Slack routes, as Slack does.
pub struct SlackClient {
    pub base: String,
    pub secret: String,
    http: reqwest::Client,
}

/// The `v0=` signature of `body` at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2_next::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    let bytes = mac.finalize().into_bytes();
    format!(
        "v0={}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

impl SlackClient {
    pub fn new(warroom: SocketAddr, secret: &str) -> SlackClient {
        SlackClient {
            base: format!("http://{warroom}"),
            secret: secret.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// Posts `body` to `path`, signed now; the status code.
    pub async fn post(&self, path: &str, content_type: &str, body: &str) -> u16 {
        let now = chrono::Utc::now().timestamp();
        self.post_signed(
            path,
            content_type,
            body,
            now,
            &sign(&self.secret, now, body),
        )
        .await
    }

    /// Posts `body` to `path`, signed now; the status code and the body of the answer.
    pub async fn post_for_answer(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
    ) -> (u16, String) {
        let now = chrono::Utc::now().timestamp();
        let signature = sign(&self.secret, now, body);
        let response = self.send(path, content_type, body, (now, &signature)).await;
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    pub async fn post_signed(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        timestamp: i64,
        signature: &str,
    ) -> u16 {
        self.send(path, content_type, body, (timestamp, signature))
            .await
            .status()
            .as_u16()
    }

    /// Posts `body` to `path` with the `signed` timestamp and signature.
    async fn send(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        signed: (i64, &str),
    ) -> reqwest::Response {
        let (timestamp, signature) = signed;
        self.http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", timestamp.to_string())
            .header("x-slack-signature", signature)
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// A slash command as Slack sends it.
    pub fn command_form(
        user: &str,
        channel: &str,
        command: &str,
        text: &str,
        response_url: &str,
    ) -> String {
        serde_urlencoded::to_string([
            ("token", "deprecated"),
            ("team_id", "T0WARROOM"),
            ("team_domain", "acme"),
            ("channel_id", channel),
            ("channel_name", "incidents"),
            ("user_id", user),
            ("user_name", "someone"),
            ("command", command),
            ("text", text),
            ("api_app_id", "A0WARROOM"),
            ("response_url", response_url),
            ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
        ])
        .unwrap()
    }

    pub async fn command(
        &self,
        user: &str,
        channel: &str,
        command: &str,
        text: &str,
        response_url: &str,
    ) -> u16 {
        let form = Self::command_form(user, channel, command, text, response_url);
        self.post(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            &form,
        )
        .await
    }

    /// A click on a button of `card`, as Slack's block_actions payload.
    pub async fn click(&self, user: &str, card: &Card<'_>, action_id: &str, value: &str) -> u16 {
        let form = Self::click_form(user, card, action_id, value);
        self.post(
            "/slack/interactions",
            "application/x-www-form-urlencoded",
            &form,
        )
        .await
    }

    /// The form Slack posts for a click on a button of `card` (its block_actions payload).
    pub fn click_form(user: &str, card: &Card<'_>, action_id: &str, value: &str) -> String {
        let Card {
            channel,
            message,
            ts,
            response_url,
        } = *card;
        let payload = json!({
            "type": "block_actions",
            "user": { "id": user, "username": "someone", "team_id": "T0WARROOM" },
            "api_app_id": "A0WARROOM",
            "team": { "id": "T0WARROOM", "domain": "acme" },
            "channel": { "id": channel, "name": "incidents" },
            "container": { "type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": false },
            "message": { "type": "message", "ts": ts, "text": message["text"], "blocks": message["blocks"] },
            "response_url": response_url,
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
            "actions": [{
                "type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                // Each click is its own request, as Slack's are.
                "action_ts": format!("{}", chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0))
            }]
        });
        serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
    }
}
