//! Who a rule is about, and who is asking.

use std::fmt;

use crate::Platform;

/// A member of a role, as written in configuration: `*` (everyone), `console:alice`,
/// `slack:U024BE7LH` (a user), `slack:S0614TZR7` (a user group), `discord:80351110224678912`
/// (a user or a role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Everyone,
    Id { platform: Platform, id: String },
}

impl Principal {
    /// Parses the configuration form; the error is a sentence.
    pub fn parse(text: &str) -> Result<Principal, String> {
        if text == "*" {
            return Ok(Principal::Everyone);
        }
        let (platform, id) = text.split_once(':').ok_or_else(|| {
            format!("`{text}` is not a member; write PLATFORM:ID, e.g. slack:U024BE7LH, discord:80351110224678912, console:alice, or * for everyone.")
        })?;
        let platform = Platform::parse(platform).ok_or_else(|| {
            format!("`{platform}` in `{text}` is not a platform; use slack, discord or console.")
        })?;
        if id.is_empty() || id.chars().any(char::is_whitespace) {
            return Err(format!("`{text}` has no id after the platform."));
        }
        Ok(Principal::Id {
            platform,
            id: id.to_string(),
        })
    }

    /// True when the actor is this principal, directly or through one of their groups.
    pub fn matches(&self, actor: &Actor) -> bool {
        match self {
            Principal::Everyone => true,
            Principal::Id { platform, id } => {
                *platform == actor.platform
                    && (actor.id == *id || actor.groups.iter().any(|g| g == id))
            }
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::Everyone => f.write_str("*"),
            Principal::Id { platform, id } => write!(f, "{platform}:{id}"),
        }
    }
}

/// The person asking, with the groups the platform says they are in (Slack user groups,
/// Discord roles), all by immutable id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub platform: Platform,
    pub id: String,
    pub groups: Vec<String>,
}
