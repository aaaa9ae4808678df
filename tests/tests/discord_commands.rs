//! Discord application commands end to end over the HTTP interactions endpoint (and the
//! gateway): interactions signed with a key made for the test into the real server, replies
//! recorded by a fake Discord REST API on loopback; and interactions warroom did not make,
//! refused.

use std::time::Duration;

use serde_json::json;
use warroom_tests::db::inbox_rows;
use warroom_tests::discord::{FakeDiscord, click, command};
use warroom_tests::discord_app::{ALICE, APP, BOB, CHANNEL, start, start_with};
use warroom_tests::golden;
use warroom_tests::replica::until;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_registered_once_and_answered_in_place_or_only_to_the_caller() {
    let h = start(
        r#"
[services.api]
environment = "production"
[services.api-staging]
environment = "staging"
"#,
    )
    .await;
    let put = h
        .fake
        .wait_for("PUT", &format!("/applications/{APP}/commands"), 1)
        .await;
    let names: Vec<&str> = put[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"incident") && names.contains(&"rollback"),
        "{names:?}"
    );
    // Commands that change a service are shown to members with Manage Server until an admin
    // opens them to a role; counts are whole numbers within the parser's bounds.
    let registered = |name: &str| {
        put[0]
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(registered("rollback")["default_member_permissions"], "32");
    assert!(
        registered("health")
            .get("default_member_permissions")
            .is_none()
    );
    let count = registered("scale")["options"][1].clone();
    assert_eq!(
        (&count["type"], &count["min_value"], &count["max_value"]),
        (&json!(4), &json!(0), &json!(1000))
    );

    let (status, pong) = h
        .discord
        .post(&json!({ "type": 1, "id": "1", "application_id": APP, "token": "t", "version": 1 }))
        .await;
    assert_eq!((status, pong), (200, json!({ "type": 1 })));

    let declare = json!({ "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p1" }, { "name": "title", "type": 3, "value": "checkout returns 502" } ] }] });
    let (status, deferred) = h.discord.post(&command(ALICE, &[], CHANNEL, declare)).await;
    assert_eq!((status, deferred), (200, json!({ "type": 5 })));
    let edited = h.fake.wait_for("PATCH", "/messages/@original", 1).await;
    let card = &edited[0].body;
    assert_eq!(
        card["embeds"][0]["title"],
        "🔴 INC-1 P1 · checkout returns 502"
    );
    assert_eq!(card["embeds"][0]["color"], 0xD3_2F2F);
    golden::check("discord/incident_declared.json", &golden::masked_json(card));

    // A change redraws the card in place and answers the command that made it.
    let ack = json!({ "name": "incident", "type": 1, "options": [{ "name": "ack", "type": 1, "options": [] }] });
    h.discord.post(&command(BOB, &[], CHANNEL, ack)).await;
    let card_path = format!("/channels/{CHANNEL}/messages/1100000000000000001");
    let redrawn = h.fake.wait_for("PATCH", &card_path, 1).await;
    assert!(
        redrawn[0]
            .body
            .to_string()
            .contains(&format!("by <@{BOB}>")),
        "{:?}",
        redrawn[0].body
    );
    let answered = h.fake.wait_for("PATCH", "/messages/@original", 2).await;
    assert!(
        answered[1].body.to_string().contains("acknowledged"),
        "{:?}",
        answered[1].body
    );

    // The lead is picked from the server's members and shown as the member's id, as the card
    // shows who declared.
    let lead = json!({ "name": "incident", "type": 1, "options": [{ "name": "lead", "type": 1, "options": [
        { "name": "who", "type": 6, "value": ALICE } ] }] });
    h.discord.post(&command(BOB, &[], CHANNEL, lead)).await;
    let redrawn = h.fake.wait_for("PATCH", &card_path, 2).await;
    let fields = redrawn[1].body["embeds"][0]["fields"].as_array().unwrap();
    let lead = fields.iter().find(|f| f["name"] == "Lead").unwrap();
    assert_eq!(lead["value"], ALICE);
    h.fake.wait_for("PATCH", "/messages/@original", 3).await;

    // A mistake goes to the caller only: the public "thinking…" is removed.
    let typo = json!({ "name": "health", "type": 1, "options": [{ "name": "service", "type": 3, "value": "apj" }] });
    h.discord.post(&command(BOB, &[], CHANNEL, typo)).await;
    let followups = h
        .fake
        .wait_for("POST", &format!("/webhooks/{APP}/"), 1)
        .await;
    assert_eq!(followups[0].body["flags"], 64);
    assert_eq!(followups[0].body["embeds"][0]["color"], 0xD3_2F2F);
    golden::check(
        "discord/error.json",
        &golden::masked_json(&followups[0].body),
    );
    assert!(
        followups[0]
            .body
            .to_string()
            .contains("Did you mean `api`?"),
        "{:?}",
        followups[0].body
    );
    assert_eq!(h.fake.calls_to("DELETE", "/messages/@original").len(), 1);

    // Service names are offered as they are typed.
    let typing = json!({ "name": "health", "type": 1, "options": [{ "name": "service", "type": 3, "value": "api-", "focused": true }] });
    let mut auto = command(BOB, &[], CHANNEL, typing);
    auto["type"] = json!(4);
    let (_, choices) = h.discord.post(&auto).await;
    assert_eq!(
        choices,
        json!({ "type": 8, "data": { "choices": [{ "name": "api-staging", "value": "api-staging" }] } })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_output_is_cut_in_the_embed_and_attached_whole() {
    let scripts = tempfile::tempdir().unwrap();
    let pods = scripts.path().join("pods");
    std::fs::write(&pods, "#!/bin/sh\nseq 1 500\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pods, std::fs::Permissions::from_mode(0o755)).unwrap();
    let h = start(&format!(
        "[services.api]\nenvironment = \"production\"\n[services.api.actions.pods]\nargv = [\"{}\"]\nrisk = \"read\"\n",
        pods.display()
    ))
    .await;
    let run = json!({ "name": "run", "type": 1, "options": [
        { "name": "service", "type": 3, "value": "api" }, { "name": "action", "type": 3, "value": "pods" } ] });
    h.discord.post(&command(ALICE, &[], CHANNEL, run)).await;
    let shown = h.fake.wait_for("PATCH", "/messages/@original", 1).await;
    let description = shown[0].body["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(description.contains("more lines"), "{description}");
    let file = h
        .fake
        .wait_for("POST", &format!("/webhooks/{APP}/"), 1)
        .await;
    let upload = file[0].body.as_str().unwrap_or_default();
    assert!(upload.contains("filename=\"api-pods.txt\""), "{upload}");
    assert!(
        upload.contains("\n250\n") && upload.contains("\n500\n"),
        "the whole output is in the file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaring_opens_a_thread_where_the_incident_is_worked() {
    let h = start_with("incident_thread = \"thread\"", "").await;
    let declare = json!({ "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p2" }, { "name": "title", "type": 3, "value": "search is slow" } ] }] });
    h.discord.post(&command(ALICE, &[], CHANNEL, declare)).await;
    let opened = h
        .fake
        .wait_for("POST", &format!("/channels/{CHANNEL}/threads"), 1)
        .await;
    assert_eq!(opened[0].body["name"], "incident: search is slow");
    let thread = "1100000000000000001";
    let card = h
        .fake
        .wait_for("POST", &format!("/channels/{thread}/messages"), 1)
        .await;
    assert!(
        card[0]
            .body
            .to_string()
            .contains("INC-1 P2 · search is slow"),
        "{:?}",
        card[0].body
    );
    let pointer = h.fake.wait_for("PATCH", "/messages/@original", 1).await;
    assert!(
        pointer[0]
            .body
            .to_string()
            .contains(&format!("worked in <#{thread}>")),
        "{:?}",
        pointer[0].body
    );

    // Commands typed in the thread work the incident, and its card follows.
    let note = json!({ "name": "incident", "type": 1, "options": [{ "name": "note", "type": 1, "options": [
        { "name": "text", "type": 3, "value": "replica lag 40s" } ] }] });
    h.discord.post(&command(BOB, &[], thread, note)).await;
    let answered = h.fake.wait_for("PATCH", "/messages/@original", 2).await;
    assert!(
        answered[1].body.to_string().contains("replica lag 40s"),
        "{:?}",
        answered[1].body
    );
    h.fake
        .wait_for(
            "PATCH",
            &format!("/channels/{thread}/messages/1100000000000000001"),
            1,
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_mode_runs_the_same_commands_without_a_public_url() {
    warroom::server::install_crypto_provider();
    let fake = FakeDiscord::start().await;
    let gateway = warroom_tests::discord::FakeGateway::start().await;
    fake.set_gateway_url(&gateway.url);
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[database]\nurl = \"sqlite://{}/warroom.db\"\n[discord]\nmode = \"gateway\"\nbot_token = \"gateway-bot-token\"\napplication_id = \"{APP}\"\napi_url = \"{}\"\n[access.roles]\neveryone = [\"*\"]\n[[access.rules]]\nrole = \"everyone\"\nallow = [\"read\", \"incident\"]\n",
        dir.path().display(),
        fake.api_url()
    );
    let _serving = warroom_tests::serve_in_process(&text).await;
    until(
        Duration::from_secs(5),
        || async { gateway.identified() },
        |identified| !identified.is_empty(),
    )
    .await;
    let identified = gateway.identified();
    assert_eq!(identified.len(), 1, "warroom identifies once");
    assert!(
        identified[0]["token"]
            .as_str()
            .unwrap_or_default()
            .contains("gateway-bot-token")
    );

    let declare = json!({ "id": "1210000000000000001", "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p3" }, { "name": "title", "type": 3, "value": "slow exports" } ] }] });
    let interaction = command(ALICE, &[], CHANNEL, declare);
    gateway.dispatch(interaction.clone());
    let callback = fake.wait_for("POST", "/callback", 1).await;
    assert_eq!(
        callback[0].path,
        format!(
            "/interactions/{}/{}/callback",
            interaction["id"].as_str().unwrap(),
            interaction["token"].as_str().unwrap()
        )
    );
    assert_eq!(callback[0].body, json!({ "type": 5 }));
    let shown = fake.wait_for("PATCH", "/messages/@original", 1).await;
    assert!(
        shown[0]
            .body
            .to_string()
            .contains("INC-1 P3 · slow exports"),
        "{:?}",
        shown[0].body
    );
}

