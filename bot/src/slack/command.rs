//! `POST /slack/commands`: a slash command, typed in a channel.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use warroom_commands::{Command, IncidentCommand};

use super::Slack;
use crate::inbox::{InboxItem, Outcome, Resume, Taken, resume};
use crate::signed::Verified;

/// The inbox source slash commands are recorded under.
pub(super) const SOURCE: &str = "slack-command";

/// The fields of a slash command that warroom reads (a form over HTTP, JSON over Socket
/// Mode); ids only, never display names.
#[derive(Debug, Deserialize, Serialize)]
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

impl SlashCommand {
    /// The lane of an `/incident` command (also through the root `/warroom incident …`): the
    /// channel's, so its incident commands run in the order they were typed and a note sent
    /// right after a declaration finds the incident. Other commands have none.
    pub(super) fn lane(&self) -> Option<String> {
        let incident = self.command == "/incident"
            || (self.command == "/warroom" && self.text.trim_start().starts_with("incident"));
        incident.then(|| format!("slack:{}:{}", self.team_id, self.channel_id))
    }

    /// The command as typed: `/incident note …`. Slack's clients escape `&`, `<` and `>`
    /// before sending; the text is kept as the person wrote it and escaped again when shown.
    fn typed(&self) -> String {
        format!("{} {}", self.command, super::blocks::unescape(&self.text))
            .trim()
            .to_string()
    }
}

pub(super) async fn receive(
    State(slack): State<Arc<Slack>>,
    verified: Verified,
    body: Bytes,
) -> Response {
    let Ok(command) = serde_urlencoded::from_bytes::<SlashCommand>(&body) else {
        tracing::warn!("a signed Slack command was not the form Slack sends");
        return StatusCode::BAD_REQUEST.into_response();
    };
    match slack
        .enqueue(verified.key(), SOURCE, command.lane().as_deref(), &command)
        .await
    {
        Ok(Taken::Duplicate) => slack.replayed("/slack/commands"),
        Ok(taken) => match taken.queued_note() {
            Some(note) => {
                Json(json!({ "response_type": "ephemeral", "text": note })).into_response()
            }
            None => StatusCode::OK.into_response(),
        },
        Err(status) => status.into_response(),
    }
}

/// Runs a recorded slash command and delivers its answer.
pub(super) async fn run(slack: &Slack, command: SlashCommand, item: &InboxItem) -> Outcome {
    let inv = slack
        .invocation(
            command.team_id.clone(),
            command.channel_id.clone(),
            command.user_id.clone(),
            command.typed(),
        )
        .await;
    if let Resume::Say(outcome, reply) = resume(item, &inv.text) {
        slack
            .deliver(&inv.channel.channel, &command.response_url, &reply)
            .await;
        return outcome;
    }
    let parsed = slack.core.parse(&inv);
    if slack.config.creates_channels
        && let Ok(declaration @ Command::Incident(IncidentCommand::Declare { title, .. })) = &parsed
        && slack
            .declare_in_own_channel(
                &inv,
                declaration.clone(),
                &slack.core.redactor.redact(title),
                &command.response_url,
            )
            .await
            .is_some()
    {
        return Outcome::Ran;
    }
    slack
        .run_and_deliver(&inv, parsed, &command.response_url)
        .await;
    Outcome::Ran
}
