//! What warroom sends to Discord, as outbox letters, and how each is sent.
//!
//! Letters that show in a channel (an interaction's answer, a card, a redraw) are in that
//! channel's lane, so a click's "running" edit always lands before its outcome and a card's last
//! edit is its latest state, across replicas; answers only the caller sees are in the lane of
//! their interaction token.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use serenity::builder::CreateAttachment;
use serenity::http::{LightMethod, Request, Route};
use serenity::model::id::ChannelId;
use warroom_commands::incident::IncidentId;
use warroom_commands::{IncidentEvent, Platform, Reply, Visibility};

use super::{Answering, Discord, message};
use crate::outbox::{
    Attachment, Delivered, Letter, Sending, after_card_gap, attachments, card_channel, card_key,
    channel_lane, private_lane,
};

/// The carrier name Discord's letters are written under.
pub(super) const CARRIER: &str = "discord";
/// Attempts at editing an original response Discord does not have yet (250 ms, 500 ms, 1 s,
/// 2 s apart).
const ORIGINAL_NOT_YET: u32 = 5;

/// One thing to send to Discord.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum DiscordLetter {
    /// The interaction's response replaced (a command's "thinking…" or the clicked card); once
    /// the token has expired, a channel reply is posted to the channel instead. A new card is
    /// remembered where it shows; the whole of a long output follows as files.
    Answer {
        token: String,
        channel: String,
        body: Value,
        card: Option<i64>,
        attachments: Vec<Attachment>,
        /// When the token can no longer answer, in Unix seconds.
        expires: i64,
    },
    /// Seen only by the caller: an ephemeral follow-up, after removing the public "thinking…"
    /// when `remove_original`.
    Private {
        token: String,
        body: Value,
        remove_original: bool,
    },
    /// A message posted to a channel or thread: an incident's card in its own thread.
    Post {
        channel: String,
        body: Value,
        card: Option<i64>,
    },
    /// An incident's card drawn again from the incident as it is when this is sent.
    Redraw { incident: i64 },
}

impl DiscordLetter {
    /// The outbox row; a redraw goes in the lane of its card's channel and coalesces.
    fn letter(&self, card_channel: Option<&str>) -> Letter {
        let (lane, coalesce) = match self {
            DiscordLetter::Answer { channel, .. } | DiscordLetter::Post { channel, .. } => {
                (channel_lane(CARRIER, channel), None)
            }
            DiscordLetter::Private { token, .. } => (private_lane(CARRIER, token), None),
            DiscordLetter::Redraw { incident } => (
                channel_lane(CARRIER, card_channel.unwrap_or_default()),
                Some(card_key(CARRIER, IncidentId(*incident))),
            ),
        };
        Letter {
            carrier: CARRIER,
            lane,
            payload: serde_json::to_string(self).expect("a Discord letter is JSON"),
            coalesce,
            not_before: None,
        }
    }
}

/// Alerts post in a route's channel: a new incident's card (remembered, so changes edit it),
/// or a message, with the card redrawn after a change.
#[async_trait::async_trait]
impl crate::alerts::Announce for Discord {
    async fn post(&self, channel: &str, reply: &Reply) {
        let card = match reply.incident {
            Some(IncidentEvent::Declared(id)) => Some(id.0),
            _ => None,
        };
        let post = DiscordLetter::Post {
            channel: channel.to_string(),
            body: message::message(reply),
            card,
        };
        let mut letters = vec![post.letter(None)];
        if let Some(IncidentEvent::Changed(id)) = reply.incident {
            letters.push(self.redraw_letter(id, channel).await);
        }
        self.outbox.send(letters).await;
    }

    async fn redraw(&self, incident: IncidentId, channel: &str) {
        let letter = self.redraw_letter(incident, channel).await;
        let letter = after_card_gap(letter, Utc::now());
        self.outbox.send(vec![letter]).await;
    }

