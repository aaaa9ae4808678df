//! Escalation levels: who is paged when, what stops them, quiet hours and retries.

use super::*;

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
        .claim(pager.clock.now(), "worker-1", crate::escalation::LEASE, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    pager.say("U2", "/incident ack").await;
    let outcome = crate::escalation::fire(&pager.core, &pager.outbox, &claimed[0], "worker-1")
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
