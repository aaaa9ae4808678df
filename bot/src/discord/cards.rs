//! Incident cards on Discord: the card posted when an incident is declared is remembered and
//! edited in place on every change, while the change itself answers the command that made it.

use serde_json::{Value, json};
use serenity::http::{LightMethod, Request, Route};
use serenity::model::id::{ChannelId, MessageId};
use warroom_commands::grammar::shortened;
use warroom_commands::incident::IncidentId;
use warroom_commands::ports::IncidentCard;
use warroom_commands::{ChannelRef, IncidentEvent, Invocation, Platform, Reply};

use super::Discord;
use super::message::{self, message};
use crate::outbox::Delivered;

/// Discord's longest thread name.
const THREAD_NAME_LIMIT: usize = 100;
/// A public thread.
const PUBLIC_THREAD: u64 = 11;

impl Discord {
    /// Opens a thread for the incident, declares it there, posts its card there and answers the
    /// command with a pointer to it. `false` when the thread could not be made: the incident is
    /// then declared in the channel, as without the switch.
    pub(super) async fn declare_in_thread(
        &self,
        inv: &Invocation,
        title: &str,
        answering: &super::Answering,
    ) -> bool {
        let Ok(channel) = inv.channel.channel.parse::<u64>() else {
            return false;
        };
        let name = shortened(&format!("incident: {title}"), THREAD_NAME_LIMIT);
        let open = Request::new(
            Route::ChannelThreads {
                channel_id: ChannelId::new(channel),
            },
            LightMethod::Post,
        )
        .body(Some(
            json!({ "name": name, "type": PUBLIC_THREAD, "auto_archive_duration": 10080 })
                .to_string()
                .into_bytes(),
        ));
        let thread = match self.send("opening an incident thread", open).await {
            Ok(thread) => thread["id"].as_str().unwrap_or_default().to_string(),
            Err(e) => {
                tracing::error!(error = %e, "could not open the incident thread");
                return false;
            }
        };
        if thread.parse::<u64>().is_err() {
            return false;
        }
        let mut there = inv.clone();
        there.channel.channel = thread.clone();
        let reply = match self.answer(&there).await {
            Ok(reply) => reply,
            Err(refusal) => {
                self.deliver(answering, &refusal, false).await;
                return true;
            }
        };
        match reply.incident {
            Some(IncidentEvent::Declared(id)) => self.post_card(&thread, &reply, id).await,
            _ => {
                self.deliver(answering, &reply, false).await;
                return true;
            }
        }
        // warroom's own words, from ids: the person who declared and the thread.
        let pointer = message::own_words(&format!(
            "Declared by <@{}>; worked in <#{thread}>.",
            inv.actor
        ));
        self.deliver_body(answering, &Reply::channel(), pointer, true)
            .await;
        true
    }

    /// Records where an incident's card shows, from the message as Discord answered it.
    pub(super) async fn remember(&self, id: IncidentId, shown: &Value) {
        let (Some(channel), Some(message)) = (shown["channel_id"].as_str(), shown["id"].as_str())
        else {
            tracing::warn!(incident = %id, "Discord did not say where the incident card is");
            return;
        };
        let card = IncidentCard {
            incident: id,
            channel: ChannelRef {
                platform: Platform::Discord,
                workspace: String::new(),
                channel: channel.to_string(),
            },
            message: message.to_string(),
            own_channel: false,
        };
        if let Err(e) = self.cards.save_card(&card).await {
            tracing::error!(incident = %id, error = %e, "could not record where the incident card is");
        }
    }

    /// Draws the card of `id` again from the incident as it is now. A card not posted yet, or
    /// whose post failed, has nothing to redraw.
    pub(super) async fn redraw(&self, id: IncidentId) -> Delivered {
        let card = match self.cards.card(id, Platform::Discord).await {
            Ok(Some(card)) => card,
            Ok(None) => return Delivered::Sent,
            Err(e) => {
                return Delivered::Failed(format!("could not look up the incident card: {e}"));
            }
        };
        let (Ok(channel), Ok(message_id)) = (
            card.channel.channel.parse::<u64>(),
            card.message.parse::<u64>(),
        ) else {
            return Delivered::Failed(format!("the card of {id} is not at a Discord message"));
        };
        let now = match self.core.incident_card(id).await {
            Ok(now) => now,
            Err(e) => return Delivered::Failed(format!("could not read the incident: {e}")),
        };
        let route = Route::ChannelMessage {
            channel_id: ChannelId::new(channel),
            message_id: MessageId::new(message_id),
        };
        let edit = Request::new(route, LightMethod::Patch)
            .body(Some(message(&now).to_string().into_bytes()));
        match self.send("redrawing the incident card", edit).await {
            Ok(_) => Delivered::Sent,
            Err(e) => Delivered::Failed(e.to_string()),
        }
    }
}
