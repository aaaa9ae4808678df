//! The incident store's contract, and the schedule's claims, checked against SQLite and
//! Postgres alike.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use warroom_commands::incident::{
    EntryKind, Incident, IncidentId, NewEntry, NewIncident, Severity, Status,
};
use warroom_commands::ports::{IncidentStore, ListFilter, StoreError};
use warroom_commands::{ChannelRef, Platform};
use warroom_integrations::Store;
use warroom_tests::both_backends;
use warroom_tests::db::TestDb;

fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T03:00:00.123456Z")
        .unwrap()
        .with_timezone(&Utc)
        + TimeDelta::minutes(minutes)
}

fn channel(name: &str) -> ChannelRef {
    ChannelRef {
        platform: Platform::Slack,
        workspace: "T1".into(),
        channel: name.into(),
    }
}

async fn declare(store: &Store, chan: &str, title: &str) -> Result<Incident, StoreError> {
    store
        .declare(
            NewIncident {
                channel: channel(chan),
                title: title.into(),
                severity: Severity::P1,
                declared_by: "U1".into(),
                declared_at: t(0),
            },
            NewEntry::new(
                t(0),
                "U1",
                EntryKind::Declared,
                format!("declared P1: {title}"),
            )
            .change(None, "p1"),
        )
        .await
}

both_backends!(
    declared_incident_reads_back_with_exact_times,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let declared = declare(&store, "C1", "checkout 502").await.unwrap();
        assert_eq!(declared.id, IncidentId(1));
        assert_eq!(declared.status, Status::Investigating);
        assert_eq!(declared.version, 1);
        let read = store.get(declared.id).await.unwrap().unwrap();
        assert_eq!(read, declared);
        assert_eq!(
            read.declared_at,
            t(0),
            "microseconds survive the round trip"
        );
        let timeline = store.timeline(declared.id).await.unwrap();
        assert_eq!(timeline.len(), 1);
        assert_eq!(timeline[0].kind, EntryKind::Declared);
        assert_eq!(timeline[0].to.as_deref(), Some("p1"));
        assert_eq!(timeline[0].at, t(0));
    }
);

both_backends!(
    one_open_incident_per_channel_even_when_declarations_race,
    |db: TestDb| async move {
        let store = Arc::new(Store::open(&db.url).await.unwrap());
        let mut tasks = Vec::new();
        for n in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                declare(&store, "C1", &format!("race {n}")).await
            }));
        }
        let mut won = Vec::new();
        let mut busy = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(incident) => won.push(incident.id),
                Err(StoreError::ChannelBusy(_)) => busy += 1,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(won.len(), 1, "exactly one declaration wins");
        assert_eq!(busy, 7);
        let open = store.list(ListFilter::Open, 50).await.unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(
            store.timeline(won[0]).await.unwrap().len(),
            1,
            "losers left no timeline entries behind"
        );
        declare(&store, "C2", "elsewhere")
            .await
            .expect("another channel is free");
    }
);

both_backends!(
    stale_update_is_refused_and_writes_nothing,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let read = declare(&store, "C1", "api down").await.unwrap();
        let mut first = read.clone();
        first.severity = Severity::P2;
        let entry = NewEntry::new(t(1), "U2", EntryKind::SeverityChanged, "severity P1 → P2")
            .change(Some("p1".into()), "p2");
        let updated = store.update(&first, &[entry]).await.unwrap();
        assert_eq!(updated.version, 2);
        assert_eq!(updated.severity, Severity::P2);

        let mut stale = read.clone();
        stale.lead = Some("U3".into());
        let entry = NewEntry::new(t(2), "U3", EntryKind::LeadAssigned, "lead set to U3");
        assert_eq!(
            store.update(&stale, &[entry]).await,
            Err(StoreError::Conflict(read.id))
        );
        let now = store.get(read.id).await.unwrap().unwrap();
        assert_eq!(now.lead, None);
        assert_eq!(store.timeline(read.id).await.unwrap().len(), 2);

        let mut ghost = read.clone();
        ghost.id = IncidentId(99);
        assert_eq!(
            store.update(&ghost, &[]).await,
            Err(StoreError::NotFound(IncidentId(99)))
        );
    }
);

both_backends!(
    reopening_into_a_busy_channel_is_refused,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let first = declare(&store, "C1", "first").await.unwrap();
        let mut resolved = first.clone();
        resolved.status = Status::Resolved;
        resolved.resolved_at = Some(t(5));
        let resolved = store
            .update(
                &resolved,
                &[NewEntry::new(t(5), "U1", EntryKind::Resolved, "resolved")],
            )
            .await
            .unwrap();
        assert_eq!(resolved.resolved_at, Some(t(5)));
        let second = declare(&store, "C1", "second").await.unwrap();

        let mut reopened = resolved.clone();
        reopened.status = Status::Investigating;
        reopened.resolved_at = None;
        let entry = NewEntry::new(t(6), "U1", EntryKind::Reopened, "reopened");
        assert_eq!(
            store.update(&reopened, &[entry]).await,
            Err(StoreError::ChannelBusy(second.id))
        );
        assert_eq!(store.timeline(first.id).await.unwrap().len(), 2);
        let latest = store
            .latest_in_channel(&channel("C1"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(latest.id, second.id);
        assert_eq!(store.list(ListFilter::Open, 50).await.unwrap().len(), 1);
        let all = store.list(ListFilter::All, 50).await.unwrap();
        assert_eq!(
            all.iter().map(|i| i.id).collect::<Vec<_>>(),
            [second.id, first.id],
            "newest first"
        );
    }
);

both_backends!(
    timeline_is_append_only_and_ordered,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let incident = declare(&store, "C1", "api down").await.unwrap();
        let notes: Vec<NewEntry> = (1..=3)
            .map(|n| NewEntry::new(t(n), "U2", EntryKind::Note, format!("note {n}")))
            .collect();
        store.append(incident.id, &notes).await.unwrap();
        let timeline = store.timeline(incident.id).await.unwrap();
        let texts: Vec<&str> = timeline.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            ["declared P1: api down", "note 1", "note 2", "note 3"]
        );
        assert_eq!(store.get(incident.id).await.unwrap().unwrap().version, 2);
        assert_eq!(
            store.append(IncidentId(42), &notes).await,
            Err(StoreError::NotFound(IncidentId(42)))
        );

        // Even SQL typed by hand cannot rewrite history.
        warroom_tests::db::assert_append_only(&store, "timeline_entries").await;
        assert_eq!(store.timeline(incident.id).await.unwrap(), timeline);
    }
);

