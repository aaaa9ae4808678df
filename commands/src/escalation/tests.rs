//! Escalation and reminders on a manual clock: every scenario steps time forward and runs the
//! due jobs, as the scheduler does, and counts what reached the (fake) chat platform.

use std::sync::Arc;

use chrono::TimeDelta;

use super::{Contact, EscalationPolicy, Outbox, QuietHours, run_due};
use crate::fakes::{FakeNotifier, FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use crate::incident::{EntryKind, IncidentId};
use crate::ports::{Clock, JobOutcome, Mention, Recipient};
use crate::{ChannelRef, Core, Invocation, Platform};

const ONCALL: &str = "slack:S0ONCALL";
const LEAD: &str = "slack:U0LEAD";

struct Pager {
    /// When the test starts, and declares its incident: minutes count from here.
    start: chrono::DateTime<chrono::Utc>,
    core: Core,
    clock: Arc<ManualClock>,
    chat: Arc<FakeNotifier>,
    outbox: Outbox,
}

impl Pager {
    fn new(start: &str) -> Pager {
        let clock = Arc::new(ManualClock::at(start));
        let oncall = [Contact::parse(ONCALL).unwrap()];
        let lead = [Contact::parse(LEAD).unwrap()];
        let core = Core {
            escalation: EscalationPolicy::defaults(&oncall, &lead),
            ..crate::fakes::core(
                Arc::new(InMemoryStore::default()),
                Arc::new(InMemoryActions::default()),
                Arc::new(FakeRunner::default()),
                clock.clone(),
            )
        };
        let chat = Arc::new(FakeNotifier::default());
        let outbox = Outbox {
            notifiers: vec![(Platform::Slack, chat.clone() as _)],
            cards: None,
        };
        Pager {
            start: clock.now(),
            core,
            clock,
            chat,
            outbox,
        }
    }

    async fn say(&self, actor: &str, text: &str) -> String {
        let inv = Invocation {
            channel: ChannelRef::new(Platform::Slack, "T1", "C1"),
            actor: actor.into(),
            groups: Vec::new(),
            text: text.into(),
        };
        match self.core.execute(&inv).await {
            Ok(reply) => reply.to_plain_text(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    /// Moves the clock to `minutes` after the start and runs what is due, as the scheduler's
    /// tick does.
    async fn at_minute(&self, minutes: i64) -> Vec<JobOutcome> {
        let declared = self.start;
        let now = self.clock.now();
        let target = declared + TimeDelta::minutes(minutes);
        assert!(target >= now, "time only moves forward");
        self.clock.advance(target - now);
        self.tick().await
    }

    async fn tick(&self) -> Vec<JobOutcome> {
        let mut outcomes = Vec::new();
        // A fired level may plan the next one due at once; run until nothing is due.
        loop {
            let done = run_due(&self.core, &self.outbox, "worker-1", 10)
                .await
                .unwrap();
            if done.is_empty() {
                return outcomes;
            }
            outcomes.extend(done.into_iter().map(|(_, r)| r.unwrap()));
        }
    }

    /// Who each page mentioned, in order.
    fn pages(&self) -> Vec<Vec<Mention>> {
        let sent = self.chat.sent.lock().unwrap();
        sent.iter()
            .filter(|(to, _, text)| {
                matches!(to, Recipient::Channel(_)) && text.contains("not acknowledged")
            })
            .map(|(_, mentions, _)| mentions.clone())
            .collect()
    }

    async fn entries(&self, kind: EntryKind) -> Vec<String> {
        let timeline = self.core.store.timeline(IncidentId(1)).await.unwrap();
        timeline
            .into_iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.text)
            .collect()
    }
}

fn group(id: &str) -> Mention {
    Mention::Group(id.into())
}

fn user(id: &str) -> Mention {
    Mention::User(id.into())
}

#[tokio::test]
async fn each_level_pages_in_turn_and_the_last_also_by_direct_message() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.at_minute(0).await;
    pager.say("U1", "/incident p1 checkout returns 502").await;
    pager.at_minute(0).await;
    assert_eq!(pager.pages(), vec![vec![group("S0ONCALL")]]);
    pager.at_minute(4).await;
    assert_eq!(
        pager.pages().len(),
        1,
        "level 2 is due at 5 minutes, not before"
    );
    let shown = pager.say("U1", "/incident show").await;
    assert!(
        shown.contains(
            "Next, unless acknowledged: escalation level 2 pages slack:S0ONCALL at 2026-11-18 10:05 UTC."
        ),
        "{shown}"
    );
    pager.at_minute(5).await;
    pager.at_minute(30).await;
    assert_eq!(
        pager.pages(),
        vec![
            vec![group("S0ONCALL")],
            vec![group("S0ONCALL")],
            vec![user("U0LEAD")]
        ]
    );
    let direct = pager
        .chat
        .sent
        .lock()
        .unwrap()
        .iter()
        .filter(|(to, _, _)| matches!(to, Recipient::Direct { user, .. } if user == "U0LEAD"))
        .count();
    assert_eq!(direct, 1, "level 3 also messages the lead directly");
    pager.at_minute(240).await;
    assert_eq!(pager.pages().len(), 3, "no repeat is configured");
    let escalated = pager.entries(EntryKind::Escalated).await;
    assert_eq!(escalated.len(), 3, "{escalated:?}");
    assert!(
        escalated[2].contains("paged slack:U0LEAD (and by direct message)"),
        "{escalated:?}"
    );
}

#[tokio::test]
async fn an_ack_at_any_point_stops_every_later_level() {
    // (minute of the ack, pages sent by then): before the first tick, between each level, and
    // long after the last.
    for (ack_at, expected) in [(0, 0), (3, 1), (5, 1), (6, 2), (29, 2), (31, 3)] {
        let pager = Pager::new("2026-11-18T10:00:00Z");
        pager.at_minute(0).await;
        pager.say("U1", "/incident p1 checkout returns 502").await;
        let mut minute = 0;
        while minute <= 60 {
            if minute == ack_at {
                // An ack at the very minute a level falls due lands before the tick.
                pager.say("U2", "/incident ack").await;
            }
            pager.at_minute(minute).await;
            minute += 1;
        }
        assert_eq!(
            pager.pages().len(),
            expected,
            "ack at minute {ack_at}: {:?}",
            pager.chat.texts()
        );
    }
}

#[tokio::test]
async fn a_level_claimed_before_the_ack_stands_down_when_it_fires() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.say("U1", "/incident p1 checkout returns 502").await;
    let claimed = pager
        .core
        .schedule
        .claim(pager.clock.now(), "worker-1", super::LEASE, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    pager.say("U2", "/incident ack").await;
    let outcome = super::fire(&pager.core, &pager.outbox, &claimed[0], "worker-1")
        .await
        .unwrap();
    assert!(
        matches!(&outcome, JobOutcome::StoodDown { why } if why.contains("acknowledged by U2")),
        "{outcome:?}"
    );
    assert!(pager.pages().is_empty());
}

#[tokio::test]
async fn raising_the_severity_reevaluates_the_policy_without_paging_anyone_twice() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.at_minute(0).await;
    pager.say("U1", "/incident p3 search is slow").await;
    pager.at_minute(20).await;
    assert!(pager.pages().is_empty(), "P3 pages after 4 hours");
    pager.say("U1", "/incident sev p1").await;
    pager.at_minute(20).await;
    // P1's first level is overdue: on-call now. Its 5-minute level pages on-call again, who
    // was just paged, so it is passed over; the lead follows at 30 minutes.
    assert_eq!(pager.pages(), vec![vec![group("S0ONCALL")]]);
    pager.at_minute(29).await;
    assert_eq!(pager.pages().len(), 1);
    pager.at_minute(30).await;
    assert_eq!(pager.pages().last(), Some(&vec![user("U0LEAD")]));
    // Lowering it again plans P3's level, at 4 hours; on-call was paged, so nothing earlier.
    pager.say("U1", "/incident sev p3").await;
    pager.at_minute(239).await;
    assert_eq!(pager.pages().len(), 2);
}

#[tokio::test]
async fn status_update_reminders_follow_the_last_update_and_can_be_snoozed() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.at_minute(0).await;
    pager.say("U1", "/incident p1 checkout returns 502").await;
    pager.say("U2", "/incident ack").await;
    let reminders = |p: &Pager| {
        p.chat
            .texts()
            .iter()
            .filter(|t| t.contains("no status update"))
            .count()
    };
    pager.at_minute(29).await;
    assert_eq!(reminders(&pager), 0);
    pager.at_minute(30).await;
    assert_eq!(reminders(&pager), 1, "{:?}", pager.chat.texts());
    pager.at_minute(40).await;
    pager.say("U2", "/incident note rolled back to api:2").await;
    pager.at_minute(69).await;
    assert_eq!(
        reminders(&pager),
        1,
        "the note at 40m moves the next reminder to 70m"
    );
    pager.at_minute(70).await;
    assert_eq!(reminders(&pager), 2);
    pager.at_minute(75).await;
    let said = pager.say("U2", "/incident snooze 45m").await;
    assert!(
        said.contains("snoozed status-update reminders for 45m"),
        "{said}"
    );
    pager.at_minute(100).await;
    assert_eq!(reminders(&pager), 2, "snoozed until 120m");
    pager.at_minute(120).await;
    assert_eq!(reminders(&pager), 3);
    assert_eq!(pager.entries(EntryKind::Reminder).await.len(), 3);
    assert_eq!(pager.entries(EntryKind::Snoozed).await.len(), 1);
    pager.say("U2", "/incident resolve fixed").await;
    pager.at_minute(240).await;
    assert_eq!(reminders(&pager), 3, "a resolved incident needs no updates");
}

