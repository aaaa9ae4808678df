//! The schedule port: due work as rows, claimed by one worker at a time.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use super::StoreError;
use crate::escalation::{Job, JobKind, NewJob};
use crate::incident::IncidentId;

/// How a claimed job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    /// It did its work; for an escalation, `note` lists the contacts paged (space-separated),
    /// each one paged as a schedule's on-call followed by the schedule in parentheses:
    /// `slack:U0BOB (schedule:primary) slack:U0LEAD`. A parenthesised word is never a contact,
    /// so [`ScheduleStore::paged`] may split the note on whitespace.
    Fired { note: String },
    /// The incident no longer needed it (acknowledged, resolved, severity changed).
    StoodDown { why: String },
    /// It could not reach the chat platform. Not an end: the worker keeps its claim for a
    /// minute, and the job is then due again.
    Failed { why: String },
    /// Its claim ran out, or another worker took the job over, before it posted: it posted
    /// nothing and left the job to whoever holds it. Not an end either, so never recorded.
    LostClaim,
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

    /// Renews `worker`'s claim on job `id` until `now + lease`, if it still holds it at `now`:
    /// the job is claimed by `worker` and that claim has not run out. False when it does not
    /// (the lease ran out, and perhaps another worker took the job over): the worker must then
    /// post nothing. Called just before each notification a job sends, so only the holder of a
    /// claim posts, and each post has a whole lease to finish in.
    async fn hold(
        &self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
    ) -> Result<bool, StoreError>;

    /// [`hold`](Self::hold), and records the job as firing: an escalation about to page
    /// `paging` (contacts, space-separated, as in [`JobOutcome::Fired`]'s note), whose next
    /// level is planned next. From then on the job counts in [`paged`](Self::paged), and a
    /// claim that runs out hands it on with [`Job::firing`] set, so the worker that fires it
    /// again does not plan the next level a second time.
    async fn firing(
        &self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        paging: &str,
    ) -> Result<bool, StoreError>;

    /// Records how a job `worker` claimed ended. A job whose claim another worker took over
    /// (the lease ran out) is left to that worker. [`JobOutcome::LostClaim`] records nothing.
    async fn finish(
        &self,
        id: i64,
        worker: &str,
        at: DateTime<Utc>,
        outcome: &JobOutcome,
    ) -> Result<(), StoreError>;

    /// Pending jobs, soonest first: the incident's, or with `None` the ones about no incident.
    async fn pending(&self, incident: Option<IncidentId>) -> Result<Vec<Job>, StoreError>;

    /// Everyone escalation has paged for the incident so far, or is paging now (a level
    /// recorded as firing and not yet ended, which, if its worker stops, is fired again once
    /// the claim runs out), as contact strings.
    async fn paged(&self, incident: IncidentId) -> Result<Vec<String>, StoreError>;
}
