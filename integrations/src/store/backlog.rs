//! The backlog behind the gauges on `/metrics`, counted in the shared database so every
//! replica reports the same figures.

use chrono::{DateTime, Utc};
use warroom_commands::incident::Severity;
use warroom_commands::metrics::Backlog;
use warroom_commands::ports::StoreError;

use super::errors::store_error;
use super::{Store, on_pool};

const OPEN: &str =
    "SELECT severity, COUNT(*) FROM incidents WHERE status <> 'resolved' GROUP BY severity";

/// Cards not yet answered; one past its expiry counts no longer, even before it is swept.
const CONFIRMATIONS: &str =
    "SELECT COUNT(*) FROM pending_actions WHERE state = 'pending' AND expires_at > $1";

const JOBS: &str = "SELECT COUNT(*) FROM scheduled_jobs WHERE state IN ('pending', 'claimed')";

impl Store {
    /// Counts open incidents, unanswered confirmations and queued work as of `now`.
    pub async fn backlog(&self, now: DateTime<Utc>) -> Result<Backlog, StoreError> {
        let open: Vec<(String, i64)> =
            on_pool!(self, pool => sqlx::query_as(OPEN).fetch_all(pool).await)
                .map_err(store_error)?;
        let (confirmations,): (i64,) = on_pool!(self, pool => sqlx::query_as(CONFIRMATIONS)
            .bind(now)
            .fetch_one(pool)
            .await)
        .map_err(store_error)?;
        Ok(Backlog {
            open: open
                .into_iter()
                .filter_map(|(severity, n)| Some((Severity::parse(&severity)?, whole(n))))
                .collect(),
            confirmations: whole(confirmations),
            inbox: self.inbox_waiting().await?,
            outbox: self.outbox_waiting().await?,
            jobs: self.count(JOBS).await?,
        })
    }
}

fn whole(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
