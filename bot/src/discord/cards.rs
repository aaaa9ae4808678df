//! Incident cards on Discord: the card posted when an incident is declared is remembered and
//! edited in place on every change, while the change itself answers the command that made it.

use serde_json::Value;
use serenity::http::{LightMethod, Request, Route};
use serenity::model::id::{ChannelId, MessageId};
use warroom_commands::incident::IncidentId;
use warroom_commands::ports::IncidentCard;
use warroom_commands::{ChannelRef, IncidentEvent, Platform, Reply};

use super::Discord;
use super::message::message;

impl Discord {
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
