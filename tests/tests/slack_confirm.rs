//! Confirmation cards on Slack end to end: who may confirm, that the operation runs once, and
//! that the shared card only ever shows who approved and the outcome.

use warroom_tests::binary::confirmation_token;
use warroom_tests::golden;
use warroom_tests::slack::Card;
use warroom_tests::slack_app::{
    ALICE, BOB, CAROL, CHANNEL, MALLORY, rollback_requested, shown, start,
};
use warroom_tests::stand_in;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_card_is_confirmed_by_a_second_person_and_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let (h, card) = rollback_requested(dir.path()).await;
    golden::check("slack/confirmation.json", &golden::masked_json(&card));
    let buttons = &card["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .expect("Confirm and Cancel buttons")["elements"];
    let token = buttons[0]["value"].as_str().unwrap().to_string();
    assert_eq!(buttons[0]["action_id"], "warroom:confirm");
    let ts = "1700000000.000001";
    let respond = h.fake.response_url(2);
    let on_card = Card {
        channel: CHANNEL,
        message: &card,
        ts,
        response_url: &respond,
    };

    // The requester may not approve their own production rollback.
    let status = h
        .slack
        .click(ALICE, &on_card, "warroom:confirm", &token)
        .await;
    assert_eq!(status, 200);
    let refused = h.fake.wait_for("response_url", 1).await;
    assert!(
        shown(&refused[0].body).contains("needs a second person"),
        "{refused:?}"
    );
    assert!(stand_in::calls(dir.path()).is_empty());

    // Bob approves: the card says so, then shows the outcome; the rollback ran once.
    h.slack
        .click(BOB, &on_card, "warroom:confirm", &token)
        .await;
    let updates = h.fake.wait_for("chat.update", 2).await;
    assert_eq!(
        updates.len(),
        2,
        "the refused click never touched the card: {updates:?}"
    );
    let progress = shown(&updates[0].body);
    assert!(
        progress.contains(&format!("<@{BOB}> approved this at")),
        "{progress}"
    );
    assert!(!progress.contains("warroom:confirm"), "{progress}");
    let outcome = &updates[1].body;
    assert_eq!(outcome["ts"], ts);
    assert!(shown(outcome).contains("✅ api/rollback"), "{outcome}");
    assert!(
        shown(outcome).contains(&format!("confirmed by <@{BOB}>")),
        "{outcome}"
    );
    golden::check("slack/outcome.json", &golden::masked_json(outcome));
    assert_eq!(
        stand_in::calls(dir.path()),
        ["-n prod rollout undo deployment/api"]
    );

    // A second click, even a quick one by someone allowed, runs nothing.
    h.slack
        .click(BOB, &on_card, "warroom:confirm", &token)
        .await;
    let refused = h.fake.wait_for("response_url", 2).await;
    assert!(
        shown(&refused[1].body).contains("Already confirmed by U0BOB"),
        "{refused:?}"
    );
    assert_eq!(stand_in::calls(dir.path()).len(), 1);
}

/// Twenty-five people press Confirm on one card at once: the rollback runs once, the card's
/// last edit is the outcome, and no edit of the shared card names anyone but the approver.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_five_clicks_on_one_card_run_once_and_the_card_ends_on_the_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let (h, card) = rollback_requested(dir.path()).await;
    let token = card["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .and_then(|b| b["elements"][0]["value"].as_str())
        .expect("the Confirm button's token")
        .to_string();
    let respond = h.fake.response_url(2);
    let on_card = Card {
        channel: CHANNEL,
        message: &card,
        ts: "1700000000.000001",
        response_url: &respond,
    };
    // Bob may approve (three times over), Alice requested it, the others are not on call.
    let mut clickers = vec![BOB, BOB, BOB, ALICE, ALICE];
    let others: Vec<String> = (0..20).map(|n| format!("U0WATCHER{n:02}")).collect();
    clickers.extend(others.iter().map(String::as_str));
    let clicks = clickers
        .iter()
        .map(|who| h.slack.click(who, &on_card, "warroom:confirm", &token));
    let statuses = futures_util::future::join_all(clicks).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");

    // Every refused click is told, to the clicker alone.
    let refusals = h.fake.wait_for("response_url", 24).await;
    assert_eq!(refusals.len(), 24, "{refusals:#?}");
    let updates = h.fake.wait_for("chat.update", 2).await;
    assert_eq!(
        stand_in::calls(dir.path()).len(),
        1,
        "the rollback ran once"
    );
    assert_eq!(updates.len(), 2, "progress, then outcome: {updates:#?}");
    let last = shown(&updates[1].body);
    assert!(last.contains("✅ api/rollback"), "{last}");
    for update in &updates {
        let text = shown(&update.body);
        // Alice is named as the requester; never as someone who pressed a button.
        assert!(!text.contains(&format!("<@{ALICE}> approved")), "{text}");
        assert!(!text.contains("U0WATCHER"), "{text}");
        assert!(!text.contains("warroom:confirm"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_of_the_oncall_user_group_may_confirm_and_others_may_not() {
    let dir = tempfile::tempdir().unwrap();
    let kubectl = stand_in::script(dir.path(), 1);
    let h = start(&format!(
        r#"
[services.api]
environment = "production"
[services.api.restart]
argv = ["{kubectl}", "rollout", "restart", "deployment/api"]
"#
    ))
    .await;
    h.fake
        .set_user_groups(&[("S0ONCALL", &[CAROL]), ("S0SALES", &[MALLORY])]);

    h.command(ALICE, "/restart", "api").await;
    let card = h.fake.wait_for("chat.postMessage", 1).await.remove(0).body;
    let token = confirmation_token(&card.to_string());
    let respond = h.fake.response_url(3);
    let on_card = Card {
        channel: CHANNEL,
        message: &card,
        ts: "1700000000.000001",
        response_url: &respond,
    };
    h.slack
        .click(MALLORY, &on_card, "warroom:confirm", &token)
        .await;
    let refused = h.fake.wait_for("response_url", 1).await;
    assert!(
        shown(&refused[0].body).contains("You may not approve destructive commands on api"),
        "{refused:?}"
    );
    assert!(stand_in::calls(dir.path()).is_empty());

    h.slack
        .click(CAROL, &on_card, "warroom:confirm", &token)
        .await;
    // Carol's "approved this", then the outcome; Mallory's refused click edited nothing.
    let updates = h.fake.wait_for("chat.update", 2).await;
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(
        shown(&updates[1].body).contains("✅ api/restart"),
        "{updates:?}"
    );
    assert_eq!(
        stand_in::calls(dir.path()),
        ["rollout restart deployment/api"]
    );
    // One read of the groups served every click within the minute.
    assert_eq!(h.fake.calls_to("usergroups.list").len(), 1);
}
