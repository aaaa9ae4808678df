//! The [`ScheduleStore`] port on SQLite and Postgres.
//!
//! A claim is one `UPDATE … WHERE id IN (SELECT … )`: on Postgres the inner select takes its
//! rows `FOR UPDATE SKIP LOCKED`, so two warroom processes claiming at the same moment split
//! the due jobs between them and never share one; SQLite runs one writer at a time, which
//! gives the same guarantee to the single process it serves.
//!
//! A claim is a lease, and fencing is one conditional `UPDATE`: `HOLD` renews it only while
//! the worker named in it still holds it, so a worker whose lease ran out while its job waited
//! (and which another worker may have claimed since) finds out before it posts, not after.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use warroom_commands::escalation::{Job, JobKind, NewJob};
use warroom_commands::incident::{IncidentId, Severity};
use warroom_commands::ports::{JobOutcome, ScheduleStore, StoreError};

use super::claim::ClaimSql;
use super::errors::{is_unique_violation, store_error};
use super::{Store, on_pool};

const WITHDRAW: &str = "UPDATE scheduled_jobs SET state = 'cancelled' \
    WHERE state = 'pending' AND kind = $1 AND COALESCE(incident_id, 0) = $2";

const INSERT: &str = "INSERT INTO scheduled_jobs (kind, incident_id, severity, level, due_at) \
    VALUES ($1, $2, $3, $4, $5)";

const POSTPONE: &str = "UPDATE scheduled_jobs SET due_at = $3 \
    WHERE state = 'pending' AND kind = $1 AND incident_id = $2 AND due_at < $3";

/// The claim. Postgres locks the rows it picks and skips rows another claim holds; SQLite has
/// no row locks and needs none.
const CLAIM_SQLITE: &str = "UPDATE scheduled_jobs SET state = 'claimed', worker = $1, lease_until = $2 \
    WHERE id IN (SELECT id FROM scheduled_jobs \
        WHERE (state = 'pending' AND due_at <= $3) OR (state = 'claimed' AND lease_until <= $3) \
        ORDER BY due_at, id LIMIT $4) \
    RETURNING id, kind, incident_id, severity, level, due_at, firing_at";

const CLAIM_POSTGRES: &str = "UPDATE scheduled_jobs SET state = 'claimed', worker = $1, lease_until = $2 \
    WHERE id IN (SELECT id FROM scheduled_jobs \
        WHERE (state = 'pending' AND due_at <= $3) OR (state = 'claimed' AND lease_until <= $3) \
        ORDER BY due_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
    RETURNING id, kind, incident_id, severity, level, due_at, firing_at";

const PENDING: &str = "SELECT id, kind, incident_id, severity, level, due_at, firing_at \
    FROM scheduled_jobs \
    WHERE state = 'pending' AND COALESCE(incident_id, 0) = $1 ORDER BY due_at, id";

/// The fencing check: the claim is renewed only while `worker` still holds it.
const HOLD: &str = "UPDATE scheduled_jobs SET lease_until = $1 \
    WHERE id = $2 AND worker = $3 AND state = 'claimed' AND lease_until > $4";

/// The fencing check, recording the job as firing and whom it pages.
const FIRING: &str = "UPDATE scheduled_jobs SET lease_until = $1, firing_at = $4, note = $5 \
    WHERE id = $2 AND worker = $3 AND state = 'claimed' AND lease_until > $4";

/// Whom escalation paged, or is paging now (a firing level whose claim has not ended).
const PAGED: &str = "SELECT note FROM scheduled_jobs \
    WHERE kind = 'escalate' AND incident_id = $1 \
    AND (state = 'fired' OR (state = 'claimed' AND firing_at IS NOT NULL))";

const FINISH: &str = "UPDATE scheduled_jobs SET state = $1, note = $2, finished_at = $3 \
    WHERE id = $4 AND worker = $5 AND state = 'claimed'";

type JobRow = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    i64,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

fn job((id, kind, incident, severity, level, due, firing): JobRow) -> Result<Job, StoreError> {
    let bad = |what: &str| StoreError::Internal(format!("scheduled job {id} has {what}"));
    Ok(Job {
        id,
        kind: JobKind::parse(&kind).ok_or_else(|| bad("an unknown kind"))?,
        incident: incident.map(IncidentId),
        severity: match severity {
            Some(s) => Some(Severity::parse(&s).ok_or_else(|| bad("an unknown severity"))?),
            None => None,
        },
        level: u32::try_from(level).map_err(|_| bad("a negative level"))?,
        due,
        firing: firing.is_some(),
    })
}

