//! The notifier port: how warroom speaks first (escalations, reminders), rather than answering
//! a command. Each chat transport implements it; the scheduler names only this trait.

use async_trait::async_trait;

use crate::{ChannelRef, Platform, Reply};

/// Where a notification goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    Channel(ChannelRef),
    /// A reply in the thread of a message (a Slack ts, a Discord message id).
    Thread {
        channel: ChannelRef,
        message: String,
    },
    /// A direct message to one person.
    Direct {
        platform: Platform,
        user: String,
    },
}

/// Someone the notification must reach: a person or a group (Slack user group, Discord role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mention {
    User(String),
    Group(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotifyError(pub String);

#[async_trait]
pub trait Notifier: Send + Sync {
    /// Sends `reply` to `to`, mentioning `mentions` first; the id of the message sent.
    async fn notify(
        &self,
        to: &Recipient,
        mentions: &[Mention],
        reply: &Reply,
    ) -> Result<String, NotifyError>;

    /// Tells `channel` of a change warroom made to an incident on its own (`reply` is about
    /// [`crate::IncidentEvent::Changed`]): the change where the incident's changes go, and its
    /// card drawn again. A chat transport sends both through its outbox, so they are delivered
    /// once and in order even across a crash; a notifier without cards posts a message.
    async fn changed(&self, channel: &ChannelRef, reply: &Reply) -> Result<(), NotifyError> {
        self.notify(&Recipient::Channel(channel.clone()), &[], reply)
            .await
            .map(|_| ())
    }
}
