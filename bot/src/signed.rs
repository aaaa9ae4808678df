//! One signature check in front of every inbound webhook route.
//!
//! A check that each handler must remember to make is a check that the next route forgets, and
//! a forgotten one lets an unsigned Confirm run a rollback. So the check is an axum layer that a
//! transport puts over its whole router ([`signed`]): it reads the body (within the transport's
//! body limit), verifies it with the transport's [`Signature`], logs and counts a refusal
//! (`warroom_requests_refused_total`) and answers 401, and only on success lets the request on,
//! carrying a [`Verified`]. Handlers take [`Verified`] as an extractor, and only this module can
//! make one, so a handler on a router without the layer cannot receive a request at all: it
//! refuses every one.
//!
//! Every later webhook route (alert sources, paging providers' callbacks) goes behind this same
//! layer, with a [`Signature`] of its own.
//!
//! A sender that signs inside the body, with a proof that takes a request of warroom's own to
//! check (Amazon SNS: the signing certificate is fetched from the URL the body names), has
//! [`BodySignature`] and [`signed_body`] instead: the same body limit, logging and counting, and
//! a handler that receives only a [`VerifiedBody`] carrying what the check read. A refusal
//! because what vouches for the sender could not be reached answers 503, so the sender retries.
//!
//! A replay of a genuine request passes the signature check (it is genuine); the inbox's unique
//! key refuses it, and the handler answers it with [`replayed`], counted like any other refusal.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use warroom_commands::metrics::Metrics;

/// How far a request's timestamp may be from now, either way: older is a captured request sent
/// again, newer was signed by a clock no platform keeps.
pub const WINDOW_SECONDS: i64 = 5 * 60;

/// Why a request was refused. Logged (never with the body), counted, and answered 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("missing signature or timestamp header")]
    MissingHeaders,
    #[error("timestamp is not within five minutes of now")]
    Stale,
    #[error("signature does not match the body")]
    BadSignature,
    #[error("request was already received")]
    Replayed,
}

impl Rejection {
    const ALL: [Rejection; 4] = [
        Rejection::MissingHeaders,
        Rejection::Stale,
        Rejection::BadSignature,
        Rejection::Replayed,
    ];

    /// A short label for metrics.
    pub fn label(self) -> &'static str {
        match self {
            Rejection::MissingHeaders => "missing_headers",
            Rejection::Stale => "stale",
            Rejection::BadSignature => "bad_signature",
            Rejection::Replayed => "replayed",
        }
    }
}

/// How one platform signs the requests it sends: which headers carry the signature and its
/// timestamp, and whether a signature signs a body at a timestamp. The freshness window and the
/// request's key are the same for every platform, so [`Signature::check`] is written once.
pub trait Signature: Send + Sync + 'static {
    /// The transport, as logs and metrics name it (`slack`, `discord`).
    const TRANSPORT: &'static str;
    /// The header with the signature.
    const SIGNATURE_HEADER: &'static str;
    /// The header with the time the request was signed, in Unix seconds.
    const TIMESTAMP_HEADER: &'static str;

    /// Whether `signature` is the platform's signature of `body` at `timestamp` (compared in
    /// constant time by the platform's verifier).
    fn signs(&self, signature: &str, timestamp: &str, body: &[u8]) -> bool;

    /// Accepts a request signed by the platform within [`WINDOW_SECONDS`] of `now`; the key
    /// that makes it unique (`TRANSPORT:timestamp:signature`), for the inbox to refuse it a
    /// second time. The timestamp is checked before the signature is looked at.
    fn check(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Result<String, Rejection> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let (Some(signature), Some(timestamp)) = (
            header(Self::SIGNATURE_HEADER),
            header(Self::TIMESTAMP_HEADER),
        ) else {
            return Err(Rejection::MissingHeaders);
        };
        let at: i64 = timestamp.parse().map_err(|_| Rejection::Stale)?;
        if (now - at).abs() > WINDOW_SECONDS {
            return Err(Rejection::Stale);
        }
        if !self.signs(signature, timestamp, body) {
            return Err(Rejection::BadSignature);
        }
        Ok(format!("{}:{at}:{signature}", Self::TRANSPORT))
    }
}

/// Proof that a request passed the signature layer, and its unique key. Only this module makes
/// one, so a handler that takes it cannot be reached by a request the layer did not verify.
#[derive(Debug, Clone)]
pub struct Verified {
    key: String,
}

impl Verified {
    /// The request's unique key (see [`Signature::check`]).
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Verified {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Verified, StatusCode> {
        parts.extensions.get::<Verified>().cloned().ok_or_else(|| {
            tracing::error!(route = %parts.uri.path(), "a webhook route is not behind the signature layer; refused");
            StatusCode::UNAUTHORIZED
        })
    }
}

/// What the layer needs: the platform's signature and where refusals are counted.
struct Gate<S> {
    signature: S,
    metrics: Arc<Metrics>,
}

/// `routes` with every one of them behind the signature check of `signature`, and bodies over
/// `body_limit` bytes refused with 413 before anything is verified. Call it on the transport's
/// whole router, after its last route.
pub fn signed<S: Signature, T: Clone + Send + Sync + 'static>(
    routes: Router<T>,
    signature: S,
    metrics: Arc<Metrics>,
    body_limit: usize,
) -> Router<T> {
    metrics.expect_refusals(S::TRANSPORT, &Rejection::ALL.map(Rejection::label));
    let gate = Arc::new(Gate { signature, metrics });
    routes
        .route_layer(from_fn_with_state(gate, check::<S>))
        .layer(DefaultBodyLimit::max(body_limit))
}

