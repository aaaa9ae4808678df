//! Confirmation cards on Discord end to end: who may confirm, that the operation runs once,
//! and that the card only ever shows who approved and the outcome.

use serde_json::json;
use warroom_tests::discord::{click, first_button};
use warroom_tests::discord_app::{
    ALICE, APP, BOB, CAROL, CHANNEL, ONCALL_ROLE, rollback_requested,
};
use warroom_tests::golden;
use warroom_tests::stand_in;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_card_is_confirmed_by_a_member_of_the_oncall_role_and_runs_once() {
    let scripts = tempfile::tempdir().unwrap();
    let (h, card) = rollback_requested(scripts.path()).await;
    golden::check("discord/confirmation.json", &golden::masked_json(&card));
    let custom_id = first_button(&card);
    assert!(custom_id.starts_with("warroom:confirm:"), "{custom_id}");

    // Alice may not approve her own; Carol, on call through her role, may.
    let (_, answer) = h
        .discord
        .post(&click(ALICE, &[], CHANNEL, &card, &custom_id))
        .await;
    assert_eq!(answer, json!({ "type": 6 }));
    let refused = h
        .fake
        .wait_for("POST", &format!("/webhooks/{APP}/"), 1)
        .await;
    assert!(
        refused[0]
            .body
            .to_string()
            .contains("needs a second person"),
        "{:?}",
        refused[0].body
    );
    assert_eq!(stand_in::calls(scripts.path()).len(), 0);

    h.discord
        .post(&click(CAROL, &[ONCALL_ROLE], CHANNEL, &card, &custom_id))
        .await;
    // The card, Carol's "approved this", the outcome: Alice's refused click edited nothing.
    let edits = h.fake.wait_for("PATCH", "/messages/@original", 3).await;
    let texts: Vec<String> = edits.iter().map(|e| e.body.to_string()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts
            .iter()
            .all(|t| !t.contains(&format!("<@{ALICE}> approved"))),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains(&format!("<@{CAROL}> approved this at"))),
        "{texts:?}"
    );
    let outcome = &edits.last().unwrap().body;
    assert!(outcome.to_string().contains("✅ api/rollback"), "{outcome}");
    assert_eq!(outcome["components"], json!([]));
    golden::check("discord/outcome.json", &golden::masked_json(outcome));
    assert_eq!(stand_in::calls(scripts.path()).len(), 1);

    h.discord
        .post(&click(BOB, &[], CHANNEL, &card, &custom_id))
        .await;
    let refused = h
        .fake
        .wait_for("POST", &format!("/webhooks/{APP}/"), 2)
        .await;
    assert!(
        refused[1].body.to_string().contains("Already confirmed"),
        "{:?}",
        refused[1].body
    );
    assert_eq!(stand_in::calls(scripts.path()).len(), 1);
    let _ = &h.dir;
}
