//! Pending-action and audit rows, and their conversion into the core's types.

use chrono::{DateTime, Utc};
use warroom_commands::access::{Approval, Risk, Target};
use warroom_commands::actions::{AuditEntry, AuditEvent, PendingAction, PendingState, Plan};
use warroom_commands::ports::StoreError;
use warroom_commands::{ChannelRef, Platform};

use super::rows::corrupt;

fn channel(platform: &str, workspace: String, channel: String) -> Result<ChannelRef, StoreError> {
    Ok(ChannelRef {
        platform: Platform::parse(platform).ok_or_else(|| corrupt("platform", platform))?,
        workspace,
        channel,
    })
}

#[derive(sqlx::FromRow)]
pub struct PendingRow {
    token: String,
    platform: String,
    workspace: String,
    channel: String,
    requested_by: String,
    requested_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    command_text: String,
    command: String,
    service: String,
    environment: String,
    risk: String,
    approval: String,
    plan_summary: String,
    plan_details: String,
    plan_fingerprint: String,
    state: String,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<PendingRow> for (PendingAction, PendingState) {
    type Error = StoreError;

    fn try_from(row: PendingRow) -> Result<Self, StoreError> {
        let decided = || -> Result<(String, DateTime<Utc>), StoreError> {
            match (&row.decided_by, row.decided_at) {
                (Some(by), Some(at)) => Ok((by.clone(), at)),
                _ => Err(corrupt("decision", &row.state)),
            }
        };
        let state = match row.state.as_str() {
            "pending" => PendingState::Pending,
            "confirmed" => {
                let (by, at) = decided()?;
                PendingState::Confirmed { by, at }
            }
            "cancelled" => {
                let (by, at) = decided()?;
                PendingState::Cancelled { by, at }
            }
            "expired" => PendingState::Expired {
                at: row.decided_at.unwrap_or(row.expires_at),
            },
            other => return Err(corrupt("state", other)),
        };
        let action = PendingAction {
            channel: channel(&row.platform, row.workspace, row.channel)?,
            token: row.token,
            requested_by: row.requested_by,
            requested_at: row.requested_at,
            expires_at: row.expires_at,
            command_text: row.command_text,
            command: row.command,
            target: Target {
                service: row.service,
                environment: row.environment,
            },
            risk: Risk::parse(&row.risk).ok_or_else(|| corrupt("risk", &row.risk))?,
            approval: Approval::parse(&row.approval)
                .ok_or_else(|| corrupt("approval", &row.approval))?,
            plan: Plan {
                summary: row.plan_summary,
                details: if row.plan_details.is_empty() {
                    Vec::new()
                } else {
                    row.plan_details.split('\n').map(str::to_string).collect()
                },
                fingerprint: row.plan_fingerprint,
            },
        };
        Ok((action, state))
    }
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    at: DateTime<Utc>,
    event: String,
    platform: String,
    workspace: String,
    channel: String,
    actor: String,
    text: String,
    command: String,
    service: Option<String>,
    environment: Option<String>,
    risk: Option<String>,
    plan: Option<String>,
    token: Option<String>,
    requested_by: Option<String>,
    requested_at: Option<DateTime<Utc>>,
    approved_by: Option<String>,
    approved_at: Option<DateTime<Utc>>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    outcome: String,
    output_sha256: Option<String>,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<AuditEntry, StoreError> {
        Ok(AuditEntry {
            at: row.at,
            event: AuditEvent::parse(&row.event).ok_or_else(|| corrupt("event", &row.event))?,
            channel: channel(&row.platform, row.workspace, row.channel)?,
            actor: row.actor,
            text: row.text,
            command: row.command,
            service: row.service,
            environment: row.environment,
            risk: row.risk,
            plan: row.plan,
            token: row.token,
            requested_by: row.requested_by,
            requested_at: row.requested_at,
            approved_by: row.approved_by,
            approved_at: row.approved_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
            outcome: row.outcome,
            output_sha256: row.output_sha256,
        })
    }
}
