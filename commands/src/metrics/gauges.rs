//! What stands waiting right now: open incidents by severity, confirmations nobody has answered,
//! queued work, and whether each long-lived transport connection is up.
//!
//! These are read from the store and the transports when `/metrics` is scraped rather than
//! kept up to date by every write, so each replica reports the shared database's true figures
//! (which another replica may have changed) and nothing can drift.

use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::{Labels, labels};
use crate::incident::Severity;

/// The work the store holds at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Incidents not resolved, by severity; a severity left out has none.
    pub open: Vec<(Severity, u64)>,
    /// Confirmation cards neither confirmed, cancelled nor expired.
    pub confirmations: u64,
    /// Accepted requests not yet run.
    pub inbox: u64,
    /// Chat messages not yet delivered.
    pub outbox: u64,
    /// Escalations and reminders not yet due or being fired.
    pub jobs: u64,
}

/// The queues [`Backlog`] counts, as the `queue` label says them.
const QUEUES: [&str; 3] = ["inbox", "outbox", "jobs"];

#[derive(Debug, Clone, Default)]
pub(super) struct Gauges {
    open: Family<Labels, Gauge>,
    confirmations: Gauge,
    queued: Family<Labels, Gauge>,
    connected: Family<Labels, Gauge>,
}

impl Gauges {
    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "warroom_open_incidents",
            "Incidents not resolved, by severity",
            self.open.clone(),
        );
        registry.register(
            "warroom_pending_confirmations",
            "Confirmation cards waiting for an answer",
            self.confirmations.clone(),
        );
        registry.register(
            "warroom_queued",
            "Work waiting: accepted requests (inbox), undelivered messages (outbox), scheduled jobs",
            self.queued.clone(),
        );
        registry.register(
            "warroom_transport_connected",
            "Whether a long-lived connection (Slack Socket Mode, Discord gateway) is up",
            self.connected.clone(),
        );
        self.set(&Backlog::default());
    }

    pub(super) fn set(&self, backlog: &Backlog) {
        for severity in Severity::ALL {
            let n = backlog
                .open
                .iter()
                .find(|(s, _)| *s == severity)
                .map_or(0, |(_, n)| *n);
            self.open
                .get_or_create(&labels(&[("severity", severity.as_str())]))
                .set(whole(n));
        }
        self.confirmations.set(whole(backlog.confirmations));
        for (queue, n) in QUEUES
            .into_iter()
            .zip([backlog.inbox, backlog.outbox, backlog.jobs])
        {
            self.queued
                .get_or_create(&labels(&[("queue", queue)]))
                .set(whole(n));
        }
    }

    pub(super) fn connections(&self, links: &[(&str, bool)]) {
        for (transport, up) in links {
            self.connected
                .get_or_create(&labels(&[("transport", transport)]))
                .set(i64::from(*up));
        }
    }
}

fn whole(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
