//! Escalation on real databases: the scheduler's rows survive a restart, and two warroom
//! processes on one Postgres page each level exactly once, on time. Time is a manual clock;
//! pages are counted where they land: at a fake Slack Web API on loopback, or (to time the
//! scheduler itself, without Slack's pacing) at a notifier that notes when each page arrived.
//! The processes and those two landing places are in `warroom_tests::escalation`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use warroom::scheduler::Scheduler;
use warroom_commands::escalation::{JobKind, LEASE};
use warroom_commands::fakes::ManualClock;
use warroom_commands::incident::{EntryKind, IncidentId};
use warroom_commands::oncall::parse::person;
use warroom_commands::ports::{Clock, Mention, NewOverride};
use warroom_tests::both_backends;
use warroom_tests::db::{Backend, TestDb};
use warroom_tests::escalation::{
    Pages, START, declare, pages, process, process_posting_to, say, start, to_minute, to_second,
};
use warroom_tests::slack::FakeSlack;

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

/// The slowest of the fastest 99 %: the 99th percentile of `waits`.
fn p99(waits: &mut [Duration]) -> Duration {
    waits.sort();
    let rank = (waits.len() * 99).div_ceil(100);
    waits[rank.saturating_sub(1)]
}

/// Both processes tick together, as two replicas do, until `pages` holds `want` pages; a
/// bound on the wall clock, not a pause, ends a test whose pages never come.
async fn tick_until(a: &Scheduler, b: &Scheduler, pages: &Pages, want: usize) -> (usize, usize) {
    let began = Instant::now();
    let mut fired = (0, 0);
    while pages.all().len() < want {
        assert!(
            began.elapsed() < Duration::from_secs(30),
            "{} of {want} pages after 30 s",
            pages.all().len()
        );
        let (by_a, by_b) = tokio::join!(a.tick(), b.tick());
        fired.0 += by_a;
        fired.1 += by_b;
    }
    fired
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_page_a_hundred_incidents_due_at_once_each_once_within_two_seconds() {
    const INCIDENTS: usize = 100;
    let db = TestDb::new(Backend::Postgres).await;
    let clock = Arc::new(ManualClock::at(START));
    // On-call a minute in, so that every incident's first page falls due at the same moment.
    let levels = r#"
[escalation.p1]
levels = [{ after = "1m", notify = ["oncall"] }, { after = "5m", notify = ["lead"] }]
"#;
    let pages = Pages::new(&clock, false);
    let (core, a, _a_store) = process_posting_to(&db, pages.clone(), &clock, "a", levels).await;
    let (_, b, _b_store) = process_posting_to(&db, pages.clone(), &clock, "b", levels).await;
    for n in 0..INCIDENTS {
        declare(&core, &format!("C{n:03}")).await;
    }
    for (minute, level, who) in [
        (1, 1, Mention::Group("S0ONCALL".into())),
        (5, 2, Mention::User("U0LEAD".into())),
    ] {
        to_minute(&clock, minute);
        let due = Instant::now();
        let fired = tick_until(&a, &b, &pages, INCIDENTS * level).await;
        // Past every lease: nothing is fired again.
        to_second(&clock, minute * 60 + LEASE.num_seconds() + 1);
        let (more_a, more_b) = tokio::join!(a.tick(), b.tick());
        assert_eq!(more_a + more_b, 0, "level {level} fired again");
        let paged = pages.to(&who);
        let mut per_channel: BTreeMap<&str, usize> = BTreeMap::new();
        for page in &paged {
            *per_channel.entry(page.channel.as_str()).or_default() += 1;
        }
        assert_eq!(
            per_channel.len(),
            INCIDENTS,
            "level {level}: {per_channel:?}"
        );
        assert!(
            per_channel.values().all(|n| *n == 1),
            "level {level} paged an incident twice: {per_channel:?}"
        );
        let mut waits: Vec<Duration> = paged.iter().map(|p| p.arrived - due).collect();
        let worst = p99(&mut waits);
        println!(
            "level {level}: {INCIDENTS} pages, process a fired {}, b fired {}; from due to page p50 {:?}, p99 {worst:?}",
            fired.0,
            fired.1,
            waits[waits.len() / 2]
        );
        assert!(
            worst <= Duration::from_secs(2),
            "level {level}: p99 from due to page is {worst:?}"
        );
    }
    assert_eq!(pages.all().len(), INCIDENTS * 2);
}

both_backends!(
    a_process_killed_mid_page_delays_no_later_level_and_repeats_only_its_own_page,
    |db: TestDb| async move {
        let clock = Arc::new(ManualClock::at(START));
        // The lead 10 s after on-call: well inside the killed process's lease.
        let levels = r#"
[escalation.p1]
levels = [{ after = "0m", notify = ["oncall"] }, { after = "10s", notify = ["lead"] }]
"#;
        let oncall = Mention::Group("S0ONCALL".into());
        let lead = Mention::User("U0LEAD".into());
        let dying = Pages::new(&clock, true);
        let (core, a, a_store) = process_posting_to(&db, dying.clone(), &clock, "a", levels).await;
        declare(&core, "C0INCIDENTS").await;
        // Process A claims level 1, posts it, and is killed before it hears back.
        tokio::select! {
            _ = a.tick() => panic!("the dying post never returns"),
            () = dying.reached.notified() => {}
        }
        drop(a);
        a_store.close().await;
        assert_eq!(
            dying.to(&oncall).len(),
            1,
            "A's page may have reached Slack"
        );

        let pages = Pages::new(&clock, false);
        let (core, b, _b_store) = process_posting_to(&db, pages.clone(), &clock, "b", levels).await;
        b.tick().await;
        assert!(pages.all().is_empty(), "A's claim on level 1 still holds");
        // Level 2 was planned when A fired level 1: B pages it at its own time.
        to_second(&clock, 10);
        b.tick().await;
        let paged = pages.to(&lead);
        assert_eq!(paged.len(), 1, "{:?}", pages.all());
        assert_eq!(paged[0].at, start() + TimeDelta::seconds(10), "on time");
        // A's level 1 is fired again once its lease runs out, and not a moment before.
        to_second(&clock, LEASE.num_seconds() - 1);
        b.tick().await;
        assert!(pages.to(&oncall).is_empty());
        to_second(&clock, LEASE.num_seconds());
        b.tick().await;
        let again = pages.to(&oncall);
        assert_eq!(again.len(), 1);
        let window = again[0].at - dying.to(&oncall)[0].at;
        assert_eq!(window, LEASE);
        println!(
            "level 1: A's page at +0 s, fired again by B at +{} s (the lease); level 2 at +10 s, once",
            window.num_seconds()
        );
        for minute in [1, 5, 30, 120] {
            to_minute(&clock, minute);
            b.tick().await;
        }
        // Nothing else pages twice: on-call twice (A's page in flight and B's), the lead once.
        // (The channel's status-update reminders mention nobody.)
        let oncall_pages = dying.to(&oncall).len() + pages.to(&oncall).len();
        let lead_pages = dying.to(&lead).len() + pages.to(&lead).len();
        assert_eq!((oncall_pages, lead_pages), (2, 1), "{:?}", pages.all());
        let timeline = core.store.timeline(IncidentId(1)).await.unwrap();
        let escalated: Vec<_> = timeline
            .iter()
            .filter(|e| e.kind == EntryKind::Escalated)
            .map(|e| e.text.clone())
            .collect();
        assert_eq!(escalated.len(), 2, "{escalated:?}");
        assert!(
            core.schedule
                .pending(Some(IncidentId(1)))
                .await
                .unwrap()
                .iter()
                .all(|j| j.kind != JobKind::Escalate),
            "nothing left to page"
        );
    }
);

/// Primary hands from Alice to Bob on Monday 23 November 2026 at 09:00 in Berlin, and each P1
/// level pages whoever primary has on call then.
const ROTA: &str = r#"
[escalation.p1]
levels = [
  { after = "0m", notify = ["schedule:primary"] },
  { after = "30m", notify = ["schedule:primary"] },
  { after = "60m", notify = ["schedule:primary"] },
]

[schedules.primary]
time_zone = "Europe/Berlin"
[[schedules.primary.layers]]
members = ["slack:U0ALICE", "slack:U0BOB"]
rotation = "weekly"
handoff = "monday 09:00"
start = "2026-11-16"
"#;

/// Both processes tick at the same moment, as two replicas do, until nothing is due.
async fn tick_both(a: &Scheduler, b: &Scheduler) -> usize {
    let mut fired = 0;
    loop {
        let (by_a, by_b) = tokio::join!(a.tick(), b.tick());
        if by_a + by_b == 0 {
            return fired;
        }
        fired += by_a + by_b;
    }
}

both_backends!(
    two_processes_page_a_schedule_level_once_to_whoever_is_on_call_as_it_fires,
    |db: TestDb| async move {
        // Monday 08:50 in Berlin, ten minutes before Alice hands primary to Bob.
        let clock = Arc::new(ManualClock::at("2026-11-23T07:50:00Z"));
        let pages = Pages::new(&clock, false);
        let (core, a, _a_store) = process_posting_to(&db, pages.clone(), &clock, "a", ROTA).await;
        let (b_core, b, _b_store) = process_posting_to(&db, pages.clone(), &clock, "b", ROTA).await;
        declare(&core, "C0INCIDENTS").await;
        let [alice, bob, carol] =
            ["U0ALICE", "U0BOB", "U0CAROL"].map(|id| Mention::User(id.into()));
        tick_both(&a, &b).await;
        assert_eq!(pages.to(&alice).len(), 1, "{:?}", pages.all());
        // 09:20: the level fires after the hand-off, so it pages Bob, once.
        clock.advance(TimeDelta::minutes(30));
        tick_both(&a, &b).await;
        clock.advance(LEASE + TimeDelta::seconds(1));
        assert_eq!(tick_both(&a, &b).await, 0, "nothing fires again");
        assert_eq!(pages.to(&bob).len(), 1, "{:?}", pages.all());
        assert_eq!(pages.to(&alice).len(), 1);
        // Carol covers primary from 09:30, recorded through the other process: level 3 at
        // 09:50 pages her, once.
        let from = clock.now() + TimeDelta::minutes(10);
        let cover = NewOverride {
            schedule: "primary".into(),
            who: person("slack:U0CAROL").unwrap(),
            from,
            until: from + TimeDelta::hours(1),
            by: "U0BOB".into(),
            reason: "cover".into(),
            at: clock.now(),
        };
        b_core.oncall.overrides.add_override(&cover).await.unwrap();
        clock.advance(TimeDelta::minutes(30));
        tick_both(&a, &b).await;
        let paged: Vec<_> = pages
            .all()
            .into_iter()
            .filter(|p| !p.mentions.is_empty())
            .collect();
        let whom: Vec<_> = paged.iter().map(|p| p.mentions.clone()).collect();
        assert_eq!(whom, vec![vec![alice], vec![bob], vec![carol]]);
        let timeline = core.store.timeline(IncidentId(1)).await.unwrap();
        let escalated: Vec<_> = timeline
            .iter()
            .filter(|e| e.kind == EntryKind::Escalated)
            .map(|e| e.text.clone())
            .collect();
        assert_eq!(escalated.len(), 3, "{escalated:?}");
        for (entry, who) in escalated.iter().zip(["U0ALICE", "U0BOB", "U0CAROL"]) {
            let paged = format!("paged slack:{who} (schedule:primary)");
            assert!(entry.contains(&paged), "{escalated:?}");
        }
    }
);
