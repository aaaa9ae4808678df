//! The audit log: an append-only record of every operation requested, refused, confirmed,
//! cancelled and run, and of every denial, kept apart from incidents so it exists even when no
//! incident is open.

use chrono::{DateTime, Utc};

use crate::ChannelRef;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    /// The policy said no.
    Denied,
    /// A plan was shown with `--dry-run`; nothing ran.
    DryRun,
    /// A confirmation was requested.
    Requested,
    /// A confirm or cancel was refused (unknown, expired, wrong channel, same person, ...).
    Refused,
    Cancelled,
    Expired,
    /// The operation ran and succeeded.
    Succeeded,
    /// The operation ran and failed, or could not start.
    Failed,
}

impl AuditEvent {
    pub const ALL: [AuditEvent; 8] = [
        AuditEvent::Denied,
        AuditEvent::DryRun,
        AuditEvent::Requested,
        AuditEvent::Refused,
        AuditEvent::Cancelled,
        AuditEvent::Expired,
        AuditEvent::Succeeded,
        AuditEvent::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditEvent::Denied => "denied",
            AuditEvent::DryRun => "dry-run",
            AuditEvent::Requested => "requested",
            AuditEvent::Refused => "refused",
            AuditEvent::Cancelled => "cancelled",
            AuditEvent::Expired => "expired",
            AuditEvent::Succeeded => "succeeded",
            AuditEvent::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<AuditEvent> {
        AuditEvent::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub event: AuditEvent,
    pub channel: ChannelRef,
    /// Who typed the command or clicked the button.
    pub actor: String,
    /// The text as typed.
    pub text: String,
    /// The parsed command's name (`run`, `confirm`, `incident`).
    pub command: String,
    pub service: Option<String>,
    pub environment: Option<String>,
    pub risk: Option<String>,
    pub plan: Option<String>,
    pub token: Option<String>,
    pub requested_by: Option<String>,
    pub requested_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// One line: the outcome, or why it was refused.
    pub outcome: String,
    /// SHA-256 of the operation's output, so a later copy can be checked against the record.
    pub output_sha256: Option<String>,
}

impl AuditEntry {
    /// An entry with only the who/where/what filled in.
    pub fn new(
        at: DateTime<Utc>,
        event: AuditEvent,
        channel: &ChannelRef,
        actor: &str,
        text: &str,
        command: &str,
        outcome: impl Into<String>,
    ) -> AuditEntry {
        AuditEntry {
            at,
            event,
            channel: channel.clone(),
            actor: actor.to_string(),
            text: text.to_string(),
            command: command.to_string(),
            service: None,
            environment: None,
            risk: None,
            plan: None,
            token: None,
            requested_by: None,
            requested_at: None,
            approved_by: None,
            approved_at: None,
            started_at: None,
            finished_at: None,
            outcome: outcome.into(),
            output_sha256: None,
        }
    }
}

/// Hex SHA-256 of an operation's output.
pub fn output_digest(output: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(output.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl AuditEntry {
    /// Adds what the operation is about.
    pub fn about(
        self,
        target: &crate::access::Target,
        risk: crate::access::Risk,
        plan: &super::Plan,
    ) -> AuditEntry {
        let mut entry = self.aimed_at(target, risk);
        entry.plan = Some(plan.to_text());
        entry
    }

    /// Adds where the operation was aimed and at which risk, for a request refused before any
    /// plan was made.
    pub fn aimed_at(
        mut self,
        target: &crate::access::Target,
        risk: crate::access::Risk,
    ) -> AuditEntry {
        self.service = Some(target.service.clone());
        self.environment = Some(target.environment.clone());
        self.risk = Some(risk.as_str().to_string());
        self
    }

    /// Adds the pending confirmation's token and who asked for it, when.
    pub fn requested(mut self, token: &str, by: &str, at: DateTime<Utc>) -> AuditEntry {
        self.token = Some(token.to_string());
        self.requested_by = Some(by.to_string());
        self.requested_at = Some(at);
        self
    }
}
