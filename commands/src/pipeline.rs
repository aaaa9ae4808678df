//! The way every command goes through the core: parse once, authorize, dispatch to its handler,
//! mask secrets in the answer, count it.
//!
//! This is the only module that both knows [`Core`] and calls the handlers; the handlers reach
//! the ports through [`Core`] (a bundle of ports and configuration, in `core.rs`) and never call
//! back up into this pipeline.

use crate::access::Asked;
use crate::actions::{AuditEntry, AuditEvent};
use crate::error::UserError;
use crate::grammar::Access;
use crate::handlers::{self, incident::pin};
use crate::incident::IncidentId;
use crate::metrics::Outcome;
use crate::{ChannelRef, Command, CommandError, Core, Invocation, Reply, grammar};

/// A command line read once: what a transport looks at when it must know the command before
/// running it (Slack gives a declaration its own channel), and what [`Core::execute_parsed`]
/// runs without reading the text again.
pub type Parsed = Result<Command, UserError>;

impl Core {
    /// Reads the invocation's text into a command.
    pub fn parse(&self, invocation: &Invocation) -> Parsed {
        grammar::parse(&invocation.text)
    }

    /// Parses, checks access and runs one command. A [`CommandError::User`] or
    /// [`CommandError::Unavailable`] carries the sentence to show; a
    /// [`CommandError::Internal`] must be logged by the caller and answered generically.
    pub async fn execute(&self, invocation: &Invocation) -> Result<Reply, CommandError> {
        self.execute_parsed(invocation, self.parse(invocation))
            .await
    }

    /// Runs a command already parsed from `invocation`'s text.
    ///
    /// `/metrics` counts the command `ok`, `refused` (the user's mistake) or `failed` (an
    /// outage, an internal error, or an operation that ran and failed).
    pub async fn execute_parsed(
        &self,
        invocation: &Invocation,
        parsed: Parsed,
    ) -> Result<Reply, CommandError> {
        let started = std::time::Instant::now();
        let name = parsed
            .as_ref()
            .map_or(crate::metrics::UNREADABLE, Command::name);
        let result = match parsed {
            Ok(command) => self.run(invocation, command).await,
            Err(mistake) => Err(mistake.into()),
        };
        let result = self.masked(result);
        let outcome = match &result {
            Ok(reply) if reply.failed => Outcome::Failed,
            Ok(_) => Outcome::Ok,
            Err(error) => error.outcome(),
        };
        self.metrics.command(name, outcome, started.elapsed());
        result
    }

    /// The incident's card as it is now, for a transport that keeps the card current after a
    /// reply marked [`crate::IncidentEvent::Changed`].
    pub async fn incident_card(&self, id: IncidentId) -> Result<Reply, CommandError> {
        let card = handlers::incident::card_of(self, id).await?;
        Ok(self.redactor.reply(card))
    }

    /// Records a message pinned to (or unpinned from, or edited on) the timeline of the open
    /// incident in `channel`; the incident, if there is one.
    pub async fn pin_message(
        &self,
        channel: &ChannelRef,
        change: pin::PinChange,
        message: &pin::PinnedMessage,
    ) -> Result<Option<IncidentId>, CommandError> {
        pin::record(self, channel, change, message).await
    }

    /// Checks the access a command needs before any handler runs (operations are checked on
    /// their service by their handler, through the same [`crate::access::AccessPolicy::authorize`]).
    async fn run(&self, invocation: &Invocation, command: Command) -> Result<Reply, CommandError> {
        if let Access::Fixed { name, risk } = command.access() {
            let asked = Asked {
                command: name,
                risk,
                target: None,
                doing: format!("use /{name} here"),
            };
            if let Err(denied) = self.access.authorize(invocation, &asked) {
                self.record_denial(invocation, name, &denied.0).await?;
                return Err(CommandError::user(denied.0));
            }
        }
        handlers::dispatch(self, invocation, command).await
    }

    /// Masks secrets in whatever the command answers, its sentences of refusal included.
    fn masked(&self, result: Result<Reply, CommandError>) -> Result<Reply, CommandError> {
        match result {
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

    /// Writes a denial to the audit log.
    async fn record_denial(
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
