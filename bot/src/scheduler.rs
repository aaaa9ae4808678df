//! The scheduler: every second, claim the escalations and reminders that are due and fire
//! them through the chat transports.
//!
//! There is no timer per incident in memory. Due work is rows in the database, planned by the
//! handlers when an incident changes, so a restart picks up exactly where the last process
//! stopped, and several processes on one Postgres share the work without doing any item twice
//! (see `warroom_integrations::store::schedule`). What a job does, and whether it still should,
//! is decided in the core ([`warroom_commands::escalation`]); this loop only drives it. The
//! jobs of one claim fire together ([`escalation::AT_ONCE`] at a time), so incidents declared
//! at the same moment are paged at the same moment.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use warroom_commands::escalation::{self, Outbox};
use warroom_commands::ports::{JobOutcome, Mention, Notifier, NotifyError, Recipient};
use warroom_commands::{ChannelRef, Core, Reply};

/// How often due work is looked for when nothing says it may be due: pages planned ahead go
/// out within this of their time.
const TICK: Duration = Duration::from_secs(1);

/// Rung when a request has run: it may have planned work due now (a P1 pages at once), which
/// should not wait for the next tick.
static DUE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Tells the scheduler to look for due work now.
pub fn nudge() {
    DUE.notify_one();
}
/// Jobs claimed per tick by default: as many as fire at once, so none waits in the batch while
/// its lease runs. A full batch is followed by another claim at once, not after a tick.
const BATCH: u32 = escalation::AT_ONCE as u32;

/// How long one post may take before the scheduler gives up on it: well within the claim's
/// lease ([`escalation::LEASE`]), which is renewed just before the post, so no other process
/// can take a job over while its post is still on the way. A post held up longer (queued
/// behind the chat platform's rate limit, a platform that does not answer) fails, and the job
/// is tried again a minute later.
const POST_WITHIN: Duration = Duration::from_secs(20);

/// A notifier whose posts give up after [`POST_WITHIN`].
struct Bounded(Arc<dyn Notifier>);

#[async_trait]
impl Notifier for Bounded {
    async fn notify(
        &self,
        to: &Recipient,
        mentions: &[Mention],
        reply: &Reply,
    ) -> Result<String, NotifyError> {
        match tokio::time::timeout(POST_WITHIN, self.0.notify(to, mentions, reply)).await {
            Ok(result) => result,
            Err(_) => Err(NotifyError(format!(
                "no answer within {}s",
                POST_WITHIN.as_secs()
            ))),
        }
    }

    async fn changed(&self, channel: &ChannelRef, reply: &Reply) -> Result<(), NotifyError> {
        self.0.changed(channel, reply).await
    }
}

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
    pub fn named(core: Core, mut outbox: Outbox, worker: String) -> Scheduler {
        for (_, notifier) in &mut outbox.notifiers {
            *notifier = Arc::new(Bounded(notifier.clone()));
        }
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
        self.claim_and_fire().await.1
    }

    /// Claims one batch and fires it; how many jobs were claimed, and how many fired.
    async fn claim_and_fire(&self) -> (usize, usize) {
        let done =
            match escalation::run_due(&self.core, &self.outbox, &self.worker, self.batch).await {
                Ok(done) => done,
                Err(e) => {
                    tracing::error!(error = %e, "could not claim due escalations and reminders");
                    return (0, 0);
                }
            };
        let claimed = done.len();
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
                Ok(JobOutcome::LostClaim) => tracing::warn!(
                    kind,
                    incident,
                    "the claim ran out before the post; posted nothing and left the job to whoever claimed it"
                ),
                Err(e) => {
                    tracing::error!(kind, incident, error = %e, "job failed; it is retried when its claim runs out")
                }
            }
        }
        (claimed, fired)
    }

    /// Plans the weekly digest and the next on-call hand-off, then ticks until shutdown begins.
    pub async fn run(self: Arc<Self>) {
        if let Err(e) = escalation::plan::digest(&self.core).await {
            tracing::error!(error = %e, "could not plan the weekly digest");
        }
        if let Err(e) = escalation::handoff::plan(&self.core).await {
            tracing::error!(error = %e, "could not plan the next on-call hand-off");
        }
        tracing::info!(worker = %self.worker, "scheduler started");
        while !crate::work::closing() {
            let (claimed, _) = self.claim_and_fire().await;
            if claimed < self.batch as usize {
                let _ = tokio::time::timeout(TICK, DUE.notified()).await;
            }
        }
        tracing::info!("scheduler stopped");
    }
}
