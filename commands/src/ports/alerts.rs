//! The alert store port: every alert a source sends, kept by its key, with what warroom did
//! about it and why; and the silences that keep alerts from declaring or paging.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::alerts::{Alert, AlertState, Source};
use crate::incident::{IncidentId, NewEntry};

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

/// What warroom decided about one alert of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The alert's row ([`Seen::id`]).
    pub id: i64,
    /// The route that matched, or empty.
    pub route: String,
    pub incident: Option<IncidentId>,
    /// Why, in a sentence.
    pub why: String,
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
    /// Records this sending of each of `alerts` at `now`, in order and in one transaction,
    /// and says what was known of each before: one batch is a handful of statements, however
    /// many alerts it holds, and two replicas given the same alert at once cannot both see it
    /// as new. A key sent twice in one batch sees its first sending as what was before.
    async fn record(&self, alerts: &[Alert], now: DateTime<Utc>) -> Result<Vec<Seen>, StoreError>;

    /// Writes what warroom decided about a batch's alerts and the timeline entries that tells
    /// each incident, in one transaction: a batch cut short by a crash has written both or
    /// neither, so when it runs again each alert is decided, and on its timeline, once.
    async fn decide(
        &self,
        decisions: &[Decision],
        timeline: &[(IncidentId, Vec<NewEntry>)],
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

    /// The silences holding at `now`, read once per batch.
    async fn silences(&self, now: DateTime<Utc>) -> Result<Vec<Silence>, StoreError>;
}

/// A warroom with no alert store (unit tests, the console before alerts are configured).
#[derive(Debug, Default)]
pub struct NoAlerts;

#[async_trait]
impl AlertStore for NoAlerts {
    async fn record(&self, _: &[Alert], _: DateTime<Utc>) -> Result<Vec<Seen>, StoreError> {
        Err(StoreError::Unavailable(
            "This warroom keeps no alerts; alert sources need `warroom serve`.".into(),
        ))
    }
    async fn decide(
        &self,
        _: &[Decision],
        _: &[(IncidentId, Vec<NewEntry>)],
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
    async fn silences(&self, _: DateTime<Utc>) -> Result<Vec<Silence>, StoreError> {
        Ok(Vec::new())
    }
}
