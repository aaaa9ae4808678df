//! What warroom sends to Slack, as outbox letters, and how each is sent.
//!
//! Every letter into a channel is in that channel's lane, so Slack sees a channel's messages
//! in the order they were written and one at a time from all replicas; answers through a
//! response_url are in a lane of their own (one per URL, which is one per command). A letter
//! carries the rendered message, not the reply, so what is sent is what was rendered when the
//! request ran; only a card redraw reads the incident when it is sent, which is why waiting
//! redraws of one card are coalesced into one.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use warroom_commands::incident::IncidentId;
use warroom_commands::{Platform, Reply};

use super::Slack;
use super::blocks::message;
use crate::outbox::{
    Attachment, Delivered, Letter, Sending, card_channel, card_key, channel_lane, private_lane,
};

/// The carrier name Slack's letters are written under.
pub(super) const CARRIER: &str = "slack";

/// One thing to send to Slack.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum SlackLetter {
    /// A message posted to a channel, its attachments uploaded into its thread. An incident's
    /// new card is remembered where it was posted. When it cannot be posted, the person is
    /// told why through `fallback` (a response_url).
    Post {
        channel: String,
        message: Value,
        attachments: Vec<Attachment>,
        card: Option<NewCard>,
        fallback: Option<String>,
    },
    /// A change to an incident, posted in its card's thread (in `channel` when it has no card).
    Change {
        incident: i64,
        channel: String,
        message: Value,
        attachments: Vec<Attachment>,
        fallback: Option<String>,
    },
    /// An incident's card drawn again from the incident as it is when this is sent (and the
    /// topic of the incident's own channel).
    Redraw { incident: i64 },
    /// A message replaced in place: a confirmation card's progress or outcome. When the edit
    /// fails, the message is posted instead.
    Edit {
        channel: String,
        ts: String,
        message: Value,
        attachments: Vec<Attachment>,
        fallback: Option<String>,
    },
    /// An answer only the person who typed or clicked sees.
    Respond { url: String, message: Value },
}

/// An incident card being posted for the first time.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct NewCard {
    pub incident: i64,
    /// The incident has a channel of its own, whose topic follows the card.
    pub own_channel: bool,
}

impl SlackLetter {
    /// An answer to `url` that only the person sees.
    pub fn respond(url: &str, reply: &Reply) -> SlackLetter {
        SlackLetter::Respond {
            url: url.to_string(),
            message: message(reply),
        }
    }

    /// The outbox row: its lane (for a redraw, the card's channel's), and for a redraw the key
    /// that coalesces it.
    pub fn letter(&self, card_channel: Option<&str>) -> Letter {
        let (lane, coalesce) = match self {
            SlackLetter::Post { channel, .. }
            | SlackLetter::Change { channel, .. }
            | SlackLetter::Edit { channel, .. } => (channel_lane(CARRIER, channel), None),
            SlackLetter::Redraw { incident } => (
                channel_lane(CARRIER, card_channel.unwrap_or_default()),
                Some(card_key(CARRIER, IncidentId(*incident))),
            ),
            SlackLetter::Respond { url, .. } => (private_lane(CARRIER, url), None),
        };
        Letter {
            carrier: CARRIER,
            lane,
            payload: serde_json::to_string(self).expect("a Slack letter is JSON"),
            coalesce,
            not_before: None,
        }
    }
}

impl Slack {
    /// Sends letters through the outbox: with the running request's answer, or now.
    pub(super) async fn send(&self, letters: Vec<SlackLetter>) {
        let letters = letters.iter().map(|l| l.letter(None)).collect();
        self.outbox.send(letters).await;
    }

    /// Sends one letter now, ahead of the running request's answer.
    pub(super) async fn send_now(&self, letter: SlackLetter) {
        self.outbox.send_now(vec![letter.letter(None)]).await;
    }

    /// Sends a change to incident `id`: its card redrawn and the change in the card's thread,
    /// in the lane of the card's channel (or of `channel` while the card is not known yet).
    ///
    /// A person's change redraws the card at once, unless a redraw asked for by alerts waits
    /// (see [`crate::outbox::CARD_GAP`]): this redraw then coalesces into that one, and the
    /// change waits behind it in the lane, so both show within the gap, in order.
    pub(super) async fn send_change(&self, id: IncidentId, channel: &str, change: SlackLetter) {
        let card_channel = card_channel(self.cards.as_ref(), id, Platform::Slack).await;
        let lane = card_channel.as_deref().unwrap_or(channel);
        let redraw = SlackLetter::Redraw { incident: id.0 }.letter(Some(lane));
        let mut change = change.letter(None);
        change.lane = channel_lane(CARRIER, lane);
        self.outbox.send(vec![redraw, change]).await;
    }

