//! Every inbound webhook route refuses what its platform did not sign now, and what it refuses
//! leaves nothing behind. For each of `/slack/commands`, `/slack/interactions`, `/slack/events`
//! and `/discord/interactions`: a forged, stale, future-dated, altered, unsigned and replayed
//! request is answered 401, counted under its reason in `/metrics`, and writes no inbox row,
//! so nothing can ever run it; then a genuine request through the same route is accepted and
//! does its work, so each case would fail if the route let anything through. On the two
//! interaction routes the requests are Confirm clicks on a production rollback, and the
//! rollback runs once: for the genuine click.

use std::time::Duration;

use axum::routing::post;
use serde_json::{Value, json};
use warroom::signed::Verified;
use warroom_commands::incident::IncidentId;
use warroom_commands::ports::{IncidentStore, ListFilter};
use warroom_integrations::Store;
use warroom_tests::binary::{confirmation_token, metrics};
use warroom_tests::db::inbox_rows;
use warroom_tests::discord::{DiscordClient, click, first_button};
use warroom_tests::discord_app::{self, APP, CAROL, ONCALL_ROLE};
use warroom_tests::replica::until;
use warroom_tests::slack::{Card, SlackClient, sign};
use warroom_tests::slack_app::{
    self, ALICE, BOB, CHANNEL, FORM, MALLORY, SECRET, rollback_requested,
};
use warroom_tests::stand_in;

const JSON: &str = "application/json";
/// How long a genuine request's work may take to show.
const WAIT: Duration = Duration::from_secs(10);

/// How a request is spoiled.
#[derive(Debug, Clone, Copy)]
enum Spoil {
    /// Signed with another secret or key.
    Forged,
    /// Signed six minutes ago.
    Stale,
    /// Signed six minutes from now.
    Future,
    /// Signed, then changed.
    Altered,
    /// No signature or timestamp at all.
    Unsigned,
    /// A genuine signature without its timestamp.
    NoTimestamp,
    /// A timestamp without a signature.
    NoSignature,
}

const SPOILS: [Spoil; 7] = [
    Spoil::Forged,
    Spoil::Stale,
    Spoil::Future,
    Spoil::Altered,
    Spoil::Unsigned,
    Spoil::NoTimestamp,
    Spoil::NoSignature,
];

impl Spoil {
    /// The reason warroom counts it under.
    fn reason(self) -> &'static str {
        match self {
            Spoil::Forged | Spoil::Altered => "bad_signature",
            Spoil::Stale | Spoil::Future => "stale",
            Spoil::Unsigned | Spoil::NoTimestamp | Spoil::NoSignature => "missing_headers",
        }
    }
}

/// Who signs: Slack with its signing secret, Discord with the application's key.
#[derive(Clone, Copy)]
enum Signer<'a> {
    Slack,
    Discord(&'a DiscordClient),
}

impl Signer<'_> {
    fn transport(self) -> &'static str {
        match self {
            Signer::Slack => "slack",
            Signer::Discord(_) => "discord",
        }
    }

    /// The headers of `body` signed at `at`, with the genuine secret or a wrong one.
    fn headers(self, genuine: bool, at: i64, body: &str) -> Vec<(&'static str, String)> {
        match self {
            Signer::Slack => {
                let secret = if genuine { SECRET } else { "not-the-secret" };
                vec![
                    ("x-slack-request-timestamp", at.to_string()),
                    ("x-slack-signature", sign(secret, at, body)),
                ]
            }
            Signer::Discord(client) => {
                let at = at.to_string();
                let signature = if genuine {
                    client.sign_for_test(&at, body)
                } else {
                    let other = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
                    DiscordClient::sign_with(&other, &at, body)
                };
                vec![
                    ("x-signature-timestamp", at),
                    ("x-signature-ed25519", signature),
                ]
            }
        }
    }
}

