//! A fake Discord REST API on loopback recording every call warroom makes, and a client that
//! signs interactions with an Ed25519 key made for the test, as Discord does.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

/// One REST call: method, path under `/api/v10`, and body.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
}

#[derive(Clone)]
pub struct FakeDiscord {
    calls: Arc<Mutex<Vec<Call>>>,
    /// What GET .../commands answers: the last PUT.
    commands: Arc<Mutex<Value>>,
    /// What GET /gateway answers.
    gateway_url: Arc<Mutex<String>>,
    /// How many more edits of an original response to refuse as Discord does before it has
    /// taken the deferred response: 404 Unknown Webhook.
    originals_late: Arc<AtomicUsize>,
    pub addr: SocketAddr,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = FakeDiscord {
            calls: Arc::default(),
            commands: Arc::new(Mutex::new(json!([]))),
            gateway_url: Arc::default(),
            originals_late: Arc::default(),
            addr: listener.local_addr().unwrap(),
        };
        let app = Router::new().fallback(answer).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// `discord.api_url` for warroom's configuration.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The websocket URL GET /gateway hands out.
    pub fn set_gateway_url(&self, url: &str) {
        *self.gateway_url.lock().unwrap() = url.to_string();
    }

    /// Refuses the next `count` edits of an original response with 404, as Discord does while
    /// it has not yet taken warroom's deferred response.
    pub fn original_late(&self, count: usize) {
        self.originals_late.store(count, Ordering::SeqCst);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Calls whose method is `method` and whose path contains `part`.
    pub fn calls_to(&self, method: &str, part: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method && c.path.contains(part))
            .collect()
    }

