//! Holding a claimed row while its work runs.
//!
//! The inbox's requests and the outbox's letters are claimed under a lease so that a dead
//! process's rows are taken over when it runs out. A live process must therefore renew the
//! lease while the work runs, however long a rollout or Slack's `Retry-After` takes; only a
//! process that stopped lets it lapse.

use std::future::Future;
use std::time::Duration;

use chrono::TimeDelta;
use warroom_commands::ports::StoreError;

/// Runs `work`, calling `renew` every third of `lease` until it ends. `renew` answers whether
/// the claim is still held; a lost claim or a failed renewal is logged (the work goes on: it
/// cannot be taken back half-way).
pub async fn renewing<T, R, Fut>(
    work: impl Future<Output = T>,
    lease: TimeDelta,
    what: &'static str,
    id: i64,
    renew: R,
) -> T
where
    R: Fn() -> Fut,
    Fut: Future<Output = Result<bool, StoreError>>,
{
    tokio::pin!(work);
    let every = (lease / 3).to_std().unwrap_or(Duration::from_secs(1));
    let mut ticks = tokio::time::interval(every);
    ticks.tick().await;
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = ticks.tick() => match renew().await {
                Ok(true) => {}
                Ok(false) => tracing::error!(what, id, "lost the claim on a row still in progress"),
                Err(e) => tracing::warn!(what, id, error = %e, "could not renew a claim"),
            },
        }
    }
}

/// Names this process in claims: its host and process id.
pub fn process_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "warroom".into());
    format!("{host}-{}", std::process::id())
}

/// Logs what a start released of the rows a stopped process held (SQLite, one process).
pub fn log_released(released: Result<u64, StoreError>, what: &'static str) {
    match released {
        Ok(0) => {}
        Ok(n) => tracing::warn!(rows = n, "{what} when warroom last stopped; resuming them"),
        Err(e) => {
            tracing::error!(error = %e, "{what} when warroom last stopped and could not be resumed")
        }
    }
}
