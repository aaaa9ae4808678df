//! The HTTP server: Slack and Discord webhooks, `/healthz`, `/metrics`, incident pages.

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use super::text::{positive_duration, read_text};

/// `[server]`, read straight into what the server runs with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// IP address and port to listen on. Loopback by default, so a first run exposes nothing;
    /// behind a load balancer or in a container, listen on `0.0.0.0:8080`.
    #[serde(deserialize_with = "listen")]
    pub listen: SocketAddr,
    /// How long a shutdown waits for running operations (a rollback being confirmed, a page
    /// being sent) before the process exits anyway.
    #[serde(deserialize_with = "grace")]
    pub shutdown_grace: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            shutdown_grace: Duration::from_secs(300),
        }
    }
}

/// An IP address and a port; host names are not resolved, so that what is bound is what is
/// written.
fn listen<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    read_text(d, |text| {
        text.trim().parse().map_err(|_| {
            format!(
                "`{text}` is not an IP address and port; write it like 127.0.0.1:8080, or \
                 0.0.0.0:8080 to listen on every interface."
            )
        })
    })
}

fn grace<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    read_text(d, |text| {
        positive_duration(text).map(super::text::std_duration)
    })
}
