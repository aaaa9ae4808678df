//! Startup wiring: configuration → store → core.

use std::sync::Arc;

use warroom_commands::Core;
use warroom_commands::ports::{NoPages, SystemClock};
use warroom_commands::redact::Redactor;
use warroom_integrations::aws::{self, ecs::AwsEcs, logs::AwsLogs, ssm::AwsSsm};
use warroom_integrations::store::redact;
use warroom_integrations::{ArgvRunner, HttpHealth, OsTokens, RealTime, Store, http_health};

use crate::config::Config;

/// A running warroom's shared parts.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub core: Core,
}

impl App {
    /// Opens the configured database (applying migrations) and builds the core on it.
    pub async fn start(config: Config) -> Result<App, anyhow::Error> {
        let store = Store::open(&config.database.url).await?;
        tracing::info!(
            backend = store.backend(),
            url = %redact(&config.database.url),
            "incident store open"
        );
        let aws = aws::sdk_config(&config.aws.settings()).await;
        let core = Core {
            ecs: Arc::new(AwsEcs::new(&aws)),
            logs: Arc::new(AwsLogs::new(&aws)),
            ssm: Arc::new(AwsSsm::new(&aws)),
            store: Arc::new(store.clone()),
            actions: Arc::new(store.clone()),
            clock: Arc::new(SystemClock),
            pause: Arc::new(RealTime),
            tokens: Arc::new(OsTokens),
            runner: Arc::new(ArgvRunner),
            health: Arc::new(HttpHealth::new(http_health::DEFAULT_CONCURRENCY)),
            policy: config.severity.clone(),
            access: config.access.clone(),
            services: config.services.clone(),
            redactor: Redactor::new(config.secrets.clone()),
            metrics: Arc::new(metrics()),
            schedule: Arc::new(store.clone()),
            escalation: config.escalation.policy(),
            pages: match config.web.auth().link_secret {
                Some(secret) => Arc::new(crate::web::SignedLinks {
                    base_url: config.web.base_url.clone(),
                    secret,
                    ttl: config.web.link_ttl,
                }),
                None => Arc::new(NoPages),
            },
            alerts: warroom_commands::alerts::Desk {
                store: Arc::new(store.clone()),
                routes: Arc::new(config.alerts.routes.clone()),
            },
            oncall: warroom_commands::oncall::Roster {
                schedules: Arc::new(config.schedules.clone()),
                overrides: Arc::new(store.clone()),
            },
            paging: Arc::new(crate::paging::PagingLetters {
                store: store.clone(),
                pagerduty: config.paging.pagerduty.routing_key().is_some(),
                opsgenie: config.paging.opsgenie.api_key().is_some(),
            }),
        }
        .redacting();
        Ok(App {
            config,
            store,
            core,
        })
    }
}

/// warroom's metrics with the build's name and the process's own figures.
fn metrics() -> warroom_commands::metrics::Metrics {
    let mut metrics = warroom_commands::metrics::Metrics::new();
    metrics.describe_build(env!("WARROOM_COMMIT"), env!("WARROOM_BUILT"));
    metrics.collect(Box::new(crate::process_metrics::ProcessMetrics));
    metrics
}
