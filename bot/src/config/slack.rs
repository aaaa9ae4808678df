//! `[slack]`: how warroom reaches Slack. Without a `bot_token` the Slack transport is off.

use serde::Deserialize;

/// How Slack delivers commands, clicks and events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlackMode {
    /// Slack POSTs to `/slack/commands`, `/slack/interactions` and `/slack/events`.
    Http,
    /// warroom opens a websocket to Slack with the app-level token: no public URL needed.
    Socket,
}

/// `[slack]` as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SlackConfig {
    /// "http" (default) or "socket".
    pub mode: String,
    /// Verifies every inbound request (the app's Basic Information page).
    pub signing_secret: Option<String>,
    /// `xoxb-…`: posts, edits and uploads.
    pub bot_token: Option<String>,
    /// `xapp-…`, Socket Mode only.
    pub app_token: Option<String>,
    /// The Web API base; a test points it at a fake server on loopback.
    pub api_url: String,
    /// The reaction that puts a message on the incident timeline, without colons.
    pub pin_reaction: String,
    /// "off" (default) or "create": declaring an incident creates `inc-YYYYMMDD-title`.
    pub incident_channel: String,
    /// The on-call user group (`S…`) invited to incident channels.
    pub oncall_group: Option<String>,
}

impl Default for SlackConfig {
    fn default() -> Self {
        SlackConfig {
            mode: "http".into(),
            signing_secret: None,
            bot_token: None,
            app_token: None,
            api_url: "https://slack.com/api".into(),
            pin_reaction: "pushpin".into(),
            incident_channel: "off".into(),
            oncall_group: None,
        }
    }
}

impl SlackConfig {
    /// Whether the Slack transport runs: a bot token is configured.
    pub fn enabled(&self) -> bool {
        self.bot_token.as_deref().is_some_and(|t| !t.is_empty())
    }

    pub fn mode(&self) -> SlackMode {
        if self.mode == "socket" {
            SlackMode::Socket
        } else {
            SlackMode::Http
        }
    }

    pub fn creates_channels(&self) -> bool {
        self.incident_channel == "create"
    }

    /// What is missing for the chosen mode, as problems under their keys.
    pub(super) fn check(&self, problems: &mut Vec<super::Problem>) {
        if !self.enabled() {
            return;
        }
        let needed: &[(&str, &Option<String>, &str)] = match self.mode() {
            SlackMode::Http => &[(
                "signing_secret",
                &self.signing_secret,
                "every request Slack sends is verified with it",
            )],
            SlackMode::Socket => &[(
                "app_token",
                &self.app_token,
                "Socket Mode connects with it (an xapp- token with connections:write)",
            )],
        };
        for (key, value, why) in needed {
            if value.as_deref().is_none_or(str::is_empty) {
                problems.push(super::Problem::new(
                    format!("slack.{key}"),
                    format!("is required when slack.bot_token is set: {why}; write it as \"${{SLACK_{}}}\".", key.to_uppercase()),
                ));
            }
        }
    }
}

pub(super) fn check_mode(text: &str) -> Result<(), String> {
    match text {
        "http" | "socket" => Ok(()),
        _ => Err(format!(
            "`{text}` is not a Slack mode; write \"http\" or \"socket\"."
        )),
    }
}

pub(super) fn check_incident_channel(text: &str) -> Result<(), String> {
    match text {
        "off" | "create" => Ok(()),
        _ => Err(format!(
            "`{text}` is not a choice; write \"off\" or \"create\"."
        )),
    }
}
