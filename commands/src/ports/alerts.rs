//! The alert store port: every alert a source sends, kept by its key, with what warroom did
//! about it and why; and the silences that keep alerts from declaring or paging.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::alerts::{Alert, AlertState, Source};
use crate::incident::IncidentId;

/// What the store knew of an alert before this sending of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub id: i64,
    /// `None` the first time the alert is seen.
    pub before: Option<Before>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Before {
    pub state: AlertState,
    pub incident: Option<IncidentId>,
    /// Whether warroom decided about this episode of the alert. A firing alert recorded but
    /// not decided (its worker stopped in between) is decided when it is sent again.
    pub decided: bool,
}

/// An alert as stored, with warroom's decision about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAlert {
    pub id: i64,
    pub alert: Alert,
    /// The route that matched, or empty.
    pub route: String,
    pub incident: Option<IncidentId>,
    /// Why it opened, joined or stayed out of an incident, in a sentence.
    pub decision: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub times_seen: u64,
}

/// A silence: alerts of a route or a service declare and page nothing until it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silence {
    /// A route's or a service's name.
    pub target: String,
    pub until: DateTime<Utc>,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait AlertStore: Send + Sync {
    /// Records this sending of `alert` at `now` (new, or its state and content updated) and
    /// says what was known before, in one statement so two replicas cannot both see it as new.
    async fn record(&self, alert: &Alert, now: DateTime<Utc>) -> Result<Seen, StoreError>;

    /// Writes what warroom did about alert `id` and why.
    async fn decide(
        &self,
        id: i64,
        route: &str,
        incident: Option<IncidentId>,
        decision: &str,
    ) -> Result<(), StoreError>;

    /// The incident alerts of `source`'s group `group` joined, seen since `since`.
    async fn group_incident(
        &self,
        source: Source,
        group: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<IncidentId>, StoreError>;

    /// The alerts attached to an incident, most recently seen first.
    async fn of_incident(&self, incident: IncidentId) -> Result<Vec<StoredAlert>, StoreError>;

    /// Alerts whose key or name is `needle`, most recently seen first.
    async fn find(&self, needle: &str) -> Result<Vec<StoredAlert>, StoreError>;

    async fn silence(&self, silence: &Silence) -> Result<(), StoreError>;

    /// Ends the silences of `target` at `now`; how many held.
    async fn unsilence(&self, target: &str, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// The silence holding at `now` for any of `targets`, if one does.
    async fn silenced(
        &self,
        targets: &[&str],
        now: DateTime<Utc>,
    ) -> Result<Option<Silence>, StoreError>;
}

/// A warroom with no alert store (unit tests, the console before alerts are configured).
#[derive(Debug, Default)]
pub struct NoAlerts;

#[async_trait]
impl AlertStore for NoAlerts {
    async fn record(&self, _: &Alert, _: DateTime<Utc>) -> Result<Seen, StoreError> {
        Err(StoreError::Unavailable(
            "This warroom keeps no alerts; alert sources need `warroom serve`.".into(),
        ))
    }
    async fn decide(
        &self,
        _: i64,
        _: &str,
        _: Option<IncidentId>,
        _: &str,
    ) -> Result<(), StoreError> {
        Ok(())
    }
    async fn group_incident(
        &self,
        _: Source,
        _: &str,
        _: DateTime<Utc>,
    ) -> Result<Option<IncidentId>, StoreError> {
        Ok(None)
    }
    async fn of_incident(&self, _: IncidentId) -> Result<Vec<StoredAlert>, StoreError> {
        Ok(Vec::new())
    }
    async fn find(&self, _: &str) -> Result<Vec<StoredAlert>, StoreError> {
        Ok(Vec::new())
    }
    async fn silence(&self, _: &Silence) -> Result<(), StoreError> {
        Err(StoreError::Unavailable(
            "This warroom keeps no alerts to silence.".into(),
        ))
    }
    async fn unsilence(&self, _: &str, _: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(0)
    }
    async fn silenced(&self, _: &[&str], _: DateTime<Utc>) -> Result<Option<Silence>, StoreError> {
        Ok(None)
    }
}
