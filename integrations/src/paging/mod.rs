//! The paging providers' APIs: PagerDuty's Events API v2 and Opsgenie's Alert API, each with
//! its base URL from configuration (so tests point it at loopback).
//!
//! A call's answer decides whether it may be tried again: 429 and 5xx (and a network failure)
//! are the provider's passing trouble, any other 4xx a refusal that would repeat. Retrying is
//! the caller's (the bot's outbox sender), which also honours `Retry-After`.

mod opsgenie;
mod pagerduty;

use std::time::Duration;

use warroom_commands::paging::{PageAction, PageRequest, Provider};
use warroom_commands::ports::{PagingError, PagingPort};

pub use opsgenie::OpsgenieAlerts;
pub use pagerduty::PagerDutyEvents;

/// How long one call may take, connection included: a provider that does not answer in this
/// time is tried again later rather than holding the sender.
pub const TIMEOUT: Duration = Duration::from_secs(10);

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// Sends `body` as JSON and reads the answer as [`answered`] does.
async fn post_json(
    request: reqwest::RequestBuilder,
    provider: Provider,
    body: &serde_json::Value,
) -> Result<(), PagingError> {
    let sent = request
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await;
    match sent {
        Ok(response) => answered(provider, response).await,
        Err(e) => Err(PagingError::retryable(format!(
            "{provider} could not be reached: {}",
            if e.is_timeout() {
                "it did not answer in time".to_string()
            } else {
                e.without_url().to_string()
            }
        ))),
    }
}

/// A provider's answer as success, a failure worth retrying (429 with its `Retry-After`,
/// 5xx), or a refusal (any other status), with the provider's own words when it gave some.
async fn answered(provider: Provider, response: reqwest::Response) -> Result<(), PagingError> {
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let text = response.text().await.unwrap_or_default();
    let said = said(&text);
    let why = format!("{provider} answered {status}{said}");
    Err(if status.as_u16() == 429 || status.is_server_error() {
        PagingError {
            retryable: true,
            why,
            retry_after,
        }
    } else {
        PagingError::permanent(why)
    })
}

/// The provider's explanation in an error body (`message`, `errors`), kept short.
fn said(body: &str) -> String {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return String::new();
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(message) = json.get("message").and_then(|m| m.as_str()) {
        parts.push(message.to_string());
    }
    match json.get("errors") {
        Some(serde_json::Value::Array(errors)) => {
            parts.extend(errors.iter().filter_map(|e| e.as_str()).map(str::to_string))
        }
        Some(serde_json::Value::Object(errors)) => parts.extend(
            errors
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default())),
        ),
        _ => {}
    }
    let joined = parts.join("; ");
    if joined.is_empty() {
        String::new()
    } else {
        format!(": {}", joined.chars().take(300).collect::<String>())
    }
}

/// The configured providers, calling them directly. The bot does not hand this to the core
/// (its outbox does, so calls survive a crash); its outbox sender calls through it.
#[derive(Default)]
pub struct Providers {
    pub pagerduty: Option<PagerDutyEvents>,
    pub opsgenie: Option<OpsgenieAlerts>,
}

#[async_trait::async_trait]
impl PagingPort for Providers {
    async fn send(
        &self,
        provider: Provider,
        action: PageAction,
        request: &PageRequest,
    ) -> Result<(), PagingError> {
        let missing = || PagingError::permanent(format!("{provider} is not configured"));
        match provider {
            Provider::PagerDuty => {
                self.pagerduty
                    .as_ref()
                    .ok_or_else(missing)?
                    .send(action, request)
                    .await
            }
            Provider::Opsgenie => {
                self.opsgenie
                    .as_ref()
                    .ok_or_else(missing)?
                    .send(action, request)
                    .await
            }
        }
    }

    fn configured(&self, provider: Provider) -> bool {
        match provider {
            Provider::PagerDuty => self.pagerduty.is_some(),
            Provider::Opsgenie => self.opsgenie.is_some(),
        }
    }
}
