//! The notifier port on Slack: channel posts, thread replies and direct messages, with
//! mentions of people (`<@U…>`) and user groups (`<!subteam^S…>`) ahead of the message, so
//! Slack notifies them.

use async_trait::async_trait;
use serde_json::{Value, json};
use warroom_commands::ports::{Mention, Notifier, NotifyError, Recipient};
use warroom_commands::{ChannelRef, Reply};

use super::Slack;
use super::blocks::message;

/// Mentions as Slack writes them. Ids are checked to be Slack ids, so no text from elsewhere
/// can turn into a broadcast like `<!channel>`.
fn mentions(mentions: &[Mention]) -> Option<String> {
    let id = |id: &str| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric());
    let written: Vec<String> = mentions
        .iter()
        .filter_map(|m| match m {
            Mention::User(u) if id(u) => Some(format!("<@{u}>")),
            Mention::Group(g) if id(g) => Some(format!("<!subteam^{g}>")),
            _ => None,
        })
        .collect();
    (!written.is_empty()).then(|| written.join(" "))
}

/// The message with the mentions as its first section and in its notification text.
fn with_mentions(mut message: Value, mentions: Option<String>) -> Value {
    let Some(mentions) = mentions else {
        return message;
    };
    if let Some(blocks) = message["blocks"].as_array_mut() {
        blocks.insert(
            0,
            json!({ "type": "section", "text": { "type": "mrkdwn", "text": mentions } }),
        );
    }
    let text = format!(
        "{mentions} {}",
        message["text"].as_str().unwrap_or_default()
    );
    message["text"] = json!(text);
    message
}

#[async_trait]
impl Notifier for Slack {
    async fn notify(
        &self,
        to: &Recipient,
        who: &[Mention],
        reply: &Reply,
    ) -> Result<String, NotifyError> {
        let body = with_mentions(message(reply), mentions(who));
        let failed = |e: super::api::ApiError| NotifyError(e.to_string());
        let (channel, thread) = match to {
            Recipient::Channel(channel) => (channel.channel.clone(), None),
            Recipient::Thread { channel, message } => {
                (channel.channel.clone(), Some(message.as_str()))
            }
            Recipient::Direct { user, .. } => {
                (self.api.open_direct(user).await.map_err(failed)?, None)
            }
        };
        self.api.post(&channel, thread, &body).await.map_err(|e| {
            tracing::error!(channel, error = %e, "a notification could not be posted");
            failed(e)
        })
    }

    /// Through the outbox, as an alert's announcements go (see `crate::alerts::Announce`).
    async fn changed(&self, channel: &ChannelRef, reply: &Reply) -> Result<(), NotifyError> {
        crate::alerts::Announce::post(self, &channel.channel, reply).await;
        Ok(())
    }
}