fn jobs(rows: Vec<JobRow>) -> Result<Vec<Job>, StoreError> {
    rows.into_iter().map(job).collect()
}

impl Store {
    /// Runs `sql` (kind as $1, incident as $2, then `until` as $3 when given) once per kind.
    async fn per_kind(
        &self,
        sql: &'static str,
        incident: IncidentId,
        kinds: &[JobKind],
        until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        for kind in kinds {
            on_pool!(self, pool => {
                let mut query = sqlx::query(sql).bind(kind.as_str()).bind(incident.0);
                if let Some(until) = until {
                    query = query.bind(until);
                }
                query.execute(pool).await.map(|_| ())
            })
            .map_err(store_error)?;
        }
        Ok(())
    }
}

#[async_trait]
impl ScheduleStore for Store {
    async fn schedule(&self, new: &NewJob) -> Result<(), StoreError> {
        let incident = new.incident.map(|i| i.0);
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query(WITHDRAW)
                .bind(new.kind.as_str())
                .bind(incident.unwrap_or(0))
                .execute(&mut *tx)
                .await?;
            sqlx::query(INSERT)
                .bind(new.kind.as_str())
                .bind(incident)
                .bind(new.severity.map(Severity::as_str))
                .bind(i64::from(new.level))
                .bind(new.due)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        }.await);
        match result {
            // Another process planned the same job at the same moment; one row is kept.
            Err(e) if is_unique_violation(&e) => Ok(()),
            other => other.map_err(store_error),
        }
    }

    async fn cancel(&self, incident: IncidentId, kinds: &[JobKind]) -> Result<(), StoreError> {
        self.per_kind(WITHDRAW, incident, kinds, None).await
    }

    async fn postpone(
        &self,
        incident: IncidentId,
        kinds: &[JobKind],
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.per_kind(POSTPONE, incident, kinds, Some(until)).await
    }

    async fn claim(
        &self,
        now: DateTime<Utc>,
        worker: &str,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        let claim = ClaimSql {
            sqlite: CLAIM_SQLITE,
            postgres: CLAIM_POSTGRES,
        };
        let mut rows: Vec<JobRow> = self
            .claim_rows(&claim, worker, now, lease, limit)
            .await
            .map_err(store_error)?;
        rows.sort_by_key(|r| (r.5, r.0));
        jobs(rows)
    }

    async fn hold(
        &self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
    ) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => sqlx::query(HOLD)
            .bind(now + lease)
            .bind(id)
            .bind(worker)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        Ok(done == 1)
    }

    async fn firing(
        &self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        paging: &str,
    ) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => sqlx::query(FIRING)
            .bind(now + lease)
            .bind(id)
            .bind(worker)
            .bind(now)
            .bind(paging)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        Ok(done == 1)
    }

    async fn finish(
        &self,
        id: i64,
        worker: &str,
        at: DateTime<Utc>,
        outcome: &JobOutcome,
    ) -> Result<(), StoreError> {
        let (state, note) = match outcome {
            JobOutcome::Fired { note } => ("fired", note),
            JobOutcome::StoodDown { why } => ("stood-down", why),
            JobOutcome::Failed { why } => ("failed", why),
            JobOutcome::LostClaim => return Ok(()),
        };
        on_pool!(self, pool => sqlx::query(FINISH)
            .bind(state)
            .bind(note)
            .bind(at)
            .bind(id)
            .bind(worker)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(store_error)
    }

    async fn pending(&self, incident: Option<IncidentId>) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = on_pool!(self, pool => sqlx::query_as(PENDING)
            .bind(incident.map_or(0, |i| i.0))
            .fetch_all(pool)
            .await)
        .map_err(store_error)?;
        jobs(rows)
    }

    async fn paged(&self, incident: IncidentId) -> Result<Vec<String>, StoreError> {
        let notes: Vec<(String,)> = on_pool!(self, pool => sqlx::query_as(PAGED)
            .bind(incident.0)
            .fetch_all(pool)
            .await)
        .map_err(store_error)?;
        Ok(notes
            .iter()
            .flat_map(|(note,)| note.split_whitespace().map(String::from))
            .collect())
    }
}
