//! Every alert source through the real `warroom serve`: Grafana's signed webhook, anything that
//! speaks PagerDuty's Events API v2, and CloudWatch alarms through Amazon SNS each open an
//! incident in the route's channel, a repeat opens nothing more, and a clearing is said there.
//! Every forged, altered, stale, unsigned or foreign request is refused with nothing stored and
//! the refusal counted on `/metrics`.

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2_next::Sha256;
use warroom_commands::incident::{EntryKind, IncidentId, Severity};
use warroom_commands::ports::IncidentStore;
use warroom_tests::alert_desk::{AlertDesk, Stored};
use warroom_tests::db::Backend;
use warroom_tests::sns::{StandInSns, TOPIC};

/// Waits for a message to the fake Slack holding `text`; the worker runs after the answer.
async fn posted(desk: &AlertDesk, method: &str, text: &str) -> Value {
    desk.fake
        .wait_for_text_within(method, text, std::time::Duration::from_secs(30))
        .await
        .body
}

/// Sends `body` to `route` expecting a refusal with `status`: nothing more is stored than
/// `before`, and `warroom_requests_refused_total{transport, reason}` went up by one.
async fn refused(
    desk: &AlertDesk,
    (route, headers, body): (&str, &[(&str, String)], &[u8]),
    (status, transport, reason): (u16, &str, &str),
    before: Stored,
    what: &str,
) {
    let counted = desk.refused(transport, reason).await;
    let answer = desk.post(route, headers, body).await;
    assert_eq!(answer.status, status, "{what}: {}", answer.body);
    assert_eq!(desk.stored().await, before, "{what} stored something");
    assert_eq!(
        desk.refused(transport, reason).await,
        counted + 1.0,
        "{what} was not counted as {transport}/{reason}"
    );
}

/// Headers a sender adds to its request.
type Headers = Vec<(&'static str, String)>;

const GRAFANA_SECRET: &str = "grafana-contact-point-secret";

/// A Grafana webhook as Grafana's documentation shows it: Alertmanager's shape, with `orgId`
/// and, per alert, its dashboard, panel, silence links and the query values.
fn grafana_webhook() -> Vec<u8> {
    let starts = (chrono::Utc::now() - chrono::TimeDelta::minutes(3)).to_rfc3339();
    serde_json::to_vec(&json!({
        "receiver": "warroom",
        "status": "firing",
        "orgId": 1,
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": "HighMemoryUsage", "team": "payments", "zone": "eu-1", "grafana_folder": "Payments"},
            "annotations": {"summary": "payments memory is at 94%", "description": "The payments pods use 94% of their memory limit"},
            "startsAt": starts,
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "https://grafana.example/alerting/grafana/dd8a1b3c/view?orgId=1",
            "fingerprint": "c6eadffa33fcdf37",
            "silenceURL": "https://grafana.example/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DHighMemoryUsage",
            "dashboardURL": "https://grafana.example/d/payments-overview?orgId=1",
            "panelURL": "https://grafana.example/d/payments-overview?orgId=1&viewPanel=4",
            "values": {"B": 94.2, "C": 1}
        }],
        "groupLabels": {"alertname": "HighMemoryUsage"},
        "commonLabels": {"alertname": "HighMemoryUsage", "team": "payments", "zone": "eu-1"},
        "commonAnnotations": {},
        "externalURL": "https://grafana.example/",
        "version": "1",
        "groupKey": "{}/{team=\"payments\"}:{alertname=\"HighMemoryUsage\"}",
        "truncatedAlerts": 0,
        "title": "[FIRING:1] HighMemoryUsage (payments eu-1)",
        "state": "alerting",
        "message": "**Firing**\n\nValue: B=94.2, C=1\nLabels:\n - alertname = HighMemoryUsage\n"
    }))
    .unwrap()
}