    /// Sends one letter; how it ended.
    pub(super) async fn carry_letter(&self, letter: SlackLetter) -> Delivered {
        match letter {
            SlackLetter::Post {
                channel,
                message,
                attachments,
                card,
                fallback,
            } => {
                self.post_or_explain(&channel, None, &message, &attachments, card, fallback)
                    .await
            }
            SlackLetter::Change {
                incident,
                channel,
                message,
                attachments,
                fallback,
            } => {
                let thread = match self.cards.card(IncidentId(incident), Platform::Slack).await {
                    Ok(Some(card)) => Some((card.channel.channel, card.message)),
                    Ok(None) => None,
                    Err(e) => return Delivered::Failed(e.to_string()),
                };
                let (channel, thread) = match &thread {
                    Some((channel, ts)) => (channel.as_str(), Some(ts.as_str())),
                    None => (channel.as_str(), None),
                };
                self.post_or_explain(channel, thread, &message, &attachments, None, fallback)
                    .await
            }
            SlackLetter::Redraw { incident } => self.redraw(IncidentId(incident)).await,
            SlackLetter::Edit {
                channel,
                ts,
                message,
                attachments,
                fallback,
            } => match self.api.update(&channel, &ts, &message).await {
                Ok(()) => {
                    self.upload(&channel, &ts, &attachments).await;
                    Delivered::Sent
                }
                Err(e) => {
                    tracing::error!(channel, error = %e, "could not edit the card; posting the message instead");
                    self.post_or_explain(&channel, None, &message, &attachments, None, fallback)
                        .await
                }
            },
            SlackLetter::Respond { url, message } => {
                match self.api.respond_ephemeral(&url, &message).await {
                    Ok(()) => Delivered::Sent,
                    Err(e) => Delivered::Failed(e.to_string()),
                }
            }
        }
    }

    /// Posts a message (in a thread), uploads its attachments into its thread, and remembers
    /// a new card; when Slack refuses the post, tells the person through `fallback`.
    async fn post_or_explain(
        &self,
        channel: &str,
        thread: Option<&str>,
        body: &Value,
        attachments: &[Attachment],
        card: Option<NewCard>,
        fallback: Option<String>,
    ) -> Delivered {
        match self.api.post(channel, thread, body).await {
            Ok(ts) => {
                if let Some(card) = card {
                    self.remember(IncidentId(card.incident), channel, &ts, card.own_channel)
                        .await;
                }
                self.upload(channel, thread.unwrap_or(&ts), attachments)
                    .await;
                Delivered::Sent
            }
            Err(e) => {
                if let Some(url) = fallback {
                    let note = Reply::error(format!(
                        "warroom could not post to this channel ({e}); invite the app with /invite @warroom and try again."
                    ));
                    if let Err(e) = self.api.respond_ephemeral(&url, &message(&note)).await {
                        tracing::error!(error = %e, "could not answer through the response_url");
                    }
                }
                Delivered::Failed(e.to_string())
            }
        }
    }

    async fn upload(&self, channel: &str, ts: &str, attachments: &[Attachment]) {
        for file in attachments {
            if let Err(e) = self
                .api
                .upload(channel, Some(ts), &file.name, &file.content)
                .await
            {
                tracing::error!(channel, file = %file.name, error = %e, "could not upload the full output");
            }
        }
    }
}

#[async_trait::async_trait]
impl crate::outbox::Carrier for Slack {
    async fn carry(&self, letter: &Sending) -> Delivered {
        match crate::outbox::read::<SlackLetter>(letter) {
            Ok(parsed) => self.carry_letter(parsed).await,
            Err(unreadable) => unreadable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_is_one_lane_and_a_response_url_is_not_written_in_its_lane() {
        let post = SlackLetter::Post {
            channel: "C1".into(),
            message: serde_json::json!({ "text": "hi" }),
            attachments: vec![],
            card: None,
            fallback: None,
        };
        assert_eq!(post.letter(None).lane, "slack:C1");
        let url = "https://hooks.slack.com/commands/T1/123/secret";
        let respond = SlackLetter::respond(url, &Reply::ephemeral().text("ok"));
        let letter = respond.letter(None);
        assert!(letter.lane.starts_with("slack:reply:"));
        assert!(!letter.lane.contains("secret"), "{}", letter.lane);
        let redraw = SlackLetter::Redraw { incident: 7 }.letter(Some("C9"));
        assert_eq!(
            (redraw.lane.as_str(), redraw.coalesce.as_deref()),
            ("slack:C9", Some("slack:card:7"))
        );
        let back: SlackLetter = serde_json::from_str(&post.letter(None).payload).unwrap();
        assert_eq!(back, post);
    }
}
