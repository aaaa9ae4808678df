//! The Slack transport: slash commands, button clicks and events over HTTP.
//!
//! Slack wants an answer within three seconds, and an AWS call or a rollout takes longer. So
//! every route verifies the signature, answers 200 at once, and does the work on a task that
//! delivers the reply afterwards: to the channel through chat.postMessage (so the message can be
//! edited in place later), or only to the caller through the response_url (errors, denials,
//! help). The core decides what a command means; this module only carries text in and a
//! [`Reply`] out.

pub mod api;
pub mod blocks;
mod cards;
mod command;
mod events;
mod groups;
mod interaction;
mod notifier;
pub mod pace;
pub mod socket;
pub mod verify;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use warroom_commands::error::INTERNAL_ERROR_SENTENCE;
use warroom_commands::{
    Block, ChannelRef, CommandError, Core, Invocation, Platform, Reply, Visibility,
};

use crate::config::SlackConfig;
use api::SlackApi;
use verify::Verifier;
use warroom_commands::ports::CardStore;

/// Slack's own requests are a few kilobytes; anything far larger is not from Slack.
const BODY_LIMIT: usize = 64 * 1024;

pub struct Slack {
    pub core: Core,
    /// Where each incident's card is, to edit it in place.
    cards: Arc<dyn CardStore>,
    pub api: SlackApi,
    verifier: Verifier,
    groups: groups::Groups,
    pub config: SlackConfig,
}

impl Slack {
    pub fn new(
        core: Core,
        cards: Arc<dyn CardStore>,
        config: &SlackConfig,
    ) -> std::io::Result<Slack> {
        let token = config.bot_token.clone().unwrap_or_default();
        Ok(Slack {
            core,
            cards,
            api: SlackApi::new(&config.api_url, &token)?,
            verifier: Verifier::new(config.signing_secret.as_deref().unwrap_or_default()),
            groups: groups::Groups::default(),
            config: config.clone(),
        })
    }

    /// `/slack/commands`, `/slack/interactions`, `/slack/events`.
    pub fn routes(self: Arc<Self>) -> Router {
        Router::new()
            .route("/slack/commands", post(command::receive))
            .route("/slack/interactions", post(interaction::receive))
            .route("/slack/events", post(events::receive))
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(self)
    }

    /// Who typed or clicked, where: the invocation the core runs, with the person's user groups.
    async fn invocation(
        &self,
        team: String,
        channel: String,
        user: String,
        text: String,
    ) -> Invocation {
        Invocation {
            groups: self.groups.of(&self.api, &user).await,
            channel: ChannelRef {
                platform: Platform::Slack,
                workspace: team,
                channel,
            },
            actor: user,
            text,
        }
    }

    /// The signature check every route starts with; a refusal is logged without the body.
    fn verified(&self, route: &str, headers: &HeaderMap, body: &Bytes) -> Result<(), StatusCode> {
        let now = chrono::Utc::now().timestamp();
        self.verifier.check(headers, body, now).map_err(|reason| {
            tracing::warn!(route, %reason, bytes = body.len(), "refused a Slack request");
            self.core.metrics.refused("slack", reason.label());
            StatusCode::UNAUTHORIZED
        })
    }

    /// Runs an invocation and delivers what it answers. Channel replies are posted (and their
    /// attachment uploaded in the thread); everything else goes to the caller only.
    async fn run_and_deliver(&self, inv: &Invocation, response_url: &str) {
        let reply = self.answer(inv).await.unwrap_or_else(|refusal| refusal);
        self.deliver(&inv.channel.channel, response_url, &reply)
            .await;
    }

    /// The core's answer, or the sentence that refuses it; an internal error is logged and
    /// answered generically.
    async fn answer(&self, inv: &Invocation) -> Result<Reply, Reply> {
        self.core.execute(inv).await.map_err(|error| match error {
            CommandError::User(e) => Reply::error(e.message),
            CommandError::Internal(e) => {
                tracing::error!(channel = %inv.channel, actor = %inv.actor, error = %e, "command failed");
                Reply::error(INTERNAL_ERROR_SENTENCE)
            }
        })
    }

    async fn deliver(&self, channel: &str, response_url: &str, reply: &Reply) {
        let message = blocks::message(reply);
        match reply.visibility {
            Visibility::Channel if self.deliver_incident(channel, reply).await => {}
            Visibility::Channel => match self.api.post(channel, None, &message).await {
                Ok(ts) => self.upload_attachments(channel, &ts, reply).await,
                Err(e) => {
                    tracing::error!(channel, error = %e, "could not post a reply to the channel");
                    let note = Reply::error(format!(
                        "warroom could not post to this channel ({e}); invite the app with /invite @warroom and try again."
                    ));
                    self.ephemeral(response_url, &note).await;
                }
            },
            Visibility::Ephemeral => self.ephemeral(response_url, reply).await,
        }
    }

    async fn ephemeral(&self, response_url: &str, reply: &Reply) {
        if let Err(e) = self
            .api
            .respond_ephemeral(response_url, &blocks::message(reply))
            .await
        {
            tracing::error!(error = %e, "could not answer through the response_url");
        }
    }

    async fn upload_attachments(&self, channel: &str, ts: &str, reply: &Reply) {
        for block in &reply.blocks {
            if let Block::Attachment { name, content } = block
                && let Err(e) = self.api.upload(channel, Some(ts), name, content).await
            {
                tracing::error!(channel, file = %name, error = %e, "could not upload the full output");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The app manifest offers every top-level command of the grammar as a slash command, and
    /// the root `/warroom`, all pointed at `/slack/commands`.
    #[test]
    fn the_manifest_offers_every_command() {
        let manifest = include_str!("../../slack-app-manifest.yml");
        let offered: Vec<&str> = manifest
            .lines()
            .filter_map(|l| l.trim().strip_prefix("- command: /"))
            .collect();
        let mut expected: Vec<&str> = warroom_commands::grammar::COMMANDS
            .iter()
            .map(|(name, _)| *name)
            .collect();
        expected.push("warroom");
        let (mut offered_sorted, mut expected_sorted) = (offered.clone(), expected.clone());
        offered_sorted.sort();
        expected_sorted.sort();
        assert_eq!(offered_sorted, expected_sorted);
        assert_eq!(
            manifest
                .matches("url: https://warroom.example.com/slack/commands")
                .count(),
            offered.len()
        );
        for route in ["/slack/events", "/slack/interactions"] {
            assert!(manifest.contains(route), "{route}");
        }
    }
}