    /// The server the channel belongs to, as Discord's channel object names it.
    async fn workspace(&self, channel: &str) -> Option<String> {
        let id = channel.parse::<u64>().ok()?;
        let request = Request::new(
            Route::Channel {
                channel_id: ChannelId::new(id),
            },
            LightMethod::Get,
        );
        match self.send("reading a channel", request).await {
            Ok(found) => found["guild_id"].as_str().map(String::from),
            Err(e) => {
                tracing::warn!(channel, error = %e, "could not learn the Discord server of a channel");
                None
            }
        }
    }
}

impl Discord {
    /// Shows `reply` where the interaction was answered: in place, or (for a reply only the
    /// caller should see) as an ephemeral follow-up after removing the public "thinking…". A
    /// change to an incident also redraws its card.
    pub(super) async fn deliver(&self, answering: &Answering, reply: &Reply, in_place: bool) {
        self.deliver_body(answering, reply, message::message(reply), in_place)
            .await
    }

    /// As [`Self::deliver`], with the message already rendered.
    pub(super) async fn deliver_body(
        &self,
        answering: &Answering,
        reply: &Reply,
        body: serde_json::Value,
        in_place: bool,
    ) {
        if reply.visibility == Visibility::Ephemeral && !in_place {
            let private = DiscordLetter::Private {
                token: answering.token.clone(),
                body,
                remove_original: true,
            };
            return self.outbox.send(vec![private.letter(None)]).await;
        }
        let card = match reply.incident {
            Some(IncidentEvent::Declared(id)) => Some(id.0),
            _ => None,
        };
        let answer = DiscordLetter::Answer {
            token: answering.token.clone(),
            channel: answering.channel.clone(),
            body,
            card,
            attachments: attachments(reply),
            expires: answering.expires.timestamp(),
        };
        let mut letters = vec![answer.letter(None)];
        if let Some(IncidentEvent::Changed(id)) = reply.incident {
            letters.push(self.redraw_letter(id, &answering.channel).await);
        }
        self.outbox.send(letters).await;
    }

    /// A redraw of `id`'s card, in the lane of the card's channel (or of `channel` while the
    /// card is not known yet), to be sent at once.
    ///
    /// A person's change is drawn at once, unless a redraw asked for by alerts waits (see
    /// [`crate::outbox::CARD_GAP`]): this redraw then coalesces into that one, and what follows
    /// it in the lane waits behind it, so both show within the gap, in order.
    async fn redraw_letter(&self, id: IncidentId, channel: &str) -> Letter {
        let lane = card_channel(self.cards.as_ref(), id, Platform::Discord).await;
        let lane = lane.as_deref().unwrap_or(channel);
        DiscordLetter::Redraw { incident: id.0 }.letter(Some(lane))
    }

    /// Tells only the caller, leaving the interaction's response as it is.
    pub(super) async fn tell_caller(&self, token: &str, reply: &Reply) {
        let private = DiscordLetter::Private {
            token: token.to_string(),
            body: message::message(reply),
            remove_original: false,
        };
        self.outbox.send(vec![private.letter(None)]).await;
    }

    /// Replaces the clicked card now, ahead of the click's outcome.
    pub(super) async fn show_now(&self, answering: &Answering, body: Value) {
        let answer = DiscordLetter::Answer {
            token: answering.token.clone(),
            channel: answering.channel.clone(),
            body,
            card: None,
            attachments: Vec::new(),
            expires: answering.expires.timestamp(),
        };
        self.outbox.send_now(vec![answer.letter(None)]).await;
    }

    /// Posts an incident's card into its thread.
    pub(super) async fn post_card(&self, thread: &str, card: &Reply, id: IncidentId) {
        let post = DiscordLetter::Post {
            channel: thread.to_string(),
            body: message::message(card),
            card: Some(id.0),
        };
        self.outbox.send(vec![post.letter(None)]).await;
    }

