//! The Slack transport: slash commands, button clicks and events over HTTP.
//!
//! Slack wants an answer within three seconds, and an AWS call or a rollout takes longer. So
//! every route sits behind the signature check ([`crate::signed`]), records the request in the
//! inbox (which refuses a replay on every replica), answers 200 at once, and an inbox worker
//! does the work. Its reply is written to the outbox as letters (`letters.rs`) and sent from
//! there: to the channel through chat.postMessage (so the message can be edited in place
//! later), or only to the caller through the response_url (errors, denials, help). The core
//! decides what a command means; this module only carries text in and a [`Reply`] out.

pub mod api;
pub mod blocks;
mod cards;
mod command;
mod events;
mod groups;
mod interaction;
mod letters;
mod notifier;
pub mod pace;
pub mod scopes;
pub mod socket;
pub mod verify;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use chrono::Utc;
use warroom_commands::{ChannelRef, Core, IncidentEvent, Invocation, Platform, Reply, Visibility};

use crate::config::SlackConfig;
use crate::inbox::{Inbox, InboxItem, Outcome, Taken};
use crate::outbox::{Outbox, after_card_gap, card_channel};
use crate::signed::signed;
use api::SlackApi;
use letters::{NewCard, SlackLetter};
use verify::Verifier;
use warroom_commands::incident::IncidentId;
use warroom_commands::pipeline::Parsed;
use warroom_commands::ports::CardStore;

/// Slack's own requests are a few kilobytes; anything far larger is not from Slack.
const BODY_LIMIT: usize = 64 * 1024;

pub struct Slack {
    pub core: Core,
    /// Where each incident's card is, to edit it in place.
    cards: Arc<dyn CardStore>,
    pub api: SlackApi,
    groups: groups::Groups,
    pub config: SlackConfig,
    /// Where requests are recorded before they are acknowledged.
    inbox: Arc<Inbox>,
    /// Where what warroom sends is written before it is sent.
    outbox: Arc<Outbox>,
}

impl Slack {
    pub fn new(
        core: Core,
        cards: Arc<dyn CardStore>,
        inbox: Arc<Inbox>,
        outbox: Arc<Outbox>,
        config: &SlackConfig,
    ) -> std::io::Result<Slack> {
        let token = config.bot_token.clone().unwrap_or_default();
        let api = SlackApi::new(&config.api_url, &token, core.metrics.clone())?;
        Ok(Slack {
            core,
            cards,
            api,
            groups: groups::Groups::default(),
            config: config.clone(),
            inbox,
            outbox,
        })
    }

    /// Makes this transport run the Slack requests recorded in the inbox and send the Slack
    /// letters written to the outbox.
    pub fn serve_inbox(self: &Arc<Self>) {
        for source in [command::SOURCE, interaction::SOURCE, events::SOURCE] {
            let work: std::sync::Weak<dyn crate::inbox::Work> = Arc::downgrade(self) as _;
            self.inbox.register(source, work);
        }
        self.outbox.register(letters::CARRIER, self.clone());
    }

    /// `/slack/commands`, `/slack/interactions`, `/slack/events`, every one behind the
    /// signature check ([`crate::signed`]): a route added here is checked like the others.
    pub fn routes(self: Arc<Self>) -> Router {
        let routes = Router::new()
            .route("/slack/commands", post(command::receive))
            .route("/slack/interactions", post(interaction::receive))
            .route("/slack/events", post(events::receive));
        let secret = self.config.signing_secret.as_deref().unwrap_or_default();
        signed(
            routes,
            Verifier::new(secret),
            self.core.metrics.clone(),
            BODY_LIMIT,
        )
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

    /// A request whose key the inbox already had: refused as a replay, like a bad signature.
    fn replayed(&self, route: &str) -> axum::response::Response {
        use axum::response::IntoResponse;
        crate::signed::replayed(&self.core.metrics, "slack", route).into_response()
    }

    /// Records a request in the inbox before Slack is answered; 503 when the database cannot
    /// take it, so Slack shows the person an error instead of warroom losing the command.
    async fn enqueue(
        &self,
        key: &str,
        source: &'static str,
        lane: Option<&str>,
        request: &impl serde::Serialize,
    ) -> Result<Taken, StatusCode> {
        let payload = serde_json::to_string(request).map_err(|e| {
            tracing::error!(error = %e, "could not record a Slack request");
            StatusCode::INTERNAL_SERVER_ERROR
        })?;
        self.inbox
            .accept(key, source, lane, &payload)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "could not record a Slack request in the inbox");
                StatusCode::SERVICE_UNAVAILABLE
            })
    }

    /// Runs an invocation and delivers what it answers.
    async fn run_and_deliver(&self, inv: &Invocation, parsed: Parsed, response_url: &str) {
        let reply = crate::answer::answer_parsed(&self.core, inv, parsed)
            .await
            .unwrap_or_else(|refusal| refusal);
        self.deliver(&inv.channel.channel, response_url, &reply)
            .await;
    }

    /// Sends a reply: a channel reply is posted (an incident's card, or a change in its card's
    /// thread), everything else goes to the caller only.
    async fn deliver(&self, channel: &str, response_url: &str, reply: &Reply) {
        match reply.visibility {
            Visibility::Ephemeral => self.ephemeral(response_url, reply).await,
            Visibility::Channel => {
                self.post_reply(channel, Some(response_url.to_string()), reply)
                    .await
            }
        }
    }

    /// Posts a channel reply: a change in its incident card's thread, or a message (a new
    /// card remembered where it lands). When it cannot be posted, `fallback` (a response_url)
    /// tells the person why.
    async fn post_reply(&self, channel: &str, fallback: Option<String>, reply: &Reply) {
        match reply.incident {
            Some(IncidentEvent::Changed(id)) => {
                let change = SlackLetter::Change {
                    incident: id.0,
                    channel: channel.to_string(),
                    message: blocks::message(reply),
                    attachments: crate::outbox::attachments(reply),
                    fallback,
                };
                self.send_change(id, channel, change).await;
            }
            declared => {
                let card = match declared {
                    Some(IncidentEvent::Declared(id)) => Some(NewCard {
                        incident: id.0,
                        own_channel: false,
                    }),
                    _ => None,
                };
                self.send(vec![SlackLetter::Post {
                    channel: channel.to_string(),
                    message: blocks::message(reply),
                    attachments: crate::outbox::attachments(reply),
                    card,
                    fallback,
                }])
                .await;
            }
        }
    }

    /// Answers only the person who typed or clicked.
    async fn ephemeral(&self, response_url: &str, reply: &Reply) {
        self.send(vec![SlackLetter::respond(response_url, reply)])
            .await;
    }
}

