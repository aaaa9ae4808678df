//! Alert sources: `POST /alerts/alertmanager`, `/alerts/grafana` and `/alerts/events` (with
//! `/alerts/sns` for CloudWatch alarms, in [`sns`]).
//!
//! Each route sits behind the signature layer with its source's own check ([`auth`]), reads
//! the body at once so a malformed one is refused with 400 and nothing stored, then records it
//! in the inbox like a chat command and answers. A worker runs it: the core stores every alert
//! and opens or joins incidents ([`warroom_commands::alerts::ingest`]), and what it says is
//! posted by the chat transport of each route's channel. Recording first is what makes an
//! accepted alert survive a crash and run once across replicas.

pub mod auth;
mod post;
mod sns;

use std::sync::{Arc, Weak};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use warroom_commands::alerts::{Alert, Source, Unreadable, sources};
use warroom_commands::{Core, Platform};

pub use post::Announce;

use crate::inbox::{Inbox, InboxItem, Outcome, Taken, Work};
use crate::signed::{Verified, signed};

/// The most an alert request may carry: a thousand Alertmanager alerts with their labels.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Inbox sources, one per route.
const SOURCES: [(&str, Source); 4] = [
    ("alerts-alertmanager", Source::Alertmanager),
    ("alerts-grafana", Source::Grafana),
    ("alerts-events", Source::Events),
    ("alerts-sns", Source::Cloudwatch),
];

/// The alert routes' shared state.
pub struct Alerts {
    core: Core,
    /// The core with each route's channel in its workspace, learned from the platforms once.
    resolved: tokio::sync::OnceCell<Core>,
    inbox: Arc<Inbox>,
    /// Who posts in a route's channel, by platform.
    posters: Vec<(Platform, Arc<dyn Announce>)>,
}

impl Alerts {
    pub fn new(
        core: Core,
        inbox: Arc<Inbox>,
        posters: Vec<(Platform, Arc<dyn Announce>)>,
    ) -> Arc<Alerts> {
        let alerts = Arc::new(Alerts {
            core,
            resolved: tokio::sync::OnceCell::new(),
            inbox,
            posters,
        });
        for (name, _) in SOURCES {
            let work: Weak<dyn Work> = Arc::downgrade(&alerts) as _;
            alerts.inbox.register(name, work);
        }
        alerts
    }

    /// The routes of the sources that are configured, each behind its own check.
    pub fn routes(self: Arc<Self>, config: &crate::config::AlertsConfig) -> Router {
        let metrics = self.core.metrics.clone();
        let mut router = Router::new();
        if config.alertmanager.is_set() {
            router = router.merge(signed(
                Router::new()
                    .route("/alerts/alertmanager", post(alertmanager))
                    .with_state(self.clone()),
                auth::AlertmanagerAuth(config.alertmanager.clone()),
                metrics.clone(),
                BODY_LIMIT,
            ));
        }
        if let Some(grafana) = config.grafana() {
            router = router.merge(signed(
                Router::new()
                    .route("/alerts/grafana", post(grafana_hook))
                    .with_state(self.clone()),
                grafana,
                metrics.clone(),
                BODY_LIMIT,
            ));
        }
        if !config.routing_keys.is_empty() {
            router = router.merge(signed(
                Router::new()
                    .route("/alerts/events", post(events))
                    .with_state(self.clone()),
                auth::EventsAuth {
                    routing_keys: config.routing_keys.clone(),
                },
                metrics,
                BODY_LIMIT,
            ));
        }
        if let Some(trust) = &config.sns {
            router = router.merge(sns::routes(self.clone(), trust.clone()));
        }
        router
    }

    /// Records a verified request whose alerts were read, under its unique `key`; 503 when
    /// the database cannot take it, so the sender retries rather than warroom losing it.
    ///
    /// Requests of one alert group (an Alertmanager `groupKey`, a dedup key, an alarm) run one
    /// after another, so a group's resolution never overtakes its firing; different groups run
    /// side by side on Postgres, which is what lets a storm of many groups use every worker.
    /// On SQLite a source's requests share one lane: with one connection, batches side by side
    /// only queue for it, and the next webhook's inbox row would wait behind all of them.
    async fn record(
        &self,
        key: &str,
        source: Source,
        group: &str,
        body: &[u8],
    ) -> Result<Taken, Response> {
        let name = SOURCES
            .iter()
            .find(|(_, s)| *s == source)
            .map_or("alerts-alertmanager", |(n, _)| n);
        let payload = String::from_utf8_lossy(body);
        self.inbox
            .accept(
                key,
                name,
                Some(&lane(source, group, self.inbox.one_writer())),
                &payload,
            )
            .await
            .map_err(|e| {
                tracing::error!(source = source.as_str(), error = %e, "could not record alerts");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            })
    }

