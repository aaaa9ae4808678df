//! `POST /alerts/sns`: CloudWatch alarms, delivered by an Amazon SNS topic's HTTPS
//! subscription.
//!
//! SNS proves a delivery inside its body, with a certificate fetched from where the body says
//! ([`crate::sns`]), so the route sits behind [`signed_body`] with [`SnsGate`]: a handler sees
//! only a delivery whose topic, certificate and signature were checked, and a refusal is logged,
//! counted under `transport="sns"` and answered 401 (503 when SNS could not be reached, so SNS
//! sends it again). What passes is one of three things:
//!
//! - a `SubscriptionConfirmation`, confirmed by visiting its `SubscribeURL`; nothing is stored;
//! - an `UnsubscribeConfirmation`, logged;
//! - a `Notification`, which must carry a CloudWatch alarm (else 400, counted `malformed`) and is
//!   recorded in the inbox under its `MessageId`: SNS delivers again until it gets a 2xx, so a
//!   redelivery is a duplicate, answered 200 and run once. The alarm's JSON is the payload the
//!   worker reads ([`alarm`]).

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use warroom_commands::alerts::sources::cloudwatch;
use warroom_commands::alerts::{Alert, Source, Unreadable};

use super::{Alerts, BODY_LIMIT};
use crate::inbox::Taken;
use crate::signed::{BodyRefusal, BodySignature, VerifiedBody, signed_body};
use crate::sns::{SnsMessage, SnsRefusal, SnsTrust, SnsVerifier};

/// The transport, as logs and `/metrics` name it.
const TRANSPORT: &str = "sns";

/// SNS's proof, checked in front of the route.
struct SnsGate(Arc<SnsVerifier>);

#[async_trait::async_trait]
impl BodySignature for SnsGate {
    const TRANSPORT: &'static str = TRANSPORT;
    const REASONS: &'static [&'static str] = &SnsRefusal::REASONS;
    type Message = SnsMessage;

    async fn check(&self, body: &[u8]) -> Result<SnsMessage, BodyRefusal> {
        self.0.verify(body).await.map_err(|refused| BodyRefusal {
            reason: refused.reason(),
            retryable: refused.retryable(),
            message: refused.to_string(),
        })
    }
}

/// The route's state: the alerts it records into, and the verifier that confirms
/// subscriptions (the same one the gate checks with, so one certificate cache serves both).
struct SnsRoute {
    alerts: Arc<Alerts>,
    verifier: Arc<SnsVerifier>,
}

/// `POST /alerts/sns` behind SNS's check, trusting `trust`.
pub(super) fn routes(alerts: Arc<Alerts>, trust: SnsTrust) -> Router {
    let metrics = alerts.core.metrics.clone();
    // The configuration was checked by building this same verifier, so this holds.
    let verifier = match SnsVerifier::new(trust) {
        Ok(verifier) => Arc::new(verifier),
        Err(why) => {
            tracing::error!("/alerts/sns is closed: {why}");
            return Router::new();
        }
    };
    let route = Arc::new(SnsRoute {
        alerts,
        verifier: verifier.clone(),
    });
    signed_body(
        Router::new()
            .route("/alerts/sns", post(deliver))
            .with_state(route),
        SnsGate(verifier),
        metrics,
        BODY_LIMIT,
    )
}

async fn deliver(
    State(route): State<Arc<SnsRoute>>,
    delivery: VerifiedBody<SnsMessage>,
) -> Response {
    match delivery.into_message() {
        SnsMessage::SubscriptionConfirmation {
            topic,
            subscribe_url,
        } => route.confirm(&topic, &subscribe_url).await,
        SnsMessage::UnsubscribeConfirmation { topic } => {
            tracing::info!(
                topic,
                "SNS unsubscribed warroom from a topic; no more alarms will come from it"
            );
            StatusCode::OK.into_response()
        }
        SnsMessage::Notification {
            topic,
            message_id,
            message,
            ..
        } => route.notification(&topic, &message_id, &message).await,
    }
}

impl SnsRoute {
    /// Confirms a subscription SNS asked about; a failure to reach SNS answers 503, so SNS
    /// asks again.
    async fn confirm(&self, topic: &str, subscribe_url: &str) -> Response {
        match self.verifier.confirm(subscribe_url).await {
            Ok(()) => {
                tracing::info!(topic, "confirmed the SNS subscription to a topic");
                StatusCode::OK.into_response()
            }
            Err(refused) => {
                tracing::warn!(
                    topic,
                    reason = refused.reason(),
                    "could not confirm an SNS subscription: {refused}"
                );
                self.alerts
                    .core
                    .metrics
                    .refused(TRANSPORT, refused.reason());
                if refused.retryable() {
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                } else {
                    StatusCode::UNAUTHORIZED.into_response()
                }
            }
        }
    }

    /// Records a notification's alarm under its `MessageId`; a message that is not an alarm
    /// is refused with 400 and nothing stored.
    async fn notification(&self, topic: &str, message_id: &str, message: &str) -> Response {
        let alarm = match cloudwatch::read(message) {
            Ok(alarm) => alarm,
            Err(refused) => {
                tracing::warn!(
                    topic,
                    reason = refused.reason,
                    "refused an SNS notification: {refused}"
                );
                self.alerts.core.metrics.refused(TRANSPORT, refused.reason);
                return (StatusCode::BAD_REQUEST, format!("{refused}\n")).into_response();
            }
        };
        let key = format!("alerts:sns:{message_id}");
        match self
            .alerts
            .record(&key, Source::Cloudwatch, &alarm.group, message.as_bytes())
            .await
        {
            Ok(Taken::Duplicate) => {
                tracing::info!(
                    topic,
                    message_id,
                    "SNS delivered a notification again; it runs once"
                );
                StatusCode::OK.into_response()
            }
            Ok(Taken::New { .. }) => StatusCode::OK.into_response(),
            Err(response) => response,
        }
    }
}

/// Reads a recorded notification's alarm, as the worker does.
pub(super) fn alarm(payload: &[u8]) -> Result<Vec<Alert>, Unreadable> {
    let text = std::str::from_utf8(payload)
        .map_err(|_| Unreadable::malformed("The CloudWatch alarm is not UTF-8 text."))?;
    cloudwatch::read(text).map(|alert| vec![alert])
}
