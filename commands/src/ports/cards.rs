//! Where an incident's card lives on a chat platform, so transports edit it in place.

use async_trait::async_trait;

use super::StoreError;
use crate::incident::IncidentId;
use crate::{ChannelRef, Platform};

/// An incident's card: the message that shows its present state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentCard {
    pub incident: IncidentId,
    /// The channel the card is in, with the platform.
    pub channel: ChannelRef,
    /// The platform's id of the message (a Slack ts, a Discord message id).
    pub message: String,
    /// The channel was created for the incident, so its topic follows the incident too.
    pub own_channel: bool,
}

#[async_trait]
pub trait CardStore: Send + Sync {
    /// The incident's card on `platform`, if one was posted.
    async fn card(
        &self,
        incident: IncidentId,
        platform: Platform,
    ) -> Result<Option<IncidentCard>, StoreError>;

    /// Records (or moves) the incident's card on its platform.
    async fn save_card(&self, card: &IncidentCard) -> Result<(), StoreError>;
}