#[tokio::test]
async fn quiet_hours_defer_a_low_severity_page_to_the_morning() {
    let pager = Pager::new("2026-11-18T20:00:00Z");
    pager.at_minute(0).await;
    pager.say("U1", "/incident p3 search is slow").await;
    // 4 hours later is midnight, inside 22:00-08:00: deferred to 08:00.
    pager.at_minute(240).await;
    assert!(pager.pages().is_empty());
    pager.at_minute(719).await;
    assert!(pager.pages().is_empty());
    pager.at_minute(720).await;
    assert_eq!(pager.pages(), vec![vec![group("S0ONCALL")]]);
    assert_eq!(
        pager.core.escalation.p3.quiet_hours,
        Some(QuietHours::parse("22:00-08:00").unwrap())
    );
}

#[tokio::test]
async fn a_page_the_platform_refused_is_retried_a_minute_later_and_recorded_once() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.at_minute(0).await;
    pager.chat.fail(true);
    pager.say("U1", "/incident p1 checkout returns 502").await;
    let outcomes = pager.at_minute(0).await;
    assert!(
        matches!(outcomes[..], [JobOutcome::Failed { .. }]),
        "{outcomes:?}"
    );
    pager.chat.fail(false);
    pager.at_minute(1).await;
    assert_eq!(pager.pages().len(), 1);
    assert_eq!(pager.entries(EntryKind::Escalated).await.len(), 1);
}

