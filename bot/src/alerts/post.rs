//! Showing what alerts did, through the chat transport of each route's channel.

use std::sync::Arc;

use warroom_commands::alerts::{Announcement, Desk};
use warroom_commands::incident::IncidentId;
use warroom_commands::{ChannelRef, Core, Reply};

use super::Alerts;

/// What a chat transport does for alerts. Both go through its outbox, so they are sent at the
/// platform's pace, in order per channel, and survive a crash. A redraw waits
/// [`crate::outbox::CARD_GAP`] and every redraw of that card asked for meanwhile coalesces into
/// it, which is what keeps a storm to one card update every few seconds per incident.
#[async_trait::async_trait]
pub trait Announce: Send + Sync {
    /// Posts `reply` in `channel`: a new incident's card (remembered, so later changes edit
    /// it), a change in the card's thread, or a plain message.
    async fn post(&self, channel: &str, reply: &Reply);

    /// Draws the card of `incident` again from the incident as it is when it is sent, no sooner
    /// than [`crate::outbox::CARD_GAP`] from now.
    async fn redraw(&self, incident: IncidentId, channel: &str);

    /// The workspace (Slack team, Discord server) `channel` is in, as the platform's own
    /// requests name it, so an incident an alert opens there is the one people's commands in
    /// that channel find. `None` when the platform cannot say now.
    async fn workspace(&self, channel: &str) -> Option<String>;
}

impl Alerts {
    /// The core whose routes name their channels with their workspaces: a channel is written
    /// `slack:C…` in configuration, but Slack and Discord name a channel within its workspace
    /// in every request, and an incident is found by both. `Err` while a platform cannot say;
    /// the next batch asks again.
    pub(super) async fn resolve(&self) -> Result<Core, ()> {
        let mut routes = (*self.core.alerts.routes).clone();
        for route in &mut routes.routes {
            if !route.channel.workspace.is_empty() {
                continue;
            }
            let poster = self.poster(&route.channel).ok_or(())?;
            route.channel.workspace = poster.workspace(&route.channel.channel).await.ok_or(())?;
        }
        Ok(Core {
            alerts: Desk {
                store: self.core.alerts.store.clone(),
                routes: Arc::new(routes),
            },
            ..self.core.clone()
        })
    }

    fn poster(&self, channel: &ChannelRef) -> Option<&dyn Announce> {
        let found = self
            .posters
            .iter()
            .find(|(p, _)| *p == channel.platform)
            .map(|(_, a)| a.as_ref());
        if found.is_none() {
            tracing::warn!(channel = %channel.channel, platform = ?channel.platform, "an alert route names a channel on a platform warroom is not connected to");
        }
        found
    }

    pub(super) async fn announce(&self, announcements: Vec<Announcement>) {
        for announcement in announcements {
            match announcement {
                Announcement::Post { channel, reply } => {
                    if let Some(poster) = self.poster(&channel) {
                        let reply = self.core.redactor.reply(reply);
                        poster.post(&channel.channel, &reply).await;
                    }
                }
                Announcement::Redraw { channel, incident } => {
                    if let Some(poster) = self.poster(&channel) {
                        poster.redraw(incident, &channel.channel).await;
                    }
                }
            }
        }
    }
}
