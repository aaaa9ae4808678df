//! The [`CardStore`] port on SQLite and Postgres: one row per incident and platform.

use async_trait::async_trait;
use warroom_commands::incident::IncidentId;
use warroom_commands::ports::{CardStore, IncidentCard, StoreError};
use warroom_commands::{ChannelRef, Platform};

use super::errors::store_error;
use super::{Store, on_pool};

const CARD: &str = "SELECT workspace, channel, message_id, own_channel FROM incident_cards \
                    WHERE incident_id = $1 AND platform = $2";

const SAVE_CARD: &str = "INSERT INTO incident_cards \
    (incident_id, platform, workspace, channel, message_id, own_channel) \
    VALUES ($1, $2, $3, $4, $5, $6) \
    ON CONFLICT (incident_id, platform) DO UPDATE SET workspace = excluded.workspace, \
    channel = excluded.channel, message_id = excluded.message_id, own_channel = excluded.own_channel";

#[async_trait]
impl CardStore for Store {
    async fn card(
        &self,
        incident: IncidentId,
        platform: Platform,
    ) -> Result<Option<IncidentCard>, StoreError> {
        let row: Option<(String, String, String, bool)> =
            on_pool!(self, pool => sqlx::query_as(CARD)
            .bind(incident.0)
            .bind(platform.as_str())
            .fetch_optional(pool)
            .await)
            .map_err(store_error)?;
        Ok(
            row.map(|(workspace, channel, message, own_channel)| IncidentCard {
                incident,
                channel: ChannelRef {
                    platform,
                    workspace,
                    channel,
                },
                message,
                own_channel,
            }),
        )
    }

    async fn save_card(&self, card: &IncidentCard) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(SAVE_CARD)
            .bind(card.incident.0)
            .bind(card.channel.platform.as_str())
            .bind(&card.channel.workspace)
            .bind(&card.channel.channel)
            .bind(&card.message)
            .bind(card.own_channel)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(store_error)
    }
}
