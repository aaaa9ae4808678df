//! Reminders that are not pages: status updates (which a snooze postpones), the post-mortem,
//! and the weekly digest.

use super::*;

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
async fn the_weekly_digest_lists_open_incidents_and_comes_back_a_week_later() {
    // Wednesday 10:00; the digest is due on Monday at 09:00.
    let mut pager = Pager::new("2026-11-18T10:00:00Z");
    pager.core.escalation.digest = Some(crate::escalation::Weekly {
        day: chrono::Weekday::Mon,
        at: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        channel: ChannelRef::new(Platform::Slack, "", "C0DIGEST"),
    });
    pager.say("U1", "/incident p2 search is slow").await;
    pager.say("U1", "/incident ack").await;
    let planned = crate::escalation::plan::digest(&pager.core)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(planned.due.to_rfc3339(), "2026-11-23T09:00:00+00:00");
    assert_eq!(
        crate::escalation::plan::digest(&pager.core).await.unwrap(),
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
async fn a_snooze_postpones_reminders_but_never_a_page() {
    let pager = Pager::new("2026-11-18T10:00:00Z");
    pager.at_minute(0).await;
    pager.say("U1", "/incident p1 checkout returns 502").await;
    pager.at_minute(0).await;
    assert_eq!(pager.pages(), vec![vec![group("S0ONCALL")]]);
    // Nobody acknowledged; someone snoozes for a day, which must not silence escalation.
    pager.at_minute(1).await;
    let said = pager.say("U2", "/incident snooze 24h").await;
    assert!(said.contains("snoozed status-update reminders"), "{said}");
    pager.at_minute(4).await;
    assert_eq!(pager.pages().len(), 1, "level 2 is due at 5 minutes");
    pager.at_minute(5).await;
    assert_eq!(
        pager.pages(),
        vec![vec![group("S0ONCALL")], vec![group("S0ONCALL")]],
        "level 2 pages although the incident is snoozed"
    );
    pager.at_minute(30).await;
    assert_eq!(pager.pages().last(), Some(&vec![user("U0LEAD")]));
    assert_eq!(pager.entries(EntryKind::Snoozed).await.len(), 1);
}
