//! The alert store's batches, on SQLite and on Postgres: a batch is recorded in order with what
//! was known of each alert before, two replicas recording the same alerts at once agree on who
//! saw each first, and what warroom decided is written with its timeline entries, in order.

use chrono::{DateTime, TimeDelta, Utc};
use warroom_commands::alerts::{Alert, AlertState};
use warroom_commands::incident::{EntryKind, IncidentId, NewEntry, NewIncident, Severity};
use warroom_commands::ports::{AlertStore, Before, Decision, IncidentStore};
use warroom_commands::{ChannelRef, Platform};
use warroom_integrations::Store;
use warroom_tests::alert_desk as desk;
use warroom_tests::both_backends;
use warroom_tests::db::TestDb;

fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-02T03:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + TimeDelta::minutes(minutes)
}

fn alert(key: &str, state: AlertState) -> Alert {
    Alert {
        state,
        name: format!("Alert {key}"),
        starts_at: Some(t(-5)),
        ..desk::alert(
            key,
            "{}:{service=\"api\"}",
            &format!("summary of {key}"),
            &[("service", "api")],
        )
    }
}

fn firing(key: &str) -> Alert {
    alert(key, AlertState::Firing)
}

async fn declare(store: &Store) -> IncidentId {
    let new = NewIncident {
        channel: ChannelRef {
            platform: Platform::Slack,
            workspace: "T1".into(),
            channel: "C0API".into(),
        },
        title: "api errors".into(),
        severity: Severity::P2,
        declared_by: "alertmanager".into(),
        declared_at: t(0),
    };
    let entry = NewEntry::new(t(0), "alertmanager", EntryKind::Declared, "declared P2");
    store.declare(new, entry).await.unwrap().id
}

both_backends!(
    a_batch_is_recorded_in_order_with_what_was_known_before,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let batch = [
            firing("a"),
            firing("b"),
            alert("a", AlertState::Resolved),
            firing("c"),
        ];
        let seen = store.record(&batch, t(0)).await.unwrap();
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[0].before, None);
        assert_eq!(seen[1].before, None);
        assert_eq!(seen[2].id, seen[0].id, "a key sent twice is one row");
        assert_eq!(
            seen[2].before,
            Some(Before {
                state: AlertState::Firing,
                incident: None,
                decided: false
            }),
            "the second sending sees the first"
        );
        assert_eq!(seen[3].before, None);

        // Sent again: every row is known, and `a` is resolved.
        let again = store.record(&batch[..2], t(1)).await.unwrap();
        assert_eq!(again[0].id, seen[0].id);
        assert_eq!(
            again[0].before.as_ref().map(|b| b.state),
            Some(AlertState::Resolved)
        );
        assert_eq!(
            again[1].before.as_ref().map(|b| b.state),
            Some(AlertState::Firing)
        );
        let stored = store.find("b").await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].times_seen, 2);
        assert_eq!(stored[0].alert.summary, "summary of b");
        assert_eq!(stored[0].last_seen, t(1));
    }
);

both_backends!(
    two_replicas_recording_the_same_alerts_agree_on_who_saw_each_first,
    |db: TestDb| async move {
        let first = Store::open(&db.url).await.unwrap();
        let second = Store::open(&db.url).await.unwrap();
        let batch: Vec<Alert> = (0..200).map(|i| firing(&format!("k{i:03}"))).collect();
        let (a, b) = tokio::join!(first.record(&batch, t(0)), second.record(&batch, t(0)));
        let (a, b) = (a.unwrap(), b.unwrap());
        for (i, (a, b)) in a.iter().zip(&b).enumerate() {
            assert_eq!(a.id, b.id, "alert {i} is one row");
            assert!(
                a.before.is_none() != b.before.is_none(),
                "exactly one replica saw alert {i} as new: {a:?} {b:?}"
            );
        }
        let rows = first.find("k000").await.unwrap();
        assert_eq!(rows[0].times_seen, 2);
    }
);

both_backends!(
    decisions_are_written_with_their_timeline_entries_in_order,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let incident = declare(&store).await;
        let batch: Vec<Alert> = (0..150).map(|i| firing(&format!("k{i:03}"))).collect();
        let seen = store.record(&batch, t(1)).await.unwrap();
        let decisions: Vec<Decision> = seen
            .iter()
            .enumerate()
            .map(|(i, s)| Decision {
                id: s.id,
                route: "api".into(),
                incident: (i % 2 == 0).then_some(incident),
                why: format!("decision {i}"),
            })
            .collect();
        let entries: Vec<NewEntry> = (0..75)
            .map(|i| NewEntry::new(t(1), "alertmanager", EntryKind::Alert, format!("entry {i}")))
            .collect();
        let version = store.get(incident).await.unwrap().unwrap().version;
        store
            .decide(&decisions, &[(incident, entries)])
            .await
            .unwrap();

        let joined = store.of_incident(incident).await.unwrap();
        assert_eq!(joined.len(), 75);
        let k002 = store.find("k002").await.unwrap();
        assert_eq!(k002[0].decision, "decision 2");
        assert_eq!(k002[0].incident, Some(incident));
        let k001 = store.find("k001").await.unwrap();
        assert_eq!((k001[0].route.as_str(), k001[0].incident), ("api", None));
        let texts: Vec<String> = store
            .timeline(incident)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == EntryKind::Alert)
            .map(|e| e.text)
            .collect();
        let expected: Vec<String> = (0..75).map(|i| format!("entry {i}")).collect();
        assert_eq!(texts, expected);
        let after = store.get(incident).await.unwrap().unwrap().version;
        assert_eq!(after, version + 1, "one change of the incident per batch");

        // Decided alerts say so when sent again.
        let again = store.record(&batch[..2], t(2)).await.unwrap();
        assert_eq!(
            again[0].before.as_ref().map(|b| (b.decided, b.incident)),
            Some((true, Some(incident)))
        );
    }
);