/// A request as sent: its body and its headers.
#[derive(Clone)]
struct Request {
    body: String,
    headers: Vec<(&'static str, String)>,
}

/// One route of a running warroom, and the record that shows what it accepted.
struct Route<'a> {
    /// Where warroom serves.
    base: String,
    path: &'static str,
    content_type: &'static str,
    signer: Signer<'a>,
    store: &'a Store,
    /// The altered case: the text that was signed, and what it is changed to before sending.
    altered: (&'a str, &'a str),
}

impl<'a> Route<'a> {
    /// `path` of the warroom Slack posts to in `h`.
    fn slack(
        h: &'a slack_app::Harness,
        path: &'static str,
        content_type: &'static str,
        altered: (&'a str, &'a str),
    ) -> Route<'a> {
        Route {
            base: h.slack.base.clone(),
            path,
            content_type,
            signer: Signer::Slack,
            store: &h.app.store,
            altered,
        }
    }

    fn genuine(&self, body: &str) -> Request {
        let now = chrono::Utc::now().timestamp();
        Request {
            body: body.to_string(),
            headers: self.signer.headers(true, now, body),
        }
    }

    /// `body` sent spoiled by `spoil`.
    fn spoiled(&self, spoil: Spoil, body: &str) -> Request {
        let now = chrono::Utc::now().timestamp();
        let signed = |at: i64, signed: &str| Request {
            body: body.to_string(),
            headers: self.signer.headers(true, at, signed),
        };
        match spoil {
            Spoil::Forged => Request {
                body: body.to_string(),
                headers: self.signer.headers(false, now, body),
            },
            Spoil::Stale => signed(now - 6 * 60, body),
            Spoil::Future => signed(now + 6 * 60, body),
            Spoil::Altered => {
                let (was, now_reads) = self.altered;
                assert!(body.contains(now_reads), "{now_reads} in {body}");
                signed(now, &body.replace(now_reads, was))
            }
            Spoil::Unsigned => Request {
                body: body.to_string(),
                headers: Vec::new(),
            },
            Spoil::NoTimestamp | Spoil::NoSignature => {
                let mut half = signed(now, body);
                let keep_timestamp = matches!(spoil, Spoil::NoSignature);
                half.headers
                    .retain(|(name, _)| name.contains("timestamp") == keep_timestamp);
                half
            }
        }
    }

    async fn send(&self, request: &Request) -> u16 {
        let mut sending = reqwest::Client::new()
            .post(format!("{}{}", self.base, self.path))
            .header("content-type", self.content_type)
            .body(request.body.clone());
        for (name, value) in &request.headers {
            sending = sending.header(*name, value);
        }
        sending.send().await.unwrap().status().as_u16()
    }

    /// How many requests this route's transport has had refused for `reason`.
    async fn refusals(&self, reason: &str) -> u64 {
        let metrics = metrics(&self.base).await;
        let series = format!(
            "warroom_requests_refused_total{{transport=\"{}\",reason=\"{reason}\"}} ",
            self.signer.transport()
        );
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&series))
            .map_or(0, |n| n.parse().unwrap())
    }

    /// Sends `request`, which must be refused: 401, counted once more under `reason`, and
    /// nothing recorded to run. (The inbox row is written before a request is acknowledged,
    /// and only a row is ever run; so no row after the answer means it never runs.)
    async fn refuses(&self, request: &Request, reason: &str, case: &str) {
        let counted = self.refusals(reason).await;
        let recorded = inbox_rows(self.store).await;
        assert_eq!(self.send(request).await, 401, "{case}: {}", self.path);
        assert_eq!(self.refusals(reason).await, counted + 1, "{case}: {reason}");
        assert_eq!(
            inbox_rows(self.store).await,
            recorded,
            "{case} was recorded"
        );
    }

    /// Sends `make(spoil)`, spoiled, for every spoil: each is refused and leaves nothing.
    async fn refuses_every_spoil(&self, make: impl Fn(Spoil) -> String) {
        for spoil in SPOILS {
            let request = self.spoiled(spoil, &make(spoil));
            self.refuses(&request, spoil.reason(), &format!("{spoil:?}"))
                .await;
        }
    }

    /// Sends `body` signed now, which is accepted and recorded, then the very same request
    /// again, which is refused as a replay and recorded nothing.
    async fn accepts_once(&self, body: &str) {
        let recorded = inbox_rows(self.store).await;
        let request = self.genuine(body);
        assert_eq!(self.send(&request).await, 200, "genuine: {}", self.path);
        assert_eq!(inbox_rows(self.store).await, recorded + 1, "genuine");
        self.refuses(&request, "replayed", "Replayed").await;
    }
}