#[tokio::test]
async fn the_post_mortem_reminder_comes_48_hours_after_resolution_unless_reopened() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.at_minute(0).await;
    pager.say("U1", "/incident p1 checkout returns 502").await;
    pager.say("U1", "/incident ack").await;
    pager.at_minute(10).await;
    pager.say("U1", "/incident resolve rolled back").await;
    pager.at_minute(10 + 48 * 60 - 1).await;
    let due = |p: &Pager| {
        p.chat
            .texts()
            .iter()
            .filter(|t| t.contains("post-mortem is due"))
            .count()
    };
    assert_eq!(due(&pager), 0);
    pager.at_minute(10 + 48 * 60).await;
    assert_eq!(due(&pager), 1);
    assert!(
        pager
            .entries(EntryKind::Reminder)
            .await
            .iter()
            .any(|e| e.contains("post-mortem is due"))
    );

    // Resolved again, then reopened before the post-mortem falls due: no reminder.
    pager.say("U1", "/incident reopen").await;
    pager.say("U1", "/incident resolve rolled back again").await;
    let resolved_again = 10 + 48 * 60;
    pager.say("U1", "/incident reopen").await;
    pager.at_minute(resolved_again + 48 * 60 + 1).await;
    assert_eq!(
        due(&pager),
        1,
        "the reopened incident's post-mortem is not due"
    );
}