/// Discord can be asked to edit the original response before it has taken warroom's deferred
/// response, and answers 404 then: the answer is tried again until it lands, and the card it
/// shows is remembered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_reaches_discord_before_its_deferred_response_is_tried_again() {
    let h = start("").await;
    h.fake.original_late(2);
    let declare = json!({ "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p2" }, { "name": "title", "type": 3, "value": "search is slow" } ] }] });
    let (status, _) = h.discord.post(&command(ALICE, &[], CHANNEL, declare)).await;
    assert_eq!(status, 200);
    let edits = h.fake.wait_for("PATCH", "/messages/@original", 3).await;
    assert_eq!(edits.len(), 3, "two refused, then the one that landed");
    assert!(edits.iter().all(|e| e.body == edits[2].body));
    assert_eq!(
        edits[2].body["embeds"][0]["title"],
        "🟠 INC-1 P2 · search is slow"
    );
}

/// An interaction of a type warroom does not take, or a click on a component warroom did not
/// make, is refused with 400 before it is recorded, so nothing can run it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactions_not_of_warroom_are_refused_and_recorded_nowhere() {
    let h = start("").await;
    let (status, _) = h.discord.post(&json!({ "type": 99, "token": "x" })).await;
    assert_eq!(status, 400, "unknown interaction type");
    let card = json!({ "embeds": [], "components": [] });
    let (status, _) = h
        .discord
        .post(&click(
            BOB,
            &[],
            CHANNEL,
            &card,
            "warroom:rollback:abcd1234",
        ))
        .await;
    assert_eq!(status, 400, "tampered custom id");
    let (status, _) = h
        .discord
        .post(&click(BOB, &[], CHANNEL, &card, "warroom:confirm:'; DROP"))
        .await;
    assert_eq!(status, 400, "tampered token");
    assert_eq!(
        inbox_rows(&h.app.store).await,
        0,
        "nothing was recorded to run"
    );
    assert!(h.fake.calls_to("POST", "/webhooks/").is_empty());
}
