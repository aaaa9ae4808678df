//! The inbox on SQLite and Postgres: every accepted request as a row, written before the
//! platform is answered, run by whichever worker claims it.
//!
//! Three things make delivery hold across crashes and replicas, and all three live in the
//! schema rather than in memory:
//! - the request's key is unique, so a replay or a platform retry finds it taken, on any
//!   replica, and runs nothing;
//! - a claim is one `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)` under a lease, so
//!   two workers never run one row, and a row whose worker died is claimed again when the
//!   lease runs out;
//! - `applied_at` is written inside the transaction of the incident change the request made
//!   ([`APPLYING`]), so after a crash warroom knows whether that change committed and never
//!   makes it twice.

use chrono::{DateTime, TimeDelta, Utc};
use warroom_commands::ports::StoreError;

use super::claim::ClaimSql;
use super::errors::{is_unique_violation, store_error};
use super::outbox::{Letter, insert_letters};
use super::{Store, on_pool};

tokio::task_local! {
    /// The inbox row whose request is running on this task. Every incident write made while it
    /// is set marks the row applied in the same transaction (see `incidents.rs`), which is how
    /// "recorded" and "run" cannot disagree after a crash.
    pub static APPLYING: i64;
}

/// Whether a request was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// Recorded as row `id`; it will run.
    New { id: i64 },
    /// Its key was taken: a replay, or the platform sending it again. Nothing more runs.
    Duplicate,
}

/// A claimed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxItem {
    pub id: i64,
    pub key: String,
    /// Which transport and route it came through (`slack-command`, `discord-interaction`, ...).
    pub source: String,
    /// The request as the platform sent it.
    pub payload: String,
    pub received_at: DateTime<Utc>,
    /// 1 on the first run; more when an earlier worker claimed it and stopped.
    pub attempts: u32,
    /// When the first worker started it.
    pub started_at: DateTime<Utc>,
    /// When its incident change committed, if it made one before an earlier worker stopped.
    pub applied_at: Option<DateTime<Utc>>,
}

const INSERT: &str = "INSERT INTO inbox (key, source, payload, received_at, lane) \
    VALUES ($1, $2, $3, $4, $5) RETURNING id";

const CLAIM: ClaimSql = ClaimSql {
    sqlite: CLAIM_SQLITE,
    postgres: CLAIM_POSTGRES,
};

/// Requests waiting in the order they came, and ones whose worker stopped (their lease ran
/// out), but never one whose lane has an earlier request still waiting or running; `$lock` is
/// the phrase that locks the chosen rows (Postgres) or nothing (SQLite).
macro_rules! claim_ready {
    ($lock:literal) => {
        concat!(
            "UPDATE inbox SET state = 'running', worker = $1, lease_until = $2, \
                attempts = attempts + 1, started_at = COALESCE(started_at, $3) \
            WHERE id IN (SELECT i.id FROM inbox i \
                WHERE (i.state = 'queued' OR (i.state = 'running' AND i.lease_until <= $3)) \
                AND NOT EXISTS (SELECT 1 FROM inbox p WHERE p.lane = i.lane AND p.id < i.id \
                    AND p.state IN ('queued', 'running')) \
                ORDER BY i.id LIMIT $4",
            $lock,
            ") RETURNING id, key, source, payload, received_at, attempts, started_at, applied_at"
        )
    };
}

const CLAIM_SQLITE: &str = claim_ready!("");
const CLAIM_POSTGRES: &str = claim_ready!(" FOR UPDATE OF i SKIP LOCKED");

const RENEW: &str = "UPDATE inbox SET lease_until = $1 \
    WHERE worker = $2 AND state = 'running' AND id = $3";

const FINISH: &str = "UPDATE inbox SET state = 'done', finished_at = $1, outcome = $2, payload = '' \
    WHERE id = $3 AND worker = $4 AND state = 'running'";

const RELEASE: &str = "UPDATE inbox SET lease_until = $1 WHERE state = 'running'";

const WAITING: &str = "SELECT COUNT(*) FROM inbox WHERE state IN ('queued', 'running')";

const FORGET: &str = "DELETE FROM inbox WHERE state = 'done' AND finished_at < $1";

/// Marks the running request applied, inside the transaction of its incident change.
pub(crate) const MARK_APPLIED: &str =
    "UPDATE inbox SET applied_at = COALESCE(applied_at, $1) WHERE id = $2";

type ItemRow = (
    i64,
    String,
    String,
    String,
    DateTime<Utc>,
    i64,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

fn item(row: ItemRow) -> InboxItem {
    let (id, key, source, payload, received_at, attempts, started_at, applied_at) = row;
    InboxItem {
        id,
        key,
        source,
        payload,
        received_at,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        started_at: started_at.unwrap_or(received_at),
        applied_at,
    }
}

impl Store {
    /// Records a request under `key`, unless that key was seen already. A request with a `lane`
    /// runs only after every earlier request of that lane has finished.
    pub async fn inbox_accept(
        &self,
        key: &str,
        source: &str,
        lane: Option<&str>,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<Accepted, StoreError> {
        let inserted = on_pool!(self, pool => sqlx::query_as::<_, (i64,)>(INSERT)
            .bind(key)
            .bind(source)
            .bind(payload)
            .bind(now)
            .bind(lane)
            .fetch_one(pool)
            .await);
        match inserted {
            Ok((id,)) => Ok(Accepted::New { id }),
            Err(e) if is_unique_violation(&e) => Ok(Accepted::Duplicate),
            Err(e) => Err(store_error(e)),
        }
    }

    /// Claims up to `limit` requests for `worker` until `now + lease`: new ones in the order
    /// they came, and ones whose worker stopped (their lease ran out).
    pub async fn inbox_claim(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<InboxItem>, StoreError> {
        let mut rows: Vec<ItemRow> = self
            .claim_rows(&CLAIM, worker, now, lease, limit)
            .await
            .map_err(store_error)?;
        rows.sort_by_key(|r| r.0);
        Ok(rows.into_iter().map(item).collect())
    }

    /// Extends `worker`'s claim on a request still running; false when it no longer holds it.
    pub async fn inbox_renew(
        &self,
        id: i64,
        worker: &str,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.renew_lease(RENEW, id, worker, until).await
    }

    /// Records that a request ended, drops its payload, and writes its answer's `letters` in
    /// the same transaction, so a request is never done without its answer on the way. False
    /// (and nothing written) when `worker` no longer holds the request: whoever claimed it
    /// since answers it.
    pub async fn inbox_finish(
        &self,
        id: i64,
        worker: &str,
        at: DateTime<Utc>,
        outcome: &str,
        letters: &[Letter],
    ) -> Result<bool, StoreError> {
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let finished = sqlx::query(FINISH)
                .bind(at)
                .bind(outcome)
                .bind(id)
                .bind(worker)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if finished != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            insert_letters!(tx, letters, at)?;
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(true)
        }
        .await)
        .map_err(store_error)
    }

    /// Makes every running request claimable at once. Only for a store one process serves
    /// (SQLite): at its start, whatever was running belonged to a process that is gone.
    pub async fn inbox_release_all(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        self.execute_at(RELEASE, now).await
    }

    /// How many requests are queued or running, on every replica.
    pub async fn inbox_waiting(&self) -> Result<u64, StoreError> {
        self.count(WAITING).await
    }

    /// Deletes finished requests older than `before`: their keys are past every replay window.
    pub async fn inbox_forget(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.execute_at(FORGET, before).await
    }
}
