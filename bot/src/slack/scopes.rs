//! The OAuth scopes warroom's Slack app needs, derived from what the code calls.
//!
//! A scope the manifest lacks breaks a feature only in a real workspace (an escalation DM
//! without `im:write` fails with `missing_scope`), and a scope nothing uses is access a
//! workspace admin is asked to grant for nothing. So the needs are written next to the calls,
//! and a test holds the manifest to exactly their union.

/// Each Web API method warroom calls with the bot token, and the bot scopes it needs (public
/// channels, then private ones).
pub const METHODS: &[(&str, &[&str])] = &[
    ("auth.test", &[]),
    ("chat.postMessage", &["chat:write"]),
    ("chat.update", &["chat:write"]),
    ("conversations.create", &["channels:manage", "groups:write"]),
    (
        "conversations.history",
        &["channels:history", "groups:history"],
    ),
    ("conversations.invite", &["channels:manage", "groups:write"]),
    ("conversations.open", &["im:write"]),
    (
        "conversations.setTopic",
        &["channels:manage", "groups:write"],
    ),
    ("files.getUploadURLExternal", &["files:write"]),
    ("files.completeUploadExternal", &["files:write"]),
    ("usergroups.list", &["usergroups:read"]),
];

/// Scopes needed by what the app receives rather than calls: slash commands, and the events it
/// subscribes to (pin reactions, and edits of pinned messages in public and private channels).
pub const RECEIVED: &[&str] = &[
    "commands",
    "reactions:read",
    "channels:history",
    "groups:history",
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The methods `api.rs` calls by name: the first argument of `retrying(` and `calling(`.
    fn called() -> BTreeSet<&'static str> {
        let source = include_str!("api.rs");
        let mut methods = BTreeSet::new();
        for call in ["retrying(\"", "calling(\""] {
            for (at, _) in source.match_indices(call) {
                let rest = &source[at + call.len()..];
                methods.insert(&rest[..rest.find('"').unwrap()]);
            }
        }
        // Not Web API methods with a bot scope: the response_url is a webhook, the upload goes
        // to the URL Slack handed out.
        methods.remove("response_url");
        methods.remove("upload");
        methods
    }

    #[test]
    fn every_method_called_has_its_scopes_written_down() {
        let written: BTreeSet<&str> = METHODS.iter().map(|(m, _)| *m).collect();
        assert_eq!(called(), written);
    }

    #[test]
    fn the_manifest_asks_for_exactly_the_scopes_the_code_needs() {
        let manifest = include_str!("../../slack-app-manifest.yml");
        let bot = manifest
            .split("    bot:\n")
            .nth(1)
            .expect("the manifest has bot scopes");
        let asked: BTreeSet<&str> = bot
            .lines()
            .map_while(|l| l.strip_prefix("      - "))
            .collect();
        let needed: BTreeSet<&str> = METHODS
            .iter()
            .flat_map(|(_, scopes)| scopes.iter().copied())
            .chain(RECEIVED.iter().copied())
            .collect();
        assert_eq!(asked, needed);
    }
}
