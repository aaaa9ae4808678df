//! Recording what happens to an operation: the audit log always, the incident's timeline when
//! an incident is open in the channel (that is what the post-mortem's "actions taken" reads).

use crate::actions::{AuditEntry, AuditEvent};
use crate::incident::{EntryKind, NewEntry};
use crate::{CommandError, Core, Invocation};

/// Who did something, where, by typing what.
pub struct Record<'a> {
    pub core: &'a Core,
    pub inv: &'a Invocation,
    /// The command's name for the audit log.
    pub command: &'a str,
}

impl Record<'_> {
    /// A fresh audit entry for this invocation.
    pub fn entry(&self, event: AuditEvent, outcome: impl Into<String>) -> AuditEntry {
        AuditEntry::new(
            self.core.clock.now(),
            event,
            &self.inv.channel,
            &self.inv.actor,
            &self.inv.text,
            self.command,
            outcome,
        )
    }

    /// Appends to the audit log (the store masks secrets: see [`crate::redact::Redacting`]).
    pub async fn audit(&self, entry: AuditEntry) -> Result<(), CommandError> {
        Ok(self.core.actions.audit(&entry).await?)
    }

    /// Appends to the open incident's timeline in this channel, if there is one.
    pub async fn timeline(&self, text: String) -> Result<(), CommandError> {
        if let Some(incident) = self.core.store.open_in_channel(&self.inv.channel).await? {
            let entry = NewEntry::new(
                self.core.clock.now(),
                &self.inv.actor,
                EntryKind::Action,
                text,
            );
            self.core.store.append(incident.id, &[entry]).await?;
        }
        Ok(())
    }

    /// Audits a refused confirm or cancel and returns the sentence as the user's error.
    pub async fn refuse(&self, entry: AuditEntry) -> CommandError {
        let sentence = entry.outcome.clone();
        match self.audit(entry).await {
            Ok(()) => CommandError::user(sentence),
            Err(e) => e,
        }
    }
}
