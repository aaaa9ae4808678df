//! `POST /slack/interactions`: a click on a button warroom posted: Confirm or Cancel on a
//! confirmation card, Acknowledge on an escalation page.
//!
//! The card is edited in place: first with who pressed what and when, then with the outcome.
//! Whether the click runs anything is the core's decision (access, the two-person rule, the
//! single-use token claimed atomically), so a second click, by anyone, runs nothing twice; a
//! refused click restores the card and tells only the person who clicked why.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use warroom_commands::{ButtonAction, timefmt};

use super::Slack;
use super::blocks::{ACTION_PREFIX, message};

#[derive(Debug, Deserialize)]
struct Form {
    payload: String,
}

/// An interaction payload (form field `payload` over HTTP, JSON over Socket Mode).
#[derive(Debug, Deserialize)]
pub(super) struct Payload {
    #[serde(rename = "type")]
    kind: String,
    user: Id,
    team: Id,
    channel: Id,
    container: Container,
    #[serde(default)]
    message: Value,
    response_url: String,
    #[serde(default)]
    actions: Vec<Action>,
}

#[derive(Debug, Deserialize)]
struct Id {
    id: String,
}

#[derive(Debug, Deserialize)]
struct Container {
    message_ts: String,
}

#[derive(Debug, Deserialize)]
struct Action {
    action_id: String,
    #[serde(default)]
    value: String,
}

/// A token as warroom makes them: short, lowercase letters and digits.
fn plausible_token(token: &str) -> bool {
    (4..=64).contains(&token.len())
        && token
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

pub(super) async fn receive(
    State(slack): State<Arc<Slack>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if let Err(status) = slack.verified("interactions", &headers, &body) {
        return status;
    }
    let payload = serde_urlencoded::from_bytes::<Form>(&body)
        .ok()
        .and_then(|form| serde_json::from_str::<Payload>(&form.payload).ok());
    let Some(payload) = payload else {
        tracing::warn!("a signed Slack interaction was not the payload Slack sends");
        return StatusCode::BAD_REQUEST;
    };
    match accept(slack, payload) {
        Ok(()) => StatusCode::OK,
        Err(()) => StatusCode::BAD_REQUEST,
    }
}

/// Settles a click on a task; `Err` for a button that is not one of warroom's (an unknown
/// action or a token warroom would never make), which runs nothing.
pub(super) fn accept(slack: Arc<Slack>, payload: Payload) -> Result<(), ()> {
    if payload.kind != "block_actions" {
        tracing::info!(kind = %payload.kind, "ignored a Slack interaction warroom does not use");
        return Ok(());
    }
    let click = payload.actions.first().and_then(|a| {
        let verb = a.action_id.strip_prefix(ACTION_PREFIX)?;
        let action = ButtonAction::parse(verb)?;
        plausible_token(&a.value).then(|| (action, a.value.clone()))
    });
    let Some((action, token)) = click else {
        tracing::warn!(user = %payload.user.id, "refused a click on a button that is not one of warroom's");
        return Err(());
    };
    crate::work::spawn(async move { settle(&slack, payload, action, &token).await });
    Ok(())
}

/// Edits the card to say who pressed what, settles the operation, and shows the outcome.
async fn settle(slack: &Slack, payload: Payload, action: ButtonAction, token: &str) {
    let channel = payload.channel.id.clone();
    let ts = payload.container.message_ts.clone();
    let original = json!({
        "text": payload.message.get("text").cloned().unwrap_or(json!("")),
        "blocks": payload.message.get("blocks").cloned().unwrap_or(json!([])),
    });
    let progress = with_status(
        &original,
        &format!(
            "⏳ <@{}> {} this at {}; {}",
            payload.user.id,
            action.pressed(),
            timefmt::at_seconds(slack.core.clock.now()),
            action.progress()
        ),
    );
    if let Err(e) = slack.api.update(&channel, &ts, &progress).await {
        tracing::warn!(channel = %channel, error = %e, "could not mark the card as in progress");
    }
    let inv = slack
        .invocation(
            payload.team.id.clone(),
            channel.clone(),
            payload.user.id.clone(),
            action.command(token),
        )
        .await;
    match slack.answer(&inv).await {
        Ok(reply) => {
            if let Err(e) = slack.api.update(&channel, &ts, &message(&reply)).await {
                tracing::error!(channel = %channel, error = %e, "could not show the outcome on the card; posting it");
                slack.deliver(&channel, &payload.response_url, &reply).await;
                return;
            }
            slack.upload_attachments(&channel, &ts, &reply).await;
        }
        Err(refusal) => {
            if let Err(e) = slack.api.update(&channel, &ts, &original).await {
                tracing::warn!(channel = %channel, error = %e, "could not restore the card");
            }
            slack.ephemeral(&payload.response_url, &refusal).await;
        }
    }
}

/// The card with its buttons replaced by a status line.
fn with_status(card: &Value, status: &str) -> Value {
    let mut card = card.clone();
    if let Some(blocks) = card["blocks"].as_array_mut() {
        blocks.retain(|b| b["type"] != "actions");
        blocks.push(json!({
            "type": "context",
            "elements": [{ "type": "mrkdwn", "text": status }]
        }));
    }
    card
}
