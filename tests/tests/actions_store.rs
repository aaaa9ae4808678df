//! The pending-action and audit store's contract, on SQLite and Postgres alike.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use warroom_commands::access::{Approval, Risk, Target};
use warroom_commands::actions::{AuditEntry, AuditEvent, Claim, PendingAction, PendingState, Plan};
use warroom_commands::ports::{ActionStore, AuditFilter};
use warroom_commands::{ChannelRef, Platform};
use warroom_integrations::Store;
use warroom_tests::both_backends;
use warroom_tests::db::TestDb;

fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T03:00:00.654321Z")
        .unwrap()
        .with_timezone(&Utc)
        + TimeDelta::minutes(minutes)
}

fn channel() -> ChannelRef {
    ChannelRef {
        platform: Platform::Discord,
        workspace: "G1".into(),
        channel: "C1".into(),
    }
}

fn pending(token: &str) -> PendingAction {
    PendingAction {
        token: token.into(),
        channel: channel(),
        requested_by: "U1".into(),
        requested_at: t(0),
        expires_at: t(5),
        command_text: "/run api rollback".into(),
        command: "run".into(),
        target: Target {
            service: "api".into(),
            environment: "production".into(),
        },
        risk: Risk::Destructive,
        approval: Approval::SecondPerson,
        plan: Plan {
            summary: "api/rollback: run `kubectl rollout undo`".into(),
            details: vec!["argv: [\"kubectl\"]".into(), "second line".into()],
            fingerprint: "abc".into(),
        },
    }
}

both_backends!(
    pending_actions_round_trip_and_claim_once,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        store.create_pending(&pending("tok1")).await.unwrap();
        assert_eq!(
            store.pending("tok1").await.unwrap(),
            Some((pending("tok1"), PendingState::Pending))
        );
        assert_eq!(store.pending("nope").await.unwrap(), None);

        let confirmed = PendingState::Confirmed {
            by: "U2".into(),
            at: t(1),
        };
        assert_eq!(store.claim("tok1", &confirmed).await.unwrap(), Claim::Won);
        let cancelled = PendingState::Cancelled {
            by: "U3".into(),
            at: t(2),
        };
        assert_eq!(
            store.claim("tok1", &cancelled).await.unwrap(),
            Claim::Lost(confirmed.clone())
        );
        assert_eq!(store.pending("tok1").await.unwrap().unwrap().1, confirmed);

        store.create_pending(&pending("tok2")).await.unwrap();
        let expired = PendingState::Expired { at: t(5) };
        assert_eq!(store.claim("tok2", &expired).await.unwrap(), Claim::Won);
        assert_eq!(store.pending("tok2").await.unwrap().unwrap().1, expired);
        assert!(store.claim("missing", &confirmed).await.is_err());
    }
);

both_backends!(
    fifty_concurrent_claims_have_one_winner,
    |db: TestDb| async move {
        let store = Arc::new(Store::open(&db.url).await.unwrap());
        store.create_pending(&pending("race")).await.unwrap();
        let tasks: Vec<_> = (0..50)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let state = PendingState::Confirmed {
                        by: format!("U{n}"),
                        at: t(1),
                    };
                    store.claim("race", &state).await.unwrap()
                })
            })
            .collect();
        let mut won = 0;
        let mut lost = 0;
        for task in tasks {
            match task.await.unwrap() {
                Claim::Won => won += 1,
                Claim::Lost(PendingState::Confirmed { .. }) => lost += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((won, lost), (1, 49));
    }
);

both_backends!(
    the_audit_log_filters_and_cannot_be_rewritten,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let mut first = AuditEntry::new(
            t(0),
            AuditEvent::Requested,
            &channel(),
            "U1",
            "/run api rollback",
            "run",
            "waiting",
        );
        first.service = Some("api".into());
        first.requested_at = Some(t(0));
        let mut second = AuditEntry::new(
            t(10),
            AuditEvent::Denied,
            &channel(),
            "U9",
            "/run web restart",
            "run",
            "denied",
        );
        second.service = Some("web".into());
        second.output_sha256 = Some("f".repeat(64));
        store.audit(&first).await.unwrap();
        store.audit(&second).await.unwrap();

        let all = store.audit_log(&AuditFilter::default()).await.unwrap();
        assert_eq!(all, [first.clone(), second.clone()]);
        let recent = AuditFilter {
            since: Some(t(5)),
            service: None,
        };
        assert_eq!(store.audit_log(&recent).await.unwrap(), [second.clone()]);
        let api = AuditFilter {
            since: None,
            service: Some("api".into()),
        };
        assert_eq!(store.audit_log(&api).await.unwrap(), [first.clone()]);

        warroom_tests::db::assert_append_only(&store, "audit_log").await;
        assert_eq!(
            store
                .audit_log(&AuditFilter::default())
                .await
                .unwrap()
                .len(),
            2
        );
    }
);
