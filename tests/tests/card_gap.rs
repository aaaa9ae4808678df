//! An alert storm edits an incident card every few seconds at most: a redraw asked for by
//! alerts, on Slack or Discord, is written to the outbox held back for `CARD_GAP`, and the
//! outbox sends such a letter once it is due, not before.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use warroom::alerts::Announce;
use warroom::app::App;
use warroom::config::{DiscordConfig, SlackConfig};
use warroom::inbox::Inbox;
use warroom::outbox::{CARD_GAP, Carrier, Delivered, Letter, Outbox, Sending};
use warroom_commands::incident::IncidentId;
use warroom_integrations::Store;
use warroom_tests::db::{Backend, TestDb};

const LEASE: TimeDelta = TimeDelta::seconds(30);

async fn app(db: &TestDb) -> App {
    let text = format!("[database]\nurl = \"{}\"\n", db.url);
    App::start(warroom::config::load_str(&text, "test").unwrap())
        .await
        .unwrap()
}

/// An outbox nobody sends from, so the test alone claims what is written.
fn unsent(app: &App) -> (Arc<Outbox>, Arc<Inbox>) {
    let letters = Outbox::new(app.store.clone(), "test".into());
    let inbox = Inbox::new(app.store.clone(), letters.clone());
    (letters, inbox)
}

/// The one letter written between `before` and `after` cannot be claimed a moment before
/// `before + CARD_GAP` and can at `after + CARD_GAP`; its lane and payload.
async fn held_for_the_gap(
    store: &Store,
    before: DateTime<Utc>,
    after: DateTime<Utc>,
) -> (String, String) {
    let early = before + CARD_GAP - TimeDelta::milliseconds(1);
    let taken = store.outbox_claim("test", early, LEASE, 10).await.unwrap();
    assert!(taken.is_empty(), "claimed before its gap: {taken:?}");
    let mut taken = store
        .outbox_claim("test", after + CARD_GAP, LEASE, 10)
        .await
        .unwrap();
    assert_eq!(taken.len(), 1, "{taken:?}");
    let letter = taken.remove(0);
    (letter.lane, letter.payload)
}

/// Asks `transport` to redraw incident 7's card in `channel` for alerts: the letter's lane and
/// payload, checked to be held for the gap.
async fn redrawn(transport: &dyn Announce, store: &Store, channel: &str) -> (String, String) {
    let before = Utc::now();
    transport.redraw(IncidentId(7), channel).await;
    let after = Utc::now();
    held_for_the_gap(store, before, after).await
}

#[tokio::test]
async fn a_slack_card_redrawn_for_alerts_waits_the_gap() {
    warroom::server::install_crypto_provider();
    let db = TestDb::new(Backend::Sqlite).await;
    let app = app(&db).await;
    let (letters, inbox) = unsent(&app);
    let cards = Arc::new(app.store.clone());
    let slack = warroom::slack::Slack::new(
        app.core.clone(),
        cards,
        inbox,
        letters,
        &SlackConfig::default(),
    )
    .unwrap();
    let (lane, payload) = redrawn(&slack, &app.store, "C0ALERTS").await;
    assert_eq!(lane, "slack:C0ALERTS");
    assert_eq!(payload, r#"{"kind":"redraw","incident":7}"#);
}

#[tokio::test]
async fn a_discord_card_redrawn_for_alerts_waits_the_gap() {
    warroom::server::install_crypto_provider();
    let db = TestDb::new(Backend::Sqlite).await;
    let app = app(&db).await;
    let (letters, inbox) = unsent(&app);
    let cards = Arc::new(app.store.clone());
    let discord = warroom::discord::Discord::new(
        app.core.clone(),
        cards,
        inbox,
        letters,
        &DiscordConfig::default(),
    );
    let (lane, payload) = redrawn(&discord, &app.store, "1500000000000000001").await;
    assert_eq!(lane, "discord:1500000000000000001");
    assert_eq!(payload, r#"{"kind":"redraw","incident":7}"#);
}

/// Records when each letter was carried.
#[derive(Default)]
struct Clocked {
    carried: Mutex<Vec<(String, DateTime<Utc>)>>,
    done: tokio::sync::Notify,
}

#[async_trait::async_trait]
impl Carrier for Clocked {
    async fn carry(&self, letter: &Sending) -> Delivered {
        self.carried
            .lock()
            .unwrap()
            .push((letter.payload.clone(), Utc::now()));
        self.done.notify_one();
        Delivered::Sent
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_sends_a_held_back_letter_once_it_is_due() {
    let db = TestDb::new(Backend::Sqlite).await;
    let store = Store::open(&db.url).await.unwrap();
    let letters = Outbox::new(store.clone(), "test".into());
    let clocked = Arc::new(Clocked::default());
    letters.register("clocked", clocked.clone());
    letters.start();
    let due = Utc::now() + TimeDelta::milliseconds(300);
    let letter = |payload: &str, not_before| Letter {
        carrier: "clocked",
        lane: "clocked:C1".into(),
        payload: payload.into(),
        coalesce: None,
        not_before,
    };
    letters
        .send_now(vec![letter("held", Some(due)), letter("behind", None)])
        .await;
    let carried = || clocked.carried.lock().unwrap().clone();
    tokio::time::timeout(Duration::from_secs(30), async {
        while carried().len() < 2 {
            clocked.done.notified().await;
        }
    })
    .await
    .expect("both letters were sent");
    let carried = carried();
    let order: Vec<&str> = carried.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(order, ["held", "behind"]);
    assert!(carried[0].1 >= due, "sent at {} before {due}", carried[0].1);
}
