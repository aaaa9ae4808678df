//! In-memory fakes of the ports, for tests of the core and of code built on it.
//!
//! The fake store keeps the same rules as the real ones (one open incident per channel,
//! versioned updates, append-only timeline), so a handler test that passes here means the same
//! against SQLite and Postgres; the store tests in `warroom-integrations` check the real ones.

mod invocation;
mod notifier;
mod oncall;
mod paging;
mod platforms;
mod schedule;

use std::sync::Mutex;

pub use invocation::console_invocation;
pub use notifier::FakeNotifier;
pub use oncall::InMemoryOverrides;
pub use paging::FakePaging;
pub use platforms::{FakeEcs, FakeHealth, FakeLogs, FakeRunner, FakeSsm};
pub use schedule::InMemorySchedule;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use crate::ChannelRef;
use crate::actions::{AuditEntry, Claim, PendingAction, PendingState};
use crate::incident::{Incident, IncidentId, NewEntry, NewIncident, Status, TimelineEntry};
use crate::ports::{
    ActionStore, AuditFilter, Clock, IncidentStore, ListFilter, StoreError, TokenSource,
};

/// A clock that moves only when told to.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn at(rfc3339: &str) -> ManualClock {
        let start = DateTime::parse_from_rfc3339(rfc3339)
            .expect("ManualClock::at takes an RFC 3339 time")
            .with_timezone(&Utc);
        ManualClock(Mutex::new(start))
    }

    pub fn advance(&self, by: TimeDelta) {
        *self.0.lock().unwrap() += by;
    }
}

