//! A fake Slack on loopback: the Web API and response_urls, recording every call warroom makes,
//! and (in `slack_client`) a client that signs requests the way Slack does.
//!
//! Like Slack, it limits messages per channel: chat.postMessage and chat.update into one channel
//! may come [`PACE_BURST`] at once, then one every [`PACE_INTERVAL`]; beyond that it answers 429
//! with `Retry-After: 1`. So a test sees what warroom's pace would cost it on the real Slack,
//! and can read when each channel's messages arrived.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub use crate::slack_client::{Card, SlackClient, sign};

/// One call warroom made: the Web API method (or `response_url`, `upload`) and its body.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    /// The Authorization header, to check which token was used.
    pub auth: Option<String>,
    /// When the fake took it.
    pub at: Instant,
}

/// Messages one channel takes at once before the fake refuses with 429.
pub const PACE_BURST: u32 = 4;
/// Then one message a channel every this long.
pub const PACE_INTERVAL: Duration = Duration::from_secs(1);
/// The methods that write a message into a channel, paced per channel as Slack paces them.
const PACED: [&str; 2] = ["chat.postMessage", "chat.update"];

#[derive(Default)]
struct Recorded {
    calls: Vec<Call>,
    next_ts: u64,
    /// Methods that answer 429 this many more times before succeeding.
    rate_limited: Vec<(String, u32)>,
    /// Per channel: when its pace lets a whole burst through again.
    full_at: HashMap<String, Instant>,
    /// Per channel: the 429s its pace answered.
    paced_refusals: BTreeMap<String, u32>,
    /// Per channel: when each message it accepted arrived.
    arrivals: BTreeMap<String, Vec<Instant>>,
    /// usergroups.list: group id and members.
    groups: Vec<(String, Vec<String>)>,
    /// What apps.connections.open answers.
    socket_url: Option<String>,
    /// What conversations.history answers: (channel, message).
    messages: Vec<(String, Value)>,
}

#[derive(Clone)]
pub struct FakeSlack {
    state: Arc<Mutex<Recorded>>,
    pub addr: SocketAddr,
}

