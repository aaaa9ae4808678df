//! Paging providers end to end through the real `warroom serve`: an incident handed to a fake
//! PagerDuty Events API and a fake Opsgenie Alert API on loopback, which record every call;
//! signed webhooks back acknowledging the warroom incident as the person on the provider;
//! forged ones refused with nothing stored; a 429 then success sent once; a refusal told in
//! the incident's channel.

use std::time::Duration;

use warroom_commands::incident::{EntryKind, IncidentId};
use warroom_commands::paging::Provider;
use warroom_commands::ports::IncidentStore;
use warroom_tests::db::{Backend, inbox_rows, outbox_drained};
use warroom_tests::pagers::FakePager;
use warroom_tests::paging_desk::{Desk, OG_TOKEN, PD_SECRET, pd_acknowledged, pd_signature};

#[tokio::test]
async fn a_pagerduty_acknowledgement_acknowledges_the_incident_and_forgeries_are_refused() {
    let desk = Desk::start(FakePager::start().await, FakePager::start().await).await;
    desk.declare_and_hand_to(Provider::PagerDuty).await;

    let trigger = &desk.pagerduty.wait_for(1).await[0];
    assert_eq!(trigger.path, "/v2/enqueue");
    assert_eq!(trigger.body["event_action"], "trigger");
    assert_eq!(trigger.body["dedup_key"], "warroom-INC-1");
    assert_eq!(
        trigger.body["routing_key"],
        "pd-routing-key-0123456789abcdef"
    );
    assert_eq!(
        trigger.body["payload"]["summary"],
        "[warroom-INC-1] P1 API returns 502"
    );
    assert_eq!(trigger.body["payload"]["severity"], "critical");
    assert_eq!(trigger.body["payload"]["source"], "warroom");

    // Forged and unsigned webhooks are refused before anything is read or stored.
    let body = pd_acknowledged("01EVENT", "Alice Smith");
    let before = inbox_rows(&desk.store).await;
    let forged = pd_signature("not-the-secret", &body);
    assert_eq!(
        desk.post(
            "/paging/pagerduty",
            &[("x-pagerduty-signature", forged)],
            &body
        )
        .await,
        401
    );
    assert_eq!(desk.post("/paging/pagerduty", &[], &body).await, 401);
    assert_eq!(inbox_rows(&desk.store).await, before);
    assert!(desk.incident().await.acknowledged_at.is_none());

    // Signed (with an old secret's signature alongside, as during a rotation): acknowledged.
    let signed = format!(
        "{},{}",
        pd_signature("the-old-secret", &body),
        pd_signature(PD_SECRET, &body)
    );
    let headers = [("x-pagerduty-signature", signed)];
    assert_eq!(desk.post("/paging/pagerduty", &headers, &body).await, 200);
    let incident = desk.acknowledged().await;
    assert_eq!(
        incident.acknowledged_by.as_deref(),
        Some("pagerduty:Alice Smith")
    );
    let timeline = desk.store.timeline(IncidentId(1)).await.expect("timeline");
    assert!(
        timeline
            .iter()
            .any(|e| e.kind == EntryKind::Acknowledged && e.actor == "pagerduty:Alice Smith"),
        "{timeline:?}"
    );
    desk.slack
        .wait_for_text("chat.postMessage", "acknowledged by pagerduty:Alice Smith")
        .await;

    // PagerDuty delivering it again runs nothing again.
    let rows = inbox_rows(&desk.store).await;
    assert_eq!(desk.post("/paging/pagerduty", &headers, &body).await, 200);
    assert_eq!(inbox_rows(&desk.store).await, rows);

    // Resolved in warroom: PagerDuty is told, once; it was not told of its own acknowledgement.
    desk.run("/incident resolve fixed the pool").await;
    let calls = desk.pagerduty.wait_for(2).await;
    assert_eq!(calls[1].body["event_action"], "resolve");
    assert_eq!(calls[1].body["dedup_key"], "warroom-INC-1");
    outbox_drained(&desk.store).await;
    assert_eq!(
        desk.pagerduty.calls().len(),
        2,
        "{:#?}",
        desk.pagerduty.calls()
    );
    assert!(desk.opsgenie.calls().is_empty());
}

