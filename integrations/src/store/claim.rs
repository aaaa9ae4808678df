//! Claiming rows under a lease, the same way for the scheduler's jobs and the inbox's requests.
//!
//! A claim is one `UPDATE … WHERE id IN (SELECT …) RETURNING …` binding the worker, the end of
//! the lease, now and a limit. The two backends differ in one phrase: Postgres's inner select
//! takes its rows `FOR UPDATE SKIP LOCKED`, so two processes claiming at once split the rows
//! between them; SQLite runs one writer at a time and needs no locks.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use warroom_commands::ports::StoreError;

use super::errors::store_error;
use super::{Store, on_pool};

/// The claim statement for each backend.
pub(crate) struct ClaimSql {
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl Store {
    /// Runs this backend's claim for `worker` until `now + lease`, at most `limit` rows.
    pub(crate) async fn claim_rows<R>(
        &self,
        sql: &ClaimSql,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<R>, sqlx::Error>
    where
        R: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
    {
        let sql = match self {
            Store::Sqlite(_) => sql.sqlite,
            Store::Postgres(_) => sql.postgres,
        };
        on_pool!(self, pool => sqlx::query_as(sql)
            .bind(worker)
            .bind(now + lease)
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)
    }
}

/// The statements every leased table shares the shape of.
impl Store {
    /// Extends `worker`'s lease on row `id` until `until` with `sql` (binding until, worker, id);
    /// false when it no longer holds the row.
    pub(crate) async fn renew_lease(
        &self,
        sql: &'static str,
        id: i64,
        worker: &str,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let renewed = on_pool!(self, pool => sqlx::query(sql)
            .bind(until)
            .bind(worker)
            .bind(id)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))
        .map_err(store_error)?;
        Ok(renewed == 1)
    }

    /// Runs `sql` binding one moment (a release, a sweep); how many rows it changed.
    pub(crate) async fn execute_at(
        &self,
        sql: &'static str,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        on_pool!(self, pool => sqlx::query(sql)
            .bind(at)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))
        .map_err(store_error)
    }

    /// Runs a `SELECT COUNT(*) …`.
    pub(crate) async fn count(&self, sql: &'static str) -> Result<u64, StoreError> {
        let (n,): (i64,) = on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)
            .map_err(store_error)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
