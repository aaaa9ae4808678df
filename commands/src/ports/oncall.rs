//! The overrides port: who covers a schedule for a while, as people record it from chat.
//!
//! Schedules are configuration; overrides are data. They are rows in the shared database, so
//! they survive a restart and every replica sees the same rota, and each override's id grows
//! with its creation, which is how the later of two overlapping overrides wins (see
//! [`crate::oncall::overrides`]).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::escalation::Contact;
use crate::oncall::Override;

/// An override to record: `who` takes `schedule` from `from` until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOverride {
    pub schedule: String,
    pub who: Contact,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// Who recorded it (a platform user id).
    pub by: String,
    /// Why, as said: `cover`, `swap`.
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait OverrideStore: Send + Sync {
    /// Records `new`; the override as stored, its id larger than every earlier one's.
    async fn add_override(&self, new: &NewOverride) -> Result<Override, StoreError>;

    /// Every override, of every schedule, that has not ended at `now`, oldest first.
    async fn overrides(&self, now: DateTime<Utc>) -> Result<Vec<Override>, StoreError>;
}

/// No place to keep overrides: the rota is the configuration's alone.
pub struct NoOverrides;

#[async_trait]
impl OverrideStore for NoOverrides {
    async fn add_override(&self, _: &NewOverride) -> Result<Override, StoreError> {
        Err(StoreError::Unavailable(
            "This warroom keeps no overrides; covering a shift needs a database.".into(),
        ))
    }

    async fn overrides(&self, _: DateTime<Utc>) -> Result<Vec<Override>, StoreError> {
        Ok(Vec::new())
    }
}
