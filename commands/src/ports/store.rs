//! The incident store port.
//!
//! Every method that writes is one transaction: an incident change and its timeline entries land
//! together or not at all, so a failed command leaves nothing half-written.

use async_trait::async_trait;

use crate::ChannelRef;
use crate::incident::{Incident, IncidentId, NewEntry, NewIncident, TimelineEntry};

/// Why the store refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The channel already has an open incident (the one-open-incident-per-channel rule).
    #[error("channel already has open incident {0}")]
    ChannelBusy(IncidentId),
    /// The incident changed since it was read; nothing was written.
    #[error("incident {0} changed concurrently")]
    Conflict(IncidentId),
    #[error("incident {0} not found")]
    NotFound(IncidentId),
    /// The store cannot be written or reached; the sentence says what the operator should do.
    #[error("{0}")]
    Unavailable(String),
    /// Anything else, for the log.
    #[error("{0}")]
    Internal(String),
}

/// Which incidents `list` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFilter {
    Open,
    All,
}

#[async_trait]
pub trait IncidentStore: Send + Sync {
    /// Stores a new incident and its first timeline entry. Fails with
    /// [`StoreError::ChannelBusy`] when the channel already has an open incident, even when two
    /// declarations race.
    async fn declare(&self, incident: NewIncident, entry: NewEntry)
    -> Result<Incident, StoreError>;

    /// Writes the incident's present state and appends entries, if the stored version is still
    /// `incident.version`; returns the stored incident with its new version.
    async fn update(
        &self,
        incident: &Incident,
        entries: &[NewEntry],
    ) -> Result<Incident, StoreError>;

    /// Appends entries without changing the incident's state (notes, follow-ups). Bumps the
    /// incident's version so readers see that something happened.
    async fn append(&self, id: IncidentId, entries: &[NewEntry]) -> Result<(), StoreError>;

    async fn get(&self, id: IncidentId) -> Result<Option<Incident>, StoreError>;

    /// The channel's open incident, if any.
    async fn open_in_channel(&self, channel: &ChannelRef) -> Result<Option<Incident>, StoreError>;

    /// The channel's most recently declared incident, open or not.
    async fn latest_in_channel(&self, channel: &ChannelRef)
    -> Result<Option<Incident>, StoreError>;

    /// Incidents, newest first.
    async fn list(&self, filter: ListFilter, limit: u32) -> Result<Vec<Incident>, StoreError>;

    /// The incident's entries by time (then by the order they were appended).
    async fn timeline(&self, id: IncidentId) -> Result<Vec<TimelineEntry>, StoreError>;
}
