//! `POST /slack/events`: the Events API. Slack checks the URL once with a signed
//! `url_verification` challenge; other events are acknowledged at once.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::Slack;

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum Envelope {
    UrlVerification {
        challenge: String,
    },
    EventCallback {
        event: serde_json::Value,
    },
    #[serde(other)]
    Other,
}

pub(super) async fn receive(
    State(slack): State<Arc<Slack>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(status) = slack.verified("events", &headers, &body) {
        return status.into_response();
    }
    match serde_json::from_slice::<Envelope>(&body) {
        Ok(Envelope::UrlVerification { challenge }) => {
            Json(json!({ "challenge": challenge })).into_response()
        }
        Ok(envelope) => {
            accept(slack, envelope);
            StatusCode::OK.into_response()
        }
        Err(_) => {
            tracing::warn!("a signed Slack event was not JSON Slack sends");
            StatusCode::BAD_REQUEST.into_response()
        }
    }
}

/// Handles an event on a task.
pub(super) fn accept(_slack: Arc<Slack>, envelope: Envelope) {
    if let Envelope::EventCallback { event } = envelope {
        let kind = event["type"].as_str().unwrap_or("unknown");
        tracing::debug!(kind, "Slack event acknowledged");
    }
}
