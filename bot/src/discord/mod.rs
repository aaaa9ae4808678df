//! The Discord transport over the HTTP interactions endpoint: application commands, button
//! clicks and service autocomplete.
//!
//! Discord wants an answer within three seconds, so a command is answered "thinking…" (a
//! deferred response) at once and the reply replaces it when the core is done; a reply only
//! the caller should see (errors, denials, help) is sent as an ephemeral follow-up instead.
//! A click answers "deferred update" and edits the card in place: who approved and when, then
//! the outcome. The core decides what every command means; this module carries JSON.

mod cards;
pub mod commands;
pub mod gateway;
mod letters;
pub mod message;
mod notifier;
mod rest;
pub mod verify;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use serenity::http::{Http, HttpBuilder, LightMethod, Request, Route};
use serenity::model::id::{ApplicationId, GuildId};
use warroom_commands::{ButtonAction, ChannelRef, Core, Invocation, Platform, Reply, timefmt};

use crate::config::{DISCORD_ORIGIN, DiscordConfig};
use crate::inbox::{Inbox, InboxItem, Outcome, Resume, Taken, resume};
use crate::signed::{Verified, signed};
use message::{BUTTON_PREFIX, EPHEMERAL};
pub use rest::RestError;
use verify::Verifier;
use warroom_commands::ports::CardStore;

const BODY_LIMIT: usize = 64 * 1024;

/// How long an interaction token can still answer: Discord's 15 minutes, less a margin.
const TOKEN_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::minutes(14);

/// The interaction being answered: its token, the channel it came from, and until when its
/// token can answer.
pub(super) struct Answering {
    pub token: String,
    pub channel: String,
    pub expires: chrono::DateTime<chrono::Utc>,
}

impl Answering {
    /// The interaction `payload`, received at `received`.
    fn of(payload: &Value, received: chrono::DateTime<chrono::Utc>) -> Answering {
        Answering {
            token: payload["token"].as_str().unwrap_or_default().to_string(),
            channel: payload["channel_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            expires: received + TOKEN_LIFETIME,
        }
    }
}

/// Discord's interaction types and response types.
const PING: u64 = 1;
const APPLICATION_COMMAND: u64 = 2;
const MESSAGE_COMPONENT: u64 = 3;
const AUTOCOMPLETE: u64 = 4;
const PONG: u64 = 1;
const DEFERRED_MESSAGE: u64 = 5;
const DEFERRED_UPDATE: u64 = 6;
const AUTOCOMPLETE_RESULT: u64 = 8;

pub struct Discord {
    pub core: Core,
    /// Where each incident's card is, to edit it in place.
    cards: Arc<dyn CardStore>,
    http: Http,
    application: ApplicationId,
    config: DiscordConfig,
    /// Where interactions are recorded before they are answered.
    inbox: Arc<Inbox>,
    /// Where what warroom sends is written before it is sent.
    outbox: Arc<crate::outbox::Outbox>,
}

impl Discord {
    pub fn new(
        core: Core,
        cards: Arc<dyn CardStore>,
        inbox: Arc<Inbox>,
        outbox: Arc<crate::outbox::Outbox>,
        config: &DiscordConfig,
    ) -> Discord {
        let application = config
            .application_id
            .as_deref()
            .and_then(|id| id.parse::<u64>().ok())
            .filter(|id| *id != 0)
            .map_or(ApplicationId::new(1), ApplicationId::new);
        Discord {
            core,
            cards,
            http: rest_client(config, application),
            application,
            config: config.clone(),
            inbox,
            outbox,
        }
    }

    /// `/discord/interactions`, behind the signature check ([`crate::signed`]) like every
    /// route added here.
    pub fn routes(self: Arc<Self>) -> Router {
        let routes = Router::new().route("/discord/interactions", post(receive));
        let key = self.config.public_key.as_deref().unwrap_or_default();
        let metrics = self.core.metrics.clone();
        signed(routes, Verifier::new(key), metrics, BODY_LIMIT).with_state(self)
    }

    /// Registers the application commands, globally or in the configured guild, unless Discord
    /// already has exactly these.
    pub async fn register_commands(&self) -> Result<bool, RestError> {
        let wanted = commands::definitions();
        let guild = self
            .config
            .guild_id
            .as_deref()
            .and_then(|g| g.parse::<u64>().ok())
            .map(GuildId::new);
        let route = || match guild {
            Some(guild_id) => Route::GuildCommands {
                application_id: self.application,
                guild_id,
            },
            None => Route::Commands {
                application_id: self.application,
            },
        };
        let current = self
            .send("reading commands", Request::new(route(), LightMethod::Get))
            .await?;
        if same_commands(&current, &wanted) {
            return Ok(false);
        }
        let body = serde_json::to_vec(&wanted).expect("commands serialize");
        self.send(
            "registering commands",
            Request::new(route(), LightMethod::Put).body(Some(body)),
        )
        .await?;
        Ok(true)
    }

