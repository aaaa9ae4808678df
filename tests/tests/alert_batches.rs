//! A batch of alerts as the core works it, on SQLite and on Postgres: a group's hundred alerts
//! open one incident and tell its timeline once each, and a batch whose decisions could not be
//! written runs again with every alert decided and on the timeline exactly once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use warroom_commands::alerts::{Alert, Announcement, Desk, Source};
use warroom_commands::fakes::ManualClock;
use warroom_commands::incident::{EntryKind, IncidentId, NewEntry};
use warroom_commands::ports::{
    AlertStore, Decision, IncidentStore, ListFilter, Seen, Silence, StoreError, StoredAlert,
};
use warroom_commands::{CommandError, Core};
use warroom_integrations::Store;
use warroom_tests::alert_desk::alert;
use warroom_tests::both_backends;
use warroom_tests::db::TestDb;
use warroom_tests::escalation::{Pages, START, process_posting_to};

const ROUTE: &str = r#"
[[alerts.routes]]
name = "api"
match = ['service="api"']
channel = "slack:C0INC"
"#;

/// Alert `n` of the `api` group, firing.
fn api(n: usize) -> Alert {
    let instance = format!("api-{n:04}");
    alert(
        &format!("fp{n:04}"),
        "{}:{service=\"api\"}",
        &format!("{instance} 5xx rate is 12%"),
        &[("service", "api"), ("instance", &instance)],
    )
}

fn batch(from: usize) -> Vec<Alert> {
    (from..from + 100).map(api).collect()
}

/// The real store, whose next `decide` fails once when asked to: the database went away
/// between a batch's two transactions.
struct FailsOnce {
    store: Store,
    fail: AtomicBool,
}

#[async_trait]
impl AlertStore for FailsOnce {
    async fn record(&self, alerts: &[Alert], now: DateTime<Utc>) -> Result<Vec<Seen>, StoreError> {
        self.store.record(alerts, now).await
    }
    async fn decide(
        &self,
        decisions: &[Decision],
        timeline: &[(IncidentId, Vec<NewEntry>)],
    ) -> Result<(), StoreError> {
        if self.fail.swap(false, Ordering::SeqCst) {
            return Err(StoreError::Unavailable("the database went away".into()));
        }
        self.store.decide(decisions, timeline).await
    }
    async fn group_incident(
        &self,
        source: Source,
        group: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<IncidentId>, StoreError> {
        self.store.group_incident(source, group, since).await
    }
    async fn of_incident(&self, incident: IncidentId) -> Result<Vec<StoredAlert>, StoreError> {
        self.store.of_incident(incident).await
    }
    async fn find(&self, needle: &str) -> Result<Vec<StoredAlert>, StoreError> {
        self.store.find(needle).await
    }
    async fn silence(&self, silence: &Silence) -> Result<(), StoreError> {
        self.store.silence(silence).await
    }
    async fn unsilence(&self, target: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        self.store.unsilence(target, now).await
    }
    async fn silences(&self, now: DateTime<Utc>) -> Result<Vec<Silence>, StoreError> {
        self.store.silences(now).await
    }
}

/// The alert entries on incident `id`'s timeline.
async fn told(store: &Store, id: IncidentId) -> Vec<String> {
    store
        .timeline(id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EntryKind::Alert)
        .map(|e| e.text)
        .collect()
}

both_backends!(
    a_group_opens_one_incident_and_a_failed_batch_runs_again_once,
    |db: TestDb| async move {
        let clock = Arc::new(ManualClock::at(START));
        let (core, _, store) =
            process_posting_to(&db, Pages::new(&clock, false), &clock, "first", ROUTE).await;

        let done = warroom_commands::alerts::ingest(&core, batch(0))
            .await
            .unwrap();
        assert_eq!(done.stored, 100);
        let incidents = store.list(ListFilter::All, 10).await.unwrap();
        assert_eq!(incidents.len(), 1, "one incident for the group");
        let id = incidents[0].id;
        let cards = done
            .announcements
            .iter()
            .filter(|a| matches!(a, Announcement::Post { .. }))
            .count();
        let redraws = done
            .announcements
            .iter()
            .filter(|a| matches!(a, Announcement::Redraw { incident, .. } if *incident == id))
            .count();
        assert_eq!((cards, redraws), (1, 1), "{:?}", done.announcements);
        assert_eq!(told(&store, id).await.len(), 100);
        let first = store.find("fp0000").await.unwrap();
        assert!(
            first[0].decision.contains("it opened"),
            "{}",
            first[0].decision
        );
        let joined = store.find("fp0099").await.unwrap();
        assert!(
            joined[0]
                .decision
                .contains("because alerts of its group were already in it"),
            "{}",
            joined[0].decision
        );

        // The next batch's decisions cannot be written: its alerts are stored, undecided.
        let failing = Core {
            alerts: Desk {
                store: Arc::new(FailsOnce {
                    store: store.clone(),
                    fail: AtomicBool::new(true),
                }),
                routes: core.alerts.routes.clone(),
            },
            ..core.clone()
        };
        let failed = warroom_commands::alerts::ingest(&failing, batch(100)).await;
        assert!(
            matches!(failed, Err(CommandError::Unavailable(_))),
            "{failed:?}"
        );
        assert_eq!(store.find("fp0150").await.unwrap()[0].decision, "");
        assert_eq!(told(&store, id).await.len(), 100, "nothing half-written");

        // Run again, as the inbox does, and once more as a replay: each alert once.
        for _ in 0..2 {
            warroom_commands::alerts::ingest(&failing, batch(100))
                .await
                .unwrap();
        }
        let entries = told(&store, id).await;
        assert_eq!(entries.len(), 200, "each alert on the timeline once");
        let mut distinct = entries.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 200);
        assert_eq!(store.of_incident(id).await.unwrap().len(), 200);
        assert_eq!(store.list(ListFilter::All, 10).await.unwrap().len(), 1);
    }
);