    async fn carry_letter(&self, letter: DiscordLetter) -> Delivered {
        match letter {
            DiscordLetter::Answer {
                token,
                channel,
                body,
                card,
                attachments,
                expires,
            } => {
                let shown = if Utc::now().timestamp() > expires {
                    // The interaction can no longer be answered (a long rollout): post instead.
                    self.post(&channel, &body).await
                } else {
                    self.edit_original(&token, &body).await
                };
                let shown = match shown {
                    Ok(shown) => shown,
                    Err(e) => return Delivered::Failed(e.to_string()),
                };
                if let Some(id) = card {
                    self.remember(IncidentId(id), &shown).await;
                }
                self.attach(&token, &attachments).await;
                Delivered::Sent
            }
            DiscordLetter::Private {
                token,
                body,
                remove_original,
            } => {
                if remove_original {
                    let delete = Request::new(self.webhook(&token, true), LightMethod::Delete);
                    if let Err(e) = self.send("removing a response", delete).await {
                        tracing::warn!(error = %e, "could not remove the deferred response");
                    }
                }
                let request = Request::new(self.webhook(&token, false), LightMethod::Post)
                    .body(Some(body.to_string().into_bytes()));
                match self.send("sending a follow-up", request).await {
                    Ok(_) => Delivered::Sent,
                    Err(e) => Delivered::Failed(e.to_string()),
                }
            }
            DiscordLetter::Post {
                channel,
                body,
                card,
            } => match self.post(&channel, &body).await {
                Ok(shown) => {
                    if let Some(id) = card {
                        self.remember(IncidentId(id), &shown).await;
                    }
                    Delivered::Sent
                }
                Err(e) => Delivered::Failed(e.to_string()),
            },
            DiscordLetter::Redraw { incident } => self.redraw(IncidentId(incident)).await,
        }
    }

    /// Replaces the interaction's original response; the message as Discord now has it.
    ///
    /// The edit can reach Discord before Discord has taken warroom's deferred response to the
    /// interaction (the worker is fast, the acknowledgement travels back through Discord's
    /// edge), and Discord then answers 404 for the original. Such an edit is tried again after
    /// a growing pause, up to [`ORIGINAL_NOT_YET`] times.
    async fn edit_original(&self, token: &str, body: &Value) -> Result<Value, super::RestError> {
        let mut pause = std::time::Duration::from_millis(250);
        let mut attempt = 1;
        loop {
            let edit = Request::new(self.webhook(token, true), LightMethod::Patch)
                .body(Some(body.to_string().into_bytes()));
            match self.send("editing a response", edit).await {
                Err(e) if e.status == Some(404) && attempt < ORIGINAL_NOT_YET => {
                    tracing::warn!(
                        attempt,
                        "Discord does not have the original response yet; trying again"
                    );
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    attempt += 1;
                }
                shown => return shown,
            }
        }
    }

    /// Posts `body` to a channel or thread; the message as Discord now has it.
    async fn post(&self, channel: &str, body: &Value) -> Result<Value, super::RestError> {
        let channel = channel.parse::<u64>().map_err(|_| super::RestError {
            what: "posting to a channel",
            detail: format!("{channel:?} is not a Discord channel id"),
            status: None,
        })?;
        let post = Request::new(
            Route::ChannelMessages {
                channel_id: ChannelId::new(channel),
            },
            LightMethod::Post,
        )
        .body(Some(body.to_string().into_bytes()));
        self.send("posting to a channel", post).await
    }

    /// The whole of a long output, as a file in a follow-up (the embed shows head and tail).
    async fn attach(&self, token: &str, files: &[Attachment]) {
        for file in files {
            let note =
                json!({ "content": "The whole output:", "allowed_mentions": { "parse": [] } });
            let upload =
                CreateAttachment::bytes(file.content.as_bytes().to_vec(), file.name.clone());
            if let Err(e) = self
                .http
                .create_followup_message(token, &note, vec![upload])
                .await
            {
                tracing::error!(file = %file.name, error = %e, "could not upload the full output");
            }
        }
    }
}

#[async_trait::async_trait]
impl crate::outbox::Carrier for Discord {
    async fn carry(&self, letter: &Sending) -> Delivered {
        match crate::outbox::read::<DiscordLetter>(letter) {
            Ok(parsed) => self.carry_letter(parsed).await,
            Err(unreadable) => unreadable,
        }
    }
}
