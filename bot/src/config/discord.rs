//! `[discord]`: how warroom reaches Discord. Without a `bot_token` the Discord transport is off.

use serde::Deserialize;

/// Discord's own API origin; any other value is a stand-in (a test's fake on loopback).
pub const DISCORD_ORIGIN: &str = "https://discord.com";

/// How Discord delivers interactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscordMode {
    /// warroom connects to the gateway: no public URL needed.
    Gateway,
    /// Discord POSTs signed interactions to `/discord/interactions`.
    Http,
}

/// `[discord]` as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DiscordConfig {
    /// "gateway" (default) or "http".
    pub mode: String,
    pub bot_token: Option<String>,
    /// The application (client) id: interaction responses and command registration use it.
    pub application_id: Option<String>,
    /// The application's Ed25519 public key (hex): every HTTP interaction is verified with it.
    pub public_key: Option<String>,
    /// The API origin; a test points it at a fake server on loopback.
    pub api_url: String,
    /// Register the commands in this guild only (they appear at once) instead of globally.
    pub guild_id: Option<String>,
    /// "off" (default) or "thread": declaring an incident opens a thread for it in the channel.
    pub incident_thread: String,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            mode: "gateway".into(),
            bot_token: None,
            application_id: None,
            public_key: None,
            api_url: DISCORD_ORIGIN.into(),
            guild_id: None,
            incident_thread: "off".into(),
        }
    }
}

impl DiscordConfig {
    /// Whether the Discord transport runs: a bot token is configured.
    pub fn enabled(&self) -> bool {
        self.bot_token.as_deref().is_some_and(|t| !t.is_empty())
    }

    pub fn mode(&self) -> DiscordMode {
        if self.mode == "http" {
            DiscordMode::Http
        } else {
            DiscordMode::Gateway
        }
    }

    /// What is missing for the chosen mode, as problems under their keys.
    pub(super) fn check(&self, problems: &mut Vec<super::Problem>) {
        if !self.enabled() {
            return;
        }
        let mut needed = vec![(
            "application_id",
            &self.application_id,
            "interaction responses and command registration name the application",
        )];
        if self.mode() == DiscordMode::Http {
            needed.push((
                "public_key",
                &self.public_key,
                "every interaction Discord sends is verified with it",
            ));
        }
        for (key, value, why) in needed {
            if value.as_deref().is_none_or(str::is_empty) {
                problems.push(super::Problem::new(
                    format!("discord.{key}"),
                    format!("is required when discord.bot_token is set: {why}."),
                ));
            }
        }
        if let Some(key) = &self.public_key
            && !(key.len() == 64 && key.chars().all(|c| c.is_ascii_hexdigit()))
        {
            problems.push(super::Problem::new(
                "discord.public_key",
                "is not 64 hex digits; copy the Public Key from the application's General Information page.",
            ));
        }
    }
}

pub(super) fn check_incident_thread(text: &str) -> Result<(), String> {
    match text {
        "off" | "thread" => Ok(()),
        _ => Err(format!(
            "`{text}` is not a choice; write \"off\" or \"thread\"."
        )),
    }
}

pub(super) fn check_mode(text: &str) -> Result<(), String> {
    match text {
        "gateway" | "http" => Ok(()),
        _ => Err(format!(
            "`{text}` is not a Discord mode; write \"gateway\" or \"http\"."
        )),
    }
}