/// Grafana's headers: the Unix time, and the hex HMAC-SHA256 of `timestamp:body`.
fn grafana_signed(secret: &str, timestamp: i64, body: &[u8]) -> Headers {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}:").as_bytes());
    mac.update(body);
    vec![
        ("X-Grafana-Alerting-Timestamp", timestamp.to_string()),
        (
            "X-Grafana-Alerting-Signature",
            hex(&mac.finalize().into_bytes()),
        ),
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grafana_signed_alerts_declare_and_forged_altered_stale_or_unsigned_ones_are_refused() {
    let desk = AlertDesk::start(
        Backend::Sqlite,
        &format!(
            "grafana_secret = \"{GRAFANA_SECRET}\"\ngrafana_timestamp_header = \"X-Grafana-Alerting-Timestamp\""
        ),
        r#"['team="payments"']"#,
    )
    .await;
    let body = grafana_webhook();
    let now = chrono::Utc::now().timestamp();
    let nothing = desk.stored().await;
    assert_eq!(
        nothing,
        Stored {
            inbox: 0,
            alerts: 0,
            incidents: 0
        }
    );
    let route = "/alerts/grafana";
    let altered = String::from_utf8(body.clone())
        .unwrap()
        .replace("94%", "14%")
        .into_bytes();
    let cases: [(&str, Headers, &[u8], &str); 4] = [
        (
            "a signature with another secret",
            grafana_signed("not-the-secret", now, &body),
            &body,
            "bad_signature",
        ),
        (
            "a body altered after signing",
            grafana_signed(GRAFANA_SECRET, now, &body),
            &altered,
            "bad_signature",
        ),
        (
            "a request signed ten minutes ago",
            grafana_signed(GRAFANA_SECRET, now - 600, &body),
            &body,
            "stale",
        ),
        ("an unsigned request", Vec::new(), &body, "missing_headers"),
    ];
    for (what, headers, sent, reason) in cases {
        refused(
            &desk,
            (route, &headers, sent),
            (401, "grafana", reason),
            nothing,
            what,
        )
        .await;
    }

    let answer = desk
        .post(route, &grafana_signed(GRAFANA_SECRET, now, &body), &body)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let card = posted(&desk, "chat.postMessage", "payments memory is at 94%").await;
    assert!(card.to_string().contains("P3"), "{card}");
    let incidents = desk.incidents().await;
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    assert_eq!(incidents[0].declared_by, "grafana");
    let timeline = desk.store.timeline(incidents[0].id).await.unwrap();
    let firing = timeline
        .iter()
        .find(|e| e.kind == EntryKind::Alert)
        .unwrap_or_else(|| panic!("no alert on the timeline: {timeline:?}"));
    assert!(
        firing
            .text
            .starts_with("alert firing: HighMemoryUsage: payments memory is at 94%"),
        "{}",
        firing.text
    );
    for link in [
        "dashboard: https://grafana.example/d/payments-overview?orgId=1",
        "panel: https://grafana.example/d/payments-overview?orgId=1&viewPanel=4",
    ] {
        assert!(firing.text.contains(link), "{link} not in {}", firing.text);
    }
}

const ROUTING_KEY: &str = "R0123456789ABCDEF0123456789ABCDE";

/// The trigger from PagerDuty's Events API v2 documentation.
fn documented_trigger(routing_key: &str, severity: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "payload": {
            "summary": "DISK at 99% on machine prod-datapipe03.example.com",
            "timestamp": "2026-12-02T03:00:00.000+0000",
            "severity": severity,
            "source": "prod-datapipe03.example.com",
            "component": "mysql",
            "group": "prod-datapipe",
            "class": "disk",
            "custom_details": {"free space": "1%", "ping time": "1500ms"}
        },
        "routing_key": routing_key,
        "dedup_key": "srv01/mysql",
        "event_action": "trigger",
        "client": "Sample Monitoring Service",
        "client_url": "https://monitoring.service.com",
        "links": [{"href": "https://example.com/", "text": "Link text"}],
        "images": []
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_v2_triggers_once_resolves_by_dedup_key_and_refuses_strangers_and_bad_events() {
    // The route resolves on its own once its alerts stayed clear for a second.
    let desk = AlertDesk::with_route(
        Backend::Postgres,
        &format!("routing_keys = [\"{ROUTING_KEY}\"]"),
        "match = ['component=\"mysql\"']\nauto_resolve = \"1s\"",
    )
    .await;
    let route = "/alerts/events";
    let nothing = desk.stored().await;
    refused(
        &desk,
        (
            route,
            &[],
            &documented_trigger("R-SOMEONE-ELSES-KEY", "critical"),
        ),
        (401, "events", "bad_signature"),
        nothing,
        "an unknown routing key",
    )
    .await;
    refused(
        &desk,
        (route, &[], &documented_trigger(ROUTING_KEY, "sev1")),
        (400, "events", "malformed"),
        nothing,
        "a trigger with a severity PagerDuty does not have",
    )
    .await;

    let trigger = documented_trigger(ROUTING_KEY, "critical");
    let answer = desk.post(route, &[], &trigger).await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    let said: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(said["status"], "success", "{said}");
    assert_eq!(said["dedup_key"], "srv01/mysql", "{said}");
    let card = posted(&desk, "chat.postMessage", "DISK at 99% on machine").await;
    assert!(card.to_string().contains("P1"), "{card}");

    // Sent again, as a monitor re-triggers: the alert is seen twice, the incident is one.
    assert_eq!(desk.post(route, &[], &trigger).await.status, 202);
    desk.seen("srv01/mysql", 2).await;
    let incidents = desk.incidents().await;
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    assert_eq!(
        (incidents[0].id, incidents[0].severity),
        (IncidentId(1), Severity::P1)
    );
    assert_eq!(incidents[0].declared_by, "events");

    let resolve =
        json!({"routing_key": ROUTING_KEY, "event_action": "resolve", "dedup_key": "srv01/mysql"});
    let answer = desk.post(route, &[], resolve.to_string().as_bytes()).await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    let asked = posted(&desk, "chat.postMessage", "All alerts of INC-1 cleared").await;
    assert!(
        asked.to_string().contains("resolves it on its own at"),
        "{asked}"
    );
    // A second later the scheduler resolves it: said in the card's thread, the card redrawn.
    posted(
        &desk,
        "chat.postMessage",
        "resolved by warroom, every alert clear for",
    )
    .await;
    posted(&desk, "chat.update", "Resolved").await;
    let incident = &desk.incidents().await[0];
    assert!(incident.resolved_at.is_some(), "{incident:?}");
    let timeline = desk.store.timeline(IncidentId(1)).await.unwrap();
    assert!(
        timeline
            .iter()
            .any(|e| e.kind == EntryKind::Resolved && e.actor == "warroom"),
        "{timeline:?}"
    );
}

/// A CloudWatch alarm's state change as CloudWatch publishes it to SNS.
fn alarm(state: &str) -> String {
    json!({
        "AlarmName": "api-5xx-high",
        "AlarmDescription": "api returns too many 5xx",
        "AWSAccountId": "123456789012",
        "AlarmConfigurationUpdatedTimestamp": "2026-12-01T10:00:00.000+0000",
        "NewStateValue": state,
        "NewStateReason": format!("Threshold Crossed: 1 datapoint was {} the threshold (10.0).", if state == "ALARM" { "greater than" } else { "not greater than" }),
        "StateChangeTime": "2026-12-02T03:00:00.123+0000",
        "Region": "EU (Frankfurt)",
        "AlarmArn": "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:api-5xx-high",
        "OldStateValue": if state == "ALARM" { "OK" } else { "ALARM" },
        "Trigger": {"MetricName": "HTTPCode_Target_5XX_Count", "Namespace": "AWS/ApplicationELB",
                    "Statistic": "SUM", "Period": 60, "EvaluationPeriods": 1,
                    "ComparisonOperator": "GreaterThanThreshold", "Threshold": 10.0}
    })
    .to_string()
}

fn bytes(body: &Value) -> Vec<u8> {
    serde_json::to_vec(body).unwrap()
}

async fn cloudwatch_alarms_through_sns(backend: Backend) {
    warroom::server::install_crypto_provider();
    let sns = StandInSns::start().await;
    let trust = tempfile::tempdir().unwrap();
    let ca = trust.path().join("stand-in-sns-ca.pem");
    std::fs::write(&ca, &sns.ca_pem).unwrap();
    let desk = AlertDesk::start(
        backend,
        &format!(
            "sns_topics = [\"{TOPIC}\"]\nsns_trust_prefix = \"{}/\"\nsns_trust_root = \"{}\"",
            sns.base,
            ca.display()
        ),
        r#"['alertname="api-5xx-high"']"#,
    )
    .await;
    let route = "/alerts/sns";
    let nothing = desk.stored().await;

    // Subscribing: warroom confirms by visiting the SubscribeURL, once, and stores nothing.
    let answer = desk
        .post(
            route,
            &[],
            &bytes(&sns.confirmation("SubscriptionConfirmation")),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let visits: Vec<String> = sns
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("/?Action=ConfirmSubscription"))
        .collect();
    assert_eq!(
        visits,
        [sns.subscribe_url()
            .trim_start_matches(&sns.base)
            .to_string()]
    );
    assert_eq!(desk.stored().await, nothing);

    let firing = alarm("ALARM");
    let genuine = sns.notification(TOPIC, "4bd1a53c-7c02-5d3f-a6a4-d5a0d1f4b5f1", &firing);
    let mut forged = genuine.clone();
    sns.forge(&mut forged);
    let mut altered = genuine.clone();
    altered["Message"] = json!(firing.replace("api-5xx-high", "api-5xx-low"));
    let foreign = sns.notification(
        "arn:aws:sns:eu-central-1:123456789012:someone-elses-topic",
        "0f3e1b29-51f4-5c87-9a34-3c9a8f1f5a10",
        &firing,
    );
    let mut unsigned = genuine.clone();
    unsigned.as_object_mut().unwrap().remove("Signature");
    for (what, body, reason) in [
        (
            "a notification signed with another key",
            &forged,
            "bad_signature",
        ),
        (
            "a notification altered after signing",
            &altered,
            "bad_signature",
        ),
        ("a notification from another topic", &foreign, "wrong_topic"),
        ("an unsigned notification", &unsigned, "unsigned"),
    ] {
        refused(
            &desk,
            (route, &[], &bytes(body)),
            (401, "sns", reason),
            nothing,
            what,
        )
        .await;
    }
    let chatter = sns.notification(TOPIC, "9e1b2f6a-0c55-5b8e-8a8e-3b8f5f0d2c11", "hello");
    refused(
        &desk,
        (route, &[], &bytes(&chatter)),
        (400, "sns", "malformed"),
        nothing,
        "a genuine notification that is not an alarm",
    )
    .await;

    let answer = desk.post(route, &[], &bytes(&genuine)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let card = posted(&desk, "chat.postMessage", "Threshold Crossed").await;
    assert!(card.to_string().contains("P3"), "{card}");
    let incidents = desk.incidents().await;
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    assert_eq!(incidents[0].declared_by, "cloudwatch");

    // SNS delivers again until it gets a 2xx: the same MessageId is answered 200 and recorded
    // nowhere, so it never runs.
    let recorded = desk.stored().await;
    let answer = desk.post(route, &[], &bytes(&genuine)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(desk.stored().await, recorded);

    let ok = sns.notification(TOPIC, "7a6c3f0e-1d2b-5e4f-9a8b-7c6d5e4f3a2b", &alarm("OK"));
    assert_eq!(desk.post(route, &[], &bytes(&ok)).await.status, 200);
    posted(&desk, "chat.postMessage", "All alerts of INC-1 cleared").await;
    assert_eq!(desk.incidents().await.len(), 1);

    let answer = desk
        .post(
            route,
            &[],
            &bytes(&sns.confirmation("UnsubscribeConfirmation")),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    // A body over the limit is refused before it is verified or stored.
    let before = desk.stored().await;
    assert_eq!(
        desk.post_bytes(route, warroom::alerts::BODY_LIMIT + 1)
            .await,
        413
    );
    assert_eq!(desk.stored().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudwatch_alarms_through_sns_declare_once_clear_and_refuse_forgeries_on_sqlite() {
    cloudwatch_alarms_through_sns(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudwatch_alarms_through_sns_declare_once_clear_and_refuse_forgeries_on_postgres() {
    cloudwatch_alarms_through_sns(Backend::Postgres).await;
}

/// A handler that takes a [`VerifiedBody`] on a router without [`signed_body`] cannot be
/// reached: even a genuine SNS delivery is refused.
///
/// [`VerifiedBody`]: warroom::signed::VerifiedBody
/// [`signed_body`]: warroom::signed::signed_body
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_without_the_body_signature_layer_refuses_everything() {
    use warroom::signed::VerifiedBody;
    use warroom::sns::SnsMessage;
    let unguarded = axum::Router::new().route(
        "/hook",
        axum::routing::post(|v: VerifiedBody<SnsMessage>| async move {
            format!("{:?}", v.into_message())
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, unguarded).await });
    let sns = StandInSns::start().await;
    let genuine = sns.notification(
        TOPIC,
        "4bd1a53c-7c02-5d3f-a6a4-d5a0d1f4b5f1",
        &alarm("ALARM"),
    );
    let answer = reqwest::Client::new()
        .post(format!("http://{addr}/hook"))
        .body(bytes(&genuine))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    assert_eq!(answer.text().await.unwrap(), "");
}
