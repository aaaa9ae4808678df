//! The timeline: an append-only record of everything said and done in an incident.
//!
//! Entries are never rewritten or deleted; a correction is a new entry. The store enforces this
//! too (the table refuses UPDATE and DELETE), so the post-mortem matches what happened.

use chrono::{DateTime, Utc};

use super::IncidentId;

/// What kind of event an entry records. Stored by [`EntryKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Declared,
    Acknowledged,
    LeadAssigned,
    SeverityChanged,
    StatusChanged,
    Note,
    FollowUp,
    Resolved,
    Reopened,
    /// An operation requested, confirmed, cancelled or run from the channel.
    Action,
    /// Escalation paged someone because nobody had acknowledged.
    Escalated,
    /// warroom reminded the channel: a status update, the post-mortem, the weekly digest.
    Reminder,
    /// Someone snoozed the status-update reminders.
    Snoozed,
    /// An alert fired, cleared or was acknowledged by its source.
    Alert,
}

impl EntryKind {
    pub const ALL: [EntryKind; 14] = [
        EntryKind::Declared,
        EntryKind::Acknowledged,
        EntryKind::LeadAssigned,
        EntryKind::SeverityChanged,
        EntryKind::StatusChanged,
        EntryKind::Note,
        EntryKind::FollowUp,
        EntryKind::Resolved,
        EntryKind::Reopened,
        EntryKind::Action,
        EntryKind::Escalated,
        EntryKind::Reminder,
        EntryKind::Snoozed,
        EntryKind::Alert,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Declared => "declared",
            EntryKind::Acknowledged => "acknowledged",
            EntryKind::LeadAssigned => "lead",
            EntryKind::SeverityChanged => "severity",
            EntryKind::StatusChanged => "status",
            EntryKind::Note => "note",
            EntryKind::FollowUp => "follow-up",
            EntryKind::Resolved => "resolved",
            EntryKind::Reopened => "reopened",
            EntryKind::Action => "action",
            EntryKind::Escalated => "escalated",
            EntryKind::Reminder => "reminder",
            EntryKind::Snoozed => "snoozed",
            EntryKind::Alert => "alert",
        }
    }

    pub fn parse(text: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// An entry about to be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EntryKind,
    /// What was said or done, in words.
    pub text: String,
    /// The value before a change (severity, status, lead), when the entry is a change.
    pub from: Option<String>,
    /// The value after a change.
    pub to: Option<String>,
}

impl NewEntry {
    pub fn new(
        at: DateTime<Utc>,
        actor: &str,
        kind: EntryKind,
        text: impl Into<String>,
    ) -> NewEntry {
        NewEntry {
            at,
            actor: actor.to_string(),
            kind,
            text: text.into(),
            from: None,
            to: None,
        }
    }

    /// Records a change from one value to another.
    pub fn change(mut self, from: Option<String>, to: impl Into<String>) -> NewEntry {
        self.from = from;
        self.to = Some(to.into());
        self
    }
}

/// An entry as stored, numbered in the order it was appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub seq: i64,
    pub incident: IncidentId,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EntryKind,
    pub text: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl TimelineEntry {
    /// The entry in words, as timelines and post-mortems show it.
    pub fn describe(&self) -> String {
        match self.kind {
            EntryKind::Note => format!("note: {}", self.text),
            EntryKind::FollowUp => format!("follow-up: {}", self.text),
            EntryKind::Resolved if self.text != "resolved" => format!("resolved: {}", self.text),
            _ => self.text.clone(),
        }
    }
}
