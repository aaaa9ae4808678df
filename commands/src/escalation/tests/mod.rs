//! Escalation and reminders on a manual clock: every scenario steps time forward and runs the
//! due jobs, as the scheduler does, and counts what reached the (fake) chat platform.

use std::sync::Arc;

use chrono::TimeDelta;

use super::{Contact, EscalationPolicy, Outbox, QuietHours, run_due};
use crate::fakes::{FakeNotifier, FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use crate::incident::{EntryKind, IncidentId};
use crate::ports::{Clock, JobOutcome, Mention, Recipient};
use crate::{ChannelRef, Core, Invocation, Platform};

const ONCALL: &str = "slack:S0ONCALL";
const LEAD: &str = "slack:U0LEAD";

struct Pager {
    /// When the test starts, and declares its incident: minutes count from here.
    start: chrono::DateTime<chrono::Utc>,
    core: Core,
    clock: Arc<ManualClock>,
    chat: Arc<FakeNotifier>,
    outbox: Outbox,
}

impl Pager {
    fn new(start: &str) -> Pager {
        let clock = Arc::new(ManualClock::at(start));
        let oncall = [Contact::parse(ONCALL).unwrap().into()];
        let lead = [Contact::parse(LEAD).unwrap().into()];
        let core = Core {
            escalation: EscalationPolicy::defaults(&oncall, &lead),
            ..crate::fakes::core(
                Arc::new(InMemoryStore::default()),
                Arc::new(InMemoryActions::default()),
                Arc::new(FakeRunner::default()),
                clock.clone(),
            )
        };
        let chat = Arc::new(FakeNotifier::default());
        let outbox = Outbox {
            notifiers: vec![(Platform::Slack, chat.clone() as _)],
            cards: None,
        };
        Pager {
            start: clock.now(),
            core,
            clock,
            chat,
            outbox,
        }
    }

    async fn say(&self, actor: &str, text: &str) -> String {
        let inv = Invocation {
            channel: ChannelRef::new(Platform::Slack, "T1", "C1"),
            actor: actor.into(),
            groups: Vec::new(),
            text: text.into(),
        };
        match self.core.execute(&inv).await {
            Ok(reply) => reply.to_plain_text(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    /// Moves the clock to `minutes` after the start and runs what is due, as the scheduler's
    /// tick does.
    async fn at_minute(&self, minutes: i64) -> Vec<JobOutcome> {
        let declared = self.start;
        let now = self.clock.now();
        let target = declared + TimeDelta::minutes(minutes);
        assert!(target >= now, "time only moves forward");
        self.clock.advance(target - now);
        self.tick().await
    }

    async fn tick(&self) -> Vec<JobOutcome> {
        let mut outcomes = Vec::new();
        // A fired level may plan the next one due at once; run until nothing is due.
        loop {
            let done = run_due(&self.core, &self.outbox, "worker-1", 10)
                .await
                .unwrap();
            if done.is_empty() {
                return outcomes;
            }
            outcomes.extend(done.into_iter().map(|(_, r)| r.unwrap()));
        }
    }

    /// Who each page mentioned, in order.
    fn pages(&self) -> Vec<Vec<Mention>> {
        let sent = self.chat.sent.lock().unwrap();
        sent.iter()
            .filter(|(to, _, text)| {
                matches!(to, Recipient::Channel(_)) && text.contains("not acknowledged")
            })
            .map(|(_, mentions, _)| mentions.clone())
            .collect()
    }

    async fn entries(&self, kind: EntryKind) -> Vec<String> {
        let timeline = self.core.store.timeline(IncidentId(1)).await.unwrap();
        timeline
            .into_iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.text)
            .collect()
    }
}

fn group(id: &str) -> Mention {
    Mention::Group(id.into())
}

fn user(id: &str) -> Mention {
    Mention::User(id.into())
}

mod claims;
mod handoffs;
mod levels;
mod reminders;
mod schedules;