    /// Waits for `count` such calls (replies are sent after the acknowledgement).
    pub async fn wait_for(&self, method: &str, part: &str, count: usize) -> Vec<Call> {
        for _ in 0..200 {
            let calls = self.calls_to(method, part);
            if calls.len() >= count {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "expected {count} {method} …{part}… within 5 s; got {:#?}",
            self.calls()
        );
    }
}

async fn answer(
    State(fake): State<FakeDiscord>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_start_matches("/api/v10").to_string();
    // JSON bodies as JSON; a multipart upload (a file) as its text.
    let body: Value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    fake.calls.lock().unwrap().push(Call {
        method: method.to_string(),
        path: path.clone(),
        body: body.clone(),
    });
    if path.ends_with("/commands") {
        if method == Method::PUT {
            *fake.commands.lock().unwrap() = body;
        }
        return axum::Json(fake.commands.lock().unwrap().clone()).into_response();
    }
    if method == Method::DELETE {
        return StatusCode::NO_CONTENT.into_response();
    }
    let late = || {
        fake.originals_late
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    };
    if method == Method::PATCH && path.ends_with("/messages/@original") && late() {
        let unknown = json!({ "message": "Unknown Webhook", "code": 10015 });
        return (StatusCode::NOT_FOUND, axum::Json(unknown)).into_response();
    }
    if path.starts_with("/gateway") {
        let url = fake.gateway_url.lock().unwrap().clone();
        return axum::Json(json!({ "url": url, "shards": 1,
            "session_start_limit": { "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1 } }))
        .into_response();
    }
    if path == "/users/@me/channels" {
        // The direct-message channel of user 2…N is 5…N.
        let user = body["recipient_id"].as_str().unwrap_or("0");
        let dm = format!("5{}", user.get(1..).unwrap_or_default());
        return axum::Json(json!({ "id": dm, "type": 1 })).into_response();
    }
    // A channel is answered as a server's text channel: warroom reads which server it is in.
    if method == Method::GET
        && let Some(id) = path.strip_prefix("/channels/")
        && !id.contains('/')
    {
        return axum::Json(
            json!({ "id": id, "type": 0, "guild_id": "1400000000000000001", "name": "incidents" }),
        )
        .into_response();
    }
    // Messages are answered as Discord does: with their id and channel.
    let channel = path
        .strip_prefix("/channels/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("1111111111111111111");
    axum::Json(json!({
        "id": "1100000000000000001", "channel_id": channel, "content": body["content"],
        "author": { "id": "1300000000000000001", "username": "warroom", "discriminator": "0000", "avatar": null, "bot": true },
        "timestamp": "2026-11-22T03:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": false, "type": 0
    }))
    .into_response()
}

/// Signs and posts interactions to warroom's `/discord/interactions`.
pub struct DiscordClient {
    pub base: String,
    key: SigningKey,
    http: reqwest::Client,
}

impl DiscordClient {
    /// A client with a fresh Ed25519 key; warroom must be configured with [`Self::public_key`].
    pub fn new(warroom: SocketAddr) -> DiscordClient {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("the operating system's random source");
        DiscordClient {
            base: format!("http://{warroom}"),
            key: SigningKey::from_bytes(&seed),
            http: reqwest::Client::new(),
        }
    }

    /// The public key, as hex, for `discord.public_key`.
    pub fn public_key(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    pub fn sign_with(key: &SigningKey, timestamp: &str, body: &str) -> String {
        hex(&key.sign(format!("{timestamp}{body}").as_bytes()).to_bytes())
    }

    /// This client's signature of `body` at `timestamp`.
    pub fn sign_for_test(&self, timestamp: &str, body: &str) -> String {
        Self::sign_with(&self.key, timestamp, body)
    }

    /// Posts `body` signed now; the status and the JSON answer.
    pub async fn post(&self, body: &Value) -> (u16, Value) {
        let body = body.to_string();
        let now = chrono::Utc::now().timestamp().to_string();
        let signature = Self::sign_with(&self.key, &now, &body);
        self.post_raw(&body, Some(&now), Some(&signature)).await
    }

    pub async fn post_raw(
        &self,
        body: &str,
        timestamp: Option<&str>,
        signature: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/discord/interactions", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(t) = timestamp {
            request = request.header("x-signature-timestamp", t);
        }
        if let Some(s) = signature {
            request = request.header("x-signature-ed25519", s);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let answer = response.json::<Value>().await.unwrap_or(Value::Null);
        (status, answer)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new interaction id: Discord gives every interaction its own snowflake, and warroom keys
/// its inbox on it.
fn interaction_id() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("12{:017}", n + u64::from(std::process::id()) * 1_000_000)
}

/// An application command interaction as Discord sends it, from a guild member with `roles`.
pub fn command(user: &str, roles: &[&str], channel: &str, data: Value) -> Value {
    json!({
        "id": interaction_id(), "application_id": "1300000000000000001", "type": 2,
        "token": format!("itok-{}", chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)),
        "version": 1, "guild_id": "1400000000000000001", "channel_id": channel,
        "app_permissions": "0", "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {}, "context": 0,
        "attachment_size_limit": 10_485_760,
        "member": { "user": { "id": user, "username": "someone", "discriminator": "0", "global_name": null, "avatar": null },
                    "roles": roles, "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0, "permissions": "0" },
        "data": data,
    })
}

/// A click on a button of `message`, as Discord sends it.
pub fn click(user: &str, roles: &[&str], channel: &str, message: &Value, custom_id: &str) -> Value {
    let mut click = command(
        user,
        roles,
        channel,
        json!({ "custom_id": custom_id, "component_type": 2 }),
    );
    click["type"] = json!(3);
    click["message"] = json!({
        "id": "1500000000000000001", "channel_id": channel, "content": "",
        "embeds": message["embeds"], "components": message["components"]
    });
    click
}

/// The custom id of the first button of a message warroom sent (Confirm, Acknowledge).
pub fn first_button(message: &Value) -> String {
    message["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no button in {message}"))
        .to_string()
}

/// Discord's gateway for one bot: greets, accepts the identify with READY, answers heartbeats,
/// and dispatches the interactions it is given as INTERACTION_CREATE events.
#[derive(Clone)]
pub struct FakeGateway {
    pub url: String,
    identified: Arc<Mutex<Vec<Value>>>,
    sender: tokio::sync::mpsc::UnboundedSender<Value>,
    outbox: Arc<tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<Value>>>,
}

impl FakeGateway {
    pub async fn start() -> FakeGateway {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let gateway = FakeGateway {
            url: format!("ws://{}", listener.local_addr().unwrap()),
            identified: Arc::default(),
            sender,
            outbox: Arc::new(tokio::sync::Mutex::new(receiver)),
        };
        let serving = gateway.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let gateway = serving.clone();
                tokio::spawn(async move { gateway.serve(stream).await });
            }
        });
        gateway
    }

    async fn serve(&self, stream: tokio::net::TcpStream) {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        let Ok(socket) = tokio_tungstenite::accept_async(stream).await else {
            return;
        };
        let (mut write, mut read) = socket.split();
        let hello = json!({ "op": 10, "d": { "heartbeat_interval": 41250 } });
        if write.send(Message::text(hello.to_string())).await.is_err() {
            return;
        }
        let mut outbox = self.outbox.lock().await;
        let mut sequence = 0;
        loop {
            tokio::select! {
                next = outbox.recv() => {
                    let Some(interaction) = next else { return };
                    sequence += 1;
                    let event = json!({ "op": 0, "t": "INTERACTION_CREATE", "s": sequence, "d": interaction });
                    if write.send(Message::text(event.to_string())).await.is_err() {
                        return;
                    }
                }
                incoming = read.next() => {
                    let Some(Ok(Message::Text(text))) = incoming else {
                        match incoming {
                            Some(Ok(_)) => continue,
                            _ => return,
                        }
                    };
                    let frame: Value = serde_json::from_str(&text).unwrap_or_default();
                    let answer = match frame["op"].as_u64() {
                        Some(2) => {
                            self.identified.lock().unwrap().push(frame["d"].clone());
                            sequence += 1;
                            json!({ "op": 0, "t": "READY", "s": sequence, "d": {
                                "v": 10,
                                "user": { "id": "1300000000000000001", "username": "warroom", "discriminator": "0000",
                                          "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0 },
                                "guilds": [], "session_id": "fake-session", "resume_gateway_url": self.url,
                                "shard": [0, 1], "application": { "id": "1300000000000000001", "flags": 0 }
                            } })
                        }
                        Some(1) => json!({ "op": 11 }),
                        _ => continue,
                    };
                    if write.send(Message::text(answer.to_string())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Dispatches an interaction to the connected bot.
    pub fn dispatch(&self, interaction: Value) {
        self.sender.send(interaction).unwrap();
    }

    /// The IDENTIFY payloads received.
    pub fn identified(&self) -> Vec<Value> {
        self.identified.lock().unwrap().clone()
    }
}
