//! `[discord]`: how warroom reaches Discord. Without a `bot_token` the Discord transport is off.

use serde::{Deserialize, Deserializer};

use super::problems::Problems;
use super::text::{choice, read_endpoint, read_text};

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

/// `[discord]`, read straight into what the transport runs with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// "gateway" (default) or "http".
    #[serde(deserialize_with = "mode")]
    pub mode: DiscordMode,
    pub bot_token: Option<String>,
    /// The application (client) id: interaction responses and command registration use it.
    pub application_id: Option<String>,
    /// The application's Ed25519 public key (hex): every HTTP interaction is verified with it.
    pub public_key: Option<String>,
    /// The API origin; a test points it at a fake server on loopback.
    #[serde(deserialize_with = "read_endpoint")]
    pub api_url: String,
    /// Register the commands in this guild only (they appear at once) instead of globally.
    pub guild_id: Option<String>,
    /// `incident_thread`: "off" (default) or "thread": declaring an incident opens a thread for
    /// it in the channel.
    #[serde(rename = "incident_thread", deserialize_with = "opens_threads")]
    pub opens_threads: bool,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            mode: DiscordMode::Gateway,
            bot_token: None,
            application_id: None,
            public_key: None,
            api_url: DISCORD_ORIGIN.into(),
            guild_id: None,
            opens_threads: false,
        }
    }
}

impl DiscordConfig {
    /// Whether the Discord transport runs: a bot token is configured.
    pub fn enabled(&self) -> bool {
        self.bot_token.as_deref().is_some_and(|t| !t.is_empty())
    }

    /// What is missing for the chosen mode, as problems under their keys.
    pub(super) fn check(&self, problems: &mut Problems) {
        if !self.enabled() {
            return;
        }
        let mut needed = vec![(
            "application_id",
            &self.application_id,
            "interaction responses and command registration name the application",
        )];
        if self.mode == DiscordMode::Http {
            needed.push((
                "public_key",
                &self.public_key,
                "every interaction Discord sends is verified with it",
            ));
        }
        for (key, value, why) in needed {
            if value.as_deref().is_none_or(str::is_empty) {
                problems.push(
                    format!("discord.{key}"),
                    format!("is required when discord.bot_token is set: {why}."),
                );
            }
        }
        if let Some(key) = &self.public_key
            && !(key.len() == 64 && key.chars().all(|c| c.is_ascii_hexdigit()))
        {
            problems.push(
                "discord.public_key",
                "is not 64 hex digits; copy the Public Key from the application's General Information page.",
            );
        }
    }
}

fn mode<'de, D: Deserializer<'de>>(d: D) -> Result<DiscordMode, D::Error> {
    read_text(d, |text| {
        choice(
            text,
            "a Discord mode",
            [
                ("gateway", DiscordMode::Gateway),
                ("http", DiscordMode::Http),
            ],
        )
    })
}

fn opens_threads<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    read_text(d, |text| {
        choice(text, "a choice", [("off", false), ("thread", true)])
    })
}
