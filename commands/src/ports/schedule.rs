//! The schedule port: due work as rows, claimed by one worker at a time.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use super::StoreError;
use crate::escalation::{Job, JobKind, NewJob};
use crate::incident::IncidentId;

/// How a claimed job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    /// It did its work; for an escalation, `note` lists the contacts paged (space-separated).
    Fired { note: String },
    /// The incident no longer needed it (acknowledged, resolved, severity changed).
    StoodDown { why: String },
    /// It could not reach the chat platform; a retry is scheduled.
    Failed { why: String },
}

#[async_trait]
pub trait ScheduleStore: Send + Sync {
    /// Stores `job`, withdrawing any pending job of the same incident and kind, so an incident
    /// has at most one pending job of each kind.
    async fn schedule(&self, job: &NewJob) -> Result<(), StoreError>;

    /// Withdraws the incident's pending jobs of these kinds.
    async fn cancel(&self, incident: IncidentId, kinds: &[JobKind]) -> Result<(), StoreError>;

    /// Moves the incident's pending jobs of these kinds to `until` when they were due earlier.
    async fn postpone(
        &self,
        incident: IncidentId,
        kinds: &[JobKind],
        until: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Claims up to `limit` jobs due at `now` for `worker` until `now + lease`. A job whose
    /// claim ran out (its worker stopped mid-way) is due again. No two workers, in this process
    /// or another on the same database, are handed the same job.
    async fn claim(
        &self,
        now: DateTime<Utc>,
        worker: &str,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError>;

    /// Records how a job `worker` claimed ended. A job whose claim another worker took over
    /// (the lease ran out) is left to that worker.
    async fn finish(
        &self,
        id: i64,
        worker: &str,
        at: DateTime<Utc>,
        outcome: &JobOutcome,
    ) -> Result<(), StoreError>;

    /// Pending jobs, soonest first: the incident's, or with `None` the ones about no incident.
    async fn pending(&self, incident: Option<IncidentId>) -> Result<Vec<Job>, StoreError>;

    /// Everyone escalation has paged for the incident so far, as contact strings.
    async fn paged(&self, incident: IncidentId) -> Result<Vec<String>, StoreError>;
}
