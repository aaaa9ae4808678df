//! The Slack Web API, as warroom uses it: post, edit in place, answer through a response_url,
//! upload a file.
//!
//! Slack limits writes per channel (about one message a second, with short bursts), while
//! slack-morphism's own rate control is keyed by API method for the whole process and would send
//! every channel's chat.postMessage one a second, one after the other. So that control is off:
//! a write into a channel waits for its turn in that channel's bucket of the [`Pacer`], and
//! channels go in parallel. A 429 can still come (another replica writes to the same channel):
//! its `Retry-After` pauses that channel alone and the call is tried again, up to
//! [`RATE_LIMITED`] times. Network failures and Slack's 5xx are tried again after a growing
//! pause, up to [`ATTEMPTS`] times. What still fails is returned as an [`ApiError`] saying what
//! it was about, so the caller logs it and no result is dropped without a trace.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use super::pace::Pacer;
use warroom_commands::metrics::Metrics;

/// Times a call may be refused with 429 and wait before it gives up.
const RATE_LIMITED: u32 = 5;
/// Attempts for other failures (network, 5xx), with a growing pause between them.
const ATTEMPTS: u32 = 3;
/// The wait for a 429 that came without `Retry-After`.
const RETRY_AFTER: Duration = Duration::from_secs(1);

pub type Connector = SlackClientHyperHttpsConnector;

pub struct SlackApi {
    /// One client for every call, response_urls included, so connections are reused.
    client: SlackClient<Connector>,
    token: SlackApiToken,
    /// The turns of writes into each channel.
    pace: Pacer,
    /// Where each call is counted, by method and result.
    metrics: Arc<Metrics>,
}

/// A failed Web API call, as one sentence for the log.
#[derive(Debug, thiserror::Error)]
#[error("Slack {method} failed: {detail}")]
pub struct ApiError {
    pub method: &'static str,
    pub detail: String,
}

