//! The HTTP server: Slack and Discord webhooks, `/healthz`, `/metrics`, incident pages.

use std::net::{AddrParseError, SocketAddr};

use serde::Deserialize;

/// `[server]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ServerConfig {
    /// IP address and port to listen on. Loopback by default, so a first run exposes nothing;
    /// behind a load balancer or in a container, listen on `0.0.0.0:8080`.
    pub listen: String,
    /// How long a shutdown waits for running operations (a rollback being confirmed, a page
    /// being sent) before the process exits anyway.
    pub shutdown_grace: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".to_string(),
            shutdown_grace: "5m".to_string(),
        }
    }
}

impl ServerConfig {
    /// The address to bind; loading has already rejected one that does not parse.
    pub fn listen_addr(&self) -> Result<SocketAddr, AddrParseError> {
        self.listen.trim().parse()
    }

    /// The shutdown grace; loading has already checked it.
    pub fn shutdown_grace(&self) -> std::time::Duration {
        super::severity::parse_positive_duration(&self.shutdown_grace)
            .ok()
            .and_then(|d| d.to_std().ok())
            .unwrap_or(std::time::Duration::from_secs(300))
    }
}

/// An IP address and a port; host names are not resolved, so that what is bound is what is
/// written.
pub(super) fn check_listen(text: &str) -> Result<(), String> {
    match text.trim().parse::<SocketAddr>() {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "`{text}` is not an IP address and port; write it like 127.0.0.1:8080, or \
             0.0.0.0:8080 to listen on every interface."
        )),
    }
}
