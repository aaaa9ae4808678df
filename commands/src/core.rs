//! The core's ports and configuration in one bundle: what every handler reaches the outside
//! world and the settings through. The way a command goes through them is `pipeline.rs`; this
//! module imports no handler, so handlers can depend on it without a cycle.

use std::sync::Arc;

use crate::access::AccessPolicy;
use crate::incident::SeverityPolicy;
use crate::ports::{
    ActionStore, Clock, EcsPort, HealthPort, IncidentStore, LogsPort, Pause, RunPort, SsmPort,
    TokenSource,
};
use crate::redact::{Redacting, Redactor};
use crate::services::ServiceCatalog;

/// The core with its ports and configuration wired in. Cheap to share: transports hold one and
/// call [`Core::execute`] (in `pipeline.rs`) for every invocation.
#[derive(Clone)]
pub struct Core {
    pub store: Arc<dyn IncidentStore>,
    pub actions: Arc<dyn ActionStore>,
    pub clock: Arc<dyn Clock>,
    /// How follow-ups wait between polls.
    pub pause: Arc<dyn Pause>,
    pub tokens: Arc<dyn TokenSource>,
    pub runner: Arc<dyn RunPort>,
    pub health: Arc<dyn HealthPort>,
    pub ecs: Arc<dyn EcsPort>,
    pub logs: Arc<dyn LogsPort>,
    pub ssm: Arc<dyn SsmPort>,
    pub policy: SeverityPolicy,
    pub access: AccessPolicy,
    pub services: ServiceCatalog,
    /// Masks secrets in everything a reply shows; [`Core::redacting`] has the stores use it too.
    pub redactor: Redactor,
    /// Counts commands and refusals for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Due escalations and reminders, as rows.
    pub schedule: Arc<dyn crate::ports::ScheduleStore>,
    /// Who is paged when, per severity, and the weekly digest.
    pub escalation: crate::escalation::EscalationPolicy,
    /// Signed links to the incident pages, for replies that point at them.
    pub pages: Arc<dyn crate::ports::PageLinks>,
    /// Where alerts are kept and how they are routed.
    pub alerts: crate::alerts::Desk,
    /// Who is on call: the schedules and their overrides.
    pub oncall: crate::oncall::Roster,
    /// Hands incidents to paging providers (PagerDuty, Opsgenie) and keeps them in step.
    pub paging: Arc<dyn crate::ports::PagingPort>,
}

impl Core {
    /// This core with its incident and action stores masking secrets in everything written to
    /// them (see [`Redacting`]): how a running warroom is built, so that pages, post-mortems,
    /// the audit log and cards redrawn from the store never show a secret.
    pub fn redacting(mut self) -> Core {
        self.store = Arc::new(Redacting::new(self.store, self.redactor.clone()));
        self.actions = Arc::new(Redacting::new(self.actions, self.redactor.clone()));
        self
    }
}
