//! The [`ActionStore`] port on SQLite and Postgres: pending confirmations and the audit log.
//!
//! The claim is a single `UPDATE ... WHERE state = 'pending'`: the database serialises
//! concurrent updates of one row, so of any number of confirms (double clicks, two approvers,
//! two replicas) exactly one sees a changed row and goes on to execute.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use warroom_commands::actions::{AuditEntry, Claim, PendingAction, PendingState};
use warroom_commands::ports::{ActionStore, AuditFilter, StoreError};

use super::action_rows::{AuditRow, PendingRow};
use super::errors::store_error;
use super::rows;
use super::{Store, on_pool, sql};

#[async_trait]
impl ActionStore for Store {
    async fn create_pending(&self, a: &PendingAction) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(sql::INSERT_PENDING)
            .bind(&a.token)
            .bind(a.channel.platform.as_str())
            .bind(&a.channel.workspace)
            .bind(&a.channel.channel)
            .bind(&a.requested_by)
            .bind(a.requested_at)
            .bind(a.expires_at)
            .bind(&a.command_text)
            .bind(&a.command)
            .bind(&a.target.service)
            .bind(&a.target.environment)
            .bind(a.risk.as_str())
            .bind(a.approval.as_str())
            .bind(&a.plan.summary)
            .bind(a.plan.details.join("\n"))
            .bind(&a.plan.fingerprint)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(store_error)
    }

    async fn pending(
        &self,
        token: &str,
    ) -> Result<Option<(PendingAction, PendingState)>, StoreError> {
        let row = on_pool!(self, pool => sqlx::query_as::<_, PendingRow>(sql::GET_PENDING)
            .bind(token)
            .fetch_optional(pool)
            .await)
        .map_err(store_error)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn claim(&self, token: &str, to: &PendingState) -> Result<Claim, StoreError> {
        let (by, at): (Option<&str>, Option<DateTime<Utc>>) = match to {
            PendingState::Confirmed { by, at } | PendingState::Cancelled { by, at } => {
                (Some(by), Some(*at))
            }
            PendingState::Expired { at } => (None, Some(*at)),
            PendingState::Pending => {
                return Err(StoreError::Internal("cannot claim back to pending".into()));
            }
        };
        let changed = on_pool!(self, pool => sqlx::query(sql::CLAIM_PENDING)
            .bind(to.as_str())
            .bind(by)
            .bind(at)
            .bind(token)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        if changed == 1 {
            return Ok(Claim::Won);
        }
        match self.pending(token).await? {
            Some((_, state)) => Ok(Claim::Lost(state)),
            None => Err(StoreError::Internal(format!("no pending action {token}"))),
        }
    }

    async fn audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(sql::INSERT_AUDIT)
            .bind(e.at)
            .bind(e.event.as_str())
            .bind(e.channel.platform.as_str())
            .bind(&e.channel.workspace)
            .bind(&e.channel.channel)
            .bind(&e.actor)
            .bind(&e.text)
            .bind(&e.command)
            .bind(&e.service)
            .bind(&e.environment)
            .bind(&e.risk)
            .bind(&e.plan)
            .bind(&e.token)
            .bind(&e.requested_by)
            .bind(e.requested_at)
            .bind(&e.approved_by)
            .bind(e.approved_at)
            .bind(e.started_at)
            .bind(e.finished_at)
            .bind(&e.outcome)
            .bind(&e.output_sha256)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(store_error)
    }

    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let found = on_pool!(self, pool => sqlx::query_as::<_, AuditRow>(sql::AUDIT_LOG)
            .bind(filter.since)
            .bind(&filter.service)
            .fetch_all(pool)
            .await);
        rows::all(found.map_err(store_error)?)
    }
}
