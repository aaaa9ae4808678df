//! Gateway mode: warroom connects to Discord's gateway with serenity's client, so no public URL
//! is needed. Interactions arrive as gateway events instead of signed POSTs (the gateway
//! connection itself is authenticated with the bot token) and go to the same handler; its
//! immediate response is sent to the interaction's callback.

use std::sync::Arc;

use serenity::all::{
    ConnectionStage, Context, EventHandler, GatewayIntents, Interaction, Ready,
    ShardStageUpdateEvent,
};
use serenity::http::{LightMethod, Request, Route};
use serenity::model::id::InteractionId;

use super::Discord;

struct Handler(Arc<Discord>);

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, _ready: Ready) {
        tracing::info!("connected to Discord's gateway");
        crate::readiness::set("discord", true);
    }

    /// A dropped or resuming connection makes warroom not ready until it is back.
    async fn shard_stage_update(&self, _ctx: Context, event: ShardStageUpdateEvent) {
        crate::readiness::set("discord", event.new == ConnectionStage::Connected);
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        // serenity writes the interaction back without its type; the variant says it.
        let kind = match &interaction {
            Interaction::Ping(_) => 1,
            Interaction::Command(_) => 2,
            Interaction::Component(_) => 3,
            Interaction::Autocomplete(_) => 4,
            _ => 0,
        };
        let Ok(mut payload) = serde_json::to_value(&interaction) else {
            tracing::warn!("a gateway interaction could not be read");
            return;
        };
        payload["type"] = serde_json::json!(kind);
        let (Some(id), Some(token)) = (
            payload["id"].as_str().and_then(|id| id.parse::<u64>().ok()),
            payload["token"].as_str().map(String::from),
        ) else {
            return;
        };
        let Ok(answer) = self.0.handle(payload).await else {
            tracing::warn!(interaction = id, "refused a gateway interaction");
            return;
        };
        let callback = Request::new(
            Route::InteractionResponse {
                interaction_id: InteractionId::new(id),
                token: &token,
            },
            LightMethod::Post,
        )
        .body(Some(answer.to_string().into_bytes()));
        if let Err(e) = self.0.send("answering an interaction", callback).await {
            tracing::error!(interaction = id, error = %e, "could not answer a gateway interaction");
        }
    }
}

/// Connects and serves until the process ends; serenity reconnects on its own.
pub async fn run(discord: Arc<Discord>) {
    crate::readiness::set("discord", false);
    let http = super::rest_client(&discord.config, discord.application);
    let client = serenity::client::ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(Handler(discord))
        .await;
    match client {
        Ok(mut client) => {
            if let Err(e) = client.start().await {
                tracing::error!(error = %e, "the Discord gateway connection ended");
            }
            crate::readiness::set("discord", false);
        }
        Err(e) => tracing::error!(error = %e, "could not start the Discord gateway client"),
    }
}