    fn webhook<'a>(&self, token: &'a str, original: bool) -> Route<'a> {
        if original {
            Route::WebhookOriginalInteractionResponse {
                application_id: self.application,
                token,
            }
        } else {
            Route::WebhookFollowupMessages {
                application_id: self.application,
                token,
            }
        }
    }

    /// The core's answer, or the sentence that refuses it.
    async fn answer(&self, inv: &Invocation) -> Result<Reply, Reply> {
        crate::answer::answer(&self.core, inv).await
    }
}

/// serenity's REST client for the configured origin.
fn rest_client(config: &DiscordConfig, application: ApplicationId) -> Http {
    let mut http =
        HttpBuilder::new(config.bot_token.clone().unwrap_or_default()).application_id(application);
    if config.api_url.trim_end_matches('/') != DISCORD_ORIGIN {
        // serenity sends to another origin only with its own rate limiter off; Discord itself
        // is always reached with the rate limiter on.
        http = http
            .proxy(config.api_url.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    http.build()
}

/// Whether Discord's registered commands are ours: same names, descriptions and options.
fn same_commands(current: &Value, wanted: &Value) -> bool {
    let shape = |v: &Value| -> Vec<String> {
        let mut all: Vec<String> = v
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| json!({ "name": c["name"], "description": c["description"], "options": c.get("options").cloned().unwrap_or(json!([])), "default_member_permissions": c.get("default_member_permissions").cloned().unwrap_or(Value::Null) }).to_string())
                    .collect()
            })
            .unwrap_or_default();
        all.sort();
        all
    };
    shape(current) == shape(wanted)
}

