//! The schedule in memory, with the real stores' rules: one pending job per incident and kind,
//! claims that exclude each other, run out, and are checked before each post.

use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use crate::escalation::{Job, JobKind, NewJob};
use crate::incident::IncidentId;
use crate::ports::{JobOutcome, ScheduleStore, StoreError};

#[derive(Debug, Clone)]
struct Row {
    job: Job,
    state: &'static str,
    worker: Option<String>,
    lease_until: Option<DateTime<Utc>>,
    note: String,
}

#[derive(Default)]
pub struct InMemorySchedule(Mutex<(i64, Vec<Row>)>);

impl InMemorySchedule {
    /// Every job ever stored, with its state: for assertions.
    pub fn states(&self) -> Vec<(Job, &'static str)> {
        let rows = &self.0.lock().unwrap().1;
        rows.iter().map(|r| (r.job.clone(), r.state)).collect()
    }
}

impl InMemorySchedule {
    /// The fencing check of [`ScheduleStore::hold`], and with `paging` the firing mark.
    fn renew(
        &self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        paging: Option<&str>,
    ) -> bool {
        let mut guard = self.0.lock().unwrap();
        let Some(row) = guard.1.iter_mut().find(|r| {
            r.job.id == id
                && r.state == "claimed"
                && r.worker.as_deref() == Some(worker)
                && r.lease_until.is_some_and(|t| t > now)
        }) else {
            return false;
        };
        row.lease_until = Some(now + lease);
        if let Some(paging) = paging {
            row.job.firing = true;
            row.note = paging.to_string();
        }
        true
    }
}

#[async_trait]
impl ScheduleStore for InMemorySchedule {
    async fn schedule(&self, job: &NewJob) -> Result<(), StoreError> {
        let mut guard = self.0.lock().unwrap();
        let (next_id, rows) = &mut *guard;
        for row in rows.iter_mut() {
            if row.state == "pending"
                && row.job.kind == job.kind
                && row.job.incident == job.incident
            {
                row.state = "cancelled";
            }
        }
        *next_id += 1;
        rows.push(Row {
            job: Job {
                id: *next_id,
                kind: job.kind,
                incident: job.incident,
                severity: job.severity,
                level: job.level,
                due: job.due,
                firing: false,
            },
            state: "pending",
            worker: None,
            lease_until: None,
            note: String::new(),
        });
        Ok(())
    }

    async fn cancel(&self, incident: IncidentId, kinds: &[JobKind]) -> Result<(), StoreError> {
        for row in self.0.lock().unwrap().1.iter_mut() {
            if row.state == "pending"
                && row.job.incident == Some(incident)
                && kinds.contains(&row.job.kind)
            {
                row.state = "cancelled";
            }
        }
        Ok(())
    }

    async fn postpone(
        &self,
        incident: IncidentId,
        kinds: &[JobKind],
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for row in self.0.lock().unwrap().1.iter_mut() {
            if row.state == "pending"
                && row.job.incident == Some(incident)
                && kinds.contains(&row.job.kind)
                && row.job.due < until
            {
                row.job.due = until;
            }
        }
        Ok(())
    }

    async fn claim(
        &self,
        now: DateTime<Utc>,
        worker: &str,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        let mut guard = self.0.lock().unwrap();
        let mut claimed = Vec::new();
        let rows = &mut guard.1;
        rows.sort_by_key(|r| (r.job.due, r.job.id));
        for row in rows.iter_mut() {
            let lapsed = row.state == "claimed" && row.lease_until.is_some_and(|t| t <= now);
            if (row.state == "pending" && row.job.due <= now || lapsed)
                && claimed.len() < limit as usize
            {
                row.state = "claimed";
                row.worker = Some(worker.to_string());
                row.lease_until = Some(now + lease);
                claimed.push(row.job.clone());
            }
        }
        Ok(claimed)
    }

    async fn hold(
        &self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
    ) -> Result<bool, StoreError> {
        Ok(self.renew(id, worker, now, lease, None))
    }

    async fn firing(
        &self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        paging: &str,
    ) -> Result<bool, StoreError> {
        Ok(self.renew(id, worker, now, lease, Some(paging)))
    }

    async fn finish(
        &self,
        id: i64,
        worker: &str,
        _at: DateTime<Utc>,
        outcome: &JobOutcome,
    ) -> Result<(), StoreError> {
        for row in self.0.lock().unwrap().1.iter_mut() {
            if row.job.id == id && row.state == "claimed" && row.worker.as_deref() == Some(worker) {
                (row.state, row.note) = match outcome {
                    JobOutcome::Fired { note } => ("fired", note.clone()),
                    JobOutcome::StoodDown { why } => ("stood-down", why.clone()),
                    JobOutcome::Failed { why } => ("failed", why.clone()),
                    JobOutcome::LostClaim => return Ok(()),
                };
            }
        }
        Ok(())
    }

    async fn pending(&self, incident: Option<IncidentId>) -> Result<Vec<Job>, StoreError> {
        let mut jobs: Vec<Job> = (self.0.lock().unwrap().1.iter())
            .filter(|r| r.state == "pending" && r.job.incident == incident)
            .map(|r| r.job.clone())
            .collect();
        jobs.sort_by_key(|j| (j.due, j.id));
        Ok(jobs)
    }

    async fn paged(&self, incident: IncidentId) -> Result<Vec<String>, StoreError> {
        Ok((self.0.lock().unwrap().1.iter())
            .filter(|r| {
                (r.state == "fired" || r.state == "claimed" && r.job.firing)
                    && r.job.kind == JobKind::Escalate
                    && r.job.incident == Some(incident)
            })
            .flat_map(|r| {
                r.note
                    .split_whitespace()
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .collect())
    }
}
