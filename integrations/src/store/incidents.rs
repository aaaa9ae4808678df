//! The [`IncidentStore`] port on SQLite and Postgres.
//!
//! Each writing method is one transaction: the incident row and its timeline entries commit
//! together. Concurrency rules live in the schema, where they hold across processes: the partial
//! unique index keeps one open incident per channel, and `WHERE version = $n` makes an update
//! of a stale read fail instead of overwriting.

use async_trait::async_trait;
use warroom_commands::ChannelRef;
use warroom_commands::incident::{Incident, IncidentId, NewEntry, NewIncident, TimelineEntry};
use warroom_commands::ports::{IncidentStore, ListFilter, StoreError};

use super::errors::{is_unique_violation, store_error};
use super::rows::{self, EntryRow, IncidentRow};
use super::{Store, on_pool, sql};

/// Appends entries inside an open transaction `$tx`, many rows to a statement: an alert
/// batch puts a hundred entries on a timeline at once, and a statement each would be a round
/// trip each. Rows are numbered in the order given, which is the timeline's order.
macro_rules! insert_entries {
    ($tx:expr, $id:expr, $entries:expr) => {{
        let entries: Vec<&NewEntry> = $entries.into_iter().collect();
        for chunk in entries.chunks(sql::ENTRIES_AT_ONCE) {
            let mut insert = sqlx::QueryBuilder::new(sql::INSERT_ENTRIES);
            insert.push_values(chunk, |mut row, e| {
                row.push_bind($id)
                    .push_bind(e.at)
                    .push_bind(e.actor.as_str())
                    .push_bind(e.kind.as_str())
                    .push_bind(e.text.as_str())
                    .push_bind(e.from.as_deref())
                    .push_bind(e.to.as_deref());
            });
            insert.build().execute(&mut *$tx).await?;
        }
        Ok::<(), sqlx::Error>(())
    }};
}
pub(crate) use insert_entries;

/// Inside an open transaction `$tx`: marks the inbox row whose request is running on this task
/// as applied, so the change and that mark commit together (see `inbox.rs`).
macro_rules! mark_applied {
    ($tx:expr) => {{
        if let Ok(request) = super::inbox::APPLYING.try_with(|id| *id) {
            sqlx::query(super::inbox::MARK_APPLIED)
                .bind(chrono::Utc::now())
                .bind(request)
                .execute(&mut *$tx)
                .await?;
        }
        Ok::<(), sqlx::Error>(())
    }};
}
pub(crate) use mark_applied;

/// Reads an incident by a channel-scoped query.
macro_rules! in_channel {
    ($store:expr, $sql:expr, $channel:expr) => {
        on_pool!($store, pool => sqlx::query_as::<_, IncidentRow>($sql)
            .bind($channel.platform.as_str())
            .bind(&$channel.workspace)
            .bind(&$channel.channel)
            .fetch_optional(pool)
            .await)
    };
}

impl Store {
    /// The open incident that blocks `channel`, for a ChannelBusy answer.
    async fn busy(&self, channel: &ChannelRef) -> StoreError {
        match self.open_in_channel(channel).await {
            Ok(Some(open)) => StoreError::ChannelBusy(open.id),
            Ok(None) => StoreError::Internal("unique violation but no open incident".into()),
            Err(e) => e,
        }
    }
}

#[async_trait]
impl IncidentStore for Store {
    async fn declare(&self, new: NewIncident, entry: NewEntry) -> Result<Incident, StoreError> {
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let row = sqlx::query_as::<_, IncidentRow>(sql::INSERT_INCIDENT)
                .bind(new.channel.platform.as_str())
                .bind(&new.channel.workspace)
                .bind(&new.channel.channel)
                .bind(&new.title)
                .bind(new.severity.as_str())
                .bind(&new.declared_by)
                .bind(new.declared_at)
                .fetch_one(&mut *tx)
                .await?;
            insert_entries!(tx, row_id(&row), [&entry])?;
            mark_applied!(tx)?;
            tx.commit().await?;
            Ok(row)
        }.await);
        match result {
            Ok(row) => row.try_into(),
            Err(e) if is_unique_violation(&e) => Err(self.busy(&new.channel).await),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn update(
        &self,
        changed: &Incident,
        entries: &[NewEntry],
    ) -> Result<Incident, StoreError> {
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let row = sqlx::query_as::<_, IncidentRow>(sql::UPDATE_INCIDENT)
                .bind(&changed.title)
                .bind(changed.severity.as_str())
                .bind(changed.status.as_str())
                .bind(&changed.lead)
                .bind(&changed.acknowledged_by)
                .bind(changed.acknowledged_at)
                .bind(changed.resolved_at)
                .bind(&changed.summary)
                .bind(changed.id.0)
                .bind(changed.version)
                .fetch_optional(&mut *tx)
                .await?;
            if row.is_some() {
                insert_entries!(tx, changed.id.0, entries)?;
                mark_applied!(tx)?;
                tx.commit().await?;
            }
            Ok(row)
        }.await);
        match result {
            Ok(Some(row)) => row.try_into(),
            Ok(None) => match self.get(changed.id).await? {
                Some(_) => Err(StoreError::Conflict(changed.id)),
                None => Err(StoreError::NotFound(changed.id)),
            },
            Err(e) if is_unique_violation(&e) => Err(self.busy(&changed.channel).await),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn append(&self, id: IncidentId, entries: &[NewEntry]) -> Result<(), StoreError> {
        let found = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let bumped = sqlx::query(sql::BUMP_VERSION).bind(id.0).execute(&mut *tx).await?;
            if bumped.rows_affected() == 1 {
                insert_entries!(tx, id.0, entries)?;
                mark_applied!(tx)?;
                tx.commit().await?;
            }
            Ok::<bool, sqlx::Error>(bumped.rows_affected() == 1)
        }.await)
        .map_err(store_error)?;
        if found {
            Ok(())
        } else {
            Err(StoreError::NotFound(id))
        }
    }

    async fn get(&self, id: IncidentId) -> Result<Option<Incident>, StoreError> {
        let row = on_pool!(self, pool => sqlx::query_as::<_, IncidentRow>(sql::GET)
            .bind(id.0)
            .fetch_optional(pool)
            .await);
        rows::incident(row.map_err(store_error)?)
    }

    async fn open_in_channel(&self, channel: &ChannelRef) -> Result<Option<Incident>, StoreError> {
        rows::incident(in_channel!(self, sql::OPEN_IN_CHANNEL, channel).map_err(store_error)?)
    }

    async fn latest_in_channel(
        &self,
        channel: &ChannelRef,
    ) -> Result<Option<Incident>, StoreError> {
        rows::incident(in_channel!(self, sql::LATEST_IN_CHANNEL, channel).map_err(store_error)?)
    }

    async fn list(&self, filter: ListFilter, limit: u32) -> Result<Vec<Incident>, StoreError> {
        let query = match filter {
            ListFilter::Open => sql::LIST_OPEN,
            ListFilter::All => sql::LIST_ALL,
        };
        let found = on_pool!(self, pool => sqlx::query_as::<_, IncidentRow>(query)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await);
        rows::all(found.map_err(store_error)?)
    }

    async fn timeline(&self, id: IncidentId) -> Result<Vec<TimelineEntry>, StoreError> {
        let found = on_pool!(self, pool => sqlx::query_as::<_, EntryRow>(sql::TIMELINE)
            .bind(id.0)
            .fetch_all(pool)
            .await);
        rows::all(found.map_err(store_error)?)
    }
}

fn row_id(row: &IncidentRow) -> i64 {
    row.id
}
