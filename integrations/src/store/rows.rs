//! Rows as the database returns them, and their conversion into the domain types.
//!
//! Values that the schema's CHECK constraints should make impossible (an unknown severity) are
//! reported as internal errors rather than guessed at.

use chrono::{DateTime, Utc};
use warroom_commands::incident::{
    EntryKind, Incident, IncidentId, Severity, Status, TimelineEntry,
};
use warroom_commands::ports::StoreError;
use warroom_commands::{ChannelRef, Platform};

#[derive(sqlx::FromRow)]
pub struct IncidentRow {
    pub(super) id: i64,
    platform: String,
    workspace: String,
    channel: String,
    title: String,
    severity: String,
    status: String,
    lead: Option<String>,
    declared_by: String,
    declared_at: DateTime<Utc>,
    acknowledged_by: Option<String>,
    acknowledged_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    summary: Option<String>,
    version: i64,
}

/// A stored value that the schema's checks should have made impossible.
pub(super) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Internal(format!("stored {what} `{value}` is not one warroom knows"))
}

impl TryFrom<IncidentRow> for Incident {
    type Error = StoreError;

    fn try_from(row: IncidentRow) -> Result<Incident, StoreError> {
        Ok(Incident {
            id: IncidentId(row.id),
            channel: ChannelRef {
                platform: Platform::parse(&row.platform)
                    .ok_or_else(|| corrupt("platform", &row.platform))?,
                workspace: row.workspace,
                channel: row.channel,
            },
            title: row.title,
            severity: Severity::parse(&row.severity)
                .ok_or_else(|| corrupt("severity", &row.severity))?,
            status: Status::parse(&row.status).ok_or_else(|| corrupt("status", &row.status))?,
            lead: row.lead,
            declared_by: row.declared_by,
            declared_at: row.declared_at,
            acknowledged_by: row.acknowledged_by,
            acknowledged_at: row.acknowledged_at,
            resolved_at: row.resolved_at,
            summary: row.summary,
            version: row.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct EntryRow {
    seq: i64,
    incident_id: i64,
    at: DateTime<Utc>,
    actor: String,
    kind: String,
    text: String,
    from_value: Option<String>,
    to_value: Option<String>,
}

impl TryFrom<EntryRow> for TimelineEntry {
    type Error = StoreError;

    fn try_from(row: EntryRow) -> Result<TimelineEntry, StoreError> {
        Ok(TimelineEntry {
            seq: row.seq,
            incident: IncidentId(row.incident_id),
            at: row.at,
            actor: row.actor,
            kind: EntryKind::parse(&row.kind).ok_or_else(|| corrupt("entry kind", &row.kind))?,
            text: row.text,
            from: row.from_value,
            to: row.to_value,
        })
    }
}

/// Converts a fetched optional row.
pub fn incident(row: Option<IncidentRow>) -> Result<Option<Incident>, StoreError> {
    row.map(Incident::try_from).transpose()
}

/// Converts fetched rows.
pub fn all<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> Result<Vec<T>, StoreError> {
    rows.into_iter().map(T::try_from).collect()
}
