//! The stores, with every field that is shown later redacted on the way in.
//!
//! What is stored is shown again in many places: the incident pages (HTML, Markdown, JSON), the
//! post-mortem, `warroom audit`, digests, cards and channel topics redrawn from the incident.
//! Masking once, where the text enters the store, covers all of them and every handler that
//! writes (notes, pins, titles, summaries, actions, escalations), present and future.
//!
//! Pending confirmations are stored as they are: their command text is parsed again at
//! confirmation to rebuild the plan, and no page shows them.

use std::sync::Arc;

use async_trait::async_trait;

use super::Redactor;
use crate::ChannelRef;
use crate::actions::{AuditEntry, Claim, PendingAction, PendingState};
use crate::incident::{Incident, IncidentId, NewEntry, NewIncident, TimelineEntry};
use crate::ports::{ActionStore, AuditFilter, IncidentStore, ListFilter, StoreError};

/// A store that redacts what is written to it.
pub struct Redacting<S: ?Sized> {
    inner: Arc<S>,
    redactor: Redactor,
}

impl<S: ?Sized> Redacting<S> {
    pub fn new(inner: Arc<S>, redactor: Redactor) -> Redacting<S> {
        Redacting { inner, redactor }
    }

    fn entries(&self, entries: &[NewEntry]) -> Vec<NewEntry> {
        entries.iter().map(|e| self.entry(e.clone())).collect()
    }

    fn entry(&self, mut entry: NewEntry) -> NewEntry {
        entry.text = self.redactor.redact(&entry.text);
        self.optional(&mut entry.from);
        self.optional(&mut entry.to);
        entry
    }

    fn optional(&self, text: &mut Option<String>) {
        if let Some(t) = text.as_mut() {
            *t = self.redactor.redact(t);
        }
    }
}

#[async_trait]
impl IncidentStore for Redacting<dyn IncidentStore> {
    async fn declare(
        &self,
        mut incident: NewIncident,
        entry: NewEntry,
    ) -> Result<Incident, StoreError> {
        incident.title = self.redactor.redact(&incident.title);
        self.inner.declare(incident, self.entry(entry)).await
    }

    async fn update(
        &self,
        incident: &Incident,
        entries: &[NewEntry],
    ) -> Result<Incident, StoreError> {
        let mut incident = incident.clone();
        incident.title = self.redactor.redact(&incident.title);
        self.optional(&mut incident.summary);
        self.optional(&mut incident.lead);
        self.inner.update(&incident, &self.entries(entries)).await
    }

    async fn append(&self, id: IncidentId, entries: &[NewEntry]) -> Result<(), StoreError> {
        self.inner.append(id, &self.entries(entries)).await
    }

    async fn get(&self, id: IncidentId) -> Result<Option<Incident>, StoreError> {
        self.inner.get(id).await
    }

    async fn open_in_channel(&self, channel: &ChannelRef) -> Result<Option<Incident>, StoreError> {
        self.inner.open_in_channel(channel).await
    }

    async fn latest_in_channel(
        &self,
        channel: &ChannelRef,
    ) -> Result<Option<Incident>, StoreError> {
        self.inner.latest_in_channel(channel).await
    }

    async fn list(&self, filter: ListFilter, limit: u32) -> Result<Vec<Incident>, StoreError> {
        self.inner.list(filter, limit).await
    }

    async fn timeline(&self, id: IncidentId) -> Result<Vec<TimelineEntry>, StoreError> {
        self.inner.timeline(id).await
    }
}

#[async_trait]
impl ActionStore for Redacting<dyn ActionStore> {
    async fn create_pending(&self, action: &PendingAction) -> Result<(), StoreError> {
        self.inner.create_pending(action).await
    }

    async fn pending(
        &self,
        token: &str,
    ) -> Result<Option<(PendingAction, PendingState)>, StoreError> {
        self.inner.pending(token).await
    }

    async fn claim(&self, token: &str, to: &PendingState) -> Result<Claim, StoreError> {
        self.inner.claim(token, to).await
    }

    /// The audit log is read by more people than the channel.
    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let mut entry = entry.clone();
        entry.text = self.redactor.redact(&entry.text);
        entry.outcome = self.redactor.redact(&entry.outcome);
        self.optional(&mut entry.plan);
        self.inner.audit(&entry).await
    }

    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner.audit_log(filter).await
    }
}
