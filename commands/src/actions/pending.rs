//! A confirmation waiting for someone to say yes.
//!
//! It is a row in the database, not state in memory, so it survives a restart and is seen by
//! every replica; claiming it is one conditional update, so exactly one confirm wins.

use chrono::{DateTime, Utc};

use super::Plan;
use crate::ChannelRef;
use crate::access::{Approval, Risk, Target};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAction {
    /// Single-use random token; the only way to confirm or cancel.
    pub token: String,
    pub channel: ChannelRef,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The command as typed; re-parsed at confirmation to rebuild and compare the plan.
    pub command_text: String,
    /// The command's name, for access checks (`run`, `rollback`).
    pub command: String,
    pub target: Target,
    pub risk: Risk,
    pub approval: Approval,
    pub plan: Plan,
}

/// Where a pending action stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingState {
    Pending,
    Confirmed { by: String, at: DateTime<Utc> },
    Cancelled { by: String, at: DateTime<Utc> },
    Expired { at: DateTime<Utc> },
}

impl PendingState {
    pub fn as_str(&self) -> &'static str {
        match self {
            PendingState::Pending => "pending",
            PendingState::Confirmed { .. } => "confirmed",
            PendingState::Cancelled { .. } => "cancelled",
            PendingState::Expired { .. } => "expired",
        }
    }
}

/// The result of trying to move a pending action out of `Pending`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This caller made the change; it alone may act on it.
    Won,
    /// Someone else got there first (or it expired); nothing changed.
    Lost(PendingState),
}
