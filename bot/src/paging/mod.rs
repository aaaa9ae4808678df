//! Paging providers, both ways: `POST /paging/pagerduty` and `POST /paging/opsgenie` hear that
//! someone acknowledged or resolved one of warroom's pages on their phone, and the `paging`
//! outbox carrier ([`carrier`]) makes warroom's own calls to the providers.
//!
//! A webhook is checked by the signature layer on its raw body before anything reads it
//! ([`auth`]); a forged or unsigned one is refused with 401, counted in
//! `warroom_requests_refused_total` and never stored. A genuine one about one of warroom's
//! pages is recorded in the inbox under the delivery's id (so a redelivery runs once, on any
//! replica) and answered; a worker then acknowledges or resolves the incident as
//! `/incident ack` would ([`warroom_commands::paging::acknowledged_elsewhere`]) and tells the
//! incident's channel.

pub mod auth;
pub mod carrier;
pub mod webhooks;

use std::sync::{Arc, Weak};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use warroom_commands::paging::{Answered, acknowledged_elsewhere, resolved_elsewhere};
use warroom_commands::{Core, Platform};
use warroom_integrations::paging::{OpsgenieAlerts, PagerDutyEvents, Providers};

pub use carrier::{CARRIER, PageLetter, PagingCarrier, PagingLetters};
pub use webhooks::{Heard, NotHeard, What};

use crate::alerts::Announce;
use crate::config::PagingConfig;
use crate::inbox::{Inbox, InboxItem, Outcome, Taken, Work};
use crate::signed::{Verified, signed};

/// A webhook is one event; anything bigger is not a provider's.
const BODY_LIMIT: usize = 256 * 1024;
/// Inbox sources, one per route.
const PAGERDUTY: &str = "paging-pagerduty";
const OPSGENIE: &str = "paging-opsgenie";
/// How many times a delivery runs before warroom gives up on it (a claim runs out after 30 s).
const ATTEMPTS: u32 = 10;

/// The provider clients `config` sets up: the ones with a key.
pub fn providers(config: &PagingConfig) -> Providers {
    Providers {
        pagerduty: config
            .pagerduty
            .routing_key()
            .map(|key| PagerDutyEvents::new(&config.pagerduty.events_url, key)),
        opsgenie: config
            .opsgenie
            .api_key()
            .map(|key| OpsgenieAlerts::new(&config.opsgenie.api_url, key)),
    }
}

/// The webhook routes' shared state and the worker that runs their deliveries.
pub struct Paging {
    core: Core,
    inbox: Arc<Inbox>,
    posters: Vec<(Platform, Arc<dyn Announce>)>,
}

impl Paging {
    pub fn new(
        core: Core,
        inbox: Arc<Inbox>,
        posters: Vec<(Platform, Arc<dyn Announce>)>,
    ) -> Arc<Paging> {
        let paging = Arc::new(Paging {
            core,
            inbox,
            posters,
        });
        for name in [PAGERDUTY, OPSGENIE] {
            let work: Weak<dyn Work> = Arc::downgrade(&paging) as _;
            paging.inbox.register(name, work);
        }
        paging
    }

    /// The routes of the providers whose webhook credential is configured.
    pub fn routes(self: Arc<Self>, config: &PagingConfig) -> Router {
        let metrics = self.core.metrics.clone();
        let mut router = Router::new();
        if let Some(secret) = config.pagerduty.webhook_secret() {
            router = router.merge(signed(
                Router::new()
                    .route("/paging/pagerduty", post(pagerduty))
                    .with_state(self.clone()),
                auth::PagerDutySignature {
                    secret: secret.to_string(),
                },
                metrics.clone(),
                BODY_LIMIT,
            ));
        }
        if let Some(token) = config.opsgenie.webhook_token() {
            router = router.merge(signed(
                Router::new()
                    .route("/paging/opsgenie", post(opsgenie))
                    .with_state(self.clone()),
                auth::OpsgenieToken {
                    token: token.to_string(),
                },
                metrics,
                BODY_LIMIT,
            ));
        }
        router
    }

