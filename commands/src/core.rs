//! The entry point transports call: text in, [`Reply`] out.

use std::sync::Arc;

use crate::access::{AccessPolicy, Decision, Request};
use crate::actions::{AuditEntry, AuditEvent};
use crate::grammar::Access;
use crate::incident::SeverityPolicy;
use crate::ports::{
    ActionStore, Clock, EcsPort, HealthPort, IncidentStore, LogsPort, Pause, RunPort, SsmPort,
    TokenSource,
};
use crate::redact::{Redacting, Redactor};
use crate::services::ServiceCatalog;
use crate::{CommandError, Invocation, Reply, grammar, handlers};

/// The core with its ports and configuration wired in. Cheap to share: transports hold one and
/// call [`Core::execute`] for every invocation.
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

    /// Parses, checks access and runs one command. A [`CommandError::User`] or
    /// [`CommandError::Unavailable`] carries the sentence to show; a
    /// [`CommandError::Internal`] must be logged by the caller and answered generically.
    ///
    /// `/metrics` counts the command `ok`, `refused` (the user's mistake) or `failed` (an
    /// outage, an internal error, or an operation that ran and failed).
    pub async fn execute(&self, invocation: &Invocation) -> Result<Reply, CommandError> {
        let started = std::time::Instant::now();
        let name = grammar::parse(&invocation.text).map_or("unreadable", |c| c.name());
        let result = self.answer(invocation).await;
        let outcome = match &result {
            Ok(reply) if reply.failed => crate::metrics::Outcome::Failed,
            Ok(_) => crate::metrics::Outcome::Ok,
            Err(error) => error.outcome(),
        };
        self.metrics.command(name, outcome, started.elapsed());
        result
    }

    async fn answer(&self, invocation: &Invocation) -> Result<Reply, CommandError> {
        match self.run(invocation).await {
            Ok(reply) => Ok(self.redactor.reply(reply)),
            Err(CommandError::User(mut err)) => {
                err.message = self.redactor.redact(&err.message);
                Err(CommandError::User(err))
            }
            Err(CommandError::Unavailable(mut err)) => {
                err.message = self.redactor.redact(&err.message);
                Err(CommandError::Unavailable(err))
            }
            Err(internal) => Err(internal),
        }
    }

    /// The incident's card as it is now, for a transport that keeps the card current after a
    /// reply marked [`crate::IncidentEvent::Changed`].
    pub async fn incident_card(
        &self,
        id: crate::incident::IncidentId,
    ) -> Result<Reply, CommandError> {
        let card = handlers::incident::card_of(self, id).await?;
        Ok(self.redactor.reply(card))
    }

    /// Records a message pinned to (or unpinned from, or edited on) the timeline of the open
    /// incident in `channel`; the incident, if there is one.
    pub async fn pin_message(
        &self,
        channel: &crate::ChannelRef,
        change: handlers::incident::pin::PinChange,
        message: &handlers::incident::pin::PinnedMessage,
    ) -> Result<Option<crate::incident::IncidentId>, CommandError> {
        handlers::incident::pin::record(self, channel, change, message).await
    }

    async fn run(&self, invocation: &Invocation) -> Result<Reply, CommandError> {
        let command = grammar::parse(&invocation.text)?;
        if let Access::Fixed { name, risk } = command.access() {
            let actor = invocation.actor();
            let decision = self.access.decide(&Request {
                actor: &actor,
                channel: &invocation.channel,
                command: name,
                risk,
                target: None,
            });
            if let Decision::Deny { roles } = decision {
                let sentence = denial(&roles, &format!("use /{name} here"));
                self.record_denial(invocation, name, &sentence).await?;
                return Err(CommandError::user(sentence));
            }
        }
        handlers::dispatch(self, invocation, command).await
    }

    /// Writes a denial to the audit log.
    pub(crate) async fn record_denial(
        &self,
        inv: &Invocation,
        command: &str,
        sentence: &str,
    ) -> Result<(), CommandError> {
        let entry = AuditEntry::new(
            self.clock.now(),
            AuditEvent::Denied,
            &inv.channel,
            &inv.actor,
            &inv.text,
            command,
            sentence,
        );
        Ok(self.actions.audit(&entry).await?)
    }
}

/// The sentence for a denial: which roles would have been allowed, or that none would.
pub(crate) fn denial(roles: &[String], what: &str) -> String {
    match roles {
        [] => format!(
            "You may not {what}: no role is allowed to in this channel. Ask the warroom operators to grant it in [access]."
        ),
        [one] => format!("You may not {what}: it needs the `{one}` role. Ask someone who has it."),
        many => format!(
            "You may not {what}: it needs one of the roles {}. Ask someone who has one.",
            many.iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
