//! Alerts open incidents: a real Alertmanager sends its webhook to the real `warroom serve`,
//! which declares, pages, groups and clears as the route says, on SQLite and on Postgres; and
//! a route with `auto_resolve` resolves on a manual clock, once across two processes.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use warroom_commands::alerts::{Alert, AlertState};
use warroom_commands::fakes::ManualClock;
use warroom_commands::incident::{EntryKind, IncidentId};
use warroom_commands::ports::{AlertStore, Clock, IncidentStore, ListFilter};
use warroom_integrations::Store;
use warroom_tests::alert_desk::alert;
use warroom_tests::alertmanager::Alertmanager;
use warroom_tests::binary::Serving;
use warroom_tests::both_backends;
use warroom_tests::db::{Backend, TestDb};
use warroom_tests::escalation::{Pages, START, process_posting_to, to_minute};
use warroom_tests::http::{Answer, serve};
use warroom_tests::slack::{Call, Card, FakeSlack, SlackClient};

const TOKEN: &str = "am-bearer-token";

/// Waits for a call to `method` whose body holds `text`; Alertmanager flushes every second.
async fn posted(fake: &FakeSlack, method: &str, text: &str) -> Call {
    fake.wait_for_text_within(method, text, Duration::from_secs(30))
        .await
}

/// Two alerts of one group, firing or (with `ended`) resolved.
fn alerts(ended: bool) -> Value {
    let now = chrono::Utc::now();
    let ends = if ended {
        now - chrono::TimeDelta::seconds(1)
    } else {
        now + chrono::TimeDelta::hours(1)
    };
    let alert = |instance: &str| {
        json!({
            "labels": {"alertname": "HighErrorRate", "service": "api", "severity": "critical", "instance": instance},
            "annotations": {"summary": "api 5xx rate is 12%", "runbook_url": "https://runbooks.example/api-5xx"},
            "startsAt": (now - chrono::TimeDelta::minutes(5)).to_rfc3339(),
            "endsAt": ends.to_rfc3339(),
            "generatorURL": "http://prometheus.example:9090/graph?g0.expr=rate"
        })
    };
    json!([alert("api-1"), alert("api-2")])
}

