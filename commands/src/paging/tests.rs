//! Paging through the core on in-memory ports: the key an incident is known by, a hand-off,
//! and acknowledgements and resolutions going both ways.

use std::sync::Arc;

use super::*;
use crate::fakes::{FakePaging, FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use crate::incident::{EntryKind, Status};
use crate::{Core, Invocation};

struct Room {
    core: Core,
    paging: Arc<FakePaging>,
}

impl Room {
    fn new() -> Room {
        let paging = Arc::new(FakePaging::default());
        let mut core = crate::fakes::core(
            Arc::new(InMemoryStore::default()),
            Arc::new(InMemoryActions::default()),
            Arc::new(FakeRunner::default()),
            Arc::new(ManualClock::at("2026-11-22T03:00:00Z")),
        );
        core.paging = paging.clone();
        Room { core, paging }
    }

    fn inv(&self, actor: &str, text: &str) -> Invocation {
        crate::fakes::console_invocation("ops", actor, text)
    }

    async fn run(&self, actor: &str, text: &str) -> String {
        match self.core.execute(&self.inv(actor, text)).await {
            Ok(reply) => reply.to_plain_text(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    /// Declares INC-1 and hands it to PagerDuty.
    async fn paged(&self) -> Incident {
        self.run("alice", "/incident p1 API returns 502").await;
        let incident = self
            .core
            .store
            .get(IncidentId(1))
            .await
            .expect("the store answers")
            .expect("INC-1 was declared");
        hand_off(&self.core, Provider::PagerDuty, &incident)
            .await
            .expect("the hand-off is queued");
        incident
    }
}

#[test]
fn an_incident_is_known_by_one_key_everywhere() {
    assert_eq!(page_key(IncidentId(7)), "warroom-INC-7");
    assert_eq!(incident_in("warroom-INC-7"), Some(IncidentId(7)));
    assert_eq!(
        incident_in("[warroom-INC-12] P1 API returns 502"),
        Some(IncidentId(12))
    );
    assert_eq!(
        incident_in("warroom-inc-x warroom-INC-3"),
        Some(IncidentId(3))
    );
    assert_eq!(incident_in("INC-7 from somewhere else"), None);
    assert_eq!(incident_in(""), None);
}

#[test]
fn severities_map_to_each_providers_scale() {
    assert_eq!(pagerduty_severity(Severity::P1), "critical");
    assert_eq!(pagerduty_severity(Severity::P4), "info");
    assert_eq!(opsgenie_priority(Severity::P1), "P1");
    assert_eq!(opsgenie_priority(Severity::P3), "P3");
    assert_eq!(
        Provider::PagerDuty.actor(" Alice Smith "),
        "pagerduty:Alice Smith"
    );
    assert_eq!(Provider::parse("OpsGenie"), Some(Provider::Opsgenie));
}

#[tokio::test]
async fn a_hand_off_is_sent_and_on_the_timeline() {
    let room = Room::new();
    let incident = room.paged().await;
    assert_eq!(
        room.paging.calls(),
        vec![(
            Provider::PagerDuty,
            PageAction::Trigger,
            "warroom-INC-1".into()
        )]
    );
    let sent = room.paging.sent.lock().expect("not poisoned")[0].2.clone();
    assert_eq!(sent.summary, "[warroom-INC-1] P1 API returns 502");
    assert_eq!(sent.source, "warroom");
    assert_eq!(
        handed_to(&room.core, incident.id).await.expect("timeline"),
        vec![Provider::PagerDuty]
    );
    let timeline = room
        .core
        .store
        .timeline(incident.id)
        .await
        .expect("timeline");
    assert!(
        timeline
            .iter()
            .any(|e| e.kind == EntryKind::Escalated && e.text == "paged PagerDuty (warroom-INC-1)"),
        "{timeline:?}"
    );
}

#[tokio::test]
async fn acknowledged_on_a_phone_acknowledges_here_and_tells_the_other_providers() {
    let room = Room::new();
    let incident = room.paged().await;
    hand_off(&room.core, Provider::Opsgenie, &incident)
        .await
        .expect("queued");
    let answered =
        acknowledged_elsewhere(&room.core, Provider::PagerDuty, incident.id, "Alice Smith")
            .await
            .expect("acknowledged");
    let Answered::Changed { reply, .. } = answered else {
        panic!("expected a change, got {answered:?}");
    };
    assert!(
        reply
            .to_plain_text()
            .contains("acknowledged by pagerduty:Alice Smith"),
        "{}",
        reply.to_plain_text()
    );
    let now = room
        .core
        .store
        .get(incident.id)
        .await
        .expect("store")
        .expect("found");
    assert_eq!(
        now.acknowledged_by.as_deref(),
        Some("pagerduty:Alice Smith")
    );
    let timeline = room
        .core
        .store
        .timeline(incident.id)
        .await
        .expect("timeline");
    assert!(
        timeline
            .iter()
            .any(|e| e.kind == EntryKind::Acknowledged && e.actor == "pagerduty:Alice Smith")
    );
    // PagerDuty knows already; Opsgenie is told.
    assert_eq!(
        room.paging.calls()[2..],
        [(
            Provider::Opsgenie,
            PageAction::Acknowledge,
            "warroom-INC-1".into()
        )]
    );
    // A second delivery of the same acknowledgement changes nothing.
    let again = acknowledged_elsewhere(&room.core, Provider::Opsgenie, incident.id, "Bob")
        .await
        .expect("answered");
    assert!(
        matches!(again, Answered::Unchanged("already acknowledged")),
        "{again:?}"
    );
}

#[tokio::test]
async fn acknowledged_and_resolved_in_warroom_are_sent_to_the_provider() {
    let room = Room::new();
    room.paged().await;
    room.run("bob", "/incident ack").await;
    room.run("bob", "/incident resolve fixed").await;
    assert_eq!(
        room.paging.calls(),
        vec![
            (
                Provider::PagerDuty,
                PageAction::Trigger,
                "warroom-INC-1".into()
            ),
            (
                Provider::PagerDuty,
                PageAction::Acknowledge,
                "warroom-INC-1".into()
            ),
            (
                Provider::PagerDuty,
                PageAction::Resolve,
                "warroom-INC-1".into()
            ),
        ]
    );
}

#[tokio::test]
async fn resolved_on_a_provider_resolves_here() {
    let room = Room::new();
    let incident = room.paged().await;
    let answered = resolved_elsewhere(
        &room.core,
        Provider::Opsgenie,
        incident.id,
        "carol@example.com",
    )
    .await
    .expect("resolved");
    assert!(matches!(answered, Answered::Changed { .. }), "{answered:?}");
    let now = room
        .core
        .store
        .get(incident.id)
        .await
        .expect("store")
        .expect("found");
    assert_eq!(now.status, Status::Resolved);
    // PagerDuty was handed the incident, so it is told it is resolved.
    assert_eq!(
        room.paging.calls().last(),
        Some(&(
            Provider::PagerDuty,
            PageAction::Resolve,
            "warroom-INC-1".into()
        ))
    );
    let unknown = acknowledged_elsewhere(&room.core, Provider::PagerDuty, IncidentId(99), "x")
        .await
        .expect("answered");
    assert!(matches!(unknown, Answered::Unchanged("no such incident")));
}

#[tokio::test]
async fn a_hand_off_to_an_unconfigured_provider_is_refused() {
    let mut room = Room::new();
    room.core.paging = Arc::new(crate::ports::NoPaging);
    room.run("alice", "/incident p2 slow").await;
    let incident = room
        .core
        .store
        .get(IncidentId(1))
        .await
        .expect("store")
        .expect("found");
    let refused = hand_off(&room.core, Provider::Opsgenie, &incident).await;
    assert!(
        matches!(&refused, Err(crate::CommandError::User(e)) if e.message.contains("[paging.opsgenie]")),
        "{refused:?}"
    );
}