#[tokio::test]
async fn a_repeating_last_level_pages_again_until_acknowledged() {
    let mut pager = Pager::new("2026-11-18T10:00:00Z");
    pager.core.escalation.p2.repeat = Some(TimeDelta::minutes(15));
    pager.say("U1", "/incident p2 search is slow").await;
    pager.at_minute(0).await;
    pager.at_minute(60).await;
    assert_eq!(pager.pages().len(), 2, "on-call, then the lead");
    pager.at_minute(74).await;
    assert_eq!(pager.pages().len(), 2);
    pager.at_minute(75).await;
    pager.at_minute(90).await;
    assert_eq!(
        pager.pages()[2..],
        [vec![user("U0LEAD")], vec![user("U0LEAD")]],
        "the lead again every 15 minutes"
    );
    pager.say("U0LEAD", "/incident ack").await;
    pager.at_minute(300).await;
    assert_eq!(pager.pages().len(), 4, "and never after the ack");
}

#[tokio::test]
async fn with_nobody_configured_the_channel_is_reminded_when_the_ack_target_passes() {
    let mut pager = Pager::new("2026-11-18T10:00:00Z");
    pager.core.escalation = EscalationPolicy::default();
    pager.say("U1", "/incident p1 checkout returns 502").await;
    pager.at_minute(0).await;
    assert!(
        pager.chat.texts().is_empty(),
        "nothing to say at the declaration"
    );
    pager.at_minute(5).await;
    assert_eq!(pager.pages(), vec![Vec::<Mention>::new()]);
    assert!(
        pager.entries(EntryKind::Escalated).await[0]
            .contains("reminded the channel that nobody has acknowledged after 5m")
    );
}

#[tokio::test]
async fn the_weekly_digest_lists_open_incidents_and_comes_back_a_week_later() {
    // Wednesday 10:00; the digest is due on Monday at 09:00.
    let mut pager = Pager::new("2026-11-18T10:00:00Z");
    pager.core.escalation.digest = Some(super::Weekly {
        day: chrono::Weekday::Mon,
        at: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        channel: ChannelRef::new(Platform::Slack, "", "C0DIGEST"),
    });
    pager.say("U1", "/incident p2 search is slow").await;
    pager.say("U1", "/incident ack").await;
    let planned = super::plan::digest(&pager.core).await.unwrap().unwrap();
    assert_eq!(planned.due.to_rfc3339(), "2026-11-23T09:00:00+00:00");
    assert_eq!(
        super::plan::digest(&pager.core).await.unwrap(),
        Some(planned),
        "planning again keeps the one pending digest"
    );
    let digests = |p: &Pager| {
        p.chat
            .sent
            .lock()
            .unwrap()
            .iter()
            .filter(|(to, _, text)| {
                *to == Recipient::Channel(ChannelRef::new(Platform::Slack, "", "C0DIGEST"))
                    && text.contains("Weekly digest: 1 incident is open")
                    && text.contains("search is slow")
            })
            .count()
    };
    pager.at_minute(5 * 24 * 60 - 61).await;
    assert_eq!(digests(&pager), 0);
    pager.at_minute(5 * 24 * 60 - 60).await;
    assert_eq!(digests(&pager), 1);
    assert!(
        pager
            .entries(EntryKind::Reminder)
            .await
            .contains(&"listed in the weekly digest of open incidents".to_string())
    );
    pager.at_minute(12 * 24 * 60 - 60).await;
    assert_eq!(digests(&pager), 2, "and again the Monday after");
}

#[tokio::test]
async fn a_direct_message_that_fails_is_recorded_and_the_channel_page_still_counts() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager
        .chat
        .no_direct
        .store(true, std::sync::atomic::Ordering::SeqCst);
    pager.say("U1", "/incident p1 checkout returns 502").await;
    for minute in [0, 5, 30] {
        pager.at_minute(minute).await;
    }
    assert_eq!(pager.pages().last(), Some(&vec![user("U0LEAD")]));
    let escalated = pager.entries(EntryKind::Escalated).await;
    assert!(
        escalated[2].contains(
            "paged slack:U0LEAD (direct message failed: U0LEAD: cannot message this user)"
        ),
        "{escalated:?}"
    );
}

