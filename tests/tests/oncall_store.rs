//! On-call overrides kept in the database, on SQLite and Postgres alike: ids that grow with
//! creation (the later override wins), the overrides that have not ended, a restart, two
//! replicas on one database, and the schema refusing what should never be stored or changed.

use chrono::{DateTime, Utc};
use warroom_commands::oncall::parse;
use warroom_commands::oncall::{
    Contact, Handoff, Layer, Override, Rotation, Schedule, Source, Zone,
};
use warroom_commands::ports::{NewOverride, OverrideStore, StoreError};
use warroom_integrations::Store;
use warroom_tests::both_backends;
use warroom_tests::db::TestDb;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn contact(text: &str) -> Contact {
    Contact::parse(text).unwrap()
}

/// `who` covers `primary` from `from` until `until`, recorded by the lead at 09:30.
fn cover(who: &str, from: &str, until: &str) -> NewOverride {
    NewOverride {
        schedule: "primary".into(),
        who: contact(who),
        from: utc(from),
        until: utc(until),
        by: "U0LEAD".into(),
        reason: "cover".into(),
        at: utc("2026-06-03T09:30:00.123456Z"),
    }
}

/// Alice and Bob weekly from Monday 1 June 2026, 09:00 UTC: Alice's week on 3 June.
fn primary() -> Schedule {
    let every = Rotation::parse("weekly").unwrap();
    Schedule {
        name: "primary".into(),
        zone: Zone::named("UTC").unwrap(),
        layers: vec![Layer {
            name: "weekly".into(),
            members: vec![contact("slack:U0ALICE"), contact("slack:U0BOB")],
            every,
            handoff: Handoff::parse("monday 09:00", every).unwrap(),
            start: parse::start("2026-06-01").unwrap(),
            restriction: None,
        }],
        announce: None,
    }
}

/// Whom `primary` has on call at `at`, given the stored overrides.
fn on_call(at: &str, stored: &[Override]) -> (String, Source) {
    let shift = primary().on_call(utc(at), stored).unwrap();
    (shift.who.to_string(), shift.source)
}

/// Erin's ended override, Carol's afternoon with Dave's two hours on top, and Frank (on
/// Discord) tomorrow; the overrides as stored, in that order.
async fn record_day(store: &Store) -> Vec<Override> {
    let mut stored = Vec::new();
    for new in [
        cover(
            "slack:U0ERIN",
            "2026-06-03T08:00:00Z",
            "2026-06-03T09:00:00Z",
        ),
        cover(
            "slack:U0CAROL",
            "2026-06-03T10:00:00Z",
            "2026-06-03T16:00:00Z",
        ),
        cover(
            "slack:U0DAVE",
            "2026-06-03T12:00:00Z",
            "2026-06-03T14:00:00Z",
        ),
        cover(
            "discord:user:80351110224678912",
            "2026-06-04T09:00:00Z",
            "2026-06-04T18:00:00Z",
        ),
    ] {
        let added = store.add_override(&new).await.unwrap();
        assert_eq!(
            (
                &added.schedule,
                &added.who,
                added.from,
                added.until,
                &added.by
            ),
            (&new.schedule, &new.who, new.from, new.until, &new.by),
            "the override as stored is the one recorded"
        );
        stored.push(added);
    }
    stored
}

/// Runs `sql` by hand, as an operator at a database prompt would.
async fn by_hand(store: &Store, sql: &'static str) -> Result<u64, sqlx::Error> {
    match store {
        Store::Sqlite(pool) => sqlx::query(sql)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
        Store::Postgres(pool) => sqlx::query(sql)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
    }
}

both_backends!(
    the_later_override_wins_and_ended_ones_are_left_out,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let [erin, carol, dave, frank] =
            <[Override; 4]>::try_from(record_day(&store).await).unwrap();
        assert!(
            erin.id < carol.id && carol.id < dave.id && dave.id < frank.id,
            "ids grow with creation: {:?}",
            [erin.id, carol.id, dave.id, frank.id]
        );

        // At 13:00 Erin's has ended; Carol's and Dave's hold, Frank's is still to come.
        let now = store.overrides(utc("2026-06-03T13:00:00Z")).await.unwrap();
        assert_eq!(now, vec![carol.clone(), dave.clone(), frank.clone()]);
        // An override has ended at its `until`, and not a moment before.
        let at_nine = store.overrides(utc("2026-06-03T09:00:00Z")).await.unwrap();
        assert_eq!(at_nine, vec![carol.clone(), dave.clone(), frank.clone()]);
        let just_before = store
            .overrides(utc("2026-06-03T08:59:59.999999Z"))
            .await
            .unwrap();
        assert_eq!(just_before.first(), Some(&erin));
        assert!(
            store
                .overrides(utc("2026-06-04T18:00:00Z"))
                .await
                .unwrap()
                .is_empty()
        );

        // The schedule over what the store gives back: Dave, recorded later, beats Carol.
        assert_eq!(
            on_call("2026-06-03T13:00:00Z", &now),
            (
                "slack:U0DAVE".into(),
                Source::Override {
                    id: dave.id,
                    by: "U0LEAD".into()
                }
            )
        );
        assert_eq!(on_call("2026-06-03T15:00:00Z", &now).0, "slack:U0CAROL");
        assert_eq!(
            on_call("2026-06-03T17:00:00Z", &now),
            ("slack:U0ALICE".into(), Source::Layer("weekly".into()))
        );
        assert_eq!(
            on_call("2026-06-04T10:00:00Z", &now).0,
            "discord:user:80351110224678912"
        );
    }
);

