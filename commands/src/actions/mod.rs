//! Operations that change platforms: their plans, the confirmations they wait for, and the
//! audit record of everything requested, refused, confirmed and run.

mod audit;
mod pending;
mod plan;

pub use audit::{AuditEntry, AuditEvent, output_digest};
pub use pending::{Claim, PendingAction, PendingState};
pub use plan::Plan;
