//! `warroom serve`: the HTTP server. Slack's webhooks when Slack is configured, and
//! `/healthz` and `/readyz` for whatever runs warroom.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::app::App;
use crate::config::{DiscordMode, SlackMode};
use crate::discord::Discord;
use crate::slack::Slack;

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
        .with_state(app.clone());
    let slack = &app.config.slack;
    if slack.enabled() {
        let cards = Arc::new(app.store.clone());
        let transport = Arc::new(Slack::new(app.core.clone(), cards, slack)?);
        match slack.mode() {
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
            Arc::new(app.store.clone()),
            discord,
        ));
        let registering = transport.clone();
        tokio::spawn(async move {
            match registering.register_commands().await {
                Ok(true) => tracing::info!("Discord commands registered"),
                Ok(false) => tracing::info!("Discord commands already up to date"),
                Err(e) => tracing::error!(error = %e, "could not register the Discord commands"),
            }
        });
        match discord.mode() {
            DiscordMode::Http => router = router.merge(transport.routes()),
            DiscordMode::Gateway => {
                tokio::spawn(crate::discord::gateway::run(transport));
            }
        }
    }
    Ok(router)
}

/// Prometheus text: commands by name and outcome, their durations, refused requests.
async fn metrics(State(app): State<Arc<App>>) -> ([(&'static str, &'static str); 1], String) {
    (
        [("content-type", "text/plain; version=0.0.4")],
        app.core.metrics.render(),
    )
}

/// Ready when the database answers.
async fn ready(State(app): State<Arc<App>>) -> (StatusCode, &'static str) {
    match app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
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
        None => app.config.server.listen_addr()?,
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
