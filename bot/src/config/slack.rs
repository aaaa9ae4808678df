//! `[slack]`: how warroom reaches Slack. Without a `bot_token` the Slack transport is off.

use serde::{Deserialize, Deserializer};

use super::problems::Problems;
use super::text::{choice, read_endpoint, read_text};

/// How Slack delivers commands, clicks and events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlackMode {
    /// Slack POSTs to `/slack/commands`, `/slack/interactions` and `/slack/events`.
    Http,
    /// warroom opens a websocket to Slack with the app-level token: no public URL needed.
    Socket,
}

impl SlackMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SlackMode::Http => "http",
            SlackMode::Socket => "socket",
        }
    }
}

/// `[slack]`, read straight into what the transport runs with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlackConfig {
    /// "http" (default) or "socket".
    #[serde(deserialize_with = "mode")]
    pub mode: SlackMode,
    /// Verifies every inbound request (the app's Basic Information page).
    pub signing_secret: Option<String>,
    /// `xoxb-…`: posts, edits and uploads.
    pub bot_token: Option<String>,
    /// `xapp-…`, Socket Mode only.
    pub app_token: Option<String>,
    /// The Web API base; a test points it at a fake server on loopback.
    #[serde(deserialize_with = "read_endpoint")]
    pub api_url: String,
    /// The reaction that puts a message on the incident timeline, without colons.
    pub pin_reaction: String,
    /// `incident_channel`: "off" (default) or "create": declaring an incident creates
    /// `inc-YYYYMMDD-title`.
    #[serde(rename = "incident_channel", deserialize_with = "creates_channels")]
    pub creates_channels: bool,
    /// The on-call user group (`S…`) invited to incident channels.
    pub oncall_group: Option<String>,
}

impl Default for SlackConfig {
    fn default() -> Self {
        SlackConfig {
            mode: SlackMode::Http,
            signing_secret: None,
            bot_token: None,
            app_token: None,
            api_url: "https://slack.com/api".into(),
            pin_reaction: "pushpin".into(),
            creates_channels: false,
            oncall_group: None,
        }
    }
}

impl SlackConfig {
    /// Whether the Slack transport runs: a bot token is configured.
    pub fn enabled(&self) -> bool {
        self.bot_token.as_deref().is_some_and(|t| !t.is_empty())
    }

    /// What is missing for the chosen mode, as problems under their keys.
    pub(super) fn check(&self, problems: &mut Problems) {
        if !self.enabled() {
            return;
        }
        let (key, value, why) = match self.mode {
            SlackMode::Http => (
                "signing_secret",
                &self.signing_secret,
                "every request Slack sends is verified with it",
            ),
            SlackMode::Socket => (
                "app_token",
                &self.app_token,
                "Socket Mode connects with it (an xapp- token with connections:write)",
            ),
        };
        if value.as_deref().is_none_or(str::is_empty) {
            problems.push(
                format!("slack.{key}"),
                format!(
                    "is required when slack.bot_token is set: {why}; write it as \"${{SLACK_{}}}\".",
                    key.to_uppercase()
                ),
            );
        }
    }
}

fn mode<'de, D: Deserializer<'de>>(d: D) -> Result<SlackMode, D::Error> {
    read_text(d, |text| {
        choice(
            text,
            "a Slack mode",
            [("http", SlackMode::Http), ("socket", SlackMode::Socket)],
        )
    })
}

fn creates_channels<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    read_text(d, |text| {
        choice(text, "a choice", [("off", false), ("create", true)])
    })
}
