//! The ports: the only way the core reaches the outside world.
//!
//! Each is a trait that `warroom-integrations` implements for real (sqlx, AWS, HTTP, argv) and
//! [`crate::fakes`] implements in memory for tests. A handler names only these traits, never an
//! SDK or transport type, which keeps the dependency arrows pointing one way.

mod actions;
mod alerts;
mod cards;
mod clock;
mod ecs;
mod links;
mod notifier;
mod oncall;
mod operations;
mod paging;
mod schedule;
mod ssm;
mod store;
mod tokens;

pub use actions::{ActionStore, AuditFilter};
pub use alerts::{AlertStore, Before, Decision, NoAlerts, Seen, Silence, StoredAlert};
pub use cards::{CardStore, IncidentCard};
pub use clock::{Clock, Pause, SystemClock};
pub use ecs::{EcsChange, EcsPort, EcsState, EcsTarget, split_revision};
pub use links::{NoPages, PageLinks};
pub use notifier::{Mention, Notifier, NotifyError, Recipient};
pub use oncall::{NewOverride, NoOverrides, OverrideStore};
pub use operations::{
    HealthPort, HttpProbe, LogLine, LogPage, LogQuery, LogsPort, OperationError, ProbeResult,
    RunOutput, RunPort,
};
pub use paging::{NoPaging, PagingError, PagingPort};
pub use schedule::{JobOutcome, ScheduleStore};
pub use ssm::{InstanceRun, SsmPort};
pub use store::{IncidentStore, ListFilter, StoreError};
pub use tokens::TokenSource;