/// Pausing on a manual clock moves it forward at once: a follow-up that polls for minutes
/// finishes in a test without sleeping.
#[async_trait]
impl crate::ports::Pause for ManualClock {
    async fn pause(&self, duration: std::time::Duration) {
        self.advance(TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

#[derive(Default)]
struct State {
    incidents: Vec<Incident>,
    entries: Vec<TimelineEntry>,
    /// While set, every call answers this outage, as a read-only or unreachable database does.
    down: Option<String>,
}

impl State {
    fn push_entries(&mut self, id: IncidentId, entries: &[NewEntry]) {
        for e in entries {
            let seq = self.entries.len() as i64 + 1;
            self.entries.push(TimelineEntry {
                seq,
                incident: id,
                at: e.at,
                actor: e.actor.clone(),
                kind: e.kind,
                text: e.text.clone(),
                from: e.from.clone(),
                to: e.to.clone(),
            });
        }
    }

    fn open_in(&self, channel: &ChannelRef) -> Option<&Incident> {
        self.incidents
            .iter()
            .find(|i| &i.channel == channel && i.status.is_open())
    }
}

/// An incident store in memory.
#[derive(Default)]
pub struct InMemoryStore(Mutex<State>);

impl InMemoryStore {
    /// Makes every call answer [`StoreError::Unavailable`] with `sentence`, or (`None`) work
    /// again.
    pub fn set_down(&self, sentence: Option<&str>) {
        self.0.lock().unwrap().down = sentence.map(str::to_string);
    }

    /// The state, unless the store is scripted down.
    fn up(&self) -> Result<std::sync::MutexGuard<'_, State>, StoreError> {
        let state = self.0.lock().unwrap();
        match &state.down {
            Some(sentence) => Err(StoreError::Unavailable(sentence.clone())),
            None => Ok(state),
        }
    }
}

#[async_trait]
impl IncidentStore for InMemoryStore {
    async fn declare(&self, new: NewIncident, entry: NewEntry) -> Result<Incident, StoreError> {
        let mut state = self.up()?;
        if let Some(open) = state.open_in(&new.channel) {
            return Err(StoreError::ChannelBusy(open.id));
        }
        let incident = Incident {
            id: IncidentId(state.incidents.len() as i64 + 1),
            channel: new.channel,
            title: new.title,
            severity: new.severity,
            status: Status::Investigating,
            lead: None,
            declared_by: new.declared_by,
            declared_at: new.declared_at,
            acknowledged_by: None,
            acknowledged_at: None,
            resolved_at: None,
            summary: None,
            version: 1,
        };
        state.incidents.push(incident.clone());
        state.push_entries(incident.id, &[entry]);
        Ok(incident)
    }

    async fn update(
        &self,
        changed: &Incident,
        entries: &[NewEntry],
    ) -> Result<Incident, StoreError> {
        let mut state = self.up()?;
        if changed.status.is_open()
            && let Some(open) = state.open_in(&changed.channel)
            && open.id != changed.id
        {
            return Err(StoreError::ChannelBusy(open.id));
        }
        let stored = state
            .incidents
            .iter_mut()
            .find(|i| i.id == changed.id)
            .ok_or(StoreError::NotFound(changed.id))?;
        if stored.version != changed.version {
            return Err(StoreError::Conflict(changed.id));
        }
        *stored = Incident {
            version: changed.version + 1,
            ..changed.clone()
        };
        let updated = stored.clone();
        state.push_entries(changed.id, entries);
        Ok(updated)
    }

    async fn append(&self, id: IncidentId, entries: &[NewEntry]) -> Result<(), StoreError> {
        let mut state = self.up()?;
        let stored = state
            .incidents
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or(StoreError::NotFound(id))?;
        stored.version += 1;
        state.push_entries(id, entries);
        Ok(())
    }

    async fn get(&self, id: IncidentId) -> Result<Option<Incident>, StoreError> {
        let state = self.up()?;
        Ok(state.incidents.iter().find(|i| i.id == id).cloned())
    }

    async fn open_in_channel(&self, channel: &ChannelRef) -> Result<Option<Incident>, StoreError> {
        Ok(self.up()?.open_in(channel).cloned())
    }

    async fn latest_in_channel(
        &self,
        channel: &ChannelRef,
    ) -> Result<Option<Incident>, StoreError> {
        let state = self.up()?;
        Ok(state
            .incidents
            .iter()
            .rev()
            .find(|i| &i.channel == channel)
            .cloned())
    }

    async fn list(&self, filter: ListFilter, limit: u32) -> Result<Vec<Incident>, StoreError> {
        let state = self.up()?;
        Ok(state
            .incidents
            .iter()
            .rev()
            .filter(|i| filter == ListFilter::All || i.status.is_open())
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn timeline(&self, id: IncidentId) -> Result<Vec<TimelineEntry>, StoreError> {
        let state = self.up()?;
        let mut entries: Vec<TimelineEntry> = state
            .entries
            .iter()
            .filter(|e| e.incident == id)
            .cloned()
            .collect();
        entries.sort_by_key(|e| (e.at, e.seq));
        Ok(entries)
    }
}

/// Pending actions and the audit log in memory, with the same claim rule as the database:
/// only a pending action can be claimed, once.
#[derive(Default)]
pub struct InMemoryActions {
    pending: Mutex<Vec<(PendingAction, PendingState)>>,
    audit: Mutex<Vec<AuditEntry>>,
}

impl InMemoryActions {
    /// Every audit entry so far, oldest first.
    pub fn audit_entries(&self) -> Vec<AuditEntry> {
        self.audit.lock().unwrap().clone()
    }
}

#[async_trait]
impl ActionStore for InMemoryActions {
    async fn create_pending(&self, action: &PendingAction) -> Result<(), StoreError> {
        self.pending
            .lock()
            .unwrap()
            .push((action.clone(), PendingState::Pending));
        Ok(())
    }

    async fn pending(
        &self,
        token: &str,
    ) -> Result<Option<(PendingAction, PendingState)>, StoreError> {
        Ok(self
            .pending
            .lock()
            .unwrap()
            .iter()
            .find(|(p, _)| p.token == token)
            .cloned())
    }

    async fn claim(&self, token: &str, to: &PendingState) -> Result<Claim, StoreError> {
        let mut all = self.pending.lock().unwrap();
        let (_, state) = all
            .iter_mut()
            .find(|(p, _)| p.token == token)
            .ok_or_else(|| StoreError::Internal(format!("no pending action {token}")))?;
        if *state != PendingState::Pending {
            return Ok(Claim::Lost(state.clone()));
        }
        *state = to.clone();
        Ok(Claim::Won)
    }

    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.audit.lock().unwrap().push(entry.clone());
        Ok(())
    }

    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(self
            .audit
            .lock()
            .unwrap()
            .iter()
            .filter(|e| filter.since.is_none_or(|s| e.at >= s))
            .filter(|e| {
                filter
                    .service
                    .as_ref()
                    .is_none_or(|s| e.service.as_ref() == Some(s))
            })
            .cloned()
            .collect())
    }
}

/// Tokens `tok1`, `tok2`, ... so tests can type them.
#[derive(Default)]
pub struct SequenceTokens(Mutex<u32>);

impl TokenSource for SequenceTokens {
    fn token(&self) -> String {
        let mut n = self.0.lock().unwrap();
        *n += 1;
        format!("tok{n}")
    }
}

/// A core on in-memory ports, with the incidents-only policy and no services, its stores
/// redacting as a running warroom's do; tests replace the fields they are about.
pub fn core(
    store: std::sync::Arc<InMemoryStore>,
    actions: std::sync::Arc<InMemoryActions>,
    runner: std::sync::Arc<FakeRunner>,
    clock: std::sync::Arc<ManualClock>,
) -> crate::Core {
    use std::sync::Arc;
    crate::Core {
        store,
        actions,
        pause: clock.clone(),
        clock,
        tokens: Arc::new(SequenceTokens::default()),
        runner,
        policy: crate::incident::SeverityPolicy::default(),
        redactor: Default::default(),
        metrics: Default::default(),
        ssm: Arc::new(FakeSsm::default()),
        logs: Arc::new(FakeLogs::default()),
        ecs: Arc::new(FakeEcs::default()),
        health: Arc::new(FakeHealth::default()),
        access: crate::access::AccessPolicy::incidents_only(),
        services: Default::default(),
        schedule: Arc::new(InMemorySchedule::default()),
        escalation: Default::default(),
        pages: Arc::new(crate::ports::NoPages),
        alerts: crate::alerts::Desk::none(),
        oncall: crate::oncall::Roster {
            schedules: Default::default(),
            overrides: Arc::new(InMemoryOverrides::default()),
        },
        paging: Arc::new(FakePaging::default()),
    }
    .redacting()
}
