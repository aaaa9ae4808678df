//! The scheduler: every second, claim the escalations and reminders that are due and fire
//! them through the chat transports.
//!
//! There is no timer per incident in memory. Due work is rows in the database, planned by the
//! handlers when an incident changes, so a restart picks up exactly where the last process
//! stopped, and several processes on one Postgres share the work without doing any item twice
//! (see `warroom_integrations::store::schedule`). What a job does, and whether it still should,
//! is decided in the core ([`warroom_commands::escalation`]); this loop only drives it.

use std::sync::Arc;
use std::time::Duration;

use warroom_commands::Core;
use warroom_commands::escalation::{self, Outbox};
use warroom_commands::ports::JobOutcome;

/// How often due work is looked for: pages go out within this of their time.
const TICK: Duration = Duration::from_secs(1);
/// Jobs claimed per tick by default; more wait for the next one.
const BATCH: u32 = 20;

pub struct Scheduler {
    core: Core,
    outbox: Outbox,
    /// Names this process in claims: host and process id.
    worker: String,
    /// Jobs claimed per tick.
    batch: u32,
}

impl Scheduler {
    pub fn new(core: Core, outbox: Outbox) -> Scheduler {
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "warroom".into());
        Scheduler::named(core, outbox, format!("{host}-{}", std::process::id()))
    }

    /// A scheduler with its own worker name (tests run several in one process).
    pub fn named(core: Core, outbox: Outbox, worker: String) -> Scheduler {
        Scheduler {
            core,
            outbox,
            worker,
            batch: BATCH,
        }
    }

    /// Claims at most `batch` jobs per tick (tests make processes share the work this way).
    pub fn batch(mut self, batch: u32) -> Scheduler {
        self.batch = batch;
        self
    }

    /// Fires what is due now; how many jobs fired (paged or reminded).
    pub async fn tick(&self) -> usize {
        let done =
            match escalation::run_due(&self.core, &self.outbox, &self.worker, self.batch).await {
                Ok(done) => done,
                Err(e) => {
                    tracing::error!(error = %e, "could not claim due escalations and reminders");
                    return 0;
                }
            };
        let mut fired = 0;
        for (job, result) in done {
            let kind = job.kind.as_str();
            let incident = job.incident.map(|i| i.to_string()).unwrap_or_default();
            match result {
                Ok(JobOutcome::Fired { note }) => {
                    fired += 1;
                    tracing::info!(kind, incident, level = job.level + 1, paged = %note, "fired");
                }
                Ok(JobOutcome::StoodDown { why }) => {
                    tracing::info!(kind, incident, why, "stood down")
                }
                Ok(JobOutcome::Failed { why }) => {
                    tracing::warn!(kind, incident, why, "could not post; retrying in a minute")
                }
                Err(e) => {
                    tracing::error!(kind, incident, error = %e, "job failed; it is retried when its claim runs out")
                }
            }
        }
        fired
    }

    /// Plans the weekly digest, then ticks until shutdown begins.
    pub async fn run(self: Arc<Self>) {
        if let Err(e) = escalation::plan::digest(&self.core).await {
            tracing::error!(error = %e, "could not plan the weekly digest");
        }
        tracing::info!(worker = %self.worker, "scheduler started");
        while !crate::work::closing() {
            self.tick().await;
            tokio::time::sleep(TICK).await;
        }
        tracing::info!("scheduler stopped");
    }
}
