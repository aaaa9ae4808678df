//! `POST /slack/events`: the Events API. Slack checks the URL once with a signed
//! `url_verification` challenge; other events are recorded in the inbox under their
//! `event_id`, acknowledged at once, and handled by an inbox worker. Slack sends an event again
//! (signed anew, marked `X-Slack-Retry-Num`) when it thinks the first delivery failed; the
//! retry finds its `event_id` taken and is acknowledged without running, so one pin is one
//! timeline entry. An event whose `event_id` is taken and that is not marked as a retry is
//! someone sending a captured event again: refused 401 and counted as a replay, like a replayed
//! command (it would run nothing either way).
//!
//! Reacting with the pin emoji (`slack.pin_reaction`) to a message in a channel with an open
//! incident puts the message on the timeline with its own author and time; taking the reaction
//! back, or editing a pinned message, adds an entry saying so.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use warroom_commands::handlers::incident::pin::{PinChange, PinnedMessage};
use warroom_commands::{ChannelRef, Platform};

use super::Slack;
use crate::inbox::{InboxItem, Outcome, Taken};
use crate::signed::Verified;

/// The inbox source events are recorded under.
pub(super) const SOURCE: &str = "slack-event";

/// The header Slack marks a retry of an event with (its attempt number).
const RETRY_HEADER: &str = "x-slack-retry-num";

#[derive(Debug, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum Envelope {
    UrlVerification {
        challenge: String,
    },
    EventCallback {
        #[serde(default)]
        team_id: String,
        /// Unique per event, and the same on each of Slack's retries of it.
        #[serde(default)]
        event_id: String,
        event: Value,
    },
    #[serde(other)]
    Other,
}

pub(super) async fn receive(
    State(slack): State<Arc<Slack>>,
    verified: Verified,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match serde_json::from_slice::<Envelope>(&body) {
        Ok(Envelope::UrlVerification { challenge }) => {
            Json(json!({ "challenge": challenge })).into_response()
        }
        Ok(envelope) => match accept(&slack, verified.key(), envelope).await {
            // Slack marks each of its retries; an event seen before without the mark is the
            // same request sent again by someone else.
            Ok(Taken::Duplicate) if !headers.contains_key(RETRY_HEADER) => {
                slack.replayed("/slack/events")
            }
            Ok(_) => StatusCode::OK.into_response(),
            Err(status) => status.into_response(),
        },
        Err(_) => {
            tracing::warn!("a signed Slack event was not JSON Slack sends");
            StatusCode::BAD_REQUEST.into_response()
        }
    }
}

/// Records an event in the inbox under its `event_id` (or `key`, for an event without one). A
/// retry of an event already recorded is acknowledged and runs nothing.
pub(super) async fn accept(
    slack: &Slack,
    key: &str,
    envelope: Envelope,
) -> Result<Taken, StatusCode> {
    let Envelope::EventCallback { event_id, .. } = &envelope else {
        return Ok(Taken::New { ahead: 0 });
    };
    let key = match event_id.as_str() {
        "" => key.to_string(),
        id => format!("slack:event:{id}"),
    };
    let taken = slack.enqueue(&key, SOURCE, None, &envelope).await?;
    if taken == Taken::Duplicate {
        tracing::info!(%key, "Slack sent an event again; it was recorded already");
    }
    Ok(taken)
}

/// Handles a recorded event. Running one again after a crash repeats nothing: a pin whose
/// entry committed is marked applied and answered without running (see [`crate::inbox`]).
pub(super) async fn run(slack: &Slack, envelope: Envelope, item: &InboxItem) -> Outcome {
    if item.applied_at.is_some() {
        return Outcome::Recovered;
    }
    let Envelope::EventCallback { team_id, event, .. } = envelope else {
        return Outcome::Ran;
    };
    {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let kind = event["type"].as_str().unwrap_or_default();
        let pinned = event["reaction"] == slack.config.pin_reaction.as_str();
        let (channel, change, message) = match kind {
            "reaction_added" | "reaction_removed" if pinned => {
                let channel = text(&event["item"]["channel"]);
                let ts = text(&event["item"]["ts"]);
                let found = match slack.api.message(&channel, &ts).await {
                    Ok(Some(found)) => found,
                    Ok(None) => return Outcome::Ran,
                    Err(e) => {
                        tracing::error!(channel, error = %e, "could not read the pinned message");
                        return Outcome::Ran;
                    }
                };
                let change = if kind == "reaction_added" {
                    PinChange::Pinned
                } else {
                    PinChange::Unpinned
                };
                let (author, ts, said) = found;
                (
                    channel,
                    change,
                    message(author, &ts, said, text(&event["user"])),
                )
            }
            "message" if event["subtype"] == "message_changed" && carries_pin(slack, &event) => {
                let edited = &event["message"];
                let author = text(&edited["user"]);
                let msg = message(
                    author.clone(),
                    edited["ts"].as_str().unwrap_or_default(),
                    text(&edited["text"]),
                    author,
                );
                (text(&event["channel"]), PinChange::Edited, msg)
            }
            _ => return Outcome::Ran,
        };
        let at = ChannelRef {
            platform: Platform::Slack,
            workspace: team_id,
            channel,
        };
        match slack.core.pin_message(&at, change, &message).await {
            Ok(Some(incident)) => {
                tracing::info!(%incident, ?change, "timeline entry from a pinned message")
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(channel = %at, error = %e, "could not record a pinned message")
            }
        }
        Outcome::Ran
    }
}

/// Whether an edited message has the pin reaction on it.
fn carries_pin(slack: &Slack, event: &Value) -> bool {
    event["message"]["reactions"].as_array().is_some_and(|r| {
        r.iter()
            .any(|r| r["name"] == slack.config.pin_reaction.as_str())
    })
}

/// A pinned message as the timeline keeps it: its text as the person wrote it (Slack sends
/// `&`, `<` and `>` escaped; they are escaped again, once, wherever the text is shown).
fn message(author: String, ts: &str, text: String, by: String) -> PinnedMessage {
    PinnedMessage {
        author,
        at: slack_time(ts),
        text: super::blocks::unescape(&text),
        by,
    }
}

/// A Slack ts (`1700000000.000100`) as a time, to the microsecond.
fn slack_time(ts: &str) -> DateTime<Utc> {
    let (seconds, micros) = ts.split_once('.').unwrap_or((ts, "0"));
    let seconds: i64 = seconds.parse().unwrap_or_default();
    let micros: u32 = format!("{micros:0<6}")[..6].parse().unwrap_or_default();
    DateTime::from_timestamp(seconds, micros * 1000).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slack_ts_is_read_to_the_microsecond() {
        let at = super::slack_time("1700000000.000100");
        assert_eq!(at.timestamp(), 1_700_000_000);
        assert_eq!(at.timestamp_subsec_micros(), 100);
    }
}