async fn alerts_open_one_incident_page_and_clear(backend: Backend) {
    warroom::server::install_crypto_provider();
    let db = TestDb::new(backend).await;
    let fake = FakeSlack::start().await;
    let health = serve(Answer::json(200, r#"{"status":"ok"}"#)).await;
    let port = warroom_tests::free_port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("warroom.toml"),
        format!(
            r#"
[server]
listen = "127.0.0.1:{port}"
[database]
url = "{url}"
[slack]
signing_secret = "alerts-secret"
bot_token = "xoxb-alerts"
api_url = "{api}"
[escalation]
oncall = ["slack:S0ONCALL"]
[alerts]
token = "{TOKEN}"
[[alerts.routes]]
name = "api"
match = ['service="api"']
service = "api"
channel = "slack:C0INC"
[services.api]
environment = "production"
[services.api.health]
urls = ["http://{health}/health"]
{policy}
"#,
            url = db.url,
            api = fake.api_url(),
            policy = warroom_tests::two_person_policy(&["slack:U0ALICE"]),
        ),
    )
    .unwrap();
    let _serving = Serving::start(dir.path(), port).await;
    let webhook = format!("http://127.0.0.1:{port}/alerts/alertmanager");

    // Without the token nothing is taken.
    let refused = reqwest::Client::new()
        .post(&webhook)
        .body(r#"{"version":"4","alerts":[]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    let manager = Alertmanager::start(dir.path(), &webhook, TOKEN).await;
    manager.post(&alerts(false)).await;

    // Declared at the severity its label maps to, with the route's service's health and a page.
    let card = posted(&fake, "chat.postMessage", "api 5xx rate is 12%").await;
    assert!(card.body.to_string().contains("P1"), "{}", card.body);
    posted(&fake, "chat.postMessage", "Health of api").await;
    posted(&fake, "chat.postMessage", "S0ONCALL").await;
    posted(&fake, "chat.update", "2 firing of 2").await;

    // The channel asks what fires and why the alert went where it did.
    let slack = SlackClient::new(
        format!("127.0.0.1:{port}").parse().unwrap(),
        "alerts-secret",
    );
    let say = |user: &'static str, text: &'static str, n: u32| {
        let (slack, url) = (&slack, fake.response_url(n));
        async move {
            assert_eq!(
                slack.command(user, "C0INC", "/alerts", text, &url).await,
                200
            )
        }
    };
    say("U0BOB", "", 1).await;
    posted(&fake, "response_url", "Alerts of INC-1: 2 firing of 2").await;
    say("U0BOB", "why HighErrorRate", 2).await;
    let why = posted(&fake, "response_url", "Why: HighErrorRate")
        .await
        .body
        .to_string();
    for said in [
        r#"Route `api` took it: service=\"api\" all hold"#,
        "it opened INC-1 at P1 because no open incident had its group",
        "it joined INC-1 because alerts of its group were already in it",
    ] {
        assert!(why.contains(said), "{said} not in {why}");
    }

    // Sent again (as Alertmanager repeats a group), the same alerts open nothing more.
    manager.post(&alerts(false)).await;
    let store = Store::open(&db.url).await.unwrap();
    let incidents = store.list(ListFilter::All, 10).await.unwrap();
    assert_eq!(
        incidents.len(),
        1,
        "one incident for the group: {incidents:?}"
    );
    let id = incidents[0].id;
    assert_eq!(id, IncidentId(1));
    assert_eq!(incidents[0].declared_by, "alertmanager");

    // Resolved in Alertmanager: each resolution on the timeline, then the question.
    manager.post(&alerts(true)).await;
    let cleared = posted(&fake, "chat.postMessage", "All alerts of INC-1 cleared").await;
    assert!(
        cleared
            .body
            .to_string()
            .contains(r#""action_id":"warroom:resolve""#),
        "{}",
        cleared.body
    );
    posted(&fake, "chat.update", "0 firing of 2").await;
    let timeline = store.timeline(id).await.unwrap();
    let said: Vec<&str> = timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Alert)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(said.len(), 4, "{said:?}");
    assert_eq!(
        said.iter().filter(|t| t.starts_with("alert firing: HighErrorRate: api 5xx rate is 12% (service=api, severity=critical, instance=")).count(),
        2,
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|t| t.contains("runbook: https://runbooks.example/api-5xx"))
    );
    assert_eq!(
        said.iter()
            .filter(|t| *t == &"alert resolved: HighErrorRate")
            .count(),
        2
    );
    // It did not resolve on its own: a person decides, with the button.
    assert!(store.get(id).await.unwrap().unwrap().resolved_at.is_none());
    let slack = SlackClient::new(
        format!("127.0.0.1:{port}").parse().unwrap(),
        "alerts-secret",
    );
    let url = fake.response_url(7);
    let card = Card::posted(&cleared.body, &url);
    assert_eq!(
        slack
            .click("U0ALICE", &card, "warroom:resolve", "inc1")
            .await,
        200
    );
    let mut resolved = None;
    for _ in 0..600 {
        resolved = store
            .get(id)
            .await
            .unwrap()
            .filter(|i| i.resolved_at.is_some());
        if resolved.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let resolved = resolved.expect("the click resolved the incident");
    let timeline = store.timeline(id).await.unwrap();
    assert!(
        timeline
            .iter()
            .any(|e| e.kind == EntryKind::Resolved && e.actor == "U0ALICE"),
        "{timeline:?}"
    );
    assert_eq!(resolved.summary.as_deref(), Some("all alerts cleared"));

    // A silence is an operation: Bob may only read; Alice silences the route's service.
    say("U0BOB", "silence api 1h deploy window", 3).await;
    posted(&fake, "response_url", "silence the alerts of api").await;
    say("U0ALICE", "silence api 1h deploy window", 4).await;
    posted(
        &fake,
        "chat.postMessage",
        "Alerts of api are silenced until",
    )
    .await;
    // A new alert of the service is stored and explained, and opens nothing.
    let mut latency = alerts(false);
    latency[0]["labels"]["alertname"] = json!("LatencyHigh");
    manager.post(&json!([latency[0].clone()])).await;
    let mut decided = None;
    for _ in 0..600 {
        decided = AlertStore::find(&store, "LatencyHigh")
            .await
            .unwrap()
            .into_iter()
            .find(|a| !a.decision.is_empty());
        if decided.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let decided = decided.expect("the silenced alert is stored and decided");
    assert!(
        decided.decision.contains("is silenced until"),
        "{}",
        decided.decision
    );
    assert_eq!(decided.incident, None);
    assert_eq!(store.list(ListFilter::All, 10).await.unwrap().len(), 1);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alertmanager_opens_groups_and_clears_an_incident_on_sqlite() {
    alerts_open_one_incident_page_and_clear(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alertmanager_opens_groups_and_clears_an_incident_on_postgres() {
    alerts_open_one_incident_page_and_clear(Backend::Postgres).await;
}

/// An alert of the `api` service, firing or resolved, as any source reads into warroom.
fn api_alert(state: AlertState) -> Alert {
    Alert {
        state,
        ..alert(
            "api-5xx",
            "{}:{alertname=\"HighErrorRate\"}",
            "api 5xx rate is 12%",
            &[("service", "api"), ("severity", "warning")],
        )
    }
}

/// The route asks warroom to resolve once its alerts stayed clear for ten minutes.
const QUIET_ROUTE: &str = r#"
[[alerts.routes]]
name = "api"
match = ['service="api"']
channel = "slack:C0INC"
auto_resolve = "10m"
"#;

both_backends!(
    a_quiet_route_resolves_once_after_its_alerts_stay_clear,
    |db: TestDb| async move {
        let clock = Arc::new(ManualClock::at(START));
        let chat = Pages::new(&clock, false);
        let (core, first, store) =
            process_posting_to(&db, chat.clone(), &clock, "first", QUIET_ROUTE).await;
        let (_, second, _) =
            process_posting_to(&db, chat.clone(), &clock, "second", QUIET_ROUTE).await;
        let ingest = |state| warroom_commands::alerts::ingest(&core, vec![api_alert(state)]);
        ingest(AlertState::Firing).await.unwrap();
        let id = store.list(ListFilter::All, 10).await.unwrap()[0].id;

        // Cleared at minute 1, firing again at 5: the incident is not quiet, so minute 12
        // passes and it stays open.
        to_minute(&clock, 1);
        let cleared = ingest(AlertState::Resolved).await.unwrap();
        let asked = format!("{:?}", cleared.announcements);
        assert!(
            asked.contains("Route `api` resolves it on its own at"),
            "{asked}"
        );
        to_minute(&clock, 5);
        ingest(AlertState::Firing).await.unwrap();
        to_minute(&clock, 12);
        first.tick().await;
        second.tick().await;
        assert!(store.get(id).await.unwrap().unwrap().resolved_at.is_none());

        // Cleared again at minute 20: nothing at 29, resolved at 30 by one of two processes.
        to_minute(&clock, 20);
        ingest(AlertState::Resolved).await.unwrap();
        to_minute(&clock, 29);
        assert_eq!(first.tick().await + second.tick().await, 0);
        assert!(store.get(id).await.unwrap().unwrap().resolved_at.is_none());
        to_minute(&clock, 30);
        let (a, b) = tokio::join!(first.tick(), second.tick());
        assert_eq!(a + b, 1, "one process resolved it");
        let incident = store.get(id).await.unwrap().unwrap();
        assert_eq!(incident.resolved_at, Some(clock.now()));
        let resolutions: Vec<_> = store
            .timeline(id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == EntryKind::Resolved)
            .collect();
        assert_eq!(resolutions.len(), 1, "{resolutions:?}");
        assert_eq!(resolutions[0].actor, "warroom");
        assert_eq!(
            resolutions[0].text,
            "resolved by warroom: every alert stayed clear for 10m"
        );
        let told: Vec<_> = chat
            .all()
            .into_iter()
            .filter(|p| p.channel == "C0INC" && p.at == clock.now())
            .collect();
        assert_eq!(told.len(), 1, "the channel is told once: {told:?}");
    }
);