both_backends!(
    overrides_survive_a_restart_and_ids_keep_growing,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let recorded = record_day(&store).await;
        store.close().await;

        let again = Store::open(&db.url).await.unwrap();
        let read = again.overrides(utc("2026-06-03T07:00:00Z")).await.unwrap();
        assert_eq!(read, recorded, "every field, to the microsecond");
        let later = again
            .add_override(&cover(
                "slack:U0GRACE",
                "2026-06-03T12:30:00Z",
                "2026-06-03T13:30:00Z",
            ))
            .await
            .unwrap();
        assert!(recorded.iter().all(|o| o.id < later.id));
        let now = again.overrides(utc("2026-06-03T13:00:00Z")).await.unwrap();
        assert_eq!(on_call("2026-06-03T13:00:00Z", &now).0, "slack:U0GRACE");
    }
);

both_backends!(
    two_replicas_on_one_database_see_each_others_overrides,
    |db: TestDb| async move {
        let one = Store::open(&db.url).await.unwrap();
        let two = Store::open(&db.url).await.unwrap();
        let carol = one
            .add_override(&cover(
                "slack:U0CAROL",
                "2026-06-03T10:00:00Z",
                "2026-06-03T16:00:00Z",
            ))
            .await
            .unwrap();
        let now = utc("2026-06-03T13:00:00Z");
        assert_eq!(two.overrides(now).await.unwrap(), vec![carol.clone()]);

        let dave = two
            .add_override(&cover(
                "slack:U0DAVE",
                "2026-06-03T12:00:00Z",
                "2026-06-03T14:00:00Z",
            ))
            .await
            .unwrap();
        assert!(carol.id < dave.id);
        for replica in [&one, &two] {
            let seen = replica.overrides(now).await.unwrap();
            assert_eq!(seen, vec![carol.clone(), dave.clone()]);
            assert_eq!(on_call("2026-06-03T13:00:00Z", &seen).0, "slack:U0DAVE");
        }
    }
);

both_backends!(
    the_database_refuses_an_override_that_never_holds,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        for (from, until) in [
            ("2026-06-03T12:00:00Z", "2026-06-03T12:00:00Z"),
            ("2026-06-03T12:00:00Z", "2026-06-03T11:59:59.999999Z"),
        ] {
            let refused = store
                .add_override(&cover("slack:U0CAROL", from, until))
                .await;
            assert!(
                matches!(&refused, Err(StoreError::Internal(why)) if why.to_lowercase().contains("check")),
                "{from} until {until}: {refused:?}"
            );
        }
        assert!(
            store
                .overrides(utc("2026-06-01T00:00:00Z"))
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    overrides_are_a_record_and_a_bad_row_is_an_error,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let recorded = record_day(&store).await;
        let since = utc("2026-06-03T07:00:00Z");

        // Nobody rewrites or removes who covered, even by hand.
        for sql in [
            "UPDATE oncall_overrides SET who = 'slack:U0MALLORY'",
            "DELETE FROM oncall_overrides",
        ] {
            let refused = by_hand(&store, sql).await;
            assert!(
                matches!(&refused, Err(e) if e.to_string().contains("append-only")),
                "{sql}: {refused:?}"
            );
        }
        assert_eq!(store.overrides(since).await.unwrap(), recorded);

        // A contact that does not parse is an internal error naming the row.
        by_hand(
            &store,
            "INSERT INTO oncall_overrides \
             (schedule, who, from_at, until_at, recorded_by, reason, created_at) \
             SELECT schedule, 'pager:bob', from_at, until_at, recorded_by, reason, created_at \
             FROM oncall_overrides WHERE id = (SELECT MIN(id) FROM oncall_overrides)",
        )
        .await
        .unwrap();
        match store.overrides(since).await {
            Err(StoreError::Internal(why)) => assert!(
                why.starts_with("on-call override ")
                    && why.contains("of schedule primary has a bad contact: `pager:bob`"),
                "{why}"
            ),
            other => panic!("a bad row read as {other:?}"),
        }
    }
);
