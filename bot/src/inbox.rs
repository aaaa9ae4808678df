//! The inbox: every signed request is a database row before the platform hears "OK", and a
//! fixed pool of workers runs the rows.
//!
//! Why a table and not a task per request: a task lives in one process's memory, so a crash
//! loses every command it accepted, a replay sent to another replica runs there again, and a
//! flood turns into an unbounded number of tasks, sockets and megabytes. With the inbox:
//! - **accepted is never lost**: the row is written before the 200; a process that dies leaves
//!   rows that a worker of any replica claims when their lease runs out (at once on SQLite,
//!   which one process serves);
//! - **a request runs once**: its key (a Slack signature, a Slack event_id, a Discord
//!   interaction id) is unique in the table, so a replay or a platform retry is refused or
//!   acknowledged on every replica without running again;
//! - **a change is made once**: the incident write of a request marks its row applied in the
//!   same transaction, so a request found half-run after a crash whose change committed is
//!   answered, not run again;
//! - **a platform change is made at most once**: a rollout or an action that was running when
//!   its process died is reported as interrupted and never started again ([`resume`]);
//! - **a flood is bounded**: [`WORKERS`] run at a time; the backlog waits in the database, and
//!   whoever is queued behind many others is told so at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use warroom_commands::ports::StoreError;
use warroom_commands::{Reply, Tone, grammar, timefmt};
use warroom_integrations::Store;
pub use warroom_integrations::store::inbox::InboxItem;
use warroom_integrations::store::inbox::{APPLYING, Accepted};

use crate::outbox::Outbox;

/// Requests run at once by one process. Enough to keep the database and the platforms busy on
/// a small machine; beyond it, requests wait as rows.
pub const WORKERS: usize = 16;
/// How long a claim holds without being renewed; a running request renews it every third of
/// this, so only a dead process lets it run out.
const LEASE: TimeDelta = TimeDelta::seconds(30);
/// How often an idle worker looks for rows a dead replica left, when nothing woke it.
const POLL: Duration = Duration::from_secs(1);
/// How long finished rows are kept: far past Slack's five-minute replay window and its retries.
const KEEP: TimeDelta = TimeDelta::hours(24);
/// From how many requests ahead the person is told their command is queued.
const TELL_QUEUED_FROM: usize = WORKERS;

/// Runs one kind of request (a transport registers itself for its sources).
#[async_trait::async_trait]
pub trait Work: Send + Sync {
    /// Runs the request; how it ended, for the record.
    async fn run(&self, item: &InboxItem) -> Outcome;
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It ran and was answered.
    Ran,
    /// Its change had committed before a restart; it was answered, not run again.
    Recovered,
    /// It changes a platform and was running when its process stopped; it was reported and
    /// not run again.
    Interrupted,
    /// The payload could not be read back (it was checked when accepted, so this is a bug).
    Unreadable,
    /// It could not run now (its database or a platform failed) and is safe to run again from
    /// the start: it is left claimed, not finished, so it runs again when its claim runs out
    /// ([`LEASE`]), in this process or another, as the request of a worker that stopped does.
    Later,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ran => "ran",
            Outcome::Recovered => "recovered",
            Outcome::Interrupted => "interrupted",
            Outcome::Unreadable => "unreadable",
            Outcome::Later => "later",
        }
    }
}

/// What to do with a claimed request, decided from its record and its command text.
#[derive(Debug)]
pub enum Resume {
    /// Run it: it is new, or running it again cannot repeat anything.
    Run,
    /// Do not run it; tell the person this instead.
    Say(Outcome, Reply),
}

/// Whether a claimed request runs, given what an earlier worker may have done with it.
pub fn resume(item: &InboxItem, text: &str) -> Resume {
    if item.attempts <= 1 {
        return Resume::Run;
    }
    let shown = format!("/{}", text.trim().trim_start_matches('/'));
    if let Some(at) = item.applied_at {
        return Resume::Say(
            Outcome::Recovered,
            Reply::ephemeral().tone(Tone::Ok).text(format!(
                "✅ `{shown}` was recorded at {} before warroom restarted; it is on the timeline once and was not run again.",
                timefmt::at_seconds(at)
            )),
        );
    }
    let Ok(command) = grammar::parse(text) else {
        return Resume::Run;
    };
    if !command.changes_a_platform() {
        return Resume::Run;
    }
    Resume::Say(
        Outcome::Interrupted,
        Reply::error(format!(
            "`{shown}` was interrupted by a warroom restart at {} and was not run again, because it may have changed the service part-way. Check the service (`/version SERVICE`, `/health SERVICE`) before retrying.",
            timefmt::at_seconds(item.started_at)
        )),
    )
}

/// The inbox of one process: accepting requests, and the workers that run them.
pub struct Inbox {
    store: Store,
    /// Names this process in claims.
    process: String,
    /// Who runs each source.
    work: RwLock<HashMap<&'static str, Weak<dyn Work>>>,
    /// Wakes a waiting worker when a request arrives here.
    wake: tokio::sync::Notify,
    /// Requests accepted or claimed here and not finished: how far behind a new one is.
    backlog: AtomicUsize,
    /// Where a request's answer is written when it is done.
    outbox: Arc<Outbox>,
}

