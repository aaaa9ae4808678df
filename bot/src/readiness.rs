//! Whether the connections warroom keeps open are up, for `GET /readyz`.
//!
//! Slack's Socket Mode and Discord's gateway are long-lived connections: a process whose
//! database answers but whose gateway is down receives no commands, and a load balancer or an
//! orchestrator should know. HTTP-mode transports keep no connection and are never listed.

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex};

static LINKS: LazyLock<Mutex<BTreeMap<&'static str, bool>>> = LazyLock::new(Default::default);

/// Records that `transport`'s connection is up or down.
pub fn set(transport: &'static str, up: bool) {
    LINKS.lock().expect("never poisoned").insert(transport, up);
}

/// Every connection warroom keeps, by transport name, and whether it is up.
pub fn links() -> Vec<(&'static str, bool)> {
    let links = LINKS.lock().expect("never poisoned");
    links.iter().map(|(t, up)| (*t, *up)).collect()
}

/// The connections that are down, by transport name.
pub fn down() -> Vec<&'static str> {
    links()
        .into_iter()
        .filter(|(_, up)| !up)
        .map(|(t, _)| t)
        .collect()
}