/// The layer: verifies the request, or refuses it before any handler sees it.
async fn check<S: Signature>(
    State(gate): State<Arc<Gate<S>>>,
    request: Request,
    next: Next,
) -> Response {
    let arrived = std::time::Instant::now();
    let (parts, body) = request.into_parts();
    let route = parts.uri.path().to_string();
    // Read with the extractor, so the body limit above applies as it would in a handler.
    let body = match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    let now = chrono::Utc::now().timestamp();
    match gate.signature.check(&parts.headers, &body, now) {
        Ok(key) => {
            let mut request = Request::from_parts(parts, Body::from(body));
            request.extensions_mut().insert(Verified { key });
            let answer = next.run(request).await;
            gate.metrics.acknowledged(S::TRANSPORT, arrived.elapsed());
            answer
        }
        Err(reason) => {
            tracing::warn!(transport = S::TRANSPORT, route, %reason, bytes = body.len(), "refused an inbound request");
            gate.metrics.refused(S::TRANSPORT, reason.label());
            StatusCode::UNAUTHORIZED.into_response()
        }
    }
}

/// Refuses a verified request whose key the inbox already had: a replay, logged and counted
/// like a bad signature and answered 401.
pub fn replayed(metrics: &Metrics, transport: &'static str, route: &str) -> StatusCode {
    let reason = Rejection::Replayed;
    tracing::warn!(transport, route, %reason, "refused an inbound request");
    metrics.refused(transport, reason.label());
    StatusCode::UNAUTHORIZED
}

/// Why a [`BodySignature`] refused a request: the label for metrics, whether the sender should
/// send it again (what vouches for it could not be reached, so it may be genuine), and one
/// sentence for the log (never the body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyRefusal {
    pub reason: &'static str,
    pub retryable: bool,
    pub message: String,
}

/// How a sender that signs inside the body proves a request is its own, when checking it may
/// take a request of warroom's own (and so is async): SNS, whose signing certificate is
/// fetched from the URL its body names.
#[async_trait::async_trait]
pub trait BodySignature: Send + Sync + 'static {
    /// The transport, as logs and metrics name it (`sns`).
    const TRANSPORT: &'static str;
    /// Every [`BodyRefusal::reason`] the check gives, so each is on `/metrics` at 0 from the
    /// start.
    const REASONS: &'static [&'static str];
    /// What the check read from the body, handed to the handler.
    type Message: Clone + Send + Sync + 'static;

    /// The message in `body` if its sender signed it; otherwise why not.
    async fn check(&self, body: &[u8]) -> Result<Self::Message, BodyRefusal>;
}

/// Proof that a request passed a [`signed_body`] layer, with what its check read. Only this
/// module makes one, so a handler that takes it cannot be reached by an unverified request.
#[derive(Debug, Clone)]
pub struct VerifiedBody<M> {
    message: M,
}

impl<M> VerifiedBody<M> {
    /// What the check read from the body.
    pub fn into_message(self) -> M {
        self.message
    }
}

impl<S: Send + Sync, M: Clone + Send + Sync + 'static> FromRequestParts<S> for VerifiedBody<M> {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, StatusCode> {
        parts.extensions.get::<VerifiedBody<M>>().cloned().ok_or_else(|| {
            tracing::error!(route = %parts.uri.path(), "a webhook route is not behind the signature layer; refused");
            StatusCode::UNAUTHORIZED
        })
    }
}

/// What the body layer needs: the sender's check and where refusals are counted.
struct BodyGate<B> {
    signature: B,
    metrics: Arc<Metrics>,
}

/// `routes` with every one of them behind `signature`'s check of the body, and bodies over
/// `body_limit` bytes refused with 413 before anything is verified. Call it on the whole
/// router of the sender, after its last route.
pub fn signed_body<B: BodySignature, T: Clone + Send + Sync + 'static>(
    routes: Router<T>,
    signature: B,
    metrics: Arc<Metrics>,
    body_limit: usize,
) -> Router<T> {
    metrics.expect_refusals(B::TRANSPORT, B::REASONS);
    let gate = Arc::new(BodyGate { signature, metrics });
    routes
        .route_layer(from_fn_with_state(gate, check_body::<B>))
        .layer(DefaultBodyLimit::max(body_limit))
}

/// The body layer: verifies the request, or refuses it (401, or 503 when the sender should
/// retry) before any handler sees it.
async fn check_body<B: BodySignature>(
    State(gate): State<Arc<BodyGate<B>>>,
    request: Request,
    next: Next,
) -> Response {
    let arrived = std::time::Instant::now();
    let (parts, body) = request.into_parts();
    let route = parts.uri.path().to_string();
    let body = match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    match gate.signature.check(&body).await {
        Ok(message) => {
            let mut request = Request::from_parts(parts, Body::from(body));
            request.extensions_mut().insert(VerifiedBody { message });
            let answer = next.run(request).await;
            gate.metrics.acknowledged(B::TRANSPORT, arrived.elapsed());
            answer
        }
        Err(refused) => {
            tracing::warn!(
                transport = B::TRANSPORT,
                route,
                reason = refused.reason,
                bytes = body.len(),
                "refused an inbound request: {}",
                refused.message
            );
            gate.metrics.refused(B::TRANSPORT, refused.reason);
            if refused.retryable {
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            } else {
                StatusCode::UNAUTHORIZED.into_response()
            }
        }
    }
}
