//! Due work: one row per thing the scheduler will do at a given time.

use chrono::{DateTime, Utc};

use crate::incident::{IncidentId, Severity};

/// What a job does when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Page a level of the severity's policy if the incident is still unacknowledged.
    Escalate,
    /// Remind the channel when no status update was posted for the severity's interval.
    UpdateReminder,
    /// Remind the channel that the post-mortem is due.
    PostmortemDue,
    /// Post the weekly digest of open incidents.
    Digest,
    /// Resolve an incident whose alerts all cleared, when its route says so and none fired
    /// again during the route's quiet period.
    AutoResolve,
    /// Announce who takes over the on-call schedules that hand off now, and tell them what
    /// they inherit; one job for every schedule, due at the next hand-off of any.
    Handoff,
}

impl JobKind {
    pub const ALL: [JobKind; 6] = [
        JobKind::Escalate,
        JobKind::UpdateReminder,
        JobKind::PostmortemDue,
        JobKind::Digest,
        JobKind::AutoResolve,
        JobKind::Handoff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Escalate => "escalate",
            JobKind::UpdateReminder => "update-reminder",
            JobKind::PostmortemDue => "postmortem-due",
            JobKind::Digest => "digest",
            JobKind::AutoResolve => "auto-resolve",
            JobKind::Handoff => "handoff",
        }
    }

    pub fn parse(text: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A job to store. At most one is pending per incident and kind: scheduling another replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: JobKind,
    /// `None` for the digest, which is about every open incident.
    pub incident: Option<IncidentId>,
    /// The severity the job was planned for; an escalation planned for another severity than
    /// the incident has now stands down.
    pub severity: Option<Severity>,
    /// The policy level an escalation pages.
    pub level: u32,
    pub due: DateTime<Utc>,
}

/// A job as stored and claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub incident: Option<IncidentId>,
    pub severity: Option<Severity>,
    pub level: u32,
    pub due: DateTime<Utc>,
    /// An earlier claim got as far as firing it (see [`crate::ports::ScheduleStore::firing`])
    /// and then stopped or failed to post: the next level was planned then, and its page may
    /// have gone out.
    pub firing: bool,
}