    /// Refuses a body that is not its source's shape: logged and counted, nothing stored.
    fn refuse(&self, source: Source, refused: &Unreadable) -> Response {
        tracing::warn!(
            source = source.as_str(),
            reason = refused.reason,
            "refused alerts: {refused}"
        );
        self.core.metrics.refused(source.as_str(), refused.reason);
        (StatusCode::BAD_REQUEST, format!("{refused}\n")).into_response()
    }
}

/// Reads a request's alerts, as the worker will.
fn read(source: Source, body: &[u8]) -> Result<Vec<Alert>, Unreadable> {
    match source {
        Source::Alertmanager | Source::Grafana => sources::alertmanager::read(body, source),
        Source::Events => sources::events::read(body)?.alert().map(|a| vec![a]),
        Source::Cloudwatch => sns::alarm(body),
    }
}

/// The inbox lane of a source's group, named by a digest: a group key can be long, and it
/// is the sender's text. With `one_writer`, the source's lane.
fn lane(source: Source, group: &str, one_writer: bool) -> String {
    if one_writer {
        return format!("alerts:{}", source.as_str());
    }
    format!(
        "alerts:{}:{}",
        source.as_str(),
        crate::outbox::short_digest(group)
    )
}

/// The group a request's alerts belong to (a webhook carries one), for its lane.
fn group_of(alerts: &[Alert]) -> &str {
    alerts.first().map_or("", |a| a.group.as_str())
}

async fn accept(alerts: &Alerts, verified: &Verified, source: Source, body: &[u8]) -> Response {
    match read(source, body) {
        Ok(read) => match alerts
            .record(verified.key(), source, group_of(&read), body)
            .await
        {
            Ok(_) => StatusCode::OK.into_response(),
            Err(response) => response,
        },
        Err(refused) => alerts.refuse(source, &refused),
    }
}

async fn alertmanager(
    State(alerts): State<Arc<Alerts>>,
    verified: Verified,
    body: Bytes,
) -> Response {
    accept(&alerts, &verified, Source::Alertmanager, &body).await
}

async fn grafana_hook(
    State(alerts): State<Arc<Alerts>>,
    verified: Verified,
    body: Bytes,
) -> Response {
    accept(&alerts, &verified, Source::Grafana, &body).await
}

/// Answers as PagerDuty's Events API does: 202 with the dedup key.
async fn events(State(alerts): State<Arc<Alerts>>, verified: Verified, body: Bytes) -> Response {
    let read = match read(Source::Events, &body) {
        Ok(read) => read,
        Err(refused) => return alerts.refuse(Source::Events, &refused),
    };
    let key = read.first().map(|a| a.key.clone()).unwrap_or_default();
    let recorded = alerts
        .record(verified.key(), Source::Events, group_of(&read), &body)
        .await;
    if let Err(response) = recorded {
        return response;
    }
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({"status": "success", "message": "Event processed", "dedup_key": key})),
    )
        .into_response()
}

/// How many times a batch is tried before warroom gives up on it: a claim runs out after 30 s,
/// so about five minutes of a failing database or platform.
const ATTEMPTS: u32 = 10;

#[async_trait::async_trait]
impl Work for Alerts {
    async fn run(&self, item: &InboxItem) -> Outcome {
        let Some((_, source)) = SOURCES.iter().find(|(n, _)| *n == item.source) else {
            return Outcome::Unreadable;
        };
        let Ok(batch) = read(*source, item.payload.as_bytes()) else {
            return Outcome::Unreadable;
        };
        let core = match self.resolved.get_or_try_init(|| self.resolve()).await {
            Ok(core) => core,
            Err(()) => &self.core,
        };
        match warroom_commands::alerts::ingest(core, batch).await {
            Ok(done) => {
                self.announce(done.announcements).await;
                Outcome::Ran
            }
            // Acting on an alert again is a repeat (it is stored by its key and decided once), so
            // the whole batch runs again rather than losing the alerts after the failure.
            Err(e) if item.attempts < ATTEMPTS => {
                tracing::error!(id = item.id, error = %e, attempt = item.attempts, "could not act on alerts; the batch runs again when its claim runs out");
                Outcome::Later
            }
            Err(e) => {
                tracing::error!(id = item.id, error = %e, attempts = item.attempts, "could not act on alerts; gave up on the batch");
                Outcome::Ran
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_keeps_its_lane_and_groups_run_in_their_own() {
        let api = "{}:{service=\"api\"}";
        let lane_of = |group| lane(Source::Alertmanager, group, false);
        assert_eq!(lane_of(api), lane_of(api));
        assert_ne!(lane_of(api), lane_of("{}:{service=\"payments\"}"));
        assert_ne!(lane_of(api), lane(Source::Grafana, api, false));
        assert!(lane_of(api).starts_with("alerts:alertmanager:"));
        assert!(
            lane_of(&"x".repeat(10_000)).len() < 40,
            "a long group key is named short"
        );
        // One writer: a source's groups share its lane.
        let shared = |group| lane(Source::Alertmanager, group, true);
        assert_eq!(shared(api), shared("{}:{service=\"payments\"}"));
        assert_ne!(shared(api), lane(Source::Grafana, api, true));
    }
}