/// Who did it, where: ids from the interaction; a member's roles are its groups.
fn invocation(payload: &Value, text: String) -> Invocation {
    let user = payload["member"]["user"]["id"]
        .as_str()
        .or_else(|| payload["user"]["id"].as_str())
        .unwrap_or_default();
    let roles = payload["member"]["roles"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|r| r.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    Invocation {
        channel: ChannelRef {
            platform: Platform::Discord,
            workspace: payload["guild_id"].as_str().unwrap_or("dm").to_string(),
            channel: payload["channel_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        },
        actor: user.to_string(),
        groups: roles,
        text,
    }
}

/// A verified interaction; its inbox key is its interaction id, the same over the gateway.
async fn receive(State(discord): State<Arc<Discord>>, _: Verified, body: Bytes) -> Response {
    let Ok(payload) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match discord.handle(payload).await {
        Ok(answer) => Json(answer).into_response(),
        Err(status) => status.into_response(),
    }
}

/// The inbox source interactions are recorded under.
const SOURCE: &str = "discord-interaction";

impl Discord {
    /// Handles an interaction, from the HTTP endpoint or the gateway alike: the immediate
    /// response, or the status that refuses it. A command or a click is recorded in the inbox
    /// under its interaction id first (a replay, on any replica, is refused) and run by an
    /// inbox worker.
    pub(super) async fn handle(&self, payload: Value) -> Result<Value, StatusCode> {
        match payload["type"].as_u64() {
            Some(PING) => Ok(json!({ "type": PONG })),
            Some(APPLICATION_COMMAND) => match commands::text_of(&payload["data"]) {
                Ok(_) => {
                    self.enqueue(&payload).await?;
                    Ok(json!({ "type": DEFERRED_MESSAGE }))
                }
                Err(sentence) => Ok(json!({
                    "type": 4, "data": { "content": sentence, "flags": EPHEMERAL, "allowed_mentions": { "parse": [] } }
                })),
            },
            Some(MESSAGE_COMPONENT) => {
                if click(&payload["data"]["custom_id"]).is_none() {
                    tracing::warn!("refused a click on a component that is not one of warroom's");
                    return Err(StatusCode::BAD_REQUEST);
                }
                self.enqueue(&payload).await?;
                Ok(json!({ "type": DEFERRED_UPDATE }))
            }
            Some(AUTOCOMPLETE) => Ok(json!({
                "type": AUTOCOMPLETE_RESULT,
                "data": { "choices": services_matching(&self.core, &payload["data"]) }
            })),
            _ => Err(StatusCode::BAD_REQUEST),
        }
    }

    /// Records an interaction under its id; 401 for one seen before (a replay), 503 when the
    /// database cannot take it.
    async fn enqueue(&self, payload: &Value) -> Result<(), StatusCode> {
        let Some(id) = payload["id"].as_str().filter(|id| !id.is_empty()) else {
            return Err(StatusCode::BAD_REQUEST);
        };
        let key = format!("discord:{id}");
        let lane = commands::lane(payload);
        let body = payload.to_string();
        match self
            .inbox
            .accept(&key, SOURCE, lane.as_deref(), &body)
            .await
        {
            Ok(Taken::New { .. }) => Ok(()),
            Ok(Taken::Duplicate) => Err(crate::signed::replayed(
                &self.core.metrics,
                "discord",
                "/discord/interactions",
            )),
            Err(e) => {
                tracing::error!(error = %e, "could not record a Discord interaction in the inbox");
                Err(StatusCode::SERVICE_UNAVAILABLE)
            }
        }
    }

    /// Makes this transport run the Discord interactions recorded in the inbox and send the
    /// Discord letters written to the outbox.
    pub fn serve_inbox(self: &Arc<Self>) {
        let work: std::sync::Weak<dyn crate::inbox::Work> = Arc::downgrade(self) as _;
        self.inbox.register(SOURCE, work);
        self.outbox.register(letters::CARRIER, self.clone());
    }
}

#[async_trait::async_trait]
impl crate::inbox::Work for Discord {
    async fn run(&self, item: &InboxItem) -> Outcome {
        let Ok(payload) = serde_json::from_str::<Value>(&item.payload) else {
            return Outcome::Unreadable;
        };
        let answering = Answering::of(&payload, item.received_at);
        match payload["type"].as_u64() {
            Some(APPLICATION_COMMAND) => {
                let Ok(text) = commands::text_of(&payload["data"]) else {
                    return Outcome::Unreadable;
                };
                let inv = invocation(&payload, text);
                if let Resume::Say(outcome, reply) = resume(item, &inv.text) {
                    self.deliver(&answering, &reply, false).await;
                    return outcome;
                }
                if self.config.opens_threads
                    && let Some(title) = commands::declared_title(&payload["data"])
                    && self
                        .declare_in_thread(&inv, &self.core.redactor.redact(&title), &answering)
                        .await
                {
                    return Outcome::Ran;
                }
                let reply = self.answer(&inv).await.unwrap_or_else(|refusal| refusal);
                self.deliver(&answering, &reply, false).await;
                Outcome::Ran
            }
            Some(MESSAGE_COMPONENT) => {
                let Some((action, value)) = click(&payload["data"]["custom_id"]) else {
                    return Outcome::Unreadable;
                };
                if let Resume::Say(outcome, reply) = resume(item, &action.command(&value)) {
                    self.tell_caller(&answering.token, &reply).await;
                    return outcome;
                }
                settle(self, payload, action, &value, &answering).await;
                Outcome::Ran
            }
            _ => Outcome::Unreadable,
        }
    }
}

/// `warroom:confirm:TOKEN` → the action and the token; `None` for anything else.
fn click(custom_id: &Value) -> Option<(ButtonAction, String)> {
    let rest = custom_id.as_str()?.strip_prefix(BUTTON_PREFIX)?;
    let (verb, token) = rest.split_once(':')?;
    let action = ButtonAction::parse(verb)?;
    let plausible = (4..=64).contains(&token.len())
        && token
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    plausible.then(|| (action, token.to_string()))
}

/// Settles the click and shows the outcome on the card. Only the click that claims the
/// operation marks the card "running"; a refused click leaves the card alone and tells only
/// the person who clicked.
async fn settle(
    discord: &Discord,
    payload: Value,
    action: ButtonAction,
    value: &str,
    answering: &Answering,
) {
    let token = answering.token.as_str();
    let inv = invocation(&payload, action.command(value));
    let mark_running = || async {
        let mut progress = json!({
            "embeds": payload["message"]["embeds"].clone(),
            "components": [],
        });
        progress["content"] = json!(format!(
            "⏳ <@{}> {} this at {}; {}",
            inv.actor,
            action.pressed(),
            timefmt::at_seconds(discord.core.clock.now()),
            action.progress()
        ));
        progress["allowed_mentions"] = json!({ "parse": [] });
        discord.show_now(answering, progress).await;
    };
    match crate::answer::run_click(&discord.core, &inv, mark_running).await {
        Ok(reply) => discord.deliver(answering, &reply, true).await,
        Err(refusal) => discord.tell_caller(token, &refusal).await,
    }
}

/// Autocomplete for the `service` option: configured services starting with what was typed.
fn services_matching(core: &Core, data: &Value) -> Vec<Value> {
    let typed = focused(data).unwrap_or_default().to_lowercase();
    core.services
        .services
        .keys()
        .filter(|name| name.starts_with(&typed))
        .take(25)
        .map(|name| json!({ "name": name, "value": name }))
        .collect()
}

/// The value of the option the user is typing in, in a command or its subcommand.
fn focused(data: &Value) -> Option<String> {
    let options = data["options"].as_array()?;
    options.iter().find_map(|o| {
        if o["focused"] == true {
            o["value"].as_str().map(String::from)
        } else {
            focused(o)
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_button_reads_back_into_its_action_and_token_and_nothing_else_does() {
        assert_eq!(
            click(&json!("warroom:ack:inc7")),
            Some((ButtonAction::Acknowledge, "inc7".to_string()))
        );
        assert_eq!(
            click(&json!("warroom:confirm:k3x9q2")),
            Some((ButtonAction::Confirm, "k3x9q2".to_string()))
        );
        assert_eq!(
            ButtonAction::Acknowledge.command("inc7"),
            "incident ack inc7"
        );
        for refused in [
            "warroom:ack:INC-7",
            "warroom:launch:abcd",
            "other:ack:inc7",
            "warroom:ack:",
        ] {
            assert_eq!(click(&json!(refused)), None, "{refused}");
        }
    }
}
