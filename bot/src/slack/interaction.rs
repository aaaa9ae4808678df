//! `POST /slack/interactions`: a click on a button warroom posted: Confirm or Cancel on a
//! confirmation card, Acknowledge on an escalation page.
//!
//! The card is edited in place: with who pressed Confirm and when, once that click claimed the
//! operation, then with the outcome. Whether the click runs anything is the core's decision
//! (access, the two-person rule, the single-use token claimed atomically), so a second click,
//! by anyone, runs nothing twice; a refused click never touches the card and tells only the
//! person who clicked why.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use warroom_commands::{ButtonAction, timefmt};

use super::Slack;
use super::blocks::{ACTION_PREFIX, message};
use super::letters::SlackLetter;
use crate::inbox::{InboxItem, Outcome, Resume, Taken, resume};
use crate::signed::Verified;

/// The inbox source clicks are recorded under.
pub(super) const SOURCE: &str = "slack-interaction";

#[derive(Debug, Deserialize)]
struct Form {
    payload: String,
}

/// An interaction payload (form field `payload` over HTTP, JSON over Socket Mode).
#[derive(Debug, Deserialize, Serialize)]
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

#[derive(Debug, Deserialize, Serialize)]
struct Id {
    id: String,
}

#[derive(Debug, Deserialize, Serialize)]
struct Container {
    message_ts: String,
}

#[derive(Debug, Deserialize, Serialize)]
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
    verified: Verified,
    body: Bytes,
) -> Response {
    let payload = serde_urlencoded::from_bytes::<Form>(&body)
        .ok()
        .and_then(|form| serde_json::from_str::<Payload>(&form.payload).ok());
    let Some(payload) = payload else {
        tracing::warn!("a signed Slack interaction was not the payload Slack sends");
        return StatusCode::BAD_REQUEST.into_response();
    };
    match accept(&slack, verified.key(), payload).await {
        Ok(Taken::Duplicate) => slack.replayed("/slack/interactions"),
        Ok(_) => StatusCode::OK.into_response(),
        Err(status) => status.into_response(),
    }
}

/// Records a click on one of warroom's buttons in the inbox. A button that is not one of
/// warroom's (an unknown action or a token warroom would never make) is refused with 400 and
/// runs nothing; interactions warroom does not use are acknowledged and ignored.
pub(super) async fn accept(
    slack: &Slack,
    key: &str,
    payload: Payload,
) -> Result<Taken, StatusCode> {
    if payload.kind != "block_actions" {
        tracing::info!(kind = %payload.kind, "ignored a Slack interaction warroom does not use");
        return Ok(Taken::New { ahead: 0 });
    }
    if click(&payload).is_none() {
        tracing::warn!(user = %payload.user.id, "refused a click on a button that is not one of warroom's");
        return Err(StatusCode::BAD_REQUEST);
    }
    slack.enqueue(key, SOURCE, None, &payload).await
}

/// The button's action and token, when it is one of warroom's.
fn click(payload: &Payload) -> Option<(ButtonAction, String)> {
    payload.actions.first().and_then(|a| {
        let verb = a.action_id.strip_prefix(ACTION_PREFIX)?;
        let action = ButtonAction::parse(verb)?;
        plausible_token(&a.value).then(|| (action, a.value.clone()))
    })
}

/// Settles a recorded click.
pub(super) async fn run(slack: &Slack, payload: Payload, item: &InboxItem) -> Outcome {
    let Some((action, token)) = click(&payload) else {
        return Outcome::Unreadable;
    };
    if let Resume::Say(outcome, reply) = resume(item, &action.command(&token)) {
        slack.ephemeral(&payload.response_url, &reply).await;
        return outcome;
    }
    settle(slack, payload, action, &token).await;
    Outcome::Ran
}

/// Settles the click and shows the outcome on the card. Only the click that claims the
/// operation marks the card "running" (and only once it claimed it); a refused click leaves
/// the card alone and tells only the person who clicked why.
async fn settle(slack: &Slack, payload: Payload, action: ButtonAction, token: &str) {
    let channel = payload.channel.id.clone();
    let ts = payload.container.message_ts.clone();
    let inv = slack
        .invocation(
            payload.team.id.clone(),
            channel.clone(),
            payload.user.id.clone(),
            action.command(token),
        )
        .await;
    let mark_running = || async {
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
        slack
            .send_now(SlackLetter::Edit {
                channel: channel.clone(),
                ts: ts.clone(),
                message: progress,
                attachments: Vec::new(),
                fallback: None,
            })
            .await;
    };
    match crate::answer::run_click(&slack.core, &inv, mark_running).await {
        Ok(reply) => {
            slack
                .send(vec![SlackLetter::Edit {
                    channel: channel.clone(),
                    ts: ts.clone(),
                    message: message(&reply),
                    attachments: crate::outbox::attachments(&reply),
                    fallback: Some(payload.response_url.clone()),
                }])
                .await
        }
        Err(refusal) => slack.ephemeral(&payload.response_url, &refusal).await,
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