#[tokio::test]
async fn opsgenie_after_a_429_is_sent_once_and_its_webhook_acknowledges_with_the_token() {
    let opsgenie = FakePager::start().await;
    opsgenie.then(429, Some(1), r#"{"message":"Rate limit exceeded"}"#);
    let desk = Desk::start(FakePager::start().await, opsgenie).await;
    desk.declare_and_hand_to(Provider::Opsgenie).await;

    let calls = desk.opsgenie.wait_for(2).await;
    for call in &calls {
        assert_eq!(call.path, "/v2/alerts");
        assert_eq!(call.authorization.as_deref(), Some("GenieKey og-api-key"));
        assert_eq!(call.body["alias"], "warroom-INC-1");
        assert_eq!(call.body["priority"], "P1");
    }

    let body = serde_json::json!({
        "action": "Acknowledge",
        "alert": {"alertId": "a-1", "alias": "warroom-INC-1", "username": "bob@example.com",
                  "updatedAt": 1763780640000_i64, "message": "[warroom-INC-1] P1 API returns 502"},
        "source": {"name": "", "type": "mobile"},
        "integrationName": "warroom"
    })
    .to_string();
    let wrong = [("authorization", "Bearer not-the-token".to_string())];
    assert_eq!(desk.post("/paging/opsgenie", &wrong, &body).await, 401);
    assert_eq!(desk.post("/paging/opsgenie", &[], &body).await, 401);
    assert!(desk.incident().await.acknowledged_at.is_none());
    let right = [("authorization", format!("Bearer {OG_TOKEN}"))];
    assert_eq!(desk.post("/paging/opsgenie", &right, &body).await, 200);
    let incident = desk.acknowledged().await;
    assert_eq!(
        incident.acknowledged_by.as_deref(),
        Some("opsgenie:bob@example.com")
    );

    // Resolved in warroom: the alert is closed by its alias.
    desk.run("/incident resolve").await;
    let calls = desk.opsgenie.wait_for(3).await;
    assert_eq!(
        calls[2].path,
        "/v2/alerts/warroom-INC-1/close?identifierType=alias"
    );
    assert!(desk.pagerduty.calls().is_empty());
}

#[tokio::test]
async fn a_refused_hand_off_is_told_in_the_channel_with_the_reason() {
    let pagerduty = FakePager::start().await;
    pagerduty.then(
        400,
        None,
        r#"{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect"]}"#,
    );
    let desk = Desk::start(pagerduty, FakePager::start().await).await;
    desk.declare_and_hand_to(Provider::PagerDuty).await;
    let told = desk
        .slack
        .wait_for_text_within(
            "chat.postMessage",
            "could not trigger warroom-INC-1 on PagerDuty",
            Duration::from_secs(20),
        )
        .await;
    let text = told.body.to_string();
    assert!(text.contains("400"), "{text}");
    assert!(
        text.contains("Length of 'routing_key' is incorrect"),
        "{text}"
    );
    // A refusal is not retried.
    assert_eq!(desk.pagerduty.calls().len(), 1);
}

/// Level 1 pages whoever `primary` has on call, level 2 hands the incident to PagerDuty, and
/// level 3 (the lead, half an hour later) is the escalation an acknowledgement must stop.
const PHONES: &str = r#"
[escalation]
lead = ["slack:U0LEAD"]
[escalation.p1]
levels = [
  { after = "0m", notify = ["schedule:primary"] },
  { after = "0m", notify = ["pagerduty"] },
  { after = "30m", notify = ["lead"] },
]
[schedules.primary]
time_zone = "Europe/Berlin"
[[schedules.primary.layers]]
members = ["slack:U0ALICE", "slack:U0BOB"]
rotation = "daily"
handoff = "09:00"
start = "2026-01-01"
"#;

#[tokio::test]
async fn a_p1_pages_the_schedule_hands_off_to_pagerduty_and_a_phone_acknowledgement_stops_it() {
    let desk = Desk::start_with(
        FakePager::start().await,
        FakePager::start().await,
        PHONES,
        Backend::Sqlite,
    )
    .await;
    desk.run("/incident p1 API returns 502").await;
    // Whoever the rota has on call as the level fires (it fires at once, so now).
    let primary = desk.core.oncall.schedules.get("primary").unwrap();
    let on_call = primary.on_call(chrono::Utc::now(), &[]).unwrap().who;
    let page = desk
        .slack
        .wait_for_text("chat.postMessage", "On call in schedule:primary")
        .await;
    assert!(
        page.body.to_string().contains(&on_call.to_string()[6..]),
        "{}",
        page.body
    );

    let trigger = &desk.pagerduty.wait_for(1).await[0];
    assert_eq!(trigger.body["event_action"], "trigger");
    assert_eq!(trigger.body["dedup_key"], "warroom-INC-1");

    let body = pd_acknowledged("02EVENT", "Bob Jones");
    let headers = [("x-pagerduty-signature", pd_signature(PD_SECRET, &body))];
    assert_eq!(desk.post("/paging/pagerduty", &headers, &body).await, 200);
    let incident = desk.acknowledged().await;
    assert_eq!(
        incident.acknowledged_by.as_deref(),
        Some("pagerduty:Bob Jones")
    );

    // The lead's level is withdrawn: nothing of warroom's own escalation is left to fire.
    let pending: Vec<_> =
        warroom_commands::ports::ScheduleStore::pending(&desk.store, Some(IncidentId(1)))
            .await
            .unwrap()
            .into_iter()
            .filter(|j| j.kind == warroom_commands::escalation::JobKind::Escalate)
            .collect();
    assert!(pending.is_empty(), "{pending:?}");
    let timeline = desk.store.timeline(IncidentId(1)).await.unwrap();
    let said: Vec<String> = timeline
        .iter()
        .map(|e| format!("{} {}", e.actor, e.text))
        .collect();
    assert!(
        said.iter().any(|t| t.contains("(schedule:primary)")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|t| t.contains("paged PagerDuty (warroom-INC-1)")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|t| t.starts_with("pagerduty:Bob Jones")),
        "{said:?}"
    );
    outbox_drained(&desk.store).await;
    assert_eq!(desk.pagerduty.calls().len(), 1, "the trigger went once");
}

/// Two replicas on one Postgres, both with a scheduler and an outbox: the schedule's page goes
/// out once, the hand-off to PagerDuty once, and a phone's acknowledgement through the second
/// replica stops the escalation the first planned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_page_the_schedule_and_hand_off_to_pagerduty_once() {
    let mut desk = Desk::start_with(
        FakePager::start().await,
        FakePager::start().await,
        PHONES,
        Backend::Postgres,
    )
    .await;
    desk.replica().await;
    desk.run("/incident p1 API returns 502").await;
    desk.pagerduty.wait_for(1).await;
    desk.slack
        .wait_for_text("chat.postMessage", "On call in schedule:primary")
        .await;

    let body = pd_acknowledged("03EVENT", "Carol Diaz");
    let headers = [("x-pagerduty-signature", pd_signature(PD_SECRET, &body))];
    let second = format!("http://127.0.0.1:{}/paging/pagerduty", desk.second.1);
    let answer = reqwest::Client::new()
        .post(&second)
        .header("x-pagerduty-signature", &headers[0].1)
        .body(body.clone())
        .send()
        .await
        .expect("the second replica answers");
    assert_eq!(answer.status(), 200);
    let incident = desk.acknowledged().await;
    assert_eq!(
        incident.acknowledged_by.as_deref(),
        Some("pagerduty:Carol Diaz")
    );

    outbox_drained(&desk.store).await;
    let pending = warroom_commands::ports::ScheduleStore::pending(&desk.store, Some(IncidentId(1)))
        .await
        .unwrap();
    assert!(
        pending
            .iter()
            .all(|j| j.kind != warroom_commands::escalation::JobKind::Escalate),
        "{pending:?}"
    );
    let pages = desk
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.body.to_string().contains("On call in schedule:primary"))
        .count();
    assert_eq!(pages, 1, "the schedule's person was paged once");
    let triggers: Vec<_> = desk
        .pagerduty
        .calls()
        .into_iter()
        .filter(|c| c.body["event_action"] == "trigger")
        .collect();
    assert_eq!(triggers.len(), 1, "{triggers:#?}");
    let timeline = desk.store.timeline(IncidentId(1)).await.unwrap();
    let handed = timeline
        .iter()
        .filter(|e| e.text.starts_with("paged PagerDuty"))
        .count();
    assert_eq!(handed, 1, "{timeline:?}");
}
