//! Escalation on real databases: the scheduler's rows survive a restart, and two warroom
//! processes on one Postgres page each level exactly once. Time is a manual clock; pages are
//! counted where they land, at a fake Slack Web API on loopback.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::TimeDelta;
use warroom::config::{Config, load_str};
use warroom::scheduler::Scheduler;
use warroom::slack::Slack;
use warroom_commands::escalation::{JobKind, LEASE, Outbox};
use warroom_commands::fakes::{FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use warroom_commands::incident::{EntryKind, IncidentId};
use warroom_commands::ports::Clock;
use warroom_commands::{ChannelRef, Core, Invocation, Platform};
use warroom_integrations::Store;
use warroom_tests::both_backends;
use warroom_tests::db::{Backend, TestDb};
use warroom_tests::slack::FakeSlack;

const START: &str = "2026-11-18T10:00:00Z";

/// Slack pointed at the fake; on-call and the lead as the runbook's P1 policy pages them.
/// `extra` is appended (a test's own levels).
fn config(fake: &FakeSlack, extra: &str) -> Config {
    load_str(
        &format!(
            r#"
[slack]
signing_secret = "s3cret"
bot_token = "xoxb-1234-test"
api_url = "{}"

[escalation]
oncall = ["slack:S0ONCALL"]
lead = ["slack:U0LEAD"]
{extra}
"#,
            fake.api_url()
        ),
        "test",
    )
    .expect("test configuration")
}

/// One warroom process: its own connection pool on the database, its own worker name, the
/// shared manual clock, and the real Slack transport as its notifier.
async fn process(
    db: &TestDb,
    fake: &FakeSlack,
    clock: &Arc<ManualClock>,
    name: &str,
    extra: &str,
) -> (Core, Scheduler, Store) {
    warroom::server::install_crypto_provider();
    let store = Store::open(&db.url).await.expect("store");
    let config = config(fake, extra);
    let core = Core {
        store: Arc::new(store.clone()),
        actions: Arc::new(store.clone()),
        schedule: Arc::new(store.clone()),
        escalation: config.escalation.policy(),
        ..warroom_commands::fakes::core(
            Arc::new(InMemoryStore::default()),
            Arc::new(InMemoryActions::default()),
            Arc::new(FakeRunner::default()),
            clock.clone(),
        )
    };
    let slack = Arc::new(
        Slack::new(
            core.clone(),
            Arc::new(store.clone()),
            warroom::inbox::Inbox::new(store.clone()),
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

/// `actor` types `text` in Slack channel `channel`.
async fn say(core: &Core, channel: &str, actor: &str, text: &str) {
    let inv = Invocation {
        channel: ChannelRef::new(Platform::Slack, "T1", channel),
        actor: actor.into(),
        groups: Vec::new(),
        text: text.into(),
    };
    core.execute(&inv).await.expect(text);
}

async fn declare(core: &Core, channel: &str) {
    let title = format!("/incident p1 checkout returns 502 in {channel}");
    say(core, channel, "U0DECLARER", &title).await;
}

/// Moves the clock to `minutes` after the start.
fn to_minute(clock: &ManualClock, minutes: i64) {
    let start = chrono::DateTime::parse_from_rfc3339(START).unwrap();
    let target = start.with_timezone(&chrono::Utc) + TimeDelta::minutes(minutes);
    clock.advance(target - clock.now());
}

/// The pages that reached Slack's channels (not direct messages): (channel, text).
fn pages(fake: &FakeSlack) -> Vec<(String, String)> {
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

both_backends!(
    a_restart_mid_escalation_fires_every_due_level_once,
    |db: TestDb| async move {
        let fake = FakeSlack::start().await;
        let clock = Arc::new(ManualClock::at(START));
        let (core, first, store) = process(&db, &fake, &clock, "first", "").await;
        declare(&core, "C0INCIDENTS").await;
        first.tick().await;
        assert_eq!(pages(&fake).len(), 1, "on-call is paged at once");
        // At 5 minutes the first process claims level 2 and stops before firing it.
        to_minute(&clock, 5);
        let claimed = core
            .schedule
            .claim(clock.now(), "first", LEASE, 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].kind, JobKind::Escalate);
        drop(first);
        store.close().await;

        let (core, second, _store) = process(&db, &fake, &clock, "second", "").await;
        second.tick().await;
        assert_eq!(pages(&fake).len(), 1, "the claim still holds");
        to_minute(&clock, 7);
        second.tick().await;
        second.tick().await;
        assert_eq!(
            pages(&fake).len(),
            2,
            "the claim ran out: level 2 fires, once"
        );
        to_minute(&clock, 30);
        second.tick().await;
        assert_eq!(pages(&fake).len(), 3, "level 3: the lead");
        to_minute(&clock, 120);
        second.tick().await;
        let sent = pages(&fake);
        assert_eq!(sent.len(), 3, "{sent:?}");
        let leads = fake
            .calls_to("chat.postMessage")
            .into_iter()
            .filter(|c| c.body["text"].as_str().unwrap_or("").contains("<@U0LEAD>"))
            .count();
        assert_eq!(leads, 1, "the lead is paged once in the channel");
        let timeline = core.store.timeline(IncidentId(1)).await.unwrap();
        let escalated: Vec<_> = timeline
            .iter()
            .filter(|e| e.kind == EntryKind::Escalated)
            .map(|e| e.text.clone())
            .collect();
        assert_eq!(escalated.len(), 3, "{escalated:?}");
        assert!(
            escalated[0].contains("paged slack:S0ONCALL"),
            "{escalated:?}"
        );
        assert!(escalated[2].contains("paged slack:U0LEAD"), "{escalated:?}");
    }
);

both_backends!(
    an_ack_stops_escalation_across_a_restart,
    |db: TestDb| async move {
        let fake = FakeSlack::start().await;
        let clock = Arc::new(ManualClock::at(START));
        let (core, first, store) = process(&db, &fake, &clock, "first", "").await;
        declare(&core, "C0INCIDENTS").await;
        first.tick().await;
        to_minute(&clock, 3);
        say(&core, "C0INCIDENTS", "U0ONCALL", "/incident ack").await;
        drop(first);
        store.close().await;
        let (_core, second, _store) = process(&db, &fake, &clock, "second", "").await;
        for minute in [5, 30, 60, 240] {
            to_minute(&clock, minute);
            second.tick().await;
            assert_eq!(pages(&fake).len(), 1, "minute {minute}");
        }
        assert_eq!(pages(&fake).len(), 1);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_on_one_postgres_page_each_level_exactly_once() {
    let db = TestDb::new(Backend::Postgres).await;
    let fake = FakeSlack::start().await;
    let clock = Arc::new(ManualClock::at(START));
    // Two levels, and no status update due within the test, so every post is a page.
    let levels = r#"
[escalation.p1]
levels = [{ after = "0m", notify = ["oncall"] }, { after = "5m", notify = ["lead"] }]
"#;
    let (core, a, _a_store) = process(&db, &fake, &clock, "process-a", levels).await;
    let (_, b, _b_store) = process(&db, &fake, &clock, "process-b", levels).await;
    // Two jobs per claim, so the due pages are split between the processes, claim by claim.
    let (a, b) = (a.batch(2), b.batch(2));
    const INCIDENTS: usize = 8;
    for n in 0..INCIDENTS {
        declare(&core, &format!("C{n:02}")).await;
    }
    let mut fired = (0, 0);
    for minute in [0, 1, 5, 6, 10] {
        to_minute(&clock, minute);
        // Both processes tick at the same moment, as two replicas do, until nothing is due.
        loop {
            let (by_a, by_b) = tokio::join!(a.tick(), b.tick());
            fired.0 += by_a;
            fired.1 += by_b;
            if by_a + by_b == 0 {
                break;
            }
        }
    }
    let sent = pages(&fake);
    let mut per_channel: BTreeMap<String, usize> = BTreeMap::new();
    for (channel, _) in &sent {
        *per_channel.entry(channel.clone()).or_default() += 1;
    }
    assert_eq!(sent.len(), INCIDENTS * 2, "{per_channel:?}");
    assert!(per_channel.values().all(|n| *n == 2), "{per_channel:?}");
    assert_eq!(fired.0 + fired.1, INCIDENTS * 2);
    assert!(
        fired.0 > 0 && fired.1 > 0,
        "both processes did some of the work: {fired:?}"
    );
    println!("process a fired {}, process b fired {}", fired.0, fired.1);
}
