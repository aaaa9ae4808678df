//! Replays and retries against two real `warroom serve` replicas on one Postgres: a replayed
//! request or a platform's retry runs once, on whichever replica it reaches.

use std::time::Duration;

use warroom_commands::ports::{IncidentStore, ListFilter};
use warroom_integrations::Store;
use warroom_tests::binary::Serving;
use warroom_tests::db::{Backend, TestDb};
use warroom_tests::replica::{SECRET, configure, free_port, serve, until};
use warroom_tests::slack::{FakeSlack, SlackClient, sign};

const FORM: &str = "application/x-www-form-urlencoded";
const ALICE: &str = "U0ALICE";

/// Two `warroom serve` replicas on one Postgres, with a client for each.
struct Replicas {
    db: TestDb,
    fake: FakeSlack,
    port_b: u16,
    a: SlackClient,
    b: SlackClient,
    _serving: (Serving, Serving),
}

async fn two_replicas() -> Replicas {
    warroom::server::install_crypto_provider();
    let db = TestDb::new(Backend::Postgres).await;
    let fake = FakeSlack::start().await;
    let (port_a, port_b) = (free_port(), free_port());
    let config_a = configure(db.dir.path(), port_a, &db.url, &fake);
    let config_b = configure(db.dir.path(), port_b, &db.url, &fake);
    let serving_a = serve(db.dir.path(), port_a, &config_a).await;
    let serving_b = serve(db.dir.path(), port_b, &config_b).await;
    Replicas {
        a: SlackClient::new(format!("127.0.0.1:{port_a}").parse().unwrap(), SECRET),
        b: SlackClient::new(format!("127.0.0.1:{port_b}").parse().unwrap(), SECRET),
        db,
        fake,
        port_b,
        _serving: (serving_a, serving_b),
    }
}

/// Two replicas on one Postgres: a signed request sent to both runs once; Slack's retries of
/// an event, to either replica, put one entry on the timeline.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replays_and_retries_run_once_on_either_replica() {
    let Replicas {
        db,
        fake,
        port_b,
        a,
        b,
        _serving,
    } = two_replicas().await;

    let declare = SlackClient::command_form(
        ALICE,
        "C0REPLAY",
        "/incident",
        "p1 checkout returns 502",
        &fake.response_url(0),
    );
    let now = chrono::Utc::now().timestamp();
    let signature = sign(SECRET, now, &declare);
    assert_eq!(
        a.post_signed("/slack/commands", FORM, &declare, now, &signature)
            .await,
        200
    );
    assert_eq!(
        b.post_signed("/slack/commands", FORM, &declare, now, &signature)
            .await,
        401,
        "the same signed request, replayed to the other replica"
    );
    assert_eq!(
        a.post_signed("/slack/commands", FORM, &declare, now, &signature)
            .await,
        401,
        "and to the first one again"
    );
    let store = Store::open(&db.url).await.unwrap();
    let incidents = until(
        Duration::from_secs(10),
        || store.list(ListFilter::All, 10),
        |l| l.as_ref().is_ok_and(|l| !l.is_empty()),
    )
    .await
    .unwrap();
    assert_eq!(incidents.len(), 1);

    // A pin reaction, delivered three times by Slack (the first and its two retries), to
    // either replica: the retries carry new signatures and the same event_id.
    fake.add_message("C0REPLAY", "1700000100.000100", "U0BOB", "rollback started");
    let event = serde_json::json!({
        "type": "event_callback", "team_id": "T0WARROOM", "event_id": "Ev0PIN0001",
        "event": { "type": "reaction_added", "user": ALICE, "reaction": "pushpin",
                   "item": { "type": "message", "channel": "C0REPLAY", "ts": "1700000100.000100" } }
    })
    .to_string();
    for (attempt, replica) in [(0, &a), (1, &b), (2, &a)] {
        let status = retry(replica, &event, attempt).await;
        assert_eq!(status, 200, "delivery {attempt} is acknowledged");
    }
    let pinned = until(
        Duration::from_secs(10),
        || store.timeline(incidents[0].id),
        |t| {
            t.as_ref()
                .is_ok_and(|t| t.iter().any(|e| e.text.contains("rollback started")))
        },
    )
    .await
    .unwrap();
    // Whatever else happens, a second entry for the pin would have been written by now: the
    // other deliveries were refused when they arrived, before their 200.
    let entries = pinned
        .iter()
        .filter(|e| e.text.contains("rollback started"))
        .count();
    assert_eq!(entries, 1, "one pin, one entry: {pinned:#?}");
    let metrics = reqwest::get(format!("http://127.0.0.1:{port_b}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .contains("warroom_requests_refused_total{transport=\"slack\",reason=\"replayed\"} 1"),
        "{metrics}"
    );
}

