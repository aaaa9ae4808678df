//! The [`OverrideStore`] port on SQLite and Postgres.
//!
//! An override is one row, inserted and never changed (the schema refuses updates and deletes):
//! the rows are the record of who covered. Of two overlapping overrides the later one wins by
//! its larger id, so ids come from the database (AUTOINCREMENT, a BIGSERIAL), which hands them
//! out in the order the inserts happen, across every replica sharing it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use warroom_commands::oncall::{Contact, Override};
use warroom_commands::ports::{NewOverride, OverrideStore, StoreError};

use super::errors::store_error;
use super::{Store, on_pool};

const INSERT: &str = "INSERT INTO oncall_overrides \
    (schedule, who, from_at, until_at, recorded_by, reason, created_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

/// The overrides that have not ended at `$1`, in the order they were recorded.
const CURRENT: &str = "SELECT id, schedule, who, from_at, until_at, recorded_by \
    FROM oncall_overrides WHERE until_at > $1 ORDER BY id";

type OverrideRow = (i64, String, String, DateTime<Utc>, DateTime<Utc>, String);

/// A row back into an override. The contact was written from a parsed one, so a row that does
/// not parse was changed by hand: an internal error that says which row, not a guess.
fn stored((id, schedule, who, from, until, by): OverrideRow) -> Result<Override, StoreError> {
    let who = Contact::parse(&who).map_err(|why| {
        StoreError::Internal(format!(
            "on-call override {id} of schedule {schedule} has a bad contact: {why}"
        ))
    })?;
    Ok(Override {
        id,
        schedule,
        who,
        from,
        until,
        by,
    })
}

#[async_trait]
impl OverrideStore for Store {
    async fn add_override(&self, new: &NewOverride) -> Result<Override, StoreError> {
        let (id,): (i64,) = on_pool!(self, pool => sqlx::query_as(INSERT)
            .bind(&new.schedule)
            .bind(new.who.to_string())
            .bind(new.from)
            .bind(new.until)
            .bind(&new.by)
            .bind(&new.reason)
            .bind(new.at)
            .fetch_one(pool)
            .await)
        .map_err(store_error)?;
        Ok(Override {
            id,
            schedule: new.schedule.clone(),
            who: new.who.clone(),
            from: new.from,
            until: new.until,
            by: new.by.clone(),
        })
    }

    async fn overrides(&self, now: DateTime<Utc>) -> Result<Vec<Override>, StoreError> {
        let rows: Vec<OverrideRow> =
            on_pool!(self, pool => sqlx::query_as(CURRENT).bind(now).fetch_all(pool).await)
                .map_err(store_error)?;
        rows.into_iter().map(stored).collect()
    }
}
