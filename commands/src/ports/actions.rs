//! The port for pending confirmations and the audit log.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::actions::{AuditEntry, Claim, PendingAction, PendingState};

/// Which audit entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub since: Option<DateTime<Utc>>,
    pub service: Option<String>,
}

#[async_trait]
pub trait ActionStore: Send + Sync {
    /// Stores a new pending confirmation.
    async fn create_pending(&self, action: &PendingAction) -> Result<(), StoreError>;

    /// The pending action and where it stands, by token.
    async fn pending(
        &self,
        token: &str,
    ) -> Result<Option<(PendingAction, PendingState)>, StoreError>;

    /// Moves the action from `Pending` to `to` (confirmed, cancelled or expired) if, and only
    /// if, it is still pending: one atomic conditional update, so of any number of concurrent
    /// callers, across processes, exactly one gets [`Claim::Won`].
    async fn claim(&self, token: &str, to: &PendingState) -> Result<Claim, StoreError>;

    /// Appends to the audit log (never updated or deleted).
    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;

    /// Audit entries, oldest first.
    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;
}
