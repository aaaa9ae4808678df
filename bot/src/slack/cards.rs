//! Incident cards and incident channels on Slack.
//!
//! An incident's card (its present state) is posted once and edited in place on every change,
//! so the channel is not flooded: the change itself goes into the card's thread. With
//! `slack.incident_channel = "create"`, declaring an incident first creates a channel for it
//! (`inc-YYYYMMDD-short-title`), invites the declarer and the on-call group, declares the
//! incident there, keeps the channel's topic at severity/status/lead, and leaves a pointer in
//! the channel where it was declared.

use warroom_commands::incident::IncidentId;
use warroom_commands::ports::IncidentCard;
use warroom_commands::{ChannelRef, Command, IncidentEvent, Invocation, Platform, Reply};

use super::Slack;
use super::blocks::{escape, message, mrkdwn};
use super::letters::{NewCard, SlackLetter};
use crate::outbox::Delivered;

/// Slack's longest channel name.
const NAME_LIMIT: usize = 80;

/// `inc-20261122-checkout-returns-502`: lowercase letters, digits and dashes.
pub fn channel_name(date: chrono::NaiveDate, title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut name = format!("inc-{}-{}", date.format("%Y%m%d"), slug.trim_matches('-'));
    name.truncate(NAME_LIMIT - 3); // room for a `-N` when the name is taken
    name.trim_end_matches('-').to_string()
}

impl Slack {
    /// Records where an incident's card was posted, so changes edit it in place.
    pub(super) async fn remember(
        &self,
        id: IncidentId,
        channel: &str,
        ts: &str,
        own_channel: bool,
    ) {
        let card = IncidentCard {
            incident: id,
            channel: ChannelRef {
                platform: Platform::Slack,
                workspace: String::new(),
                channel: channel.to_string(),
            },
            message: ts.to_string(),
            own_channel,
        };
        if let Err(e) = self.cards.save_card(&card).await {
            tracing::error!(incident = %id, error = %e, "could not record where the incident card is");
        }
    }

    /// Draws the card of `id` again from the incident as it is now (and the topic of its own
    /// channel). A card not posted yet, or whose post failed, has nothing to redraw.
    pub(super) async fn redraw(&self, id: IncidentId) -> Delivered {
        let card = match self.cards.card(id, Platform::Slack).await {
            Ok(Some(card)) => card,
            Ok(None) => return Delivered::Sent,
            Err(e) => {
                return Delivered::Failed(format!("could not look up the incident card: {e}"));
            }
        };
        let channel = &card.channel.channel;
        let now = match self.core.incident_card(id).await {
            Ok(now) => now,
            Err(e) => return Delivered::Failed(format!("could not read the incident: {e}")),
        };
        if card.own_channel
            && let Err(e) = self.api.set_topic(channel, &topic(&now)).await
        {
            tracing::warn!(incident = %id, error = %e, "could not set the channel topic");
        }
        match self
            .api
            .update(channel, &card.message, &message(&now))
            .await
        {
            Ok(()) => Delivered::Sent,
            Err(e) => Delivered::Failed(e.to_string()),
        }
    }

    /// Creates the incident's channel, declares the incident there, and leaves a pointer where
    /// it was declared. `None` when the channel could not be made: the incident is then declared
    /// where it was typed, as without the switch.
    pub(super) async fn declare_in_own_channel(
        &self,
        inv: &Invocation,
        declaration: Command,
        title: &str,
        response_url: &str,
    ) -> Option<()> {
        let name = channel_name(self.core.clock.now().date_naive(), title);
        let created = self.api.create_channel(&name).await.inspect_err(|e| {
            tracing::error!(channel = %name, error = %e, "could not create the incident channel");
        });
        let channel = created.ok()?;
        let mut people = vec![inv.actor.clone()];
        if let Some(group) = &self.config.oncall_group {
            people.extend(self.groups.members(&self.api, group).await);
        }
        people.sort();
        people.dedup();
        if let Err(e) = self.api.invite(&channel, &people).await {
            tracing::warn!(channel = %channel, error = %e, "could not invite everyone to the incident channel");
        }
        let mut there = inv.clone();
        there.channel.channel = channel.clone();
        let reply = match crate::answer::answer_parsed(&self.core, &there, Ok(declaration)).await {
            Ok(reply) => reply,
            Err(refusal) => {
                self.ephemeral(response_url, &refusal).await;
                return Some(());
            }
        };
        let Some(IncidentEvent::Declared(id)) = reply.incident else {
            self.deliver(&channel, response_url, &reply).await;
            return Some(());
        };
        if let Err(e) = self.api.set_topic(&channel, &topic(&reply)).await {
            tracing::warn!(incident = %id, error = %e, "could not set the channel topic");
        }
        // warroom's own words with a mention and a channel link; only the title is user text.
        let pointer = mrkdwn(&format!(
            "{} declared by <@{}>; it is worked in <#{channel}>.",
            escape(headline(&reply)),
            inv.actor
        ));
        self.send(vec![
            SlackLetter::Post {
                channel: channel.clone(),
                message: message(&reply),
                attachments: Vec::new(),
                card: Some(NewCard {
                    incident: id.0,
                    own_channel: true,
                }),
                fallback: Some(response_url.to_string()),
            },
            SlackLetter::Post {
                channel: inv.channel.channel.clone(),
                message: pointer,
                attachments: Vec::new(),
                card: None,
                fallback: None,
            },
        ])
        .await;
        Some(())
    }
}

/// The card's headline: `🔴 INC-7 P1 · checkout returns 502`.
fn headline(card: &Reply) -> &str {
    card.glance.as_ref().map_or("", |g| g.headline.as_str())
}

/// The channel topic for a card: its headline, status and lead.
fn topic(card: &Reply) -> String {
    match &card.glance {
        Some(glance) => format!(
            "{} | status: {} | lead: {}",
            glance.headline,
            glance.status,
            glance.lead.as_deref().unwrap_or("none yet")
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_are_dated_slugs_within_slacks_limit() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(
            channel_name(date, "Checkout returns 502!"),
            "inc-20261122-checkout-returns-502"
        );
        assert_eq!(
            channel_name(date, "Ünïcode / API — down"),
            "inc-20261122-n-code-api-down"
        );
        let long = channel_name(date, &"very long title ".repeat(20));
        assert!(
            long.len() <= NAME_LIMIT - 3 && !long.ends_with('-'),
            "{long}"
        );
    }
}
