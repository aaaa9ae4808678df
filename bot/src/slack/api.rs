//! The Slack Web API, as warroom uses it: post, edit in place, answer through a response_url,
//! upload a file.
//!
//! Calls go through slack-morphism with its rate control on: a 429 waits for Retry-After and is
//! tried again, up to [`RETRIES`] times. A post that still fails is logged with what it was
//! about and tried again after a pause, so a result is never dropped without a trace.

use std::time::Duration;

use serde_json::{Value, json};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

/// Attempts per call for 429 answers (slack-morphism waits out Retry-After between them).
const RETRIES: usize = 5;
/// Attempts for other failures (network, 5xx), with a growing pause between them.
const ATTEMPTS: u32 = 3;

pub type Connector = SlackClientHyperHttpsConnector;

pub struct SlackApi {
    client: SlackClient<Connector>,
    /// For response_urls, without slack-morphism's rate control: it allows one response_url
    /// post per second for the whole process, while Slack limits each URL on its own, so a
    /// busy channel's answers would queue behind each other.
    webhooks: SlackClient<Connector>,
    token: SlackApiToken,
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
    pub fn new(api_url: &str, bot_token: &str) -> std::io::Result<SlackApi> {
        let connector = || -> std::io::Result<Connector> {
            let https = hyper_rustls::HttpsConnectorBuilder::new()
                .with_native_roots()?
                .https_or_http()
                .enable_http1()
                .enable_http2()
                .build();
            Ok(SlackClientHyperConnector::with_connector(https)
                .with_slack_api_url(api_url.trim_end_matches('/')))
        };
        let limited = connector()?
            .with_rate_control(SlackApiRateControlConfig::new().with_max_retries(RETRIES));
        Ok(SlackApi {
            client: SlackClient::new(limited),
            webhooks: SlackClient::new(connector()?),
            token: SlackApiToken::new(bot_token.to_string().into()),
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
        self.retrying("chat.postMessage", || async {
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
        self.retrying("chat.update", || async {
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
        self.retrying("response_url", || async {
            self.webhooks
                .respond_to_event(&url, &request)
                .await
                .map(drop)
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
        let session = self.client.open_session(&self.token);
        let slot = session
            .get_upload_url_external(&SlackApiFilesGetUploadUrlExternalRequest::new(
                name.to_string(),
                content.len(),
            ))
            .await
            .map_err(|e| failed("files.getUploadURLExternal", e))?;
        session
            .files_upload_via_url(&SlackApiFilesUploadViaUrlRequest::new(
                slot.upload_url,
                content.as_bytes().to_vec(),
                "text/plain".into(),
            ))
            .await
            .map_err(|e| failed("upload", e))?;
        let mut complete = SlackApiFilesCompleteUploadExternalRequest::new(vec![
            SlackApiFilesComplete::new(slot.file_id).with_title(name.to_string()),
        ])
        .with_channel_id(SlackChannelId::new(channel.to_string()));
        if let Some(ts) = thread {
            complete = complete.with_thread_ts(SlackTs::new(ts.to_string()));
        }
        session
            .files_complete_upload_external(&complete)
            .await
            .map_err(|e| failed("files.completeUploadExternal", e))?;
        Ok(())
    }

    /// Creates a public channel; its id. A taken name is tried again with `-2`, `-3`, ...
    pub async fn create_channel(&self, name: &str) -> Result<String, ApiError> {
        let session = self.client.open_session(&self.token);
        let mut attempt = 1;
        loop {
            let candidate = match attempt {
                1 => name.to_string(),
                n => format!("{name}-{n}"),
            };
            match session
                .conversations_create(&SlackApiConversationsCreateRequest::new(candidate))
                .await
            {
                Ok(created) => return Ok(created.channel.id.0),
                Err(SlackClientError::ApiError(e)) if e.code == "name_taken" && attempt < 10 => {
                    attempt += 1;
                }
                Err(e) => return Err(failed("conversations.create", e)),
            }
        }
    }

    /// Invites people into a channel.
    pub async fn invite(&self, channel: &str, users: &[String]) -> Result<(), ApiError> {
        let request = SlackApiConversationsInviteRequest::new(
            SlackChannelId::new(channel.to_string()),
            users.iter().map(|u| SlackUserId::new(u.clone())).collect(),
        );
        self.retrying("conversations.invite", || async {
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
        self.retrying("conversations.setTopic", || async {
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
            .retrying("conversations.history", || async {
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
            .retrying("conversations.open", || async {
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
            .retrying("usergroups.list", || async {
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

    /// Runs `call` until it succeeds or [`ATTEMPTS`] are spent, logging each failure.
    async fn retrying<T, F, Fut>(&self, method: &'static str, call: F) -> Result<T, ApiError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = ClientResult<T>>,
    {
        let mut pause = Duration::from_millis(500);
        let mut attempt = 1;
        loop {
            match call().await {
                Ok(value) => return Ok(value),
                Err(e) if attempt < ATTEMPTS && retryable(&e) => {
                    tracing::warn!(method, attempt, error = %e, "Slack call failed; trying again");
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    attempt += 1;
                }
                Err(e) => return Err(failed(method, e)),
            }
        }
    }
}

/// Network failures and Slack's own hiccups are worth another try; a refusal (`not_in_channel`,
/// `invalid_auth`) is not.
fn retryable(e: &SlackClientError) -> bool {
    matches!(
        e,
        SlackClientError::HttpError(_)
            | SlackClientError::HttpProtocolError(_)
            | SlackClientError::RateLimitError(_)
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
