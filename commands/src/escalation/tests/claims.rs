//! Pages exactly once across workers: claims, take-overs, and levels planned before a post
//! returns.

use super::*;

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
        .filter(|j| j.kind == crate::escalation::JobKind::Escalate)
        .map(|j| (j.level, (j.due - pager.start).num_seconds()))
        .collect()
}

#[tokio::test]
async fn a_worker_whose_claim_was_taken_over_stands_down_without_posting() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.say("U1", "/incident p1 checkout returns 502").await;
    let schedule = &pager.core.schedule;
    let stale = schedule
        .claim(pager.clock.now(), "worker-1", crate::escalation::LEASE, 10)
        .await
        .unwrap();
    assert_eq!(stale.len(), 1);
    // worker-1 stalls past its lease; worker-2 claims the job, then worker-1 wakes up.
    pager.clock.advance(crate::escalation::LEASE);
    let taken = schedule
        .claim(pager.clock.now(), "worker-2", crate::escalation::LEASE, 10)
        .await
        .unwrap();
    assert_eq!(taken, stale, "the lapsed claim is worker-2's now");
    let outcome = crate::escalation::fire(&pager.core, &pager.outbox, &stale[0], "worker-1")
        .await
        .unwrap();
    assert_eq!(outcome, JobOutcome::LostClaim);
    assert!(pager.pages().is_empty(), "worker-1 posted nothing");
    assert_eq!(
        pending_levels(&pager).await,
        Vec::new(),
        "nor planned the next level"
    );
    let outcome = crate::escalation::fire(&pager.core, &pager.outbox, &taken[0], "worker-2")
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
        .claim(pager.clock.now(), "worker-1", crate::escalation::LEASE, 10)
        .await
        .unwrap();
    pager.clock.advance(crate::escalation::LEASE);
    let outcome = crate::escalation::fire(&pager.core, &pager.outbox, &stale[0], "worker-1")
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
    pager
        .clock
        .advance(crate::escalation::LEASE - TimeDelta::seconds(1));
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
