//! A fake paging provider on loopback (PagerDuty's Events API or Opsgenie's Alert API; both
//! are JSON POSTs answered 202), recording every call, with scripted answers: a test makes it
//! answer 429 with `Retry-After` once, or refuse for good, and sees what warroom sent.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// One call as the provider received it.
#[derive(Debug, Clone)]
pub struct PagerCall {
    /// Path and query: `/v2/enqueue`, `/v2/alerts/warroom-INC-1/acknowledge?identifierType=alias`.
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
}

/// How the next call is answered.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub status: u16,
    pub retry_after: Option<u64>,
    pub body: String,
}

#[derive(Default)]
struct Recorded {
    calls: Vec<PagerCall>,
    script: VecDeque<Scripted>,
}

#[derive(Clone)]
pub struct FakePager {
    state: Arc<Mutex<Recorded>>,
    /// Rung at every call, so a test waits for the call rather than for time to pass.
    arrived: Arc<tokio::sync::Notify>,
    pub addr: SocketAddr,
}

impl FakePager {
    pub async fn start() -> FakePager {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let fake = FakePager {
            state: Arc::default(),
            arrived: Arc::default(),
            addr,
        };
        let app = Router::new().fallback(answer).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// The API base for warroom's configuration.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the next call with `status` (and `Retry-After`, and `body`); later calls get
    /// 202 unless more are scripted.
    pub fn then(&self, status: u16, retry_after: Option<u64>, body: &str) {
        self.state.lock().unwrap().script.push_back(Scripted {
            status,
            retry_after,
            body: body.to_string(),
        });
    }

    pub fn calls(&self) -> Vec<PagerCall> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Waits until `count` calls have arrived (within 20 s: a retry waits for `Retry-After`).
    pub async fn wait_for(&self, count: usize) -> Vec<PagerCall> {
        let enough = async {
            loop {
                // Registered before looking, so a call between the look and the wait wakes it.
                let arrived = self.arrived.notified();
                let calls = self.calls();
                if calls.len() >= count {
                    return calls;
                }
                arrived.await;
            }
        };
        match tokio::time::timeout(Duration::from_secs(20), enough).await {
            Ok(calls) => calls,
            Err(_) => panic!(
                "expected {count} calls within 20 s; got {:#?}",
                self.calls()
            ),
        }
    }
}

async fn answer(
    State(fake): State<FakePager>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let scripted = {
        let mut state = fake.state.lock().unwrap();
        state.calls.push(PagerCall {
            path: uri.to_string(),
            authorization: headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        });
        state.script.pop_front()
    };
    fake.arrived.notify_waiters();
    match scripted {
        Some(s) => {
            let status = StatusCode::from_u16(s.status).unwrap_or(StatusCode::BAD_REQUEST);
            let mut response = (status, s.body).into_response();
            if let Some(after) = s.retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", after.to_string().parse().unwrap());
            }
            response
        }
        None => (
            StatusCode::ACCEPTED,
            r#"{"status":"success","message":"Event processed","requestId":"r-1"}"#,
        )
            .into_response(),
    }
}