/// A chat platform whose posts never return: the worker posting stops there, as a process
/// killed mid-post does once its future is dropped. `reached` says a post got that far.
#[derive(Default)]
struct Stuck {
    reached: tokio::sync::Notify,
}

#[async_trait::async_trait]
impl crate::ports::Notifier for Stuck {
    async fn notify(
        &self,
        _: &Recipient,
        _: &[Mention],
        _: &crate::Reply,
    ) -> Result<String, crate::ports::NotifyError> {
        self.reached.notify_one();
        std::future::pending().await
    }
}

/// A chat platform that answers no post until `want` posts are in flight at once: it proves
/// the jobs of a claim fire together, and deadlocks (caught by a timeout) if they do not.
struct Together {
    want: usize,
    in_flight: tokio::sync::watch::Sender<usize>,
    chat: FakeNotifier,
}

#[async_trait::async_trait]
impl crate::ports::Notifier for Together {
    async fn notify(
        &self,
        to: &Recipient,
        mentions: &[Mention],
        reply: &crate::Reply,
    ) -> Result<String, crate::ports::NotifyError> {
        let mut all_in = self.in_flight.subscribe();
        self.in_flight.send_modify(|n| *n += 1);
        let _ = all_in.wait_for(|n| *n >= self.want).await;
        self.chat.notify(to, mentions, reply).await
    }
}

/// The incident's pending escalation levels (0-based), soonest first.
async fn pending_levels(pager: &Pager) -> Vec<(u32, i64)> {
    let pending = pager.core.schedule.pending(Some(IncidentId(1))).await;
    (pending.unwrap().into_iter())
        .filter(|j| j.kind == super::JobKind::Escalate)
        .map(|j| (j.level, (j.due - pager.start).num_seconds()))
        .collect()
}

#[tokio::test]
async fn a_worker_whose_claim_was_taken_over_stands_down_without_posting() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.say("U1", "/incident p1 checkout returns 502").await;
    let schedule = &pager.core.schedule;
    let stale = schedule
        .claim(pager.clock.now(), "worker-1", super::LEASE, 10)
        .await
        .unwrap();
    assert_eq!(stale.len(), 1);
    // worker-1 stalls past its lease; worker-2 claims the job, then worker-1 wakes up.
    pager.clock.advance(super::LEASE);
    let taken = schedule
        .claim(pager.clock.now(), "worker-2", super::LEASE, 10)
        .await
        .unwrap();
    assert_eq!(taken, stale, "the lapsed claim is worker-2's now");
    let outcome = super::fire(&pager.core, &pager.outbox, &stale[0], "worker-1")
        .await
        .unwrap();
    assert_eq!(outcome, JobOutcome::LostClaim);
    assert!(pager.pages().is_empty(), "worker-1 posted nothing");
    assert_eq!(
        pending_levels(&pager).await,
        Vec::new(),
        "nor planned the next level"
    );
    let outcome = super::fire(&pager.core, &pager.outbox, &taken[0], "worker-2")
        .await
        .unwrap();
    assert!(matches!(outcome, JobOutcome::Fired { .. }), "{outcome:?}");
    assert_eq!(pager.pages(), vec![vec![group("S0ONCALL")]]);
    assert_eq!(pending_levels(&pager).await, [(1, 5 * 60)]);
}

#[tokio::test]
async fn a_claim_that_ran_out_unclaimed_is_not_posted_by_its_worker_nor_lost() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.say("U1", "/incident p1 checkout returns 502").await;
    let stale = (pager.core.schedule)
        .claim(pager.clock.now(), "worker-1", super::LEASE, 10)
        .await
        .unwrap();
    pager.clock.advance(super::LEASE);
    let outcome = super::fire(&pager.core, &pager.outbox, &stale[0], "worker-1")
        .await
        .unwrap();
    assert_eq!(outcome, JobOutcome::LostClaim);
    assert!(pager.pages().is_empty());
    // Nothing was recorded as its end, so the next claim (anyone's) fires it.
    pager.tick().await;
    assert_eq!(pager.pages(), vec![vec![group("S0ONCALL")]]);
}

