//! Overrides kept in memory, for tests of `/oncall` and of escalation to schedules.

use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::oncall::Override;
use crate::ports::{NewOverride, OverrideStore, StoreError};

#[derive(Default)]
pub struct InMemoryOverrides {
    all: Mutex<Vec<Override>>,
}

#[async_trait]
impl OverrideStore for InMemoryOverrides {
    async fn add_override(&self, new: &NewOverride) -> Result<Override, StoreError> {
        let mut all = self
            .all
            .lock()
            .map_err(|_| StoreError::Internal("poisoned".into()))?;
        let stored = Override {
            id: all.len() as i64 + 1,
            schedule: new.schedule.clone(),
            who: new.who.clone(),
            from: new.from,
            until: new.until,
            by: new.by.clone(),
        };
        all.push(stored.clone());
        Ok(stored)
    }

    async fn overrides(&self, now: DateTime<Utc>) -> Result<Vec<Override>, StoreError> {
        let all = self
            .all
            .lock()
            .map_err(|_| StoreError::Internal("poisoned".into()))?;
        Ok(all.iter().filter(|o| o.until > now).cloned().collect())
    }
}
