//! Handler tests: whole incidents worked through the parser and dispatcher on in-memory ports,
//! reading like what a user types and sees.

use std::sync::Arc;

use chrono::TimeDelta;

use crate::fakes::{FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use crate::incident::{EntryKind, IncidentId, SeverityPolicy, Status};
use crate::ports::IncidentStore;
use crate::{CommandError, Core, Reply};

struct Room {
    core: Core,
    store: Arc<InMemoryStore>,
    clock: Arc<ManualClock>,
}

impl Room {
    fn new() -> Room {
        let store = Arc::new(InMemoryStore::default());
        let clock = Arc::new(ManualClock::at("2026-11-22T03:00:00Z"));
        let core = crate::fakes::core(
            store.clone(),
            Arc::new(InMemoryActions::default()),
            Arc::new(FakeRunner::default()),
            clock.clone(),
        );
        Room { core, store, clock }
    }

    async fn run_in(&self, channel: &str, actor: &str, text: &str) -> Result<Reply, CommandError> {
        let inv = crate::fakes::console_invocation(channel, actor, text);
        self.core.execute(&inv).await
    }

    async fn ok(&self, actor: &str, text: &str) -> String {
        match self.run_in("ops", actor, text).await {
            Ok(reply) => reply.to_plain_text(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    async fn refused(&self, actor: &str, text: &str) -> String {
        match self.run_in("ops", actor, text).await {
            Err(CommandError::User(e)) => e.message,
            other => panic!("{text}: expected a user error, got {other:?}"),
        }
    }

    fn later(&self, minutes: i64) {
        self.clock.advance(TimeDelta::minutes(minutes));
    }
}

/// The scenario the golden post-mortem is rendered from.
async fn worked_incident() -> Room {
    let room = Room::new();
    room.ok("alice", "/incident p1 API returns 502 on checkout")
        .await;
    room.later(3);
    room.ok("bob", "/incident ack").await;
    room.ok("bob", "/incident lead @carol").await;
    room.later(7);
    room.ok("carol", "/incident note 5xx started with deploy v42 | api")
        .await;
    room.ok("carol", "/incident status identified").await;
    room.later(5);
    room.ok("carol", "/incident sev p2").await;
    room.later(10);
    room.ok("carol", "/incident status monitoring").await;
    room.ok("bob", "/incident action add an alert on checkout 5xx rate")
        .await;
    room.later(20);
    room.ok("carol", "/warroom incident resolve rolled back api to v41")
        .await;
    room
}

#[tokio::test]
async fn a_whole_incident_is_recorded_on_the_timeline() {
    let room = worked_incident().await;
    let incident = room.store.get(IncidentId(1)).await.unwrap().unwrap();
    assert_eq!(incident.status, Status::Resolved);
    assert_eq!(incident.lead.as_deref(), Some("carol"));
    assert_eq!(incident.acknowledged_by.as_deref(), Some("bob"));
    assert_eq!(incident.summary.as_deref(), Some("rolled back api to v41"));

    let timeline = room.store.timeline(IncidentId(1)).await.unwrap();
    let kinds: Vec<EntryKind> = timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EntryKind::Declared,
            EntryKind::Acknowledged,
            EntryKind::LeadAssigned,
            EntryKind::Note,
            EntryKind::StatusChanged,
            EntryKind::SeverityChanged,
            EntryKind::StatusChanged,
            EntryKind::FollowUp,
            EntryKind::Resolved,
        ]
    );
    let sev = &timeline[5];
    assert_eq!(
        (sev.from.as_deref(), sev.to.as_deref()),
        (Some("p1"), Some("p2"))
    );
    assert_eq!(sev.actor, "carol");

    let shown = room.ok("dave", "/incident timeline").await;
    assert!(
        shown.contains("2026-11-22 03:03:00 UTC  bob    acknowledged"),
        "{shown}"
    );
    assert!(shown.contains("severity P1 → P2"), "{shown}");
}

#[tokio::test]
async fn postmortem_matches_the_golden_file() {
    let room = worked_incident().await;
    let incident = room.store.get(IncidentId(1)).await.unwrap().unwrap();
    let timeline = room.store.timeline(IncidentId(1)).await.unwrap();
    let rendered = crate::postmortem::render(&incident, &timeline, &SeverityPolicy::default());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/postmortem.md");
    // Only `UPDATE_GOLDEN=1` rewrites it; `.ci/run` unsets the variable.
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::write(path, &rendered).unwrap();
    }
    let golden = std::fs::read_to_string(path).expect("golden file; run with UPDATE_GOLDEN=1");
    assert_eq!(rendered, golden, "post-mortem differs from {path}");

    let again = crate::postmortem::render(&incident, &timeline, &SeverityPolicy::default());
    assert_eq!(rendered, again, "rendering is deterministic");
    let via_command = room.ok("dave", "/incident postmortem INC-1").await;
    assert!(via_command.contains(&rendered));
}

#[tokio::test]
async fn one_open_incident_per_channel() {
    let room = Room::new();
    room.ok("alice", "/incident p2 checkout slow").await;
    let msg = room.refused("bob", "/incident p1 checkout down").await;
    assert!(
        msg.contains("already has an open incident, INC-1 P2 checkout slow (investigating)"),
        "{msg}"
    );
    assert!(msg.contains("/incident sev"), "{msg}");
    // Another channel is independent.
    room.run_in("other", "bob", "/incident p1 search down")
        .await
        .unwrap();
    assert_eq!(room.store.timeline(IncidentId(2)).await.unwrap().len(), 1);
}

#[tokio::test]
async fn transitions_that_make_no_sense_are_refused_and_change_nothing() {
    let room = Room::new();
    assert!(
        room.refused("a", "/incident note hi")
            .await
            .contains("no incident in this channel")
    );
    room.ok("alice", "/incident p3 logs delayed").await;
    assert!(
        room.refused("a", "/incident reopen")
            .await
            .contains("nothing to reopen")
    );
    assert!(
        room.refused("a", "/incident sev minor")
            .await
            .contains("already P3")
    );
    assert!(
        room.refused("a", "/incident status investigating")
            .await
            .contains("already investigating")
    );
    room.ok("bob", "/incident ack").await;
    let again = room.refused("carol", "/incident ack").await;
    assert!(
        again.contains("already acknowledged by bob at 2026-11-22 03:00 UTC"),
        "{again}"
    );
    room.ok("alice", "/incident resolve").await;
    let twice = room.refused("alice", "/incident resolve").await;
    assert!(
        twice.contains("INC-1 is already resolved (since 2026-11-22 03:00 UTC)"),
        "{twice}"
    );
    let note = room.refused("alice", "/incident note too late").await;
    assert!(
        note.contains("is resolved; `/incident reopen` it first"),
        "{note}"
    );
    assert_eq!(room.store.timeline(IncidentId(1)).await.unwrap().len(), 3);

    room.ok("alice", "/incident reopen").await;
    let incident = room.store.get(IncidentId(1)).await.unwrap().unwrap();
    assert_eq!(incident.status, Status::Investigating);
    assert_eq!(incident.resolved_at, None);
    room.ok("alice", "/incident note back again").await;
}

#[tokio::test]
async fn status_resolved_resolves_and_states_the_postmortem_deadline() {
    let room = Room::new();
    room.ok("alice", "/incident critical api down").await;
    room.later(65);
    let out = room.ok("alice", "/incident status resolved").await;
    assert!(out.contains("resolved by alice after 1h 05m"), "{out}");
    assert!(
        out.contains("Post-mortem due by 2026-11-24 04:05 UTC"),
        "{out}"
    );
}

#[tokio::test]
async fn ack_reports_the_target_and_whether_it_was_missed() {
    let room = Room::new();
    room.ok("alice", "/incident p1 api down").await;
    room.later(7);
    let out = room.ok("bob", "/incident ack").await;
    assert!(
        out.contains("acknowledged by bob 7m after declaration (target 5m, missed)"),
        "{out}"
    );
}

#[tokio::test]
async fn list_show_and_help() {
    let room = Room::new();
    room.ok("alice", "/incident p1 api down").await;
    room.run_in("b", "bob", "/incident p4 typo on pricing page")
        .await
        .unwrap();
    room.run_in("b", "bob", "/incident resolve fixed")
        .await
        .unwrap();
    let open = room.ok("x", "/incident list").await;
    assert!(open.contains("INC-1") && !open.contains("INC-2"), "{open}");
    let all = room.ok("x", "/incident list --all").await;
    assert!(all.contains("INC-1") && all.contains("INC-2"), "{all}");
    let shown = room.ok("x", "/incident show INC-2").await;
    assert!(
        shown.contains("Summary:      fixed") && shown.contains("Low impact"),
        "{shown}"
    );
    assert!(
        room.refused("x", "/incident show 99")
            .await
            .contains("no incident INC-99")
    );
    let help = room.ok("x", "/help incident").await;
    assert!(help.contains("/incident lead @alice"), "{help}");
    assert!(
        room.ok("x", "/help")
            .await
            .contains("/incident p1 checkout returns 502")
    );
    assert_eq!(room.ok("x", "/incident help").await, help);
    let logs = room.ok("x", "/logs help").await;
    assert!(
        logs.contains("/logs: recent logs") && logs.contains("Usage: `/logs SERVICE [--since"),
        "{logs}"
    );
}
