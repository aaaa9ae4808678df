//! The notifier port on Discord: channel messages, replies to a message and direct messages,
//! with mentions of people (`<@id>`) and roles (`<@&id>`) that Discord is allowed to ping.

use async_trait::async_trait;
use serde_json::{Value, json};
use serenity::http::{LightMethod, Request, Route};
use serenity::model::id::ChannelId;
use warroom_commands::ports::{Mention, Notifier, NotifyError, Recipient};
use warroom_commands::{ChannelRef, Reply};

use super::Discord;
use super::message::message;

/// Snowflakes only: nothing else can become a ping such as `@everyone`.
fn snowflake(id: &str) -> Option<u64> {
    id.parse().ok().filter(|n| *n != 0)
}

/// The message with the mentions as its content, and only those allowed to ping.
fn with_mentions(mut body: Value, who: &[Mention]) -> Value {
    let (mut users, mut roles, mut written) = (Vec::new(), Vec::new(), Vec::new());
    for mention in who {
        match mention {
            Mention::User(id) if snowflake(id).is_some() => {
                written.push(format!("<@{id}>"));
                users.push(id.clone());
            }
            Mention::Group(id) if snowflake(id).is_some() => {
                written.push(format!("<@&{id}>"));
                roles.push(id.clone());
            }
            _ => {}
        }
    }
    body["content"] = json!(written.join(" "));
    body["allowed_mentions"] = json!({ "parse": [], "users": users, "roles": roles });
    body
}

fn channel(id: &str) -> Result<ChannelId, NotifyError> {
    snowflake(id)
        .map(ChannelId::new)
        .ok_or_else(|| NotifyError(format!("`{id}` is not a Discord channel id")))
}

#[async_trait]
impl Notifier for Discord {
    async fn notify(
        &self,
        to: &Recipient,
        who: &[Mention],
        reply: &Reply,
    ) -> Result<String, NotifyError> {
        let mut body = with_mentions(message(reply), who);
        if let Some(flags) = body.as_object_mut() {
            flags.remove("flags");
        }
        let failed = |e: super::RestError| NotifyError(e.to_string());
        let target = match to {
            Recipient::Channel(c) => channel(&c.channel)?,
            Recipient::Thread {
                channel: c,
                message,
            } => {
                body["message_reference"] = json!({ "message_id": message });
                channel(&c.channel)?
            }
            Recipient::Direct { user, .. } => {
                let open = Request::new(Route::UserMeDmChannels, LightMethod::Post).body(Some(
                    json!({ "recipient_id": user }).to_string().into_bytes(),
                ));
                let dm = self
                    .send("opening a direct message", open)
                    .await
                    .map_err(failed)?;
                channel(dm["id"].as_str().unwrap_or_default())?
            }
        };
        let post = Request::new(
            Route::ChannelMessages { channel_id: target },
            LightMethod::Post,
        )
        .body(Some(body.to_string().into_bytes()));
        let sent = self.send("posting a notification", post).await.map_err(|e| {
            tracing::error!(channel = %target, error = %e, "a notification could not be posted");
            failed(e)
        })?;
        Ok(sent["id"].as_str().unwrap_or_default().to_string())
    }

    /// Through the outbox, as an alert's announcements go (see `crate::alerts::Announce`).
    async fn changed(&self, channel: &ChannelRef, reply: &Reply) -> Result<(), NotifyError> {
        crate::alerts::Announce::post(self, &channel.channel, reply).await;
        Ok(())
    }
}
