//! What a transport hands the core: who typed what, where.
//!
//! Ids are the platform's immutable ids (Slack `U…`/`C…`, Discord snowflakes, console user
//! names), never display names, because access and the record are keyed on them.

use std::fmt;

/// The chat platform a command came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Console,
    Slack,
    Discord,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Console, Platform::Slack, Platform::Discord];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::Slack => "slack",
            Platform::Discord => "discord",
        }
    }

    pub fn parse(text: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A channel, unique across platforms and workspaces. One open incident per channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelRef {
    pub platform: Platform,
    /// Slack team id, Discord guild id, or `local` for the console.
    pub workspace: String,
    pub channel: String,
}

impl ChannelRef {
    pub fn new(platform: Platform, workspace: &str, channel: &str) -> ChannelRef {
        ChannelRef {
            platform,
            workspace: workspace.to_string(),
            channel: channel.to_string(),
        }
    }
}

impl fmt::Display for ChannelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.platform {
            Platform::Console => write!(f, "#{}", self.channel),
            _ => write!(f, "{}:{}", self.platform, self.channel),
        }
    }
}

/// One command typed by one person in one channel.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub channel: ChannelRef,
    /// The actor's immutable platform id.
    pub actor: String,
    /// Ids of the groups the platform says the actor is in (Slack user groups, Discord roles).
    pub groups: Vec<String>,
    /// The command text as typed, with or without the leading slash.
    pub text: String,
}

impl Invocation {
    /// The actor as the access policy sees them.
    pub fn actor(&self) -> crate::access::Actor {
        crate::access::Actor {
            platform: self.channel.platform,
            id: self.actor.clone(),
            groups: self.groups.clone(),
        }
    }
}
