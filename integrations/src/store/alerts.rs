//! The [`AlertStore`] port on SQLite and Postgres.
//!
//! An alert is one row per `(source, key)`; a batch is written by `alert_batch.rs`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use warroom_commands::alerts::{Alert, AlertLink, AlertState, Source};
use warroom_commands::incident::{IncidentId, NewEntry};
use warroom_commands::ports::{AlertStore, Decision, Seen, Silence, StoreError, StoredAlert};

use super::errors::store_error;
use super::{Store, on_pool};

/// A sending of a known alert. Firing again after it resolved starts a new episode, whose
/// decision is made afresh.
pub(super) const UPDATE: &str = "UPDATE alerts SET group_key = $3, state = $4, name = $5, summary = $6, \
    labels = $7, annotations = $8, links = $9, starts_at = $10, ends_at = $11, last_seen = $12, \
    times_seen = times_seen + 1, \
    decision = CASE WHEN state = 'resolved' AND $4 <> 'resolved' THEN '' ELSE decision END \
    WHERE source = $1 AND key = $2";

const GROUP: &str = "SELECT incident_id FROM alerts WHERE source = $1 AND group_key = $2 \
    AND incident_id IS NOT NULL AND last_seen >= $3 ORDER BY last_seen DESC LIMIT 1";

/// The columns [`stored`] reads, in its order.
macro_rules! columns {
    () => {
        "SELECT id, source, key, group_key, state, name, summary, labels, annotations, links, \
         route, incident_id, decision, starts_at, ends_at, first_seen, last_seen, times_seen \
         FROM alerts "
    };
}

const OF_INCIDENT: &str = concat!(
    columns!(),
    "WHERE incident_id = $1 ORDER BY last_seen DESC, id DESC"
);

const FIND: &str = concat!(
    columns!(),
    "WHERE key = $1 OR name = $1 ORDER BY last_seen DESC, id DESC LIMIT 20"
);

const SILENCE: &str = "INSERT INTO alert_silences (target, until_at, reason, created_by, created_at) \
    VALUES ($1, $2, $3, $4, $5)";

const UNSILENCE: &str = "UPDATE alert_silences SET lifted_at = $2 \
    WHERE target = $1 AND lifted_at IS NULL AND until_at > $2";

const SILENCES: &str = "SELECT target, until_at, reason, created_by, created_at FROM alert_silences \
    WHERE lifted_at IS NULL AND until_at > $1 ORDER BY until_at DESC";

/// An alert row, as [`columns!`] selects it.
#[derive(sqlx::FromRow)]
struct AlertRow {
    id: i64,
    source: String,
    key: String,
    group_key: String,
    state: String,
    name: String,
    summary: String,
    labels: String,
    annotations: String,
    links: String,
    route: String,
    incident_id: Option<i64>,
    decision: String,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    times_seen: i64,
}

pub(super) fn json(map: &BTreeMap<String, String>) -> String {
    serde_json::to_string(map).unwrap_or_else(|_| "{}".into())
}

pub(super) fn links_json(links: &[AlertLink]) -> String {
    let list: Vec<serde_json::Value> = links
        .iter()
        .map(|l| serde_json::json!({"label": l.label, "url": l.url}))
        .collect();
    serde_json::Value::Array(list).to_string()
}

fn read_links(text: &str) -> Vec<AlertLink> {
    let list: Vec<serde_json::Value> = serde_json::from_str(text).unwrap_or_default();
    list.iter()
        .filter_map(|l| {
            Some(AlertLink {
                label: l["label"].as_str()?.to_string(),
                url: l["url"].as_str()?.to_string(),
            })
        })
        .collect()
}

fn stored(row: AlertRow) -> Result<StoredAlert, StoreError> {
    let bad = |what: &str| StoreError::Internal(format!("alert {} has a bad {what}", row.id));
    Ok(StoredAlert {
        id: row.id,
        alert: Alert {
            source: Source::parse(&row.source).ok_or_else(|| bad("source"))?,
            key: row.key,
            group: row.group_key,
            state: AlertState::parse(&row.state).ok_or_else(|| bad("state"))?,
            name: row.name,
            summary: row.summary,
            labels: serde_json::from_str(&row.labels).map_err(|_| bad("labels"))?,
            annotations: serde_json::from_str(&row.annotations).map_err(|_| bad("annotations"))?,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            links: read_links(&row.links),
        },
        route: row.route,
        incident: row.incident_id.map(IncidentId),
        decision: row.decision,
        first_seen: row.first_seen,
        last_seen: row.last_seen,
        times_seen: u64::try_from(row.times_seen).unwrap_or(0),
    })
}

/// Runs `$sql` (selecting [`columns!`]) with `$bind` applied, into stored alerts.
macro_rules! alerts_where {
    ($self:expr, $sql:expr, |$q:ident| $bind:expr) => {{
        let rows: Vec<AlertRow> = on_pool!($self, pool => {
            let $q = sqlx::query_as::<_, AlertRow>($sql);
            $bind.fetch_all(pool).await
        })
        .map_err(store_error)?;
        rows.into_iter().map(stored).collect()
    }};
}

#[async_trait]
impl AlertStore for Store {
    async fn record(&self, alerts: &[Alert], now: DateTime<Utc>) -> Result<Vec<Seen>, StoreError> {
        self.record_batch(alerts, now).await
    }

    async fn decide(
        &self,
        decisions: &[Decision],
        timeline: &[(IncidentId, Vec<NewEntry>)],
    ) -> Result<(), StoreError> {
        self.decide_batch(decisions, timeline).await
    }

    async fn group_incident(
        &self,
        source: Source,
        group: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<IncidentId>, StoreError> {
        let row: Option<(Option<i64>,)> = on_pool!(self, pool => sqlx::query_as(GROUP)
            .bind(source.as_str())
            .bind(group)
            .bind(since)
            .fetch_optional(pool)
            .await)
        .map_err(store_error)?;
        Ok(row.and_then(|(id,)| id).map(IncidentId))
    }

    async fn of_incident(&self, incident: IncidentId) -> Result<Vec<StoredAlert>, StoreError> {
        alerts_where!(self, OF_INCIDENT, |q| q.bind(incident.0))
    }

    async fn find(&self, needle: &str) -> Result<Vec<StoredAlert>, StoreError> {
        alerts_where!(self, FIND, |q| q.bind(needle))
    }

    async fn silence(&self, silence: &Silence) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(SILENCE)
            .bind(&silence.target)
            .bind(silence.until)
            .bind(&silence.reason)
            .bind(&silence.by)
            .bind(silence.at)
            .execute(pool)
            .await
            .map(drop))
        .map_err(store_error)
    }

    async fn unsilence(&self, target: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        on_pool!(self, pool => sqlx::query(UNSILENCE)
            .bind(target)
            .bind(now)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))
        .map_err(store_error)
    }

    async fn silences(&self, now: DateTime<Utc>) -> Result<Vec<Silence>, StoreError> {
        let rows: Vec<(String, DateTime<Utc>, String, String, DateTime<Utc>)> =
            on_pool!(self, pool => sqlx::query_as(SILENCES).bind(now).fetch_all(pool).await)
                .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|(target, until, reason, by, at)| Silence {
                target,
                until,
                reason,
                by,
                at,
            })
            .collect())
    }
}
