//! The incident domain: what an incident is, how it moves, and what it records.

mod model;
mod severity;
mod status;
mod targets;
mod timeline;

pub use model::{Incident, IncidentId, NewIncident};
pub use severity::Severity;
pub use status::Status;
pub use targets::{SeverityPolicy, SeverityTargets, Target};
pub use timeline::{EntryKind, NewEntry, TimelineEntry};