/// A request as the inbox took it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Recorded; `ahead` requests were waiting before it in this process.
    New { ahead: usize },
    /// Seen before: a replay or a platform retry. Nothing runs.
    Duplicate,
}

impl Taken {
    /// What to tell the person at once when many requests are ahead of theirs.
    pub fn queued_note(self) -> Option<String> {
        match self {
            Taken::New { ahead } if ahead >= TELL_QUEUED_FROM => Some(format!(
                "⏳ warroom is busy: your command is queued behind {ahead} others and will be answered here when it runs."
            )),
            _ => None,
        }
    }
}

impl Inbox {
    pub fn new(store: Store, outbox: Arc<Outbox>) -> Arc<Inbox> {
        Arc::new(Inbox {
            store,
            process: crate::lease::process_name(),
            work: RwLock::default(),
            wake: tokio::sync::Notify::new(),
            backlog: AtomicUsize::new(0),
            outbox,
        })
    }

    /// Whether the database takes one writer at a time (SQLite, which warroom gives one
    /// connection): requests run side by side there only queue for it.
    pub fn one_writer(&self) -> bool {
        matches!(self.store, Store::Sqlite(_))
    }

    /// Makes `work` run the requests recorded with `source`.
    pub fn register(&self, source: &'static str, work: Weak<dyn Work>) {
        self.work
            .write()
            .expect("the inbox's table of work is never poisoned")
            .insert(source, work);
    }

    /// Records a request before it is acknowledged; one with a `lane` runs after the earlier
    /// requests of its lane (an incident channel's `/incident` commands, in the order typed).
    pub async fn accept(
        &self,
        key: &str,
        source: &'static str,
        lane: Option<&str>,
        payload: &str,
    ) -> Result<Taken, StoreError> {
        match self
            .store
            .inbox_accept(key, source, lane, payload, Utc::now())
            .await?
        {
            Accepted::New { .. } => {
                let ahead = self.backlog.fetch_add(1, Ordering::Relaxed);
                self.wake.notify_one();
                Ok(Taken::New { ahead })
            }
            Accepted::Duplicate => Ok(Taken::Duplicate),
        }
    }

    /// Starts the workers (tracked, so a shutdown waits for what they run) and the sweeper.
    /// On SQLite, which one process serves, requests left running by a process that died are
    /// made claimable first.
    pub fn start(self: &Arc<Self>) {
        let inbox = self.clone();
        tokio::spawn(async move {
            if let Store::Sqlite(_) = inbox.store {
                let released = inbox.store.inbox_release_all(Utc::now()).await;
                crate::lease::log_released(released, "requests were running");
            }
            for n in 0..WORKERS {
                crate::work::spawn(inbox.clone().worker(format!("{}-{n}", inbox.process)));
            }
            inbox.sweep().await;
        });
    }

    /// Claims and runs one request at a time until shutdown begins.
    async fn worker(self: Arc<Self>, name: String) {
        while !crate::work::closing() {
            let claimed = self.store.inbox_claim(&name, Utc::now(), LEASE, 1).await;
            match claimed {
                Ok(items) if !items.is_empty() => {
                    for item in items {
                        self.run(&name, item).await;
                    }
                }
                Ok(_) => {
                    let _ = tokio::time::timeout(POLL, self.wake.notified()).await;
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not claim requests from the inbox");
                    let _ = tokio::time::timeout(POLL, self.wake.notified()).await;
                }
            }
        }
    }

    /// Runs one claimed request, renewing its claim while it runs, and records its end together
    /// with the letters that answer it.
    async fn run(&self, worker: &str, item: InboxItem) {
        let work = self
            .work
            .read()
            .expect("the inbox's table of work is never poisoned")
            .get(item.source.as_str())
            .and_then(Weak::upgrade);
        let Some(work) = work else {
            tracing::error!(source = %item.source, id = item.id, "no transport runs this request; it waits for a process that has one");
            return;
        };
        let running = crate::outbox::collecting(APPLYING.scope(item.id, work.run(&item)));
        let (outcome, letters) = crate::lease::renewing(running, LEASE, "request", item.id, || {
            self.store.inbox_renew(item.id, worker, Utc::now() + LEASE)
        })
        .await;
        if outcome == Outcome::Later {
            tracing::warn!(id = item.id, source = %item.source, "a request will run again when its claim runs out");
            return;
        }
        match self
            .store
            .inbox_finish(item.id, worker, Utc::now(), outcome.as_str(), &letters)
            .await
        {
            Ok(true) => self.outbox.wake(),
            Ok(false) => tracing::error!(
                id = item.id,
                "another worker took this request over; its answer is theirs to send"
            ),
            Err(e) => {
                tracing::error!(id = item.id, error = %e, "could not record a request as done")
            }
        }
        let _ = self
            .backlog
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        crate::scheduler::nudge();
    }

    /// Forgets finished requests once their keys are past every replay window.
    async fn sweep(self: Arc<Self>) {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        while !crate::work::closing() {
            every.tick().await;
            if let Err(e) = self.store.inbox_forget(Utc::now() - KEEP).await {
                tracing::warn!(error = %e, "could not forget old requests");
            }
        }
    }
}

#[cfg(test)]
mod tests;
