//! Socket Mode: the same commands, clicks and events over a websocket that warroom opens to
//! Slack, for teams that cannot give warroom a public HTTPS address.
//!
//! warroom asks for a connection URL with the app-level token (apps.connections.open), reads
//! envelopes, acknowledges each one at once by its envelope id, and hands the payload to the
//! same handlers the HTTP routes use. Slack closes connections now and then (a `disconnect`
//! envelope, or a dropped socket); warroom connects again at once after a clean close and with
//! a growing pause (1 s doubling to a minute) after a failure.

use std::sync::Arc;
use std::time::Duration;

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
        if let Some(id) = &envelope.envelope_id {
            write
                .send(Message::text(json!({ "envelope_id": id }).to_string()))
                .await
                .map_err(|e| format!("cannot acknowledge an envelope: {e}"))?;
        }
        match envelope.kind.as_str() {
            "hello" => tracing::debug!("Socket Mode hello"),
            "disconnect" => return Ok(()),
            _ => dispatch(slack, envelope),
        }
    }
    Ok(())
}

/// The payload, to the handler the HTTP route for it uses.
fn dispatch(slack: &Arc<Slack>, envelope: Envelope) {
    let slack = slack.clone();
    let payload = envelope.payload;
    let handled = match envelope.kind.as_str() {
        "slash_commands" => serde_json::from_value(payload)
            .map(|cmd| command::accept(slack, cmd))
            .is_ok(),
        "interactive" => serde_json::from_value(payload)
            .ok()
            .is_some_and(|p| interaction::accept(slack, p).is_ok()),
        "events_api" => serde_json::from_value(payload)
            .map(|e| events::accept(slack, e))
            .is_ok(),
        _ => true,
    };
    if !handled {
        tracing::warn!(kind = %envelope.kind, "refused a Socket Mode payload that is not what Slack sends");
    }
}
