//! Socket Mode: the same commands, clicks and events over a websocket that warroom opens to
//! Slack, for teams that cannot give warroom a public HTTPS address.
//!
//! warroom asks for a connection URL with the app-level token (apps.connections.open), reads
//! envelopes, records each in the inbox (keyed by its envelope id, or an event's event_id) and
//! then acknowledges it by its envelope id, so an envelope Slack sends again is not run twice
//! and one acknowledged is never lost. Slack closes connections now and then (a `disconnect`
//! envelope, or a dropped socket); warroom connects again at once after a clean close and with
//! a growing pause (1 s doubling to a minute) after a failure.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::{Slack, command, events, interaction};

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const MOST_PAUSE: Duration = Duration::from_secs(60);

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    envelope_id: Option<String>,
    #[serde(default)]
    payload: Value,
}

/// Connects and serves until the process ends.
pub async fn run(slack: Arc<Slack>, app_token: String) {
    let mut pause = FIRST_PAUSE;
    loop {
        crate::readiness::set("slack", false);
        match session(&slack, &app_token).await {
            Ok(()) => {
                tracing::info!("Slack closed the Socket Mode connection; connecting again");
                pause = FIRST_PAUSE;
            }
            Err(e) => {
                tracing::warn!(error = %e, pause_s = pause.as_secs(), "Socket Mode connection failed; trying again");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MOST_PAUSE);
            }
        }
    }
}

/// One connection, from apps.connections.open until Slack closes it.
async fn session(slack: &Arc<Slack>, app_token: &str) -> Result<(), String> {
    let url = slack
        .api
        .open_socket(app_token)
        .await
        .map_err(|e| e.to_string())?;
    let (socket, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .map_err(|e| format!("cannot connect to Slack's websocket: {e}"))?;
    tracing::info!("connected to Slack in Socket Mode");
    crate::readiness::set("slack", true);
    let (mut write, mut read) = socket.split();
    while let Some(message) = read.next().await {
        let text = match message.map_err(|e| format!("the websocket failed: {e}"))? {
            Message::Text(text) => text,
            Message::Ping(data) => {
                write
                    .send(Message::Pong(data))
                    .await
                    .map_err(|e| e.to_string())?;
                continue;
            }
            Message::Close(_) => return Ok(()),
            _ => continue,
        };
        let Ok(envelope) = serde_json::from_str::<Envelope>(&text) else {
            tracing::warn!("Slack sent a Socket Mode message warroom cannot read");
            continue;
        };
        let id = envelope.envelope_id.clone();
        match envelope.kind.as_str() {
            "hello" => tracing::debug!("Socket Mode hello"),
            "disconnect" => return Ok(()),
            _ => {
                if !record(slack, envelope).await {
                    // Not acknowledged: Slack sends it again, by when the database may take it.
                    continue;
                }
            }
        }
        if let Some(id) = id {
            write
                .send(Message::text(json!({ "envelope_id": id }).to_string()))
                .await
                .map_err(|e| format!("cannot acknowledge an envelope: {e}"))?;
        }
    }
    Ok(())
}

/// Records the payload in the inbox as the HTTP route for it does; false when the database
/// could not take it (the envelope is then left unacknowledged).
async fn record(slack: &Slack, envelope: Envelope) -> bool {
    let key = format!(
        "slack:envelope:{}",
        envelope.envelope_id.as_deref().unwrap_or_default()
    );
    let payload = envelope.payload;
    let taken = match envelope.kind.as_str() {
        "slash_commands" => match serde_json::from_value::<command::SlashCommand>(payload) {
            Ok(cmd) => {
                slack
                    .enqueue(&key, command::SOURCE, cmd.lane().as_deref(), &cmd)
                    .await
            }
            Err(_) => Err(StatusCode::BAD_REQUEST),
        },
        "interactive" => match serde_json::from_value(payload) {
            Ok(p) => interaction::accept(slack, &key, p).await,
            Err(_) => Err(StatusCode::BAD_REQUEST),
        },
        "events_api" => match serde_json::from_value(payload) {
            Ok(e) => events::accept(slack, &key, e).await,
            Err(_) => Err(StatusCode::BAD_REQUEST),
        },
        _ => return true,
    };
    match taken {
        Ok(_) => true,
        Err(StatusCode::SERVICE_UNAVAILABLE) => false,
        Err(_) => {
            tracing::warn!(kind = %envelope.kind, "refused a Socket Mode payload that is not what Slack sends");
            true
        }
    }
}
