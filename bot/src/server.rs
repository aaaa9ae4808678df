//! `warroom serve`: the HTTP server. Slack's webhooks when Slack is configured, and
//! `/healthz` and `/readyz` for whatever runs warroom.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use tokio::net::TcpListener;
use warroom_commands::Platform;
use warroom_commands::escalation::Outbox;
use warroom_commands::ports::CardStore;

use crate::app::App;
use crate::config::{DiscordMode, SlackMode};
use crate::discord::Discord;
use crate::inbox::Inbox;
use crate::scheduler::Scheduler;
use crate::slack::Slack;
use crate::web::Pages;

/// Installs the process's one rustls crypto provider. Two are compiled in (the AWS SDK and the
/// chat crates pull different ones), and rustls refuses to guess; a second call is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Every route of the server for this configuration.
pub fn router(app: Arc<App>) -> anyhow::Result<Router> {
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .with_state(app.clone())
        .merge(crate::web::routes(Arc::new(Pages {
            store: Arc::new(app.store.clone()),
            policy: app.core.policy.clone(),
            clock: app.core.clock.clone(),
            auth: app.config.web.auth(),
        })));
    let cards: Arc<dyn CardStore> = Arc::new(app.store.clone());
    let mut outbox = Outbox {
        notifiers: Vec::new(),
        cards: Some(cards.clone()),
    };
    let letters = crate::outbox::Outbox::new(app.store.clone(), crate::lease::process_name());
    let inbox = Inbox::new(app.store.clone(), letters.clone());
    let mut posters: Vec<(Platform, Arc<dyn crate::alerts::Announce>)> = Vec::new();
    let slack = &app.config.slack;
    if slack.enabled() {
        let transport = Arc::new(Slack::new(
            app.core.clone(),
            cards.clone(),
            inbox.clone(),
            letters.clone(),
            slack,
        )?);
        transport.serve_inbox();
        outbox.notifiers.push((Platform::Slack, transport.clone()));
        posters.push((Platform::Slack, transport.clone()));
        match slack.mode {
            SlackMode::Http => router = router.merge(transport.routes()),
            SlackMode::Socket => {
                let app_token = slack.app_token.clone().unwrap_or_default();
                tokio::spawn(crate::slack::socket::run(transport, app_token));
            }
        }
    }
    let discord = &app.config.discord;
    if discord.enabled() {
        let transport = Arc::new(Discord::new(
            app.core.clone(),
            cards.clone(),
            inbox.clone(),
            letters.clone(),
            discord,
        ));
        transport.serve_inbox();
        outbox
            .notifiers
            .push((Platform::Discord, transport.clone()));
        posters.push((Platform::Discord, transport.clone()));
        let registering = transport.clone();
        tokio::spawn(async move {
            match registering.register_commands().await {
                Ok(true) => tracing::info!("Discord commands registered"),
                Ok(false) => tracing::info!("Discord commands already up to date"),
                Err(e) => tracing::error!(error = %e, "could not register the Discord commands"),
            }
        });
        match discord.mode {
            DiscordMode::Http => router = router.merge(transport.routes()),
            DiscordMode::Gateway => {
                tokio::spawn(crate::discord::gateway::run(transport));
            }
        }
    }
    letters.register(
        crate::paging::CARRIER,
        Arc::new(crate::paging::PagingCarrier {
            providers: crate::paging::providers(&app.config.paging),
            core: app.core.clone(),
            posters: posters.clone(),
            backoff: std::time::Duration::from_secs(2),
        }),
    );
    let paging = crate::paging::Paging::new(app.core.clone(), inbox.clone(), posters.clone());
    router = router.merge(paging.routes(&app.config.paging));
    let alerts = crate::alerts::Alerts::new(app.core.clone(), inbox.clone(), posters);
    router = router.merge(alerts.routes(&app.config.alerts));
    letters.start();
    inbox.start();
    let scheduler = Arc::new(Scheduler::new(app.core.clone(), outbox));
    crate::work::spawn(scheduler.run());
    Ok(router)
}

/// Prometheus text: commands by name and outcome, their durations, refused requests, and the
/// backlog and connections as they stand at this scrape.
async fn metrics(State(app): State<Arc<App>>) -> ([(&'static str, &'static str); 1], String) {
    match app.store.backlog(app.core.clock.now()).await {
        Ok(backlog) => app.core.metrics.backlog(&backlog),
        // The counters are still worth a scrape; the gauges keep their last reading.
        Err(e) => tracing::warn!(error = %e, "cannot count the backlog for /metrics"),
    }
    app.core.metrics.connections(&crate::readiness::links());
    (
        [("content-type", warroom_commands::metrics::CONTENT_TYPE)],
        app.core.metrics.render(),
    )
}

/// Ready when the database answers and every connection warroom keeps (Socket Mode, the
/// Discord gateway) is up; the body says what is not.
async fn ready(State(app): State<Arc<App>>) -> (StatusCode, String) {
    let mut missing = Vec::new();
    if let Err(e) = app.store.ping().await {
        tracing::warn!(error = %e, "not ready: the database does not answer");
        missing.push("database unreachable".to_string());
    }
    for transport in crate::readiness::down() {
        missing.push(format!("{transport} not connected"));
    }
    if missing.is_empty() {
        (StatusCode::OK, "ready\n".into())
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{}\n", missing.join("; ")),
        )
    }
}

/// A server bound and running on its own task; dropped, it keeps running until the runtime
/// ends.
pub struct Running {
    pub addr: SocketAddr,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds `server.listen` (or `addr` when given, for tests) and serves until Ctrl-C or SIGTERM.
pub async fn start(app: Arc<App>, addr: Option<SocketAddr>) -> anyhow::Result<Running> {
    let addr = match addr {
        Some(addr) => addr,
        None => app.config.server.listen,
    };
    let listener = TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!(
            "warroom cannot listen on {addr}: {e}; set server.listen to a free address."
        )
    })?;
    let addr = listener.local_addr()?;
    let router = router(app)?;
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    });
    Ok(Running { addr, task })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: finishing requests in flight");
}