/// Alerts post in a route's channel as a command's channel reply would, with no one to tell if
/// the post fails but the log.
#[async_trait::async_trait]
impl crate::alerts::Announce for Slack {
    async fn post(&self, channel: &str, reply: &Reply) {
        self.post_reply(channel, None, reply).await;
    }

    async fn redraw(&self, incident: IncidentId, channel: &str) {
        let card_channel = card_channel(self.cards.as_ref(), incident, Platform::Slack).await;
        let lane = card_channel.as_deref().unwrap_or(channel);
        let redraw = SlackLetter::Redraw {
            incident: incident.0,
        }
        .letter(Some(lane));
        let redraw = after_card_gap(redraw, Utc::now());
        self.outbox.send(vec![redraw]).await;
    }

    /// A bot token belongs to one workspace, and every channel it posts in is there.
    async fn workspace(&self, _: &str) -> Option<String> {
        self.api
            .team()
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "could not learn the Slack workspace"))
            .ok()
    }
}

#[async_trait::async_trait]
impl crate::inbox::Work for Slack {
    async fn run(&self, item: &InboxItem) -> Outcome {
        let unreadable = |e: serde_json::Error| {
            tracing::error!(id = item.id, source = %item.source, error = %e, "a recorded Slack request cannot be read back");
            Outcome::Unreadable
        };
        match item.source.as_str() {
            command::SOURCE => match serde_json::from_str(&item.payload) {
                Ok(cmd) => command::run(self, cmd, item).await,
                Err(e) => unreadable(e),
            },
            interaction::SOURCE => match serde_json::from_str(&item.payload) {
                Ok(payload) => interaction::run(self, payload, item).await,
                Err(e) => unreadable(e),
            },
            _ => match serde_json::from_str(&item.payload) {
                Ok(envelope) => events::run(self, envelope, item).await,
                Err(e) => unreadable(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use warroom_commands::grammar::COMMANDS;
    use warroom_commands::grammar::spec::Reader;

    /// One slash command of the app manifest: `(command, description, usage_hint)`.
    fn manifest_commands(manifest: &str) -> Vec<(&str, String, String)> {
        let field = |block: &str, key: &str| -> String {
            block
                .lines()
                .find_map(|l| l.trim().strip_prefix(key))
                .map(|v| v.trim().trim_matches('"').to_string())
                .unwrap_or_default()
        };
        manifest
            .split("- command: /")
            .skip(1)
            .map(|block| {
                let name = block.lines().next().unwrap_or_default().trim();
                (
                    name,
                    field(block, "description:"),
                    field(block, "usage_hint:"),
                )
            })
            .collect()
    }

    /// The app manifest offers every declared command as a slash command, with the declared
    /// summary and usage, and the root `/warroom`, all pointed at `/slack/commands`.
    #[test]
    fn the_manifest_offers_every_declared_command_as_declared() {
        let manifest = include_str!("../../slack-app-manifest.yml");
        let offered = manifest_commands(manifest);
        let mut names: Vec<&str> = offered.iter().map(|(n, _, _)| *n).collect();
        let mut expected: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        expected.push("warroom");
        names.sort();
        expected.sort();
        assert_eq!(names, expected);
        for spec in COMMANDS {
            let Some((_, description, hint)) = offered.iter().find(|(n, _, _)| *n == spec.name)
            else {
                panic!("/{} is not in the manifest", spec.name);
            };
            assert_eq!(description, spec.summary, "/{}", spec.name);
            if !matches!(spec.read, Reader::Verbs(_)) {
                let usage = spec.usage();
                let args = usage
                    .strip_prefix(&format!("/{}", spec.name))
                    .unwrap_or_default()
                    .trim();
                assert_eq!(hint, args, "/{}'s usage hint", spec.name);
            }
        }
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
