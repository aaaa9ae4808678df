//! Calls to Discord's REST API: one way to send a request, so that every call is counted by
//! what it does and how it ended, and a refusal keeps Discord's status for the caller to act on
//! (a 404 on a deferred response that is not there yet, a 429).

use serde_json::Value;
use serenity::http::{HttpError, Request};

use super::Discord;

/// A failed REST call, for the log.
#[derive(Debug, thiserror::Error)]
#[error("Discord {what} failed: {detail}")]
pub struct RestError {
    pub(super) what: &'static str,
    pub(super) detail: String,
    /// Discord's HTTP status, when it answered.
    pub(super) status: Option<u16>,
}

impl Discord {
    /// Sends one request, counted under `what` with its result (`ok`, `rate_limited`, `error`).
    pub(super) async fn send(
        &self,
        what: &'static str,
        request: Request<'_>,
    ) -> Result<Value, RestError> {
        let started = std::time::Instant::now();
        let result = self.request(what, request).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(RestError {
                status: Some(429), ..
            }) => "rate_limited",
            Err(_) => "error",
        };
        self.core
            .metrics
            .chat_call("discord", what, outcome, started.elapsed());
        result
    }

    async fn request(&self, what: &'static str, request: Request<'_>) -> Result<Value, RestError> {
        // serenity answers an unsuccessful status as an error; its status is kept.
        let response = self.http.request(request).await.map_err(|e| {
            let status = match &e {
                serenity::Error::Http(HttpError::UnsuccessfulRequest(refused)) => {
                    Some(refused.status_code.as_u16())
                }
                _ => None,
            };
            RestError {
                what,
                detail: e.to_string(),
                status,
            }
        })?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(RestError {
                what,
                detail: format!("{status}: {text}"),
                status: Some(status.as_u16()),
            });
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}
