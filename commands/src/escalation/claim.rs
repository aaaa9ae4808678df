//! A worker's claim on a due job, and the check that it still holds before anything is posted.
//!
//! A claim is a lease in the database, not a lock: it runs out on its own when its worker
//! stops, so a dead replica holds nothing for long. That also means a live worker can lose it
//! (a job waiting behind slow posts, a pause longer than the lease) while another worker claims
//! the job. So every post is fenced: [`Claim::hold`] renews the lease only if this worker still
//! holds it, just before the post, and a worker that lost it stands down without posting.

use chrono::TimeDelta;

use super::Job;
use crate::{CommandError, Core};

/// How long a claim holds from its last renewal. It is renewed just before each post, so it
/// bounds how long one post may take, not how long a job takes; and it is the delay after which
/// the job of a worker that stopped mid-way is fired again by another (the at-least-once
/// window of [`super::fire`]). Short, so a dead replica's page is late by at most this much.
pub const LEASE: TimeDelta = TimeDelta::seconds(30);

/// How long a job whose post failed keeps its claim before it is due again.
pub const RETRY: TimeDelta = TimeDelta::minutes(1);

/// `worker`'s claim on `job`.
#[derive(Clone, Copy)]
pub struct Claim<'a> {
    pub core: &'a Core,
    pub job: &'a Job,
    pub worker: &'a str,
}

impl Claim<'_> {
    /// True while this worker holds the claim, which is then renewed for a whole [`LEASE`].
    pub async fn hold(&self) -> Result<bool, CommandError> {
        let now = self.core.clock.now();
        Ok(self
            .core
            .schedule
            .hold(self.job.id, self.worker, now, LEASE)
            .await?)
    }

    /// [`Claim::hold`], recording the job as firing and whom it is about to page.
    pub async fn firing(&self, paging: &str) -> Result<bool, CommandError> {
        let now = self.core.clock.now();
        Ok(self
            .core
            .schedule
            .firing(self.job.id, self.worker, now, LEASE, paging)
            .await?)
    }

    /// Keeps the claim for [`RETRY`], after which the job is due again for any worker.
    pub async fn retry_later(&self) -> Result<(), CommandError> {
        let now = self.core.clock.now();
        self.core
            .schedule
            .hold(self.job.id, self.worker, now, RETRY)
            .await?;
        Ok(())
    }
}