/// An event as Slack delivers it on attempt `attempt` (0 first, then its retries).
async fn retry(replica: &SlackClient, event: &str, attempt: u32) -> u16 {
    let now = chrono::Utc::now().timestamp() - i64::from(attempt);
    let http = reqwest::Client::new();
    let mut request = http
        .post(format!("{}/slack/events", replica.base))
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", now.to_string())
        .header("x-slack-signature", sign(SECRET, now, event))
        .body(event.to_string());
    if attempt > 0 {
        request = request
            .header("x-slack-retry-num", attempt.to_string())
            .header("x-slack-retry-reason", "http_timeout");
    }
    request.send().await.unwrap().status().as_u16()
}

/// Two replicas change one incident's lead twenty times over, each taking every other change:
/// the card is edited in the order the edits were written, so its last edit shows the lead the
/// incident ended with, and redraws waiting behind one another were sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_card_changed_on_two_replicas_ends_showing_the_incident_as_it_is() {
    use warroom_commands::ports::CardStore;
    let Replicas {
        db,
        fake,
        port_b: _,
        a,
        b,
        _serving,
    } = two_replicas().await;
    let store = Store::open(&db.url).await.unwrap();

    let status = a
        .command(
            ALICE,
            "C0CARD",
            "/incident",
            "p2 search is slow",
            &fake.response_url(0),
        )
        .await;
    assert_eq!(status, 200);
    let card = until(
        Duration::from_secs(10),
        || async {
            let open = store.list(ListFilter::Open, 1).await.unwrap();
            let id = open.first()?.id;
            store
                .card(id, warroom_commands::Platform::Slack)
                .await
                .unwrap()
        },
        Option::is_some,
    )
    .await
    .expect("the card was posted");

    let changes = (0..20).map(|n| {
        let replica = if n % 2 == 0 { &a } else { &b };
        let url = fake.response_url(n + 1);
        async move {
            let lead = format!("lead <@U0LEAD{n:02}>");
            replica
                .command(ALICE, "C0CARD", "/incident", &lead, &url)
                .await
        }
    });
    let statuses = futures_util::future::join_all(changes).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let drained = until(
        Duration::from_secs(60),
        || async {
            let inbox = store.inbox_waiting().await.unwrap();
            let outbox = store.outbox_waiting().await.unwrap();
            inbox + outbox
        },
        |waiting| *waiting == 0,
    )
    .await;
    assert_eq!(drained, 0, "every change was run and every letter sent");

    let incident = store.get(card.incident).await.unwrap().unwrap();
    let lead = incident.lead.expect("a lead was named");
    let lead_id = &lead[lead.find("U0LEAD").expect("a lead id")..][..8];
    let edits: Vec<String> = fake
        .calls_to("chat.update")
        .into_iter()
        .filter(|c| c.body["ts"] == card.message.as_str())
        .map(|c| c.body.to_string())
        .collect();
    let last = edits.last().expect("the card was edited");
    assert!(
        last.contains(lead_id),
        "the card's last edit shows the lead the incident ended with ({lead}): {last}"
    );
    assert!(
        edits.len() <= 20,
        "{} edits for 20 changes: waiting redraws are sent once",
        edits.len()
    );
    println!(
        "20 lead changes over two replicas: {} card edits, the last showing {lead_id}",
        edits.len()
    );
}