    /// Records a delivery about one of warroom's pages; 503 when the database cannot take it,
    /// so the provider retries rather than warroom losing it.
    async fn accept(
        &self,
        source: &'static str,
        heard: Result<Heard, NotHeard>,
        body: &[u8],
    ) -> Response {
        let heard = match heard {
            Ok(heard) => heard,
            Err(NotHeard::Ignored(why)) => {
                tracing::info!(source, why, "a paging webhook with nothing for warroom");
                return StatusCode::OK.into_response();
            }
            Err(NotHeard::Unreadable(why)) => {
                tracing::warn!(source, %why, "refused a paging webhook");
                self.core.metrics.refused(source, "unreadable");
                return (StatusCode::BAD_REQUEST, format!("{why}\n")).into_response();
            }
        };
        let lane = format!("paging:{}", heard.incident);
        let payload = String::from_utf8_lossy(body);
        match self
            .inbox
            .accept(&heard.delivery, source, Some(&lane), &payload)
            .await
        {
            Ok(Taken::New { .. }) | Ok(Taken::Duplicate) => StatusCode::OK.into_response(),
            Err(e) => {
                tracing::error!(source, error = %e, "could not record a paging webhook");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
        }
    }

    fn poster(&self, platform: Platform) -> Option<&dyn Announce> {
        self.posters
            .iter()
            .find(|(p, _)| *p == platform)
            .map(|(_, a)| a.as_ref())
    }
}

async fn pagerduty(State(paging): State<Arc<Paging>>, _: Verified, body: Bytes) -> Response {
    paging
        .accept(PAGERDUTY, webhooks::pagerduty(&body), &body)
        .await
}

async fn opsgenie(State(paging): State<Arc<Paging>>, _: Verified, body: Bytes) -> Response {
    paging
        .accept(OPSGENIE, webhooks::opsgenie(&body), &body)
        .await
}

#[async_trait::async_trait]
impl Work for Paging {
    async fn run(&self, item: &InboxItem) -> Outcome {
        let heard = match item.source.as_str() {
            PAGERDUTY => webhooks::pagerduty(item.payload.as_bytes()),
            OPSGENIE => webhooks::opsgenie(item.payload.as_bytes()),
            _ => return Outcome::Unreadable,
        };
        let Ok(heard) = heard else {
            return Outcome::Unreadable;
        };
        let done = match heard.what {
            What::Acknowledged => {
                acknowledged_elsewhere(&self.core, heard.provider, heard.incident, &heard.who).await
            }
            What::Resolved => {
                resolved_elsewhere(&self.core, heard.provider, heard.incident, &heard.who).await
            }
        };
        match done {
            Ok(Answered::Changed { incident, reply }) => {
                match self.core.store.get(incident).await {
                    Ok(Some(found)) => {
                        if let Some(poster) = self.poster(found.channel.platform) {
                            let reply = self.core.redactor.reply(reply);
                            poster.post(&found.channel.channel, &reply).await;
                            poster.redraw(incident, &found.channel.channel).await;
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!(%incident, error = %e, "could not find the channel to tell")
                    }
                }
                Outcome::Ran
            }
            Ok(Answered::Unchanged(why)) => {
                tracing::info!(incident = %heard.incident, provider = heard.provider.as_str(), why, "a paging webhook changed nothing");
                Outcome::Ran
            }
            Err(e) if item.attempts < ATTEMPTS => {
                tracing::error!(id = item.id, error = %e, attempt = item.attempts, "could not act on a paging webhook; it runs again when its claim runs out");
                Outcome::Later
            }
            Err(e) => {
                tracing::error!(id = item.id, error = %e, "could not act on a paging webhook; gave up");
                Outcome::Ran
            }
        }
    }
}