#[tokio::test]
async fn the_next_level_is_pending_once_a_level_fires_even_if_its_post_never_returns() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.say("U1", "/incident p1 checkout returns 502").await;
    let stuck = Arc::new(Stuck::default());
    let dying = Outbox {
        notifiers: vec![(Platform::Slack, stuck.clone() as _)],
        cards: None,
    };
    // worker-0 fires level 1 and is killed during the post.
    tokio::select! {
        _ = run_due(&pager.core, &dying, "worker-0", 10) => panic!("the post never returns"),
        () = stuck.reached.notified() => {}
    }
    assert_eq!(
        pending_levels(&pager).await,
        [(1, 5 * 60)],
        "level 2 was planned before the post, at its own time"
    );
    // worker-1 (the pager's) carries on. worker-0's claim holds for its lease: not before.
    pager.clock.advance(super::LEASE - TimeDelta::seconds(1));
    pager.tick().await;
    assert!(pager.pages().is_empty());
    // Then level 1 is fired again: the at-least-once window is the lease. It plans nothing
    // again: level 2 is still the one pending row.
    pager.clock.advance(TimeDelta::seconds(1));
    pager.tick().await;
    assert_eq!(pager.pages(), vec![vec![group("S0ONCALL")]]);
    assert_eq!(pending_levels(&pager).await, [(1, 5 * 60)]);
    pager.at_minute(5).await;
    pager.at_minute(30).await;
    pager.at_minute(120).await;
    assert_eq!(
        pager.pages(),
        vec![
            vec![group("S0ONCALL")],
            vec![group("S0ONCALL")],
            vec![user("U0LEAD")]
        ],
        "every later level on time and once"
    );
    assert_eq!(pager.entries(EntryKind::Escalated).await.len(), 3);
}

#[tokio::test]
async fn the_next_level_is_pending_once_a_level_fires_even_if_its_post_fails() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.say("U1", "/incident p1 checkout returns 502").await;
    pager.chat.fail(true);
    let outcomes = pager.at_minute(0).await;
    assert!(
        matches!(outcomes[..], [JobOutcome::Failed { .. }]),
        "{outcomes:?}"
    );
    assert_eq!(pending_levels(&pager).await, [(1, 5 * 60)]);
    // The platform stays down past level 2's time: both levels are tried again each minute,
    // and neither plans anything twice.
    pager.at_minute(1).await;
    pager.at_minute(5).await;
    assert_eq!(pending_levels(&pager).await, [(2, 30 * 60)]);
    pager.chat.fail(false);
    pager.at_minute(6).await;
    assert_eq!(
        pager.pages(),
        vec![vec![group("S0ONCALL")], vec![group("S0ONCALL")]]
    );
    pager.at_minute(30).await;
    pager.at_minute(120).await;
    assert_eq!(pager.pages().len(), 3);
    assert_eq!(pager.entries(EntryKind::Escalated).await.len(), 3);
}

#[tokio::test]
async fn the_jobs_of_a_claim_fire_together() {
    const INCIDENTS: usize = 12;
    let pager = Pager::new("2026-11-18T10:00:00Z");
    for n in 0..INCIDENTS {
        let inv = Invocation {
            channel: ChannelRef::new(Platform::Slack, "T1", &format!("C{n:02}")),
            actor: "U1".into(),
            groups: Vec::new(),
            text: format!("/incident p1 checkout returns 502 in C{n:02}"),
        };
        pager.core.execute(&inv).await.unwrap();
    }
    let together = Arc::new(Together {
        want: INCIDENTS,
        in_flight: tokio::sync::watch::channel(0).0,
        chat: FakeNotifier::default(),
    });
    let outbox = Outbox {
        notifiers: vec![(Platform::Slack, together.clone() as _)],
        cards: None,
    };
    let limit = u32::try_from(INCIDENTS).unwrap();
    // A bound, not a pause: one after another, the first post would wait forever.
    let done = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        run_due(&pager.core, &outbox, "worker-1", limit),
    )
    .await
    .expect("the claimed jobs were fired one after another, not together")
    .unwrap();
    assert_eq!(done.len(), INCIDENTS);
    assert!(
        done.iter()
            .all(|(_, r)| matches!(r, Ok(JobOutcome::Fired { .. })))
    );
    assert_eq!(together.chat.texts().len(), INCIDENTS);
}
