//! `[web]`: the incident review pages under `/incidents`, and who may read them.
//!
//! Nothing is public by default: with no key here every page answers 401. Links the bot posts
//! carry a token signed with `link_secret` that opens one incident until it expires; people
//! who browse the list use `bearer_token` (for a proxy or a script) or `basic_user` with
//! `basic_password`.

use chrono::TimeDelta;
use serde::{Deserialize, Deserializer};

use super::problems::Problems;
use super::text::{positive_duration, read_text};
use crate::web::PageAuth;

/// `[web]`, read straight into what the pages run with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    /// How people reach warroom, for the links it posts: `https://warroom.example.com`.
    #[serde(deserialize_with = "base_url")]
    pub base_url: String,
    /// Signs the links the bot posts. Without it the bot posts no links.
    pub link_secret: Option<String>,
    /// How long a posted link opens its incident: `7d`.
    #[serde(deserialize_with = "link_ttl")]
    pub link_ttl: TimeDelta,
    /// `Authorization: Bearer …` that opens every page.
    pub bearer_token: Option<String>,
    /// Basic auth that opens every page.
    pub basic_user: Option<String>,
    pub basic_password: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            base_url: "http://127.0.0.1:8080".into(),
            link_secret: None,
            link_ttl: TimeDelta::days(7),
            bearer_token: None,
            basic_user: None,
            basic_password: None,
        }
    }
}

impl WebConfig {
    pub fn auth(&self) -> PageAuth {
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        PageAuth {
            link_secret: given(&self.link_secret),
            bearer_token: given(&self.bearer_token),
            basic: given(&self.basic_user).zip(given(&self.basic_password)),
        }
    }

    /// The rule that needs two keys; every value on its own was checked as it was read.
    pub(super) fn check(&self, problems: &mut Problems) {
        if self.basic_user.is_some() != self.basic_password.is_some() {
            problems.push(
                "web.basic_password",
                "basic_user and basic_password go together; set both, or neither.",
            );
        }
    }
}

fn base_url<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    read_text(d, |text| {
        if (text.starts_with("http://") || text.starts_with("https://"))
            && !text.contains(char::is_whitespace)
        {
            Ok(text.to_string())
        } else {
            Err(format!(
                "`{text}` is not a web address; write it like https://warroom.example.com."
            ))
        }
    })
}

fn link_ttl<'de, D: Deserializer<'de>>(d: D) -> Result<TimeDelta, D::Error> {
    read_text(d, positive_duration)
}