impl FakeSlack {
    pub async fn start() -> FakeSlack {
        let state: Arc<Mutex<Recorded>> = Arc::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = FakeSlack { state, addr };
        let app = Router::new()
            .route("/api/{method}", post(api).get(api))
            .route("/upload/{file}", post(upload))
            .route("/response/{n}", post(response_url))
            .route("/ping", get(|| async { "pong" }))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// `slack.api_url` for warroom's configuration.
    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// A response_url that records what is posted to it.
    pub fn response_url(&self, n: u32) -> String {
        format!("http://{}/response/{n}", self.addr)
    }

    /// Makes `method` answer 429 (Retry-After: 1) the next `times` calls, whatever the pace.
    pub fn rate_limit(&self, method: &str, times: u32) {
        self.state
            .lock()
            .unwrap()
            .rate_limited
            .push((method.to_string(), times));
    }

    /// What usergroups.list answers: each group with its members.
    pub fn set_user_groups(&self, groups: &[(&str, &[&str])]) {
        self.state.lock().unwrap().groups = groups
            .iter()
            .map(|(g, users)| (g.to_string(), users.iter().map(|u| u.to_string()).collect()))
            .collect();
    }

    /// A message in a channel's history, as conversations.history returns it.
    pub fn add_message(&self, channel: &str, ts: &str, user: &str, text: &str) {
        self.state.lock().unwrap().messages.push((
            channel.to_string(),
            json!({ "type": "message", "ts": ts, "user": user, "text": text }),
        ));
    }

    /// The websocket URL apps.connections.open hands out.
    pub fn set_socket_url(&self, url: &str) {
        self.state.lock().unwrap().socket_url = Some(url.to_string());
    }

    /// The 429s that the per-channel pace answered, by channel (not those of [`Self::rate_limit`]).
    pub fn paced_refusals(&self) -> BTreeMap<String, u32> {
        self.state.lock().unwrap().paced_refusals.clone()
    }

    /// When each accepted chat.postMessage or chat.update arrived, by channel, in order.
    pub fn arrivals(&self) -> BTreeMap<String, Vec<Instant>> {
        self.state.lock().unwrap().arrivals.clone()
    }

    /// When each accepted message of `channel` arrived, in order.
    pub fn arrivals_in(&self, channel: &str) -> Vec<Instant> {
        self.arrivals().remove(channel).unwrap_or_default()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    /// How many calls to `method` have arrived, without copying them (a flood makes many).
    pub fn count(&self, method: &str) -> usize {
        let state = self.state.lock().unwrap();
        state.calls.iter().filter(|c| c.method == method).count()
    }

    /// Waits until `count` calls to `method` have arrived (work is done on tasks after the
    /// acknowledgement), then returns them.
    pub async fn wait_for(&self, method: &str, count: usize) -> Vec<Call> {
        for _ in 0..200 {
            let calls = self.calls_to(method);
            if calls.len() >= count {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "expected {count} calls to {method} within 5 s; got {:#?}",
            self.calls()
        );
    }

    /// Waits for the first call to `method` whose body contains `text`.
    pub async fn wait_for_text(&self, method: &str, text: &str) -> Call {
        self.wait_for_text_within(method, text, Duration::from_secs(5))
            .await
    }

    /// As [`FakeSlack::wait_for_text`], for work that comes later than a request's answer.
    pub async fn wait_for_text_within(&self, method: &str, text: &str, within: Duration) -> Call {
        let polls = within.as_millis() / 25;
        for _ in 0..polls {
            if let Some(call) = self
                .calls_to(method)
                .into_iter()
                .find(|c| c.body.to_string().contains(text))
            {
                return call;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "expected a call to {method} containing {text:?} within {within:?}; got {:#?}",
            self.calls()
        );
    }

    /// Records a call (its index and body), or answers 429 while `method` is rate limited or
    /// its channel's pace is spent.
    fn record(
        &self,
        method: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(usize, Value), Box<Response>> {
        let parsed = if method == "upload" {
            json!(String::from_utf8_lossy(body))
        } else {
            parse(body)
        };
        let mut state = self.state.lock().unwrap();
        if let Some((_, left)) = state
            .rate_limited
            .iter_mut()
            .find(|(m, left)| m == method && *left > 0)
        {
            *left -= 1;
            return Err(too_many_requests());
        }
        if PACED.contains(&method)
            && let Some(channel) = parsed["channel"].as_str()
        {
            let now = Instant::now();
            let full_at = state.full_at.get(channel).map_or(now, |t| (*t).max(now));
            if full_at - now > PACE_INTERVAL * (PACE_BURST - 1) {
                *state.paced_refusals.entry(channel.to_string()).or_default() += 1;
                return Err(too_many_requests());
            }
            state
                .full_at
                .insert(channel.to_string(), full_at + PACE_INTERVAL);
            state
                .arrivals
                .entry(channel.to_string())
                .or_default()
                .push(now);
        }
        state.calls.push(Call {
            method: method.to_string(),
            body: parsed.clone(),
            auth: headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(String::from),
            at: Instant::now(),
        });
        Ok((state.calls.len() - 1, parsed))
    }

    fn next_ts(&self) -> String {
        let mut state = self.state.lock().unwrap();
        state.next_ts += 1;
        format!("1700000000.{:06}", state.next_ts)
    }
}

async fn api(
    State(fake): State<FakeSlack>,
    Path(method): Path<String>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    // GET methods carry their arguments in the query.
    let body = if body.is_empty() {
        Bytes::from(uri.query().unwrap_or("").to_string())
    } else {
        body
    };
    let (index, body) = match fake.record(&method, &headers, &body) {
        Ok(recorded) => recorded,
        Err(refused) => return *refused,
    };
    let channel = body["channel"].clone();
    let answer = match method.as_str() {
        "chat.postMessage" => {
            let ts = fake.next_ts();
            // Kept with the call, so a test can refer to the message as Slack would.
            fake.state.lock().unwrap().calls[index].body["ts"] = json!(ts);
            json!({ "ok": true, "channel": channel, "ts": ts, "message": { "ts": ts, "text": body["text"] } })
        }
        "chat.update" => json!({
            "ok": true, "channel": channel, "ts": body["ts"], "message": { "text": body["text"] }
        }),
        "files.getUploadURLExternal" => json!({
            "ok": true,
            "upload_url": format!("http://{}/upload/F0001", fake.addr),
            "file_id": "F0001"
        }),
        "files.completeUploadExternal" => json!({ "ok": true, "files": [{ "id": "F0001" }] }),
        "conversations.create" => {
            let n = fake.calls_to("conversations.create").len();
            json!({ "ok": true, "channel": {
                "id": format!("C0NEW{n}"), "name": body["name"], "created": 1_700_000_000,
                "is_channel": true
            } })
        }
        "conversations.open" => {
            let user = body["users"].as_array().and_then(|u| u.first()).cloned();
            let user = user.as_ref().and_then(Value::as_str).unwrap_or("UNKNOWN");
            json!({ "ok": true, "channel": { "id": format!("D{user}") } })
        }
        "conversations.history" => {
            let messages: Vec<Value> = fake
                .state
                .lock()
                .unwrap()
                .messages
                .iter()
                .filter(|(c, m)| body["channel"] == c.as_str() && m["ts"] == body["latest"])
                .map(|(_, m)| m.clone())
                .collect();
            json!({ "ok": true, "messages": messages, "has_more": false })
        }
        "apps.connections.open" => {
            let url = fake.state.lock().unwrap().socket_url.clone();
            json!({ "ok": true, "url": url })
        }
        "usergroups.list" => {
            let groups = fake.state.lock().unwrap().groups.clone();
            let groups: Vec<Value> = groups
                .iter()
                .map(|(id, users)| {
                    json!({
                        "id": id, "team_id": "T0WARROOM", "is_usergroup": true, "name": id,
                        "handle": id.to_lowercase(), "is_external": false, "date_create": 1_700_000_000,
                        "created_by": "U0ADMIN", "prefs": { "channels": [], "groups": [] },
                        "users": users, "user_count": users.len()
                    })
                })
                .collect();
            json!({ "ok": true, "usergroups": groups })
        }
        "auth.test" => json!({
            "ok": true, "url": "https://acme.slack.com/", "team": "acme", "user": "warroom",
            "team_id": "T0WARROOM", "user_id": "U0WARROOM", "bot_id": "B0WARROOM"
        }),
        _ => json!({ "ok": true }),
    };
    axum::Json(answer).into_response()
}

async fn upload(
    State(fake): State<FakeSlack>,
    Path(file): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let _ = fake.record("upload", &headers, &body);
    format!("OK - {file}").into_response()
}

async fn response_url(
    State(fake): State<FakeSlack>,
    Path(_n): Path<u32>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let _ = fake.record("response_url", &headers, &body);
    "ok".into_response()
}

/// Slack's refusal when a call comes too soon: retry after a second.
fn too_many_requests() -> Box<Response> {
    Box::new(
        (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1"), ("content-type", "application/json")],
            r#"{"ok":false,"error":"ratelimited"}"#,
        )
            .into_response(),
    )
}

/// A request body as JSON: JSON itself, a form as an object, anything else as a string.
fn parse(body: &[u8]) -> Value {
    serde_json::from_slice::<Value>(body).unwrap_or_else(|_| {
        let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        if form.is_empty() {
            json!(String::from_utf8_lossy(body))
        } else {
            Value::Object(form.into_iter().map(|(k, v)| (k, json!(v))).collect())
        }
    })
}

/// Slack's side of Socket Mode: a websocket server on loopback that greets each connection,
/// sends the envelopes it is given, and records the acknowledgements it receives.
#[derive(Clone)]
pub struct SocketPeer {
    pub url: String,
    connections: Arc<Mutex<usize>>,
    acks: Arc<Mutex<Vec<String>>>,
    outbox: Arc<tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<Value>>>,
    sender: tokio::sync::mpsc::UnboundedSender<Value>,
}

impl SocketPeer {
    pub async fn start() -> SocketPeer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let peer = SocketPeer {
            url: format!("ws://{}/link", listener.local_addr().unwrap()),
            connections: Arc::default(),
            acks: Arc::default(),
            outbox: Arc::new(tokio::sync::Mutex::new(receiver)),
            sender,
        };
        let serving = peer.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let peer = serving.clone();
                tokio::spawn(async move { peer.serve(stream).await });
            }
        });
        peer
    }

    async fn serve(&self, stream: tokio::net::TcpStream) {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        let Ok(socket) = tokio_tungstenite::accept_async(stream).await else {
            return;
        };
        *self.connections.lock().unwrap() += 1;
        let (mut write, mut read) = socket.split();
        let hello = json!({ "type": "hello", "num_connections": 1 });
        if write.send(Message::text(hello.to_string())).await.is_err() {
            return;
        }
        let mut outbox = self.outbox.lock().await;
        loop {
            tokio::select! {
                next = outbox.recv() => {
                    let Some(envelope) = next else { return };
                    let last = envelope["type"] == "disconnect";
                    if write.send(Message::text(envelope.to_string())).await.is_err() || last {
                        return;
                    }
                }
                incoming = read.next() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        let ack: Value = serde_json::from_str(&text).unwrap_or_default();
                        if let Some(id) = ack["envelope_id"].as_str() {
                            self.acks.lock().unwrap().push(id.to_string());
                        }
                    }
                    Some(Ok(_)) => {}
                    _ => return,
                }
            }
        }
    }

    /// Sends an envelope on the current connection (or the next one).
    pub fn send(&self, envelope: Value) {
        self.sender.send(envelope).unwrap();
    }

    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }

    pub fn acks(&self) -> Vec<String> {
        self.acks.lock().unwrap().clone()
    }
}
