//! Slack's Events API end to end: the URL's challenge, and pinned messages joining the
//! incident's timeline.

use std::time::Duration;

use serde_json::{Value, json};
use warroom_commands::ports::IncidentStore;
use warroom_tests::replica::until;
use warroom_tests::slack_app::{ALICE, BOB, CAROL, CHANNEL, start};

/// Slack checks the events URL once with a signed challenge, and takes the URL only when the
/// challenge comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_events_url_echoes_its_challenge() {
    let h = start("").await;
    let challenge =
        json!({ "type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV" });
    let (status, answer) = h
        .slack
        .post_for_answer("/slack/events", "application/json", &challenge.to_string())
        .await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_str(&answer).expect("a JSON answer");
    assert_eq!(answer, json!({ "challenge": "3eZbrw1aBm2rZgRNFdxV" }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_message_joins_the_timeline_with_its_own_author_and_time() {
    let h = start("").await;
    h.command(ALICE, "/incident", "p2 search is slow").await;
    h.fake.wait_for("chat.postMessage", 1).await;
    let said_at = "1700000100.000200";
    h.fake
        .add_message(CHANNEL, said_at, CAROL, "EU pool answers 502 since 03:02");
    let event = |kind: &str, reaction: &str| {
        json!({
            "type": "event_callback", "team_id": "T0WARROOM", "api_app_id": "A0WARROOM",
            "event_id": format!("Ev{kind}{reaction}"), "event_time": 1_700_000_200,
            "event": {
                "type": kind, "user": BOB, "reaction": reaction,
                "item": { "type": "message", "channel": CHANNEL, "ts": said_at },
                "item_user": CAROL, "event_ts": "1700000200.000100"
            }
        })
        .to_string()
    };
    let timeline = || async {
        h.app
            .store
            .timeline(warroom_commands::incident::IncidentId(1))
            .await
            .unwrap()
    };
    let wait_for_entries =
        |n: usize| until(Duration::from_secs(5), timeline, move |e| e.len() >= n);

    // Another emoji means nothing; the pin puts Carol's words on the timeline at her time.
    assert_eq!(
        h.slack
            .post(
                "/slack/events",
                "application/json",
                &event("reaction_added", "eyes")
            )
            .await,
        200
    );
    assert_eq!(
        h.slack
            .post(
                "/slack/events",
                "application/json",
                &event("reaction_added", "pushpin")
            )
            .await,
        200
    );
    wait_for_entries(2).await;
    // Both reactions have run (nothing is waiting in the inbox): the eyes added nothing.
    let idle = until(
        Duration::from_secs(5),
        || h.app.store.inbox_waiting(),
        |waiting| waiting.as_ref().is_ok_and(|n| *n == 0),
    )
    .await;
    assert_eq!(idle.unwrap(), 0);
    let entries = timeline().await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let pinned = &entries[0];
    assert_eq!(pinned.actor, CAROL);
    assert_eq!(pinned.at.timestamp(), 1_700_000_100);
    assert_eq!(
        pinned.text,
        format!("EU pool answers 502 since 03:02 (pinned by {BOB})")
    );

    let edited = json!({
        "type": "event_callback", "team_id": "T0WARROOM",
        "event": {
            "type": "message", "subtype": "message_changed", "channel": CHANNEL,
            "message": { "type": "message", "user": CAROL, "ts": said_at,
                         "text": "EU pool answers 502 since 03:01",
                         "reactions": [{ "name": "pushpin", "users": [BOB], "count": 1 }] },
            "previous_message": { "type": "message", "user": CAROL, "ts": said_at,
                                  "text": "EU pool answers 502 since 03:02" }
        }
    });
    h.slack
        .post("/slack/events", "application/json", &edited.to_string())
        .await;
    let entries = wait_for_entries(3).await;
    assert!(
        entries[2].text.starts_with("edited the pinned message of")
            && entries[2].text.ends_with("since 03:01"),
        "{entries:?}"
    );
    h.slack
        .post(
            "/slack/events",
            "application/json",
            &event("reaction_removed", "pushpin"),
        )
        .await;
    let entries = wait_for_entries(4).await;
    assert!(
        entries[3]
            .text
            .starts_with(&format!("unpinned the message of {CAROL}")),
        "{entries:?}"
    );
    assert_eq!(entries[3].actor, BOB);
    // The pinned words are still there: the timeline is only ever added to.
    assert_eq!(timeline().await[0].text, pinned.text);
}
