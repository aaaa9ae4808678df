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
use super::message::message;

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
        let Ok(thread_id) = thread.parse::<u64>() else {
            return false;
        };
        let mut there = inv.clone();
        there.channel.channel = thread.clone();
        let reply = match self.answer(&there).await {
            Ok(reply) => reply,
            Err(refusal) => {
                self.deliver(answering, &refusal, false).await;
                return true;
            }
        };
        let post = Request::new(
            Route::ChannelMessages {
                channel_id: ChannelId::new(thread_id),
            },
            LightMethod::Post,
        )
        .body(Some(message(&reply).to_string().into_bytes()));
        match self.send("posting the incident card", post).await {
            Ok(shown) => self.keep_card(&reply, &shown).await,
            Err(e) => tracing::error!(error = %e, "could not post the incident card in its thread"),
        }
        let pointer = Reply::channel().text(format!(
            "Declared by <@{}>; worked in <#{thread}>.",
            inv.actor
        ));
        self.deliver(answering, &pointer, true).await;
        true
    }

    /// After a reply was shown: remembers a new card, or redraws the card a change is about.
    pub(super) async fn keep_card(&self, reply: &Reply, shown: &Value) {
        match reply.incident {
            Some(IncidentEvent::Declared(id)) => self.remember(id, shown).await,
            Some(IncidentEvent::Changed(id)) => self.redraw(id).await,
            None => {}
        }
    }

    async fn remember(&self, id: IncidentId, shown: &Value) {
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

    async fn redraw(&self, id: IncidentId) {
        let _turn = self.card_turns.take(id).await;
        let card = match self.cards.card(id, Platform::Discord).await {
            Ok(Some(card)) => card,
            Ok(None) => return,
            Err(e) => {
                tracing::error!(incident = %id, error = %e, "could not look up the incident card");
                return;
            }
        };
        let (Ok(channel), Ok(message_id)) = (
            card.channel.channel.parse::<u64>(),
            card.message.parse::<u64>(),
        ) else {
            return;
        };
        let now = match self.core.incident_card(id).await {
            Ok(now) => now,
            Err(e) => {
                tracing::error!(incident = %id, error = %e, "could not read the incident");
                return;
            }
        };
        let route = Route::ChannelMessage {
            channel_id: ChannelId::new(channel),
            message_id: MessageId::new(message_id),
        };
        let edit = Request::new(route, LightMethod::Patch)
            .body(Some(message(&now).to_string().into_bytes()));
        if let Err(e) = self.send("redrawing the incident card", edit).await {
            tracing::error!(incident = %id, error = %e, "could not redraw the incident card");
        }
    }
}