impl SlackApi {
    /// A client for `api_url` (https, or plain http on loopback for tests) with `bot_token`.
    pub fn new(api_url: &str, bot_token: &str, metrics: Arc<Metrics>) -> std::io::Result<SlackApi> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .build();
        let connector = SlackClientHyperConnector::with_connector(https)
            .with_slack_api_url(api_url.trim_end_matches('/'));
        Ok(SlackApi {
            client: SlackClient::new(connector),
            token: SlackApiToken::new(bot_token.to_string().into()),
            pace: Pacer::default(),
            metrics,
        })
    }

    /// Posts `message` (`text` and `blocks`) to a channel or thread; the new message's ts.
    pub async fn post(
        &self,
        channel: &str,
        thread: Option<&str>,
        message: &Value,
    ) -> Result<String, ApiError> {
        let mut request = message.clone();
        request["channel"] = json!(channel);
        if let Some(ts) = thread {
            request["thread_ts"] = json!(ts);
        }
        let request: SlackApiChatPostMessageRequest = typed("chat.postMessage", request)?;
        self.retrying("chat.postMessage", Some(channel), || async {
            let session = self.client.open_session(&self.token);
            session.chat_post_message(&request).await.map(|r| r.ts.0)
        })
        .await
    }

    /// Replaces the message at `ts` with `message`.
    pub async fn update(&self, channel: &str, ts: &str, message: &Value) -> Result<(), ApiError> {
        let mut request = message.clone();
        request["channel"] = json!(channel);
        request["ts"] = json!(ts);
        let request: SlackApiChatUpdateRequest = typed("chat.update", request)?;
        self.retrying("chat.update", Some(channel), || async {
            let session = self.client.open_session(&self.token);
            session.chat_update(&request).await.map(drop)
        })
        .await
    }

    /// Answers only the person who typed the command or clicked, through Slack's response_url.
    pub async fn respond_ephemeral(
        &self,
        response_url: &str,
        message: &Value,
    ) -> Result<(), ApiError> {
        let url: SlackResponseUrl =
            SlackResponseUrl::new(response_url.parse().map_err(|e| ApiError {
                method: "response_url",
                detail: format!("not a URL: {e}"),
            })?);
        let request: SlackApiPostWebhookMessageRequest = typed("response_url", message.clone())?;
        self.retrying("response_url", None, || async {
            self.client.respond_to_event(&url, &request).await.map(drop)
        })
        .await
    }

    /// Uploads `content` as a file shared in the channel (in the thread of `thread`).
    pub async fn upload(
        &self,
        channel: &str,
        thread: Option<&str>,
        name: &str,
        content: &str,
    ) -> Result<(), ApiError> {
        let asked = SlackApiFilesGetUploadUrlExternalRequest::new(name.to_string(), content.len());
        let slot = self
            .retrying("files.getUploadURLExternal", None, || async {
                let session = self.client.open_session(&self.token);
                session.get_upload_url_external(&asked).await
            })
            .await?;
        let upload = SlackApiFilesUploadViaUrlRequest::new(
            slot.upload_url,
            content.as_bytes().to_vec(),
            "text/plain".into(),
        );
        self.retrying("upload", None, || async {
            let session = self.client.open_session(&self.token);
            session.files_upload_via_url(&upload).await.map(drop)
        })
        .await?;
        let mut complete = SlackApiFilesCompleteUploadExternalRequest::new(vec![
            SlackApiFilesComplete::new(slot.file_id).with_title(name.to_string()),
        ])
        .with_channel_id(SlackChannelId::new(channel.to_string()));
        if let Some(ts) = thread {
            complete = complete.with_thread_ts(SlackTs::new(ts.to_string()));
        }
        self.retrying("files.completeUploadExternal", Some(channel), || async {
            let session = self.client.open_session(&self.token);
            session
                .files_complete_upload_external(&complete)
                .await
                .map(drop)
        })
        .await
    }

    /// Creates a public channel; its id. A taken name is tried again with `-2`, `-3`, ...
    pub async fn create_channel(&self, name: &str) -> Result<String, ApiError> {
        let mut attempt = 1;
        loop {
            let candidate = match attempt {
                1 => name.to_string(),
                n => format!("{name}-{n}"),
            };
            let request = SlackApiConversationsCreateRequest::new(candidate);
            let created = self
                .calling("conversations.create", None, || async {
                    let session = self.client.open_session(&self.token);
                    session.conversations_create(&request).await
                })
                .await;
            match created {
                Ok(created) => return Ok(created.channel.id.0),
                Err(SlackClientError::ApiError(e)) if e.code == "name_taken" && attempt < 10 => {
                    attempt += 1;
                }
                Err(e) => return Err(failed("conversations.create", e)),
            }
        }
    }

    /// The workspace the bot token belongs to (auth.test): the workspace of every channel the
    /// bot posts in.
    pub async fn team(&self) -> Result<String, ApiError> {
        self.retrying("auth.test", None, || async {
            let session = self.client.open_session(&self.token);
            session.auth_test().await.map(|answer| answer.team_id.0)
        })
        .await
    }

    /// Invites people into a channel.
    pub async fn invite(&self, channel: &str, users: &[String]) -> Result<(), ApiError> {
        let request = SlackApiConversationsInviteRequest::new(
            SlackChannelId::new(channel.to_string()),
            users.iter().map(|u| SlackUserId::new(u.clone())).collect(),
        );
        self.retrying("conversations.invite", Some(channel), || async {
            let session = self.client.open_session(&self.token);
            session.conversations_invite(&request).await.map(drop)
        })
        .await
    }

    pub async fn set_topic(&self, channel: &str, topic: &str) -> Result<(), ApiError> {
        let request = SlackApiConversationsSetTopicRequest::new(
            SlackChannelId::new(channel.to_string()),
            topic.to_string(),
        );
        self.retrying("conversations.setTopic", Some(channel), || async {
            let session = self.client.open_session(&self.token);
            session.conversations_set_topic(&request).await.map(drop)
        })
        .await
    }

    /// The message at `ts` in a channel: its author, time and text.
    pub async fn message(
        &self,
        channel: &str,
        ts: &str,
    ) -> Result<Option<(String, String, String)>, ApiError> {
        let request = SlackApiConversationsHistoryRequest::new()
            .with_channel(SlackChannelId::new(channel.to_string()))
            .with_latest(SlackTs::new(ts.to_string()))
            .with_inclusive(true)
            .with_limit(1);
        let history = self
            .retrying("conversations.history", None, || async {
                let session = self.client.open_session(&self.token);
                session.conversations_history(&request).await
            })
            .await?;
        Ok(history
            .messages
            .into_iter()
            .find(|m| m.origin.ts.0 == ts)
            .map(|m| {
                (
                    m.sender.user.map(|u| u.0).unwrap_or_default(),
                    m.origin.ts.0,
                    m.content.text.unwrap_or_default(),
                )
            }))
    }

    /// The direct-message channel with a user, opened if need be.
    pub async fn open_direct(&self, user: &str) -> Result<String, ApiError> {
        let request = SlackApiConversationsOpenRequest::new()
            .with_users(vec![SlackUserId::new(user.to_string())]);
        let opened = self
            .retrying("conversations.open", None, || async {
                let session = self.client.open_session(&self.token);
                session.conversations_open(&request).await
            })
            .await?;
        Ok(opened.channel.id.0)
    }

    /// A Socket Mode websocket URL, asked for with the app-level token.
    pub async fn open_socket(&self, app_token: &str) -> Result<String, ApiError> {
        let token = SlackApiToken::new(app_token.to_string().into());
        let session = self.client.open_session(&token);
        let opened = session
            .apps_connections_open(&SlackApiAppsConnectionOpenRequest::new())
            .await
            .map_err(|e| failed("apps.connections.open", e))?;
        Ok(opened.url.0.to_string())
    }

    /// Every user group of the workspace with its members: (group id, user ids).
    pub async fn user_groups(&self) -> Result<Vec<(String, Vec<String>)>, ApiError> {
        let request = SlackApiUserGroupsListRequest::new().with_include_users(true);
        let groups = self
            .retrying("usergroups.list", None, || async {
                let session = self.client.open_session(&self.token);
                session.usergroups_list(&request).await
            })
            .await?;
        Ok(groups
            .usergroups
            .into_iter()
            .map(|g| {
                let users = g
                    .users
                    .unwrap_or_default()
                    .into_iter()
                    .map(|u| u.0)
                    .collect();
                (g.id.0, users)
            })
            .collect())
    }

    /// [`Self::calling`], its last failure as an [`ApiError`].
    async fn retrying<T, F, Fut>(
        &self,
        method: &'static str,
        channel: Option<&str>,
        call: F,
    ) -> Result<T, ApiError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = ClientResult<T>>,
    {
        self.calling(method, channel, call)
            .await
            .map_err(|e| failed(method, e))
    }

    /// Runs `call` until it succeeds, each time in `channel`'s turn when it writes into one. A
    /// 429 waits out its `Retry-After` (pausing only that channel) up to [`RATE_LIMITED`] times;
    /// a network failure is tried again up to [`ATTEMPTS`] times. Each failure is logged.
    async fn calling<T, F, Fut>(
        &self,
        method: &'static str,
        channel: Option<&str>,
        call: F,
    ) -> ClientResult<T>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = ClientResult<T>>,
    {
        let mut pause = Duration::from_millis(500);
        let (mut attempt, mut refused) = (1, 0);
        loop {
            if let Some(channel) = channel {
                self.pace.ready(channel).await;
            }
            let started = std::time::Instant::now();
            let result = call().await;
            let outcome = match &result {
                Ok(_) => "ok",
                Err(SlackClientError::RateLimitError(_)) => "rate_limited",
                Err(_) => "error",
            };
            self.metrics
                .chat_call("slack", method, outcome, started.elapsed());
            match result {
                Ok(value) => return Ok(value),
                Err(SlackClientError::RateLimitError(e)) if refused < RATE_LIMITED => {
                    refused += 1;
                    let wait = e.retry_after.unwrap_or(RETRY_AFTER);
                    tracing::warn!(
                        method,
                        channel,
                        refused,
                        ?wait,
                        "Slack asked warroom to slow down; waiting"
                    );
                    match channel {
                        Some(channel) => self.pace.pause(channel, wait),
                        None => tokio::time::sleep(wait).await,
                    }
                }
                Err(e) if attempt < ATTEMPTS && retryable(&e) => {
                    tracing::warn!(method, attempt, error = %e, "Slack call failed; trying again");
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Network failures and Slack's own hiccups are worth another try; a refusal (`not_in_channel`,
/// `invalid_auth`) is not.
fn retryable(e: &SlackClientError) -> bool {
    matches!(
        e,
        SlackClientError::HttpError(_) | SlackClientError::HttpProtocolError(_)
    )
}

fn failed(method: &'static str, e: SlackClientError) -> ApiError {
    ApiError {
        method,
        detail: e.to_string(),
    }
}

/// A request built as JSON, read into slack-morphism's type for it.
fn typed<T: serde::de::DeserializeOwned>(
    method: &'static str,
    value: Value,
) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError {
        method,
        detail: format!("the message does not fit Slack's model: {e}"),
    })
}