both_backends!(
    data_survives_a_restart_and_migrations_run_once,
    |db: TestDb| async move {
        let store = Store::connect(&db.url).await.unwrap();
        assert_eq!(store.migrate().await.unwrap(), 12);
        let incident = declare(&store, "C1", "persisted").await.unwrap();
        store.close().await;

        let again = Store::connect(&db.url).await.unwrap();
        assert_eq!(again.migrate().await.unwrap(), 0, "nothing left to apply");
        assert_eq!(again.get(incident.id).await.unwrap(), Some(incident));
    }
);

both_backends!(
    an_incident_card_is_saved_moved_and_found_per_platform,
    |db: TestDb| async move {
        use warroom_commands::ports::{CardStore, IncidentCard};
        let store = Store::open(&db.url).await.unwrap();
        let incident = declare(&store, "C1", "checkout 502").await.unwrap();
        assert_eq!(
            store.card(incident.id, Platform::Slack).await.unwrap(),
            None
        );
        let mut card = IncidentCard {
            incident: incident.id,
            channel: channel("C1"),
            message: "1700000000.000001".into(),
            own_channel: false,
        };
        store.save_card(&card).await.unwrap();
        assert_eq!(
            store.card(incident.id, Platform::Slack).await.unwrap(),
            Some(card.clone())
        );
        card.channel.channel = "C0INC7".into();
        card.message = "1700000000.000099".into();
        card.own_channel = true;
        store.save_card(&card).await.unwrap();
        assert_eq!(
            store.card(incident.id, Platform::Slack).await.unwrap(),
            Some(card)
        );
        assert_eq!(
            store.card(incident.id, Platform::Discord).await.unwrap(),
            None
        );
    }
);

both_backends!(
    a_claim_is_held_only_by_its_worker_and_only_until_its_lease_runs_out,
    |db: TestDb| async move {
        use warroom_commands::escalation::{JobKind, NewJob};
        use warroom_commands::ports::ScheduleStore;
        let store = Store::open(&db.url).await.unwrap();
        let incident = declare(&store, "C1", "fenced").await.unwrap();
        let level = |level| NewJob {
            kind: JobKind::Escalate,
            incident: Some(incident.id),
            severity: Some(Severity::P1),
            level,
            due: t(0),
        };
        store.schedule(&level(0)).await.unwrap();
        let lease = TimeDelta::seconds(30);
        let claimed = store.claim(t(0), "a", lease, 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        let id = claimed[0].id;
        assert!(!claimed[0].firing);
        assert!(!store.hold(id, "b", t(0), lease).await.unwrap(), "not b's");
        // Renewed just before its end, the claim holds 30 s from then.
        let almost = t(0) + TimeDelta::seconds(29);
        assert!(store.hold(id, "a", almost, lease).await.unwrap());
        let renewed_end = almost + lease;
        assert!(
            store
                .claim(renewed_end - TimeDelta::seconds(1), "b", lease, 10)
                .await
                .unwrap()
                .is_empty()
        );
        // Firing records whom it pages: it counts as paged while in flight.
        assert!(
            store
                .firing(id, "a", almost, lease, "slack:S0ONCALL")
                .await
                .unwrap()
        );
        assert_eq!(store.paged(incident.id).await.unwrap(), ["slack:S0ONCALL"]);
        // The next level is planned while this one is claimed: both rows exist.
        store.schedule(&level(1)).await.unwrap();
        assert_eq!(store.pending(Some(incident.id)).await.unwrap().len(), 1);
        // a stops; once the lease ran out a cannot post, and b takes the job over, marked as
        // having fired before.
        assert!(!store.hold(id, "a", renewed_end, lease).await.unwrap());
        let taken = store.claim(renewed_end, "b", lease, 1).await.unwrap();
        assert_eq!((taken[0].id, taken[0].firing), (id, true));
        assert!(!store.hold(id, "a", renewed_end, lease).await.unwrap());
        assert!(store.hold(id, "b", renewed_end, lease).await.unwrap());
        // a's late finish is ignored; b's is the job's end.
        let fired = warroom_commands::ports::JobOutcome::Fired {
            note: "slack:S0ONCALL".into(),
        };
        store.finish(id, "a", renewed_end, &fired).await.unwrap();
        assert!(store.hold(id, "b", renewed_end, lease).await.unwrap());
        store.finish(id, "b", renewed_end, &fired).await.unwrap();
        assert!(!store.hold(id, "b", renewed_end, lease).await.unwrap());
        assert_eq!(store.paged(incident.id).await.unwrap(), ["slack:S0ONCALL"]);
    }
);
