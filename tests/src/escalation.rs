//! The stand for the escalation tests on real databases (`tests/tests/escalation.rs`): warroom
//! processes sharing one database and one manual clock, and the places their pages land.
//!
//! A process pages either through the real Slack transport to a [`FakeSlack`] ([`process`]),
//! or, to time the scheduler itself without Slack's pacing, through [`Pages`], which notes when
//! each page arrived ([`process_posting_to`]). Every process reads `[schedules.NAME]` from its
//! configuration, and the overrides recorded on them from the database, as replicas do. Kept in
//! the library so the test file holds only the scenarios.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use warroom::config::{Config, load_str};
use warroom::scheduler::Scheduler;
use warroom::slack::Slack;
use warroom_commands::alerts::Desk;
use warroom_commands::escalation::Outbox;
use warroom_commands::fakes::{FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use warroom_commands::oncall::Roster;
use warroom_commands::ports::{Clock, Mention, Notifier, NotifyError, Recipient};
use warroom_commands::{ChannelRef, Core, Invocation, Platform, Reply};
use warroom_integrations::Store;

use crate::db::TestDb;
use crate::slack::FakeSlack;

pub const START: &str = "2026-11-18T10:00:00Z";

/// Slack pointed at `api_url`; on-call and the lead as the runbook's P1 policy pages them.
/// `extra` is appended (a test's own levels).
fn config(api_url: &str, extra: &str) -> Config {
    load_str(
        &format!(
            r#"
[slack]
signing_secret = "s3cret"
bot_token = "xoxb-1234-test"
api_url = "{api_url}"

[escalation]
oncall = ["slack:S0ONCALL"]
lead = ["slack:U0LEAD"]
{extra}
"#
        ),
        "test",
    )
    .expect("test configuration")
}

/// One warroom process's core: its own connection pool on the database (incidents, jobs and
/// alerts, routed as `config` says; the overrides recorded on the configured schedules), and
/// the shared manual clock.
async fn core(db: &TestDb, clock: &Arc<ManualClock>, config: &Config) -> (Core, Store) {
    warroom::server::install_crypto_provider();
    let store = Store::open(&db.url).await.expect("store");
    let core = Core {
        store: Arc::new(store.clone()),
        actions: Arc::new(store.clone()),
        schedule: Arc::new(store.clone()),
        escalation: config.escalation.policy(),
        alerts: Desk {
            store: Arc::new(store.clone()),
            routes: Arc::new(config.alerts.routes.clone()),
        },
        oncall: Roster {
            schedules: Arc::new(config.schedules.clone()),
            overrides: Arc::new(store.clone()),
        },
        ..warroom_commands::fakes::core(
            Arc::new(InMemoryStore::default()),
            Arc::new(InMemoryActions::default()),
            Arc::new(FakeRunner::default()),
            clock.clone(),
        )
    };
    (core, store)
}

/// One warroom process with its own worker name and the real Slack transport as its notifier.
pub async fn process(
    db: &TestDb,
    fake: &FakeSlack,
    clock: &Arc<ManualClock>,
    name: &str,
    extra: &str,
) -> (Core, Scheduler, Store) {
    let config = config(&fake.api_url(), extra);
    let (core, store) = core(db, clock, &config).await;
    let letters = warroom::outbox::Outbox::new(store.clone(), "test".into());
    let slack = Arc::new(
        Slack::new(
            core.clone(),
            Arc::new(store.clone()),
            warroom::inbox::Inbox::new(store.clone(), letters.clone()),
            letters,
            &config.slack,
        )
        .expect("slack"),
    );
    let outbox = Outbox {
        notifiers: vec![(Platform::Slack, slack as _)],
        cards: Some(Arc::new(store.clone())),
    };
    let scheduler = Scheduler::named(core.clone(), outbox, name.to_string());
    (core, scheduler, store)
}

/// One warroom process posting through `notifier` instead of Slack.
pub async fn process_posting_to(
    db: &TestDb,
    notifier: Arc<dyn Notifier>,
    clock: &Arc<ManualClock>,
    name: &str,
    extra: &str,
) -> (Core, Scheduler, Store) {
    let config = config("http://127.0.0.1:9", extra);
    let (core, store) = core(db, clock, &config).await;
    let outbox = Outbox {
        notifiers: vec![(Platform::Slack, notifier)],
        cards: None,
    };
    let scheduler = Scheduler::named(core.clone(), outbox, name.to_string());
    (core, scheduler, store)
}

/// A page as it arrived: the wall-clock instant, the manual clock's time, the channel and who
/// was mentioned.
#[derive(Debug, Clone)]
pub struct Page {
    pub arrived: Instant,
    pub at: DateTime<Utc>,
    pub channel: String,
    pub mentions: Vec<Mention>,
}

/// A chat platform that answers at once and notes every page. With `dies`, the first post is
/// noted (it may have reached Slack) and then never returns: the process posting it is killed.
pub struct Pages {
    clock: Arc<ManualClock>,
    pages: Mutex<Vec<Page>>,
    dies: bool,
    pub reached: tokio::sync::Notify,
}

impl Pages {
    pub fn new(clock: &Arc<ManualClock>, dies: bool) -> Arc<Pages> {
        Arc::new(Pages {
            clock: clock.clone(),
            pages: Mutex::new(Vec::new()),
            dies,
            reached: tokio::sync::Notify::new(),
        })
    }

    pub fn all(&self) -> Vec<Page> {
        self.pages.lock().unwrap().clone()
    }

    /// The pages mentioning `who`.
    pub fn to(&self, who: &Mention) -> Vec<Page> {
        let all = self.all().into_iter();
        all.filter(|p| p.mentions.contains(who)).collect()
    }
}

#[async_trait]
impl Notifier for Pages {
    async fn notify(
        &self,
        to: &Recipient,
        mentions: &[Mention],
        _: &Reply,
    ) -> Result<String, NotifyError> {
        let channel = match to {
            Recipient::Channel(c) | Recipient::Thread { channel: c, .. } => c.channel.clone(),
            Recipient::Direct { user, .. } => format!("direct:{user}"),
        };
        let page = Page {
            arrived: Instant::now(),
            at: self.clock.now(),
            channel,
            mentions: mentions.to_vec(),
        };
        let id = {
            let mut pages = self.pages.lock().unwrap();
            pages.push(page);
            pages.len().to_string()
        };
        if self.dies {
            self.reached.notify_one();
            std::future::pending::<()>().await;
        }
        Ok(id)
    }
}

/// `actor` types `text` in Slack channel `channel`.
pub async fn say(core: &Core, channel: &str, actor: &str, text: &str) {
    let inv = Invocation {
        channel: ChannelRef::new(Platform::Slack, "T1", channel),
        actor: actor.into(),
        groups: Vec::new(),
        text: text.into(),
    };
    core.execute(&inv).await.expect(text);
}

pub async fn declare(core: &Core, channel: &str) {
    let title = format!("/incident p1 checkout returns 502 in {channel}");
    say(core, channel, "U0DECLARER", &title).await;
}

/// The start, on the manual clock.
pub fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(START)
        .unwrap()
        .with_timezone(&Utc)
}

/// Moves the clock to `minutes` after the start.
pub fn to_minute(clock: &ManualClock, minutes: i64) {
    to_second(clock, minutes * 60);
}

/// Moves the clock to `seconds` after the start.
pub fn to_second(clock: &ManualClock, seconds: i64) {
    let target = start() + TimeDelta::seconds(seconds);
    assert!(target >= clock.now(), "time only moves forward");
    clock.advance(target - clock.now());
}

/// The pages that reached Slack's channels (not direct messages): (channel, text).
pub fn pages(fake: &FakeSlack) -> Vec<(String, String)> {
    fake.calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| {
            c.body["text"]
                .as_str()
                .unwrap_or("")
                .contains("not acknowledged")
        })
        .filter(|c| c.body["channel"].as_str().unwrap_or("").starts_with('C'))
        .map(|c| {
            (
                c.body["channel"].as_str().unwrap_or("").to_string(),
                c.body["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}