/// Waits until the stand-in in `dir` has been run `n` times; its calls.
async fn ran(dir: &std::path::Path, n: usize) -> Vec<String> {
    until(WAIT, || async { stand_in::calls(dir) }, |c| c.len() >= n).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_slack_did_not_sign_now_create_nothing() {
    let h = slack_app::start("").await;
    // Mallory's signed declaration, made Alice's.
    let route = Route::slack(&h, "/slack/commands", FORM, (MALLORY, ALICE));
    let declare = |title: &str| {
        SlackClient::command_form(ALICE, CHANNEL, "/incident", title, &h.fake.response_url(1))
    };
    route
        .refuses_every_spoil(|spoil| declare(&format!("p1 {spoil:?}")))
        .await;
    assert!(
        h.app
            .store
            .list(ListFilter::All, 10)
            .await
            .unwrap()
            .is_empty()
    );

    route.accepts_once(&declare("p1 genuine")).await;
    let incidents = until(
        WAIT,
        || async { h.app.store.list(ListFilter::All, 10).await.unwrap() },
        |l| !l.is_empty(),
    )
    .await;
    let titles: Vec<&str> = incidents.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["genuine"]);
    let ran = "warroom_commands_total{command=\"incident\",outcome=\"ok\"} 1";
    let counted = until(WAIT, || metrics(&h.slack.base), |m| m.contains(ran)).await;
    assert!(counted.lines().any(|l| l == ran), "{counted}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirm_clicks_slack_did_not_sign_now_run_no_rollback() {
    let dir = tempfile::tempdir().unwrap();
    let (h, card) = rollback_requested(dir.path()).await;
    let token = confirmation_token(&card.to_string());
    let respond = h.fake.response_url(2);
    let on_card = Card::posted(&card, &respond);
    // Mallory's signed click, made Bob's: Bob may confirm Alice's rollback, Mallory not.
    let route = Route::slack(&h, "/slack/interactions", FORM, (MALLORY, BOB));
    let confirm = || SlackClient::click_form(BOB, &on_card, "warroom:confirm", &token);
    route.refuses_every_spoil(|_| confirm()).await;
    assert!(stand_in::calls(dir.path()).is_empty());
    assert!(
        h.fake.calls_to("chat.update").is_empty(),
        "the card is untouched"
    );

    route.accepts_once(&confirm()).await;
    assert_eq!(
        ran(dir.path(), 1).await,
        ["-n prod rollout undo deployment/api"],
        "the genuine click ran the rollback"
    );
    let outcome = h.fake.wait_for_text("chat.update", "✅ api/rollback").await;
    assert!(
        outcome
            .body
            .to_string()
            .contains(&format!("confirmed by <@{BOB}>"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_slack_did_not_sign_now_put_nothing_on_the_timeline() {
    let h = slack_app::start("").await;
    h.command(ALICE, "/incident", "p2 search is slow").await;
    h.fake.wait_for("chat.postMessage", 1).await;
    let said_at = "1700000100.000200";
    h.fake
        .add_message(CHANNEL, said_at, MALLORY, "EU pool answers 502");
    let before = h.app.store.timeline(IncidentId(1)).await.unwrap().len();
    // A signed reaction that means nothing, made the pin.
    let route = Route::slack(&h, "/slack/events", JSON, ("\"eyes\"", "\"pushpin\""));
    let pin = |event_id: &str| {
        json!({
            "type": "event_callback", "team_id": "T0WARROOM", "event_id": event_id,
            "event": { "type": "reaction_added", "user": BOB, "reaction": "pushpin",
                       "item": { "type": "message", "channel": CHANNEL, "ts": said_at } }
        })
        .to_string()
    };
    route
        .refuses_every_spoil(|spoil| pin(&format!("Ev{spoil:?}")))
        .await;
    let timeline = h.app.store.timeline(IncidentId(1)).await.unwrap();
    assert_eq!(timeline.len(), before, "{timeline:?}");

    route.accepts_once(&pin("EvGENUINE")).await;
    let pinned = "EU pool answers 502 (pinned by U0BOB)";
    let timeline = until(
        WAIT,
        || async { h.app.store.timeline(IncidentId(1)).await.unwrap() },
        |t| t.iter().any(|e| e.text == pinned),
    )
    .await;
    assert_eq!(timeline.len(), before + 1, "{timeline:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirm_clicks_discord_did_not_sign_now_run_no_rollback() {
    let dir = tempfile::tempdir().unwrap();
    let (h, card) = discord_app::rollback_requested(dir.path()).await;
    let custom_id = first_button(&card);
    assert!(custom_id.starts_with("warroom:confirm:"), "{custom_id}");
    let with_role = format!("\"roles\":[\"{ONCALL_ROLE}\"]");
    let route = Route {
        base: h.discord.base.clone(),
        path: "/discord/interactions",
        content_type: JSON,
        signer: Signer::Discord(&h.discord),
        store: &h.app.store,
        // Carol's signed click without her on-call role, the role added after signing.
        altered: ("\"roles\":[]", &with_role),
    };
    let confirm = || {
        let clicked: Value = click(
            CAROL,
            &[ONCALL_ROLE],
            discord_app::CHANNEL,
            &card,
            &custom_id,
        );
        clicked.to_string()
    };
    route.refuses_every_spoil(|_| confirm()).await;
    assert!(stand_in::calls(dir.path()).is_empty());
    assert_eq!(
        h.fake.calls_to("PATCH", "/messages/@original").len(),
        1,
        "only the card was shown"
    );
    assert!(
        h.fake
            .calls_to("POST", &format!("/webhooks/{APP}/"))
            .is_empty()
    );

    route.accepts_once(&confirm()).await;
    assert_eq!(
        ran(dir.path(), 1).await,
        ["rollout undo deployment/api"],
        "the genuine click ran the rollback"
    );
    let edits = h.fake.wait_for("PATCH", "/messages/@original", 3).await;
    assert!(
        edits[2].body.to_string().contains("✅ api/rollback"),
        "{edits:?}"
    );
}

/// Bodies over the limit are refused before they are verified, and signed bodies that are not
/// what Slack sends are refused after: neither is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_malformed_bodies_are_refused_and_recorded_nowhere() {
    let h = slack_app::start("").await;
    let form = SlackClient::command_form(ALICE, CHANNEL, "/incident", "p1 x", "http://x/");
    // Twice the 64 KiB limit: over it, yet small enough that the whole body is written before
    // warroom answers 413 and closes, so the client always reads the answer.
    let huge = format!("{form}&pad={}", "x".repeat(128 * 1024));
    assert_eq!(h.slack.post("/slack/commands", FORM, &huge).await, 413);
    let json_body = r#"{"command":"/incident","text":"p1 json"}"#;
    assert_eq!(h.slack.post("/slack/commands", JSON, json_body).await, 400);
    assert_eq!(
        h.slack.post("/slack/interactions", FORM, "payload=[").await,
        400
    );
    assert_eq!(h.slack.post("/slack/events", JSON, "{").await, 400);
    assert_eq!(inbox_rows(&h.app.store).await, 0);
}

/// A handler that takes [`Verified`] on a router without the signature layer cannot be reached:
/// every request, however it is signed, is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_without_the_signature_layer_refuses_everything() {
    let unguarded = axum::Router::new().route(
        "/hook",
        post(|v: Verified| async move { v.key().to_string() }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, unguarded).await });
    let client = SlackClient::new(addr, SECRET);
    let (status, answer) = client.post_for_answer("/hook", FORM, "text=hi").await;
    assert_eq!((status, answer.as_str()), (401, ""));
}
