//! `POST /slack/commands`: a slash command, typed in a channel.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use warroom_commands::{Command, IncidentCommand};

use super::Slack;

/// The fields of a slash command that warroom reads (a form over HTTP, JSON over Socket
/// Mode); ids only, never display names.
#[derive(Debug, Deserialize)]
pub(super) struct SlashCommand {
    team_id: String,
    channel_id: String,
    user_id: String,
    /// `/incident`, `/health`, ... or the root `/warroom`.
    command: String,
    #[serde(default)]
    text: String,
    response_url: String,
}

pub(super) async fn receive(
    State(slack): State<Arc<Slack>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if let Err(status) = slack.verified("commands", &headers, &body) {
        return status;
    }
    let Ok(command) = serde_urlencoded::from_bytes::<SlashCommand>(&body) else {
        tracing::warn!("a signed Slack command was not the form Slack sends");
        return StatusCode::BAD_REQUEST;
    };
    accept(slack, command);
    StatusCode::OK
}

/// Runs the command on a task, so that Slack gets its answer at once.
pub(super) fn accept(slack: Arc<Slack>, command: SlashCommand) {
    crate::work::spawn(async move {
        let text = format!("{} {}", command.command, command.text);
        let inv = slack
            .invocation(
                command.team_id,
                command.channel_id,
                command.user_id,
                text.trim().to_string(),
            )
            .await;
        if slack.config.creates_channels()
            && let Ok(Command::Incident(IncidentCommand::Declare { title, .. })) =
                warroom_commands::grammar::parse(&inv.text)
            && slack
                .declare_in_own_channel(&inv, &title, &command.response_url)
                .await
                .is_some()
        {
            return;
        }
        slack.run_and_deliver(&inv, &command.response_url).await;
    });
}
